// The course's perceptron: one linear unit trained with the perceptron rule (w += lr y x on every
// misclassified sample), which is what `losses.perceptron()` with SGD and batch size 1 computes.
// It learns AND and OR, which are linearly separable, and cannot learn XOR.
// Run: node scripts/build.mjs --wasm-only && npx tsx examples/perceptron.ts
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { initSync } from '../src/init.js';
import { Sequential, layers, losses, optimizers, tensor } from '../src/api.js';

/** The four inputs of a two-input logic gate. */
const INPUTS = [0, 0, 0, 1, 1, 0, 1, 1];

/** Truth tables (outputs for INPUTS), labels in {0, 1}. */
export const GATES = { AND: [0, 0, 0, 1], OR: [0, 1, 1, 1], XOR: [0, 1, 1, 0] } as const;

/**
 * Trains a perceptron (a linear Dense(1), no activation) on a gate's truth table for `epochs`
 * passes and returns the fraction of the four inputs it classifies right (output > 0 is class 1).
 */
export async function perceptronAccuracy(labels: readonly number[], epochs = 20): Promise<number> {
  const model = new Sequential([layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })], { seed: 1 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss: losses.perceptron() });
  const x = tensor(INPUTS, [4, 2]);
  await model.fit(x, tensor([...labels], [4, 1]), { epochs, batchSize: 1, shuffle: false, verbose: 0 });
  const out = model.predict(x).data;
  let right = 0;
  for (let i = 0; i < 4; i++) right += (out[i]! > 0 ? 1 : 0) === labels[i] ? 1 : 0;
  return right / 4;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  initSync({ bytes: readFileSync(new URL('../build/tensorlane.wasm', import.meta.url)) });
  for (const [gate, labels] of Object.entries(GATES)) {
    console.log(`${gate}: accuracy ${await perceptronAccuracy(labels)}`);
  }
}

// Layers against PyTorch 1.13 (test/fixtures/layers/layers.json, from scripts/fixtures/layers.py):
// outputs, input and weight gradients of sum(y * dy), and batch norm's moving statistics.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { heap, readF32, writeF32 } from '../../src/backend/memory.js';
import { Input, layers, Tensor, type Shape } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { Rng } from '../../src/random.js';
import { expectClose } from '../util.js';

interface Case {
  x: number[];
  xShape: number[];
  weights: number[][];
  y: number[];
  dy: number[];
  dx: number[];
  dweights: Array<number[] | null>;
  movingMean?: number[];
  movingVariance?: number[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/layers/layers.json', import.meta.url), 'utf8')) as { format: number; cases: Record<string, Case> };

/** Runs a chain of layers forward (training) and backward for dL/dy = dy; returns y, dx and weight gradients. */
function run(stack: Layer[], c: Case): { y: Float32Array; dx: Float32Array; dweights: Float32Array[] } {
  const input = Input({ shape: c.xShape.slice(1) });
  let t = input;
  for (const l of stack) t = l.apply(t);
  const graph = buildGraph([input], t, 'torch');
  let at = 0;
  for (const l of stack) {
    l.setWeights(l.weights.map((w) => new Tensor(Float32Array.from(c.weights[at++]!), w.shape as Shape)));
  }
  const grads = new Map(stack.map((l) => [l, l.weights.map((w) => (w.trainable ? heap().alloc(w.size * 4) : 0))]));
  for (const [l, gs] of grads) gs.forEach((g, i) => g && writeF32(g, new Float32Array(l.weights[i]!.size)));
  const batch = c.xShape[0]!;
  const plan = new Plan(graph, batch, 0, new Map([...grads].flatMap(([l, gs]) => l.weights.map((w, i) => [w, gs[i]!] as const))), true);
  writeF32(plan.inputs[0]!.ptr, c.x);
  const ctx = { training: true, batch, rng: new Rng(1) };
  plan.forward(ctx);
  const y = readF32(plan.output.ptr, c.y.length);
  plan.zeroGrads();
  writeF32(plan.output.grad, c.dy);
  plan.backward(ctx);
  const dx = readF32(plan.inputs[0]!.grad, c.x.length);
  const dweights = stack.flatMap((l) => grads.get(l)!.map((g, i) => (g ? readF32(g, l.weights[i]!.size) : new Float32Array(0))));
  plan.free();
  for (const gs of grads.values()) for (const g of gs) heap().free(g);
  return { y, dx, dweights };
}

function check(name: string, got: ReturnType<typeof run>, c: Case, tol = 2e-5): void {
  expectClose(got.y, c.y, `${name} y`, tol, tol);
  expectClose(got.dx, c.dx, `${name} dx`, tol, tol);
  c.dweights.forEach((want, i) => {
    if (want !== null) expectClose(got.dweights[i]!, want, `${name} dweight ${i}`, tol, tol);
  });
}

describe('layers vs PyTorch', () => {
  test('the fixture has format 1', () => {
    expect(fixture.format).toBe(1);
  });

  test('Dense(relu): x·W + b with W [in, units]', () => {
    const c = fixture.cases.dense_relu!;
    check('dense_relu', run([layers.dense({ units: 5, activation: 'relu' })], c), c);
  });

  test("Conv2D 'same' stride 2 pads like TensorFlow (extra pixel bottom/right)", () => {
    const c = fixture.cases.conv_same_stride2!;
    check('conv_same_stride2', run([layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })], c), c);
  });

  test('conv-relu-BN-pool-dense: outputs, gradients and moving statistics', () => {
    const c = fixture.cases.cnn!;
    const bn = layers.batchNormalization();
    const stack = [layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), bn, layers.maxPooling2d(), layers.flatten(), layers.dense({ units: 3 })];
    check('cnn', run(stack, c), c, 1e-4);
    const [, , movingMean, movingVariance] = bn.getWeights();
    expectClose(movingMean!.data, c.movingMean!, 'moving mean', 1e-5, 1e-6);
    expectClose(movingVariance!.data, c.movingVariance!, 'moving variance', 1e-5, 1e-6);
  });
});

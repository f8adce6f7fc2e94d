// Shared by the ONNX export suites: onnxruntime-web (wasm backend, one thread, files from
// node_modules) running exported bytes, and models with every weight set to seeded random values
// (so batch norm statistics, biases and gates are not the trivial initial ones).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as Ort from 'onnxruntime-web';
import { io, type Model, Tensor } from '../../src/index.js';
import { randomArray } from '../util.js';

const require = createRequire(import.meta.url);
let ortModule: typeof Ort | undefined;

/** onnxruntime-web, configured once: wasm backend, one thread, its .wasm files from node_modules. */
export async function ort(): Promise<typeof Ort> {
  if (ortModule === undefined) {
    ortModule = (await import('onnxruntime-web')) as typeof Ort;
    ortModule.env.wasm.numThreads = 1;
    ortModule.env.wasm.wasmPaths = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')) + '/';
    ortModule.env.logLevel = 'error';
  }
  return ortModule;
}

/** Runs ONNX bytes on inputs (in the graph's input order) and returns the single output. */
export async function runOnnx(bytes: Uint8Array, inputs: readonly Tensor[]): Promise<Tensor> {
  const o = await ort();
  const session = await o.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const feeds: Record<string, Ort.Tensor> = {};
    session.inputNames.forEach((name, i) => (feeds[name] = new o.Tensor('float32', inputs[i]!.data, [...inputs[i]!.shape])));
    const result = await session.run(feeds);
    const out = result[session.outputNames[0]!]!;
    return new Tensor(out.data as Float32Array, out.dims as number[]);
  } finally {
    await session.release();
  }
}

/** Sets every weight of the model to seeded values in [-1, 1] (variances in [0.5, 1.5]). */
export function randomizeWeights(model: Model, seed: number): void {
  const names = model.layers.flatMap((l) => l.weights.map((w) => w.name));
  model.setWeights(model.getWeights().map((t, i) => {
    const data = randomArray(t.size, seed + i);
    if (names[i] === 'moving_variance') data.forEach((v, j) => (data[j] = 1 + 0.5 * v));
    return new Tensor(data, t.shape);
  }));
}

/** Largest |a - b| over two tensors of the same shape. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  if (a.shape.join(',') !== b.shape.join(',')) throw new Error(`shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

/** Exports the model, runs it in onnxruntime-web on x, and returns the largest difference from `model.predict(x)`. */
export async function onnxDiff(model: Model, x: Tensor | readonly Tensor[]): Promise<{ diff: number; bytes: Uint8Array }> {
  const xs = x instanceof Tensor ? [x] : x;
  const bytes = await io.toOnnx(model);
  const got = await runOnnx(bytes, xs);
  return { diff: maxAbsDiff(got, model.predict(x instanceof Tensor ? x : [...x])), bytes };
}

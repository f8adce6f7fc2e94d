// Finite-difference gradient checks through one layer (or a small graph) on an execution plan:
// loss = Σ r·y for a fixed random r, so dL/dy = r; analytic gradients of the inputs and weights
// come from the plan's backward, numeric ones from central differences in f32 (eps 1e-2).
import { heap, readF32, writeF32 } from '../../src/backend/memory.js';
import { Input } from '../../src/layers/core.js';
import type { Layer, SymbolicTensor } from '../../src/layers/layer.js';
import { buildGraph } from '../../src/model/graph.js';
import { Plan } from '../../src/train/plan.js';
import { Rng } from '../../src/random.js';
import { sizeOf, type Shape } from '../../src/core/tensor.js';
import { randomArray } from '../util.js';

export interface GradCheckOptions {
  batch?: number;
  training?: boolean;
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Input values range (keep away from kinks for relu-like layers). */
  lo?: number;
  hi?: number;
  seed?: number;
  /** Overrides the initial weights (e.g. non-trivial gamma/beta). */
  weights?: (layer: Layer) => void;
  /** Inputs given explicitly (index -> values) and not differentiated (attention masks, ids). */
  fixedInputs?: Readonly<Record<number, Float32Array>>;
  /** Runs before every forward pass (e.g. restoring a stateful layer's carried state). */
  beforeRun?: () => void;
}

export interface GradCheckResult {
  output: Float32Array;
  outputShape: Shape;
}

/** Checks d(Σ r·y)/d(inputs, weights) of `layer` applied to inputs of the given per-sample shapes. */
export function gradCheck(layer: Layer, inputShapes: Shape[], options: GradCheckOptions = {}): GradCheckResult {
  const { batch = 2, training = true, eps = 1e-2, rtol = 2e-2, atol = 2e-3, lo = -1, hi = 1, seed = 7 } = options;
  const inputs: SymbolicTensor[] = inputShapes.map((shape) => Input({ shape }));
  const out = layer.apply(inputs.length === 1 ? inputs[0]! : inputs);
  const graph = buildGraph(inputs, out, 'gradCheck');
  layer.initializeWeights(new Rng(seed));
  // Perturb weights so that biases and other zero-initialised weights are exercised.
  for (const w of layer.weights) {
    const vals = readF32(w.ptr, w.size);
    const noise = randomArray(w.size, seed + 17, -0.3, 0.3);
    for (let i = 0; i < w.size; i++) vals[i] = vals[i]! + noise[i]!;
    writeF32(w.ptr, vals);
  }
  options.weights?.(layer);
  const grads = layer.weights.map((w) => (w.trainable && layer.trainable ? heap().alloc(w.size * 4) : 0));
  const plan = new Plan(graph, batch, 0, new Map(layer.weights.map((w, i) => [w, grads[i]!])), true);
  const fixed = options.fixedInputs ?? {};
  const xs = inputShapes.map((s, i) => fixed[i] ?? randomArray(batch * sizeOf(s), seed + i, lo, hi));
  const outN = batch * sizeOf(out.shape);
  const r = randomArray(outN, seed + 99, -1, 1);
  const run = (): number => {
    xs.forEach((x, i) => writeF32(plan.inputs[i]!.ptr, x));
    options.beforeRun?.();
    plan.forward({ training, batch, rng: new Rng(seed + 1000) });
    const y = readF32(plan.output.ptr, outN);
    let loss = 0;
    for (let i = 0; i < outN; i++) loss += r[i]! * y[i]!;
    return loss;
  };
  // Analytic.
  run();
  const output = readF32(plan.output.ptr, outN);
  plan.zeroGrads();
  grads.forEach((g, i) => {
    if (g !== 0) writeF32(g, new Float32Array(layer.weights[i]!.size));
  });
  writeF32(plan.output.grad, r);
  plan.backward({ training, batch, rng: new Rng(seed + 1000) });
  const analyticX = xs.map((x, i) => readF32(plan.inputs[i]!.grad, x.length));
  const analyticW = layer.weights.map((w, i) => (grads[i] ? readF32(grads[i]!, w.size) : undefined));
  // Numeric, by central differences.
  const check = (name: string, values: Float32Array, analytic: Float32Array, write: () => void): void => {
    for (let i = 0; i < values.length; i++) {
      const orig = values[i]!;
      values[i] = orig + eps;
      write();
      const up = run();
      values[i] = orig - eps;
      write();
      const down = run();
      values[i] = orig;
      write();
      const numeric = (up - down) / (2 * eps);
      const a = analytic[i]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(`${layer.name} d/d${name}[${i}]: analytic ${a}, numeric ${numeric} (|d|=${Math.abs(a - numeric)})`);
      }
    }
  };
  xs.forEach((x, i) => {
    if (fixed[i] === undefined) check(`input${i}`, x, analyticX[i]!, () => {});
  });
  layer.weights.forEach((w, i) => {
    const a = analyticW[i];
    if (a === undefined) return;
    const vals = readF32(w.ptr, w.size);
    check(w.name, vals, a, () => writeF32(w.ptr, vals));
  });
  plan.free();
  for (const g of grads) heap().free(g);
  return { output, outputShape: out.shape };
}

// Finite-difference gradient checks of functions built from ops: loss = sum(f(...) * r) with a
// fixed random r, the analytic gradients from valueAndGrad against central differences of the
// same plan's value, for every argument in `wrt` and every parameter.
import { expect } from 'vitest';
import { layers, ops, valueAndGrad, Tensor, type Shape } from '../../src/index.js';
import type { SymbolicTensor, Weight } from '../../src/layers/layer.js';
import { randomArray } from '../util.js';

/** An unbatched operand with gradients: the weight of a layer that does nothing else. */
export class Param extends layers.Layer {
  w!: Weight;
  constructor(readonly value: Tensor) {
    super({}, 'param');
    this.ensureBuilt([[1]]);
    this.setWeights([value]);
  }
  override build(): void {
    this.w = this.addWeight('w', this.value.shape, { initializer: 'zeros' });
  }
  override call(x: SymbolicTensor): SymbolicTensor {
    return x;
  }
}

/** A parameter of `shape` with seeded values in [lo, hi). */
export function param(shape: Shape, seed: number, lo = -1, hi = 1): Param {
  return new Param(new Tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape));
}

/** A batch tensor of `shape` with seeded values in [lo, hi). */
export function rand(shape: Shape, seed: number, lo = -1, hi = 1): Tensor {
  return new Tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
}

export interface CheckOptions {
  /** Arguments to differentiate (default: all). */
  wrt?: number[];
  eps?: number;
  rtol?: number;
  atol?: number;
}

type Fn = (...args: SymbolicTensor[]) => SymbolicTensor;

/** Checks the gradients of sum(f(args, params) * r) against central differences. */
export function gradCheck(what: string, f: Fn, args: readonly Tensor[], params: readonly Param[] = [], options: CheckOptions = {}): void {
  const { eps = 1e-2, rtol = 3e-2, atol = 3e-3 } = options;
  const wrt = options.wrt ?? args.map((_, i) => i);
  let outShape: number[] = [];
  let batched = false;
  valueAndGrad((...a: SymbolicTensor[]) => {
    const o = f(...a);
    outShape = [...o.shape];
    batched = o.batched;
    return ops.sum(o) as SymbolicTensor;
  }, { wrt: [0] })(...args);
  const full = batched ? [args[0]!.shape[0]!, ...outShape] : outShape;
  const r = rand(full, 99, 0.5, 1.5);
  const n = args.length;
  const loss = valueAndGrad((...a: SymbolicTensor[]) => {
    const o = f(...a.slice(0, n));
    return ops.sum(ops.mul(o, batched ? a[n]! : r)) as SymbolicTensor;
  }, { wrt: [...wrt, ...params.map((p) => p.w)] });
  const all = batched ? [...args, r] : [...args];
  const { grads } = loss(...all);
  const value = (): number => loss(...all).value;
  const numeric = (data: Float32Array, set: () => void): Float32Array => {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      data[i] = v + eps;
      set();
      const up = value();
      data[i] = v - eps;
      set();
      const down = value();
      data[i] = v;
      set();
      out[i] = (up - down) / (2 * eps);
    }
    return out;
  };
  const compare = (got: Float32Array, want: Float32Array, name: string): void => {
    if (!want.some((v) => Math.abs(v) > 1e-3)) expect.fail(`${what}: the loss does not depend on ${name} (every numeric gradient is 0)`);
    for (let i = 0; i < got.length; i++) {
      const ok = Math.abs(got[i]! - want[i]!) <= atol + rtol * Math.abs(want[i]!);
      if (!ok) expect.fail(`${what}: d/d${name}[${i}] analytic ${got[i]} vs numeric ${want[i]}`);
    }
  };
  wrt.forEach((a, k) => compare(grads[k]!.data, numeric(all[a]!.data, () => {}), `arg${a}`));
  params.forEach((p, k) => {
    const data = Float32Array.from(p.getWeights()[0]!.data);
    const num = numeric(data, () => p.setWeights([new Tensor(data, p.value.shape)]));
    compare(grads[wrt.length + k]!.data, num, `param${k}`);
  });
}

// f64 references for assembly/activation.ts: each activation's value and derivative, naive on
// purpose (host Math is fine in tests), plus row-wise softmax / log-softmax and PReLU.
import { erf } from './math.js';

export interface ActivationRef {
  /** f(x) */
  f: (x: number, alpha: number) => number;
  /** f'(x); undefined where the gradient is zero by definition (step). */
  df?: (x: number, alpha: number) => number;
  /** Kinks where the finite-difference check must keep away. */
  kinks?: number[];
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
const K = Math.sqrt(2 / Math.PI);

export const ACTIVATION_REF: Record<string, ActivationRef> = {
  linear: { f: (x) => x, df: () => 1 },
  step: { f: (x) => (x > 0 ? 1 : 0), kinks: [0] },
  sigmoid: { f: sigmoid, df: (x) => sigmoid(x) * (1 - sigmoid(x)) },
  hardSigmoid: { f: (x) => Math.max(0, Math.min(1, 0.2 * x + 0.5)), df: (x) => (x > -2.5 && x < 2.5 ? 0.2 : 0), kinks: [-2.5, 2.5] },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  relu: { f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0), kinks: [0] },
  relu6: { f: (x) => Math.min(Math.max(x, 0), 6), df: (x) => (x > 0 && x < 6 ? 1 : 0), kinks: [0, 6] },
  leakyRelu: { f: (x, a) => (x > 0 ? x : a * x), df: (x, a) => (x > 0 ? 1 : a), kinks: [0] },
  elu: { f: (x, a) => (x > 0 ? x : a * Math.expm1(x)), df: (x, a) => (x > 0 ? 1 : a * Math.exp(x)), kinks: [0] },
  selu: { f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)), kinks: [0] },
  gelu: { f: (x) => x * Phi(x), df: (x) => Phi(x) + x * phi(x) },
  geluTanh: {
    f: (x) => 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x ** 3))),
    df: (x) => {
      const t = Math.tanh(K * (x + 0.044715 * x ** 3));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * 0.044715 * x * x);
    },
  },
  swish: { f: (x) => x * sigmoid(x), df: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))) },
  mish: {
    f: (x) => x * Math.tanh(softplus(x)),
    df: (x) => {
      const t = Math.tanh(softplus(x));
      return t + x * (1 - t * t) * sigmoid(x);
    },
  },
  softplus: { f: softplus, df: sigmoid },
  softsign: { f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2 },
};
ACTIVATION_REF.silu = ACTIVATION_REF.swish!;

/** Softmax of each row of `cols` in f64. */
export function softmaxRef(x: ArrayLike<number>, cols: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / cols; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]!);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[r * cols + c]! - m);
    for (let c = 0; c < cols; c++) out[r * cols + c] = Math.exp(x[r * cols + c]! - m) / s;
  }
  return out;
}

/** Log-softmax of each row of `cols` in f64. */
export function logSoftmaxRef(x: ArrayLike<number>, cols: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / cols; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]!);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[r * cols + c]! - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < cols; c++) out[r * cols + c] = x[r * cols + c]! - lse;
  }
  return out;
}

/** dx0 + J^T dy for softmax (y = softmax(x)): y * (dy - sum(dy * y)) per row. */
export function softmaxBackwardRef(dx0: ArrayLike<number>, dy: ArrayLike<number>, y: ArrayLike<number>, cols: number): Float64Array {
  const out = Float64Array.from(dx0);
  for (let r = 0; r < y.length / cols; r++) {
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[r * cols + c]! * y[r * cols + c]!;
    for (let c = 0; c < cols; c++) out[r * cols + c]! += y[r * cols + c]! * (dy[r * cols + c]! - dot);
  }
  return out;
}

/** dx0 + J^T dy for log-softmax (y = logSoftmax(x)): dy - exp(y) * sum(dy) per row. */
export function logSoftmaxBackwardRef(dx0: ArrayLike<number>, dy: ArrayLike<number>, y: ArrayLike<number>, cols: number): Float64Array {
  const out = Float64Array.from(dx0);
  for (let r = 0; r < y.length / cols; r++) {
    let total = 0;
    for (let c = 0; c < cols; c++) total += dy[r * cols + c]!;
    for (let c = 0; c < cols; c++) out[r * cols + c]! += dy[r * cols + c]! - Math.exp(y[r * cols + c]!) * total;
  }
  return out;
}

/** Central finite difference of a scalar function of a vector, at every coordinate, in f64. */
export function numericGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  const p = Float64Array.from(x);
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const keep = p[i]!;
    p[i] = keep + h;
    const up = f(p);
    p[i] = keep - h;
    const down = f(p);
    p[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

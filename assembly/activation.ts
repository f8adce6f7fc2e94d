// Activations, forward and backward, and softmax / log-softmax over the last axis.
//
// Elementwise kernels share two loops (`forward`, `backward` below) instantiated per activation
// with a zero-size functor class whose @inline methods give the vector form, the scalar twin
// and the derivative; Binaryen inlines everything, so each export is one straight SIMD loop.
//
//   f32_<name>_forward__simd(y, x, n[, alpha])          y = f(x); y may alias x
//   f32_<name>_backward__simd(dx, dy, x, y, n[, alpha]) dx += dy * f'(x), from the saved input x
//                                                        and/or output y (only the one named
//                                                        below is read; pass 0 for the other)
// Softmax family over rows of `cols`:
//   f32_softmax_forward__simd(y, x, rows, cols)       y may alias x
//   f32_softmax_backward__simd(dx, dy, y, rows, cols) dx += y * (dy - sum(dy * y))
//   f32_log_softmax_forward__simd / _backward__simd   dx += dy - exp(y) * sum(dy)
// PReLU with one alpha per channel (the last axis):
//   f32_prelu_forward__simd(y, x, alpha, n, channels)
//   f32_prelu_backward__simd(dx, dalpha, dy, x, alpha, n, channels)   dalpha += sum dy*min(x,0)
//
// Errors: every transcendental comes from math.ts with its stated bound; kernels add a few
// roundings on top (test/kernels/activation.test.ts: relative 1e-6 against f64 for the smooth
// activations, plus an absolute 3e-6 for gelu, whose 1 + erf cancels for negative x).
// Vector forms are inlined into the main loops (forward: 8 lanes per iteration); the tails call
// the scalar forms (expS, ...: the same bits, one copy in the module).
import {
  erf_f32x4, exp_f32x4, expm1_f32x4, hsum_f32x4, rowExpShifted, rowLogSumExpShifted, rowMax, sigmoid_f32x4,
  softplus_f32x4, tanh_f32x4, erfS, expS, expm1S, sigmoidS, softplusS, tanhS,
} from './math';

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

// ---------------------------------------------------------------------------------------------
// The two shared loops. Op provides:
//   f(x, a): v128, f1(x, a): f32                 forward, vector and scalar
//   g(x, y, a): v128, g1(x, y, a): f32           f'(x), from x and/or y
//   readsX(): bool, readsY(): bool               which saved buffer g reads (constants)

// @ts-ignore: decorator
@inline function forward<Op>(y: usize, x: usize, n: i32, alpha: f32): void {
  const op = changetype<Op>(0);
  const a = splat(alpha);
  let i = 0;
  // Two independent vectors per iteration: the transcendentals are long dependency chains.
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const x0 = v128.load(x + o);
    const x1 = v128.load(x + o, 16);
    v128.store(y + o, op.f(x0, a));
    v128.store(y + o, op.f(x1, a), 16);
  }
  for (; i < n; i++) { // tail: 0-7 elements
    const o = <usize>i << 2;
    store<f32>(y + o, op.f1(load<f32>(x + o), alpha));
  }
}

// @ts-ignore: decorator
@inline function backward<Op>(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void {
  const op = changetype<Op>(0);
  const a = splat(alpha);
  const zero = splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) { // two vectors per iteration, as forward
    const o = <usize>i << 2;
    const g0 = op.g(op.readsX() ? v128.load(x + o) : zero, op.readsY() ? v128.load(y + o) : zero, a);
    const g1 = op.g(op.readsX() ? v128.load(x + o, 16) : zero, op.readsY() ? v128.load(y + o, 16) : zero, a);
    v128.store(dx + o, f32x4.add(v128.load(dx + o), f32x4.mul(v128.load(dy + o), g0)));
    v128.store(dx + o, f32x4.add(v128.load(dx + o, 16), f32x4.mul(v128.load(dy + o, 16), g1)), 16);
  }
  for (; i < n; i++) { // tail: 0-7 elements
    const o = <usize>i << 2;
    const xs: f32 = op.readsX() ? load<f32>(x + o) : 0;
    const ys: f32 = op.readsY() ? load<f32>(y + o) : 0;
    store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o) * op.g1(xs, ys, alpha));
  }
}

// ---------------------------------------------------------------------------------------------
// The functors. Each: forward formula, derivative, and which saved value the derivative reads.

/** linear: y = x; dx += dy. */
class Linear {
  @inline f(x: v128, a: v128): v128 { return x; }
  @inline f1(x: f32, a: f32): f32 { return x; }
  @inline g(x: v128, y: v128, a: v128): v128 { return splat(1); }
  @inline g1(x: f32, y: f32, a: f32): f32 { return 1; }
  @inline readsX(): bool { return false; }
  @inline readsY(): bool { return false; }
}

/** step: y = x > 0 ? 1 : 0 (NaN -> 0). Its gradient is zero everywhere: no backward kernel. */
class Step {
  @inline f(x: v128, a: v128): v128 { return v128.and(f32x4.gt(x, splat(0)), splat(1)); }
  @inline f1(x: f32, a: f32): f32 { return x > 0 ? 1 : 0; }
}

/** sigmoid: y = 1 / (1 + e^-x); f' = y (1 - y). */
class Sigmoid {
  @inline f(x: v128, a: v128): v128 { return sigmoid_f32x4(x); }
  @inline f1(x: f32, a: f32): f32 { return sigmoidS(x); }
  @inline g(x: v128, y: v128, a: v128): v128 { return f32x4.mul(y, f32x4.sub(splat(1), y)); }
  @inline g1(x: f32, y: f32, a: f32): f32 { return y * (1 - y); }
  @inline readsX(): bool { return false; }
  @inline readsY(): bool { return true; }
}

/** hardSigmoid (Keras 2 / TF.js): y = max(0, min(1, 0.2 x + 0.5)); f' = 0.2 inside (-2.5, 2.5). */
class HardSigmoid {
  @inline f(x: v128, a: v128): v128 {
    return f32x4.max(splat(0), f32x4.min(splat(1), f32x4.add(f32x4.mul(x, splat(0.2)), splat(0.5))));
  }
  @inline f1(x: f32, a: f32): f32 { return max<f32>(0, min<f32>(1, x * 0.2 + 0.5)); }
  @inline g(x: v128, y: v128, a: v128): v128 {
    const inside = v128.and(f32x4.gt(x, splat(-2.5)), f32x4.lt(x, splat(2.5)));
    return v128.and(inside, splat(0.2));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 { return x > -2.5 && x < 2.5 ? 0.2 : 0; }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/** tanh: f' = 1 - y^2. */
class Tanh {
  @inline f(x: v128, a: v128): v128 { return tanh_f32x4(x); }
  @inline f1(x: f32, a: f32): f32 { return tanhS(x); }
  @inline g(x: v128, y: v128, a: v128): v128 { return f32x4.sub(splat(1), f32x4.mul(y, y)); }
  @inline g1(x: f32, y: f32, a: f32): f32 { return 1 - y * y; }
  @inline readsX(): bool { return false; }
  @inline readsY(): bool { return true; }
}

/**
 * relu: y = max(x, 0); f' = x > 0 (0 at the kink, as PyTorch and TF). pmax (x < 0 ? 0 : x) is one
 * instruction where NaN-propagating max is several; it keeps NaN and -0.
 */
class Relu {
  @inline f(x: v128, a: v128): v128 { return f32x4.pmax(x, splat(0)); }
  @inline f1(x: f32, a: f32): f32 { return x < 0 ? 0 : x; }
  @inline g(x: v128, y: v128, a: v128): v128 { return v128.and(f32x4.gt(x, splat(0)), splat(1)); }
  @inline g1(x: f32, y: f32, a: f32): f32 { return x > 0 ? 1 : 0; }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/** relu6: y = min(max(x, 0), 6); f' = 0 < x < 6. */
class Relu6 {
  @inline f(x: v128, a: v128): v128 { return f32x4.pmin(f32x4.pmax(x, splat(0)), splat(6)); }
  @inline f1(x: f32, a: f32): f32 { const r: f32 = x < 0 ? 0 : x; return r > 6 ? 6 : r; }
  @inline g(x: v128, y: v128, a: v128): v128 {
    return v128.and(v128.and(f32x4.gt(x, splat(0)), f32x4.lt(x, splat(6))), splat(1));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 { return x > 0 && x < 6 ? 1 : 0; }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/** leakyRelu(alpha): y = x > 0 ? x : alpha x; f' = x > 0 ? 1 : alpha. */
class LeakyRelu {
  @inline f(x: v128, a: v128): v128 { return v128.bitselect(x, f32x4.mul(x, a), f32x4.gt(x, splat(0))); }
  @inline f1(x: f32, a: f32): f32 { return x > 0 ? x : x * a; }
  @inline g(x: v128, y: v128, a: v128): v128 { return v128.bitselect(splat(1), a, f32x4.gt(x, splat(0))); }
  @inline g1(x: f32, y: f32, a: f32): f32 { return x > 0 ? 1 : a; }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/** elu(alpha): y = x > 0 ? x : alpha (e^x - 1); f' = x > 0 ? 1 : y + alpha. */
class Elu {
  @inline f(x: v128, a: v128): v128 { return v128.bitselect(x, f32x4.mul(a, expm1_f32x4(x)), f32x4.gt(x, splat(0))); }
  @inline f1(x: f32, a: f32): f32 { return x > 0 ? x : a * expm1S(x); }
  @inline g(x: v128, y: v128, a: v128): v128 { return v128.bitselect(splat(1), f32x4.add(y, a), f32x4.gt(x, splat(0))); }
  @inline g1(x: f32, y: f32, a: f32): f32 { return x > 0 ? 1 : y + a; }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return true; }
}

const SELU_ALPHA: f32 = 1.6732632423543772848170429916717;
const SELU_SCALE: f32 = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA: f32 = SELU_SCALE * SELU_ALPHA;

/** selu: y = scale (x > 0 ? x : alpha (e^x - 1)); f' = x > 0 ? scale : y + scale alpha. */
class Selu {
  @inline f(x: v128, a: v128): v128 {
    const neg = f32x4.mul(splat(SELU_SCALE_ALPHA), expm1_f32x4(x));
    return v128.bitselect(f32x4.mul(splat(SELU_SCALE), x), neg, f32x4.gt(x, splat(0)));
  }
  @inline f1(x: f32, a: f32): f32 { return x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * expm1S(x); }
  @inline g(x: v128, y: v128, a: v128): v128 {
    return v128.bitselect(splat(SELU_SCALE), f32x4.add(y, splat(SELU_SCALE_ALPHA)), f32x4.gt(x, splat(0)));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 { return x > 0 ? SELU_SCALE : y + SELU_SCALE_ALPHA; }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return true; }
}

const SQRT1_2: f32 = 0.70710678118654752440;
const INV_SQRT_2PI: f32 = 0.39894228040143267794;
const SQRT_2_OVER_PI: f32 = 0.79788456080286535588;
const GELU_C: f32 = 0.044715;

/** gelu (exact): y = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2; f' = Phi(x) + x phi(x). */
class Gelu {
  @inline f(x: v128, a: v128): v128 {
    const cdf = f32x4.mul(splat(0.5), f32x4.add(splat(1), erf_f32x4(f32x4.mul(x, splat(SQRT1_2)))));
    return f32x4.mul(x, cdf);
  }
  @inline f1(x: f32, a: f32): f32 { return x * (0.5 * (1 + erfS(x * SQRT1_2))); }
  @inline g(x: v128, y: v128, a: v128): v128 {
    const cdf = f32x4.mul(splat(0.5), f32x4.add(splat(1), erf_f32x4(f32x4.mul(x, splat(SQRT1_2)))));
    const pdf = f32x4.mul(splat(INV_SQRT_2PI), exp_f32x4(f32x4.mul(f32x4.mul(x, x), splat(-0.5))));
    return f32x4.add(cdf, f32x4.mul(x, pdf));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 {
    const cdf: f32 = 0.5 * (1 + erfS(x * SQRT1_2));
    const pdf = INV_SQRT_2PI * expS((x * x) * -0.5);
    return cdf + x * pdf;
  }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/**
 * geluTanh (the tanh approximation): y = x (1 + tanh(u)) / 2, u = sqrt(2/pi) (x + 0.044715 x^3);
 * f' = (1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2.
 */
class GeluTanh {
  @inline f(x: v128, a: v128): v128 {
    const x2 = f32x4.mul(x, x);
    const u = f32x4.mul(splat(SQRT_2_OVER_PI), f32x4.add(x, f32x4.mul(splat(GELU_C), f32x4.mul(x2, x))));
    return f32x4.mul(f32x4.mul(splat(0.5), x), f32x4.add(splat(1), tanh_f32x4(u)));
  }
  @inline f1(x: f32, a: f32): f32 {
    const u = SQRT_2_OVER_PI * (x + GELU_C * ((x * x) * x));
    return (0.5 * x) * (1 + tanhS(u));
  }
  @inline g(x: v128, y: v128, a: v128): v128 {
    const x2 = f32x4.mul(x, x);
    const u = f32x4.mul(splat(SQRT_2_OVER_PI), f32x4.add(x, f32x4.mul(splat(GELU_C), f32x4.mul(x2, x))));
    const t = tanh_f32x4(u);
    const du = f32x4.mul(splat(SQRT_2_OVER_PI), f32x4.add(splat(1), f32x4.mul(splat(3 * GELU_C), x2)));
    const dt = f32x4.mul(f32x4.sub(splat(1), f32x4.mul(t, t)), du);
    return f32x4.mul(splat(0.5), f32x4.add(f32x4.add(splat(1), t), f32x4.mul(x, dt)));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 {
    const x2 = x * x;
    const u = SQRT_2_OVER_PI * (x + GELU_C * (x2 * x));
    const t = tanhS(u);
    const du = SQRT_2_OVER_PI * (1 + (3 * GELU_C) * x2);
    const dt = (<f32>1 - t * t) * du;
    return 0.5 * ((1 + t) + x * dt);
  }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/** swish / silu: y = x sigmoid(x); f' = s (1 + x (1 - s)) with s = sigmoid(x). */
class Swish {
  @inline f(x: v128, a: v128): v128 { return f32x4.mul(x, sigmoid_f32x4(x)); }
  @inline f1(x: f32, a: f32): f32 { return x * sigmoidS(x); }
  @inline g(x: v128, y: v128, a: v128): v128 {
    const s = sigmoid_f32x4(x);
    return f32x4.mul(s, f32x4.add(splat(1), f32x4.mul(x, f32x4.sub(splat(1), s))));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 {
    const s = sigmoidS(x);
    return s * (1 + x * (1 - s));
  }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

const MISH_CLAMP: f32 = 20.0; // tanh(softplus(x)) rounds to 1 above 9: e^20 keeps n finite

/**
 * mish: y = x tanh(softplus(x)). With e = e^x and n = e (e + 2), tanh(log(1 + e)) = n / (n + 2):
 * one exp and one divide, no cancellation for negative x, and 1 - t = 2 / (n + 2) exactly formed.
 * f' = t + x (1 - t^2) sigmoid(x), with 1 - t^2 = (1 - t)(1 + t) and sigmoid(x) = e / (1 + e).
 */
class Mish {
  @inline f(x: v128, a: v128): v128 {
    const e = exp_f32x4(f32x4.pmin(x, splat(MISH_CLAMP)));
    const n = f32x4.mul(e, f32x4.add(e, splat(2)));
    return f32x4.mul(x, f32x4.div(n, f32x4.add(n, splat(2))));
  }
  @inline f1(x: f32, a: f32): f32 {
    const e = expS(x > MISH_CLAMP ? MISH_CLAMP : x);
    const n = e * (e + 2);
    return x * (n / (n + 2));
  }
  @inline g(x: v128, y: v128, a: v128): v128 {
    const e = exp_f32x4(f32x4.pmin(x, splat(MISH_CLAMP)));
    const n = f32x4.mul(e, f32x4.add(e, splat(2)));
    const inv = f32x4.div(splat(1), f32x4.add(n, splat(2)));
    const t = f32x4.mul(n, inv);
    const omt2 = f32x4.mul(f32x4.add(inv, inv), f32x4.add(splat(1), t));
    const sig = f32x4.div(e, f32x4.add(splat(1), e));
    return f32x4.add(t, f32x4.mul(x, f32x4.mul(omt2, sig)));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 {
    const e = expS(x > MISH_CLAMP ? MISH_CLAMP : x);
    const n = e * (e + 2);
    const inv: f32 = 1 / (n + 2);
    const t = n * inv;
    const omt2 = (inv + inv) * (1 + t);
    const sig = e / (1 + e);
    return t + x * (omt2 * sig);
  }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/** softplus: y = log(1 + e^x); f' = sigmoid(x). */
class Softplus {
  @inline f(x: v128, a: v128): v128 { return softplus_f32x4(x); }
  @inline f1(x: f32, a: f32): f32 { return softplusS(x); }
  @inline g(x: v128, y: v128, a: v128): v128 { return sigmoid_f32x4(x); }
  @inline g1(x: f32, y: f32, a: f32): f32 { return sigmoidS(x); }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

/** softsign: y = x / (1 + |x|); f' = 1 / (1 + |x|)^2. */
class Softsign {
  @inline f(x: v128, a: v128): v128 { return f32x4.div(x, f32x4.add(splat(1), f32x4.abs(x))); }
  @inline f1(x: f32, a: f32): f32 { return x / (1 + abs<f32>(x)); }
  @inline g(x: v128, y: v128, a: v128): v128 {
    const d = f32x4.add(splat(1), f32x4.abs(x));
    return f32x4.div(splat(1), f32x4.mul(d, d));
  }
  @inline g1(x: f32, y: f32, a: f32): f32 {
    const d: f32 = 1 + abs<f32>(x);
    return 1 / (d * d);
  }
  @inline readsX(): bool { return true; }
  @inline readsY(): bool { return false; }
}

// ---------------------------------------------------------------------------------------------
// The exports: one forward and one backward per activation.

export function f32_linear_forward__simd(y: usize, x: usize, n: i32): void { if (y != x) memory.copy(y, x, <usize>n << 2); }
export function f32_linear_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Linear>(dx, dy, x, y, n, 0); }
export function f32_step_forward__simd(y: usize, x: usize, n: i32): void { forward<Step>(y, x, n, 0); }
export function f32_sigmoid_forward__simd(y: usize, x: usize, n: i32): void { forward<Sigmoid>(y, x, n, 0); }
export function f32_sigmoid_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Sigmoid>(dx, dy, x, y, n, 0); }
export function f32_hard_sigmoid_forward__simd(y: usize, x: usize, n: i32): void { forward<HardSigmoid>(y, x, n, 0); }
export function f32_hard_sigmoid_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<HardSigmoid>(dx, dy, x, y, n, 0); }
export function f32_tanh_forward__simd(y: usize, x: usize, n: i32): void { forward<Tanh>(y, x, n, 0); }
export function f32_tanh_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Tanh>(dx, dy, x, y, n, 0); }
export function f32_relu_forward__simd(y: usize, x: usize, n: i32): void { forward<Relu>(y, x, n, 0); }
export function f32_relu_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Relu>(dx, dy, x, y, n, 0); }
export function f32_relu6_forward__simd(y: usize, x: usize, n: i32): void { forward<Relu6>(y, x, n, 0); }
export function f32_relu6_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Relu6>(dx, dy, x, y, n, 0); }
export function f32_leaky_relu_forward__simd(y: usize, x: usize, n: i32, alpha: f32): void { forward<LeakyRelu>(y, x, n, alpha); }
export function f32_leaky_relu_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward<LeakyRelu>(dx, dy, x, y, n, alpha); }
export function f32_elu_forward__simd(y: usize, x: usize, n: i32, alpha: f32): void { forward<Elu>(y, x, n, alpha); }
export function f32_elu_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32, alpha: f32): void { backward<Elu>(dx, dy, x, y, n, alpha); }
export function f32_selu_forward__simd(y: usize, x: usize, n: i32): void { forward<Selu>(y, x, n, 0); }
export function f32_selu_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Selu>(dx, dy, x, y, n, 0); }
export function f32_gelu_forward__simd(y: usize, x: usize, n: i32): void { forward<Gelu>(y, x, n, 0); }
export function f32_gelu_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Gelu>(dx, dy, x, y, n, 0); }
export function f32_gelu_tanh_forward__simd(y: usize, x: usize, n: i32): void { forward<GeluTanh>(y, x, n, 0); }
export function f32_gelu_tanh_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<GeluTanh>(dx, dy, x, y, n, 0); }
export function f32_swish_forward__simd(y: usize, x: usize, n: i32): void { forward<Swish>(y, x, n, 0); }
export function f32_swish_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Swish>(dx, dy, x, y, n, 0); }
export function f32_mish_forward__simd(y: usize, x: usize, n: i32): void { forward<Mish>(y, x, n, 0); }
export function f32_mish_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Mish>(dx, dy, x, y, n, 0); }
export function f32_softplus_forward__simd(y: usize, x: usize, n: i32): void { forward<Softplus>(y, x, n, 0); }
export function f32_softplus_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Softplus>(dx, dy, x, y, n, 0); }
export function f32_softsign_forward__simd(y: usize, x: usize, n: i32): void { forward<Softsign>(y, x, n, 0); }
export function f32_softsign_backward__simd(dx: usize, dy: usize, x: usize, y: usize, n: i32): void { backward<Softsign>(dx, dy, x, y, n, 0); }

// ---------------------------------------------------------------------------------------------
// PReLU: alpha has `channels` values, one per position of the last axis (n = rows * channels).

/** y = x > 0 ? x : alpha[c] x, c = i mod channels. y may alias x. */
export function f32_prelu_forward__simd(y: usize, x: usize, alpha: usize, n: i32, channels: i32): void {
  const zero = splat(0);
  const rows = n / channels;
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * channels) << 2);
    const yr = y + ((<usize>r * channels) << 2);
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const xv = v128.load(xr + o);
      v128.store(yr + o, v128.bitselect(xv, f32x4.mul(xv, v128.load(alpha + o)), f32x4.gt(xv, zero)));
    }
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      const xs = load<f32>(xr + o);
      store<f32>(yr + o, xs > 0 ? xs : xs * load<f32>(alpha + o));
    }
  }
}

/** dx += dy (x > 0 ? 1 : alpha[c]); dalpha[c] += sum over rows of dy (x > 0 ? 0 : x). */
export function f32_prelu_backward__simd(dx: usize, dalpha: usize, dy: usize, x: usize, alpha: usize, n: i32, channels: i32): void {
  const zero = splat(0);
  const one = splat(1);
  const rows = n / channels;
  for (let r = 0; r < rows; r++) {
    const base = (<usize>r * channels) << 2;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const xv = v128.load(x + base + o);
      const dyv = v128.load(dy + base + o);
      const positive = f32x4.gt(xv, zero);
      const slope = v128.bitselect(one, v128.load(alpha + o), positive);
      v128.store(dx + base + o, f32x4.add(v128.load(dx + base + o), f32x4.mul(dyv, slope)));
      const da = v128.andnot(f32x4.mul(dyv, xv), positive);
      v128.store(dalpha + o, f32x4.add(v128.load(dalpha + o), da));
    }
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      const xs = load<f32>(x + base + o);
      const dys = load<f32>(dy + base + o);
      const positive = xs > 0;
      store<f32>(dx + base + o, load<f32>(dx + base + o) + dys * (positive ? 1 : load<f32>(alpha + o)));
      if (!positive) store<f32>(dalpha + o, load<f32>(dalpha + o) + dys * xs);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Softmax and log-softmax over rows (row helpers in math.ts).

/** Sum of a[c] * b[c] over one row (b = 0: sum of a). */
// @ts-ignore: decorator
@inline function rowDot(a: usize, b: usize, cols: i32): f32 {
  let acc = splat(0);
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    const o = <usize>c << 2;
    acc = f32x4.add(acc, b != 0 ? f32x4.mul(v128.load(a + o), v128.load(b + o)) : v128.load(a + o));
  }
  let sum = hsum_f32x4(acc);
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    sum += b != 0 ? load<f32>(a + o) * load<f32>(b + o) : load<f32>(a + o);
  }
  return sum;
}

/** Softmax of each row: y = exp(x - max) * (1 / sum). y may alias x. */
export function f32_softmax_forward__simd(y: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * cols) << 2;
    const sum = rowExpShifted(y + off, x + off, cols, rowMax(x + off, cols));
    const inv: f32 = 1 / sum; // one divide per row; y = e * inv is within 1.5 ulp of e / sum
    const iv = splat(inv);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = off + (<usize>c << 2);
      v128.store(y + o, f32x4.mul(v128.load(y + o), iv));
    }
    for (; c < cols; c++) {
      const o = off + (<usize>c << 2);
      store<f32>(y + o, load<f32>(y + o) * inv);
    }
  }
}

/** dx += y * (dy - sum_c dy[c] y[c]) for each row, from the saved softmax output y. */
export function f32_softmax_backward__simd(dx: usize, dy: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * cols) << 2;
    const dot = rowDot(dy + off, y + off, cols);
    const d = splat(dot);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = off + (<usize>c << 2);
      const g = f32x4.mul(v128.load(y + o), f32x4.sub(v128.load(dy + o), d));
      v128.store(dx + o, f32x4.add(v128.load(dx + o), g));
    }
    for (; c < cols; c++) {
      const o = off + (<usize>c << 2);
      store<f32>(dx + o, load<f32>(dx + o) + load<f32>(y + o) * (load<f32>(dy + o) - dot));
    }
  }
}

/** Log-softmax of each row: y = (x - max) - log(sum exp(x - max)). y may alias x. */
export function f32_log_softmax_forward__simd(y: usize, x: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * cols) << 2;
    const m = rowMax(x + off, cols);
    const ls = rowLogSumExpShifted(x + off, cols, m);
    const mv = splat(m);
    const lv = splat(ls);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = off + (<usize>c << 2);
      v128.store(y + o, f32x4.sub(f32x4.sub(v128.load(x + o), mv), lv));
    }
    for (; c < cols; c++) {
      const o = off + (<usize>c << 2);
      store<f32>(y + o, (load<f32>(x + o) - m) - ls);
    }
  }
}

/** dx += dy - exp(y) * sum_c dy[c] for each row, from the saved log-softmax output y. */
export function f32_log_softmax_backward__simd(dx: usize, dy: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * cols) << 2;
    const total = rowDot(dy + off, 0, cols);
    const t = splat(total);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = off + (<usize>c << 2);
      const g = f32x4.sub(v128.load(dy + o), f32x4.mul(exp_f32x4(v128.load(y + o)), t));
      v128.store(dx + o, f32x4.add(v128.load(dx + o), g));
    }
    for (; c < cols; c++) {
      const o = off + (<usize>c << 2);
      store<f32>(dx + o, load<f32>(dx + o) + (load<f32>(dy + o) - expS(load<f32>(y + o)) * total));
    }
  }
}

// Optimizer updates: one fused pass over a parameter buffer per step, following torch.optim's
// single-tensor algorithms (PyTorch 1.13) operation by operation, in f32:
//   - `a.add_(b, alpha=s)` is `a + s * b`; `a.addcmul_(b, c, value=s)` is `a + s * b * c`;
//     `a.addcdiv_(b, c, value=s)` is `a + s * b / c` (ATen's evaluation order);
//   - host-side scalars (`1 - beta1`, `lr / (1 - beta1^t)`, ...) are computed in f64 by the
//     caller and rounded to f32 once, as PyTorch does with Python floats.
// Each kernel: hoisted constants, an f32x4 main loop, a scalar tail that is the reference
// formula. Gradients are read only (weight decay does not modify them); clipping is done before
// the update by `f32_clip_scale`, in place on the gradient.

/** SGD flags. */
export const SGD_MOMENTUM: i32 = 1;
export const SGD_NESTEROV: i32 = 2;
/** First step of this parameter: the momentum buffer starts as the gradient (torch's `buf is None`). */
export const SGD_FIRST: i32 = 4;

/**
 * SGD (torch.optim.SGD). param, grad, buf: n floats (buf unused without SGD_MOMENTUM).
 * d = g + weightDecay·p; buf = first ? d : momentum·buf + (1 - dampening)·d;
 * d = nesterov ? d + momentum·buf : buf; p = p - lr·d.
 */
export function f32_sgd_update(
  param: usize, grad: usize, buf: usize, n: i32,
  lr: f32, momentum: f32, oneMinusDampening: f32, weightDecay: f32, flags: i32,
): void {
  const useMomentum = (flags & SGD_MOMENTUM) != 0;
  const nesterov = (flags & SGD_NESTEROV) != 0;
  const first = (flags & SGD_FIRST) != 0;
  const negLr = -lr;
  const vNegLr = f32x4.splat(negLr), vWd = f32x4.splat(weightDecay);
  const vMom = f32x4.splat(momentum), vDamp = f32x4.splat(oneMinusDampening);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(param + o);
    let d = f32x4.add(v128.load(grad + o), f32x4.mul(vWd, p));
    if (useMomentum) {
      let b = d;
      if (!first) b = f32x4.add(f32x4.mul(v128.load(buf + o), vMom), f32x4.mul(vDamp, d));
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(vMom, b)) : b;
    }
    v128.store(param + o, f32x4.add(p, f32x4.mul(vNegLr, d)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    let d = load<f32>(grad + o) + weightDecay * p;
    if (useMomentum) {
      let b = d;
      if (!first) b = load<f32>(buf + o) * momentum + oneMinusDampening * d;
      store<f32>(buf + o, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(param + o, p + negLr * d);
  }
}

/** Adam flags. */
export const ADAM_AMSGRAD: i32 = 1;
/** Coupled L2 weight decay (Adam): g = g + weightDecay·p. */
export const ADAM_L2: i32 = 2;

/**
 * Adam / AdamW (torch.optim.Adam, AdamW). param, grad, m, v, vmax: n floats (vmax only with
 * ADAM_AMSGRAD). p = paramScale·p (AdamW: 1 - lr·weightDecay; Adam: 1);
 * g = g + weightDecay·p (ADAM_L2); m = beta1·m + (1-beta1)·g; v = beta2·v + (1-beta2)·g·g;
 * vmax = max(vmax, v); denom = sqrt(amsgrad ? vmax : v) / sqrt(1-beta2^t) + eps;
 * p = p - stepSize·m / denom with stepSize = lr / (1 - beta1^t).
 */
export function f32_adam_update(
  param: usize, grad: usize, m: usize, v: usize, vmax: usize, n: i32,
  stepSize: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  eps: f32, weightDecay: f32, paramScale: f32, biasCorrection2Sqrt: f32, flags: i32,
): void {
  const amsgrad = (flags & ADAM_AMSGRAD) != 0;
  const l2 = (flags & ADAM_L2) != 0;
  const decoupled = paramScale != 1;
  const negStep = -stepSize;
  const vNegStep = f32x4.splat(negStep), vEps = f32x4.splat(eps), vWd = f32x4.splat(weightDecay);
  const vScale = f32x4.splat(paramScale), vBc2 = f32x4.splat(biasCorrection2Sqrt);
  const vB1 = f32x4.splat(beta1), vB2 = f32x4.splat(beta2);
  const v1mB1 = f32x4.splat(oneMinusBeta1), v1mB2 = f32x4.splat(oneMinusBeta2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let p = v128.load(param + o);
    if (decoupled) p = f32x4.mul(p, vScale);
    let g = v128.load(grad + o);
    if (l2) g = f32x4.add(g, f32x4.mul(vWd, p));
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vB1), f32x4.mul(v1mB1, g));
    let vi = f32x4.add(f32x4.mul(v128.load(v + o), vB2), f32x4.mul(f32x4.mul(v1mB2, g), g));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    if (amsgrad) {
      vi = f32x4.max(v128.load(vmax + o), vi);
      v128.store(vmax + o, vi);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), vBc2), vEps);
    v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vNegStep, mi), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let p = load<f32>(param + o);
    if (decoupled) p = p * paramScale;
    let g = load<f32>(grad + o);
    if (l2) g = g + weightDecay * p;
    const mi = load<f32>(m + o) * beta1 + oneMinusBeta1 * g;
    let vi = load<f32>(v + o) * beta2 + oneMinusBeta2 * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    if (amsgrad) {
      vi = max(load<f32>(vmax + o), vi);
      store<f32>(vmax + o, vi);
    }
    const denom = sqrt<f32>(vi) / biasCorrection2Sqrt + eps;
    store<f32>(param + o, p + negStep * mi / denom);
  }
}

/** Sum of squares of x[0..n), accumulated in f64 (four lanes, then the tail): for norms. */
export function f32_sum_squares(x: usize, n: i32): f64 {
  let acc01 = f64x2.splat(0);
  let acc23 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const xi = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(xi);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(xi, xi, 2, 3, 0, 1));
    acc01 = f64x2.add(acc01, f64x2.mul(lo, lo));
    acc23 = f64x2.add(acc23, f64x2.mul(hi, hi));
  }
  let sum = f64x2.extract_lane(acc01, 0) + f64x2.extract_lane(acc01, 1) +
    f64x2.extract_lane(acc23, 0) + f64x2.extract_lane(acc23, 1);
  for (; i < n; i++) {
    const xi = <f64>load<f32>(x + (<usize>i << 2));
    sum += xi * xi;
  }
  return sum;
}

/**
 * Gradient clipping in place: x = clamp(x·scale, -clipValue, clipValue). scale = 1 and
 * clipValue = +inf leave x unchanged; clip_grad_norm_ passes its coefficient as scale.
 */
export function f32_clip_scale(x: usize, n: i32, scale: f32, clipValue: f32): void {
  const vScale = f32x4.splat(scale), vHi = f32x4.splat(clipValue), vLo = f32x4.splat(-clipValue);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(x + o, f32x4.min(f32x4.max(f32x4.mul(v128.load(x + o), vScale), vLo), vHi));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, min(max(load<f32>(x + o) * scale, -clipValue), clipValue));
  }
}

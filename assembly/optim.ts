// Optimizer updates: one fused pass over a parameter buffer per step, following torch.optim's
// single-tensor algorithms (PyTorch 1.13) operation by operation, in f32:
//   - `a.add_(b, alpha=s)` is `a + s * b`; `a.addcmul_(b, c, value=s)` is `a + s * b * c`;
//     `a.addcdiv_(b, c, value=s)` is `a + s * b / c` (ATen's evaluation order);
//   - host-side scalars (`1 - beta1`, `lr / (1 - beta1^t)`, ...) are computed in f64 by the
//     caller and rounded to f32 once, as PyTorch does with Python floats.
// Each kernel: hoisted constants, an f32x4 main loop, a scalar tail that is the reference
// formula.
//
// Hyperparameter structs (the ABI): an optimizer's constant hyperparameters travel as a pointer
// to one struct in linear memory, written once when the optimizer is built (src/kernels/optim.ts
// reads the layout from the exported *_HYPER_* constants: field byte offsets and struct size);
// per-step scalars (learning rate, bias corrections) stay arguments. Adam also takes its
// parameter's buffers as one struct (AdamBinding), written when the parameter is bound. Gradients are read only (weight decay does not modify them); clipping is done before
// the update by `f32_clip_scale`, in place on the gradient.

// The steps every update shares, as torch writes them; lanes (x4) and scalar tail (x1) twins.

/** torch `grad.add(param, alpha=wd)` when weight decay is on: g + wd·p. */
@inline function l2x4(g: v128, p: v128, l2: bool, wd: v128): v128 {
  return l2 ? f32x4.add(g, f32x4.mul(wd, p)) : g;
}
@inline function l2x1(g: f32, p: f32, l2: bool, wd: f32): f32 {
  return l2 ? g + wd * p : g;
}

/** torch `a.mul_(beta).add_(b, alpha=w)`: a·beta + w·b. */
@inline function decayx4(a: v128, beta: v128, w: v128, b: v128): v128 {
  return f32x4.add(f32x4.mul(a, beta), f32x4.mul(w, b));
}
@inline function decayx1(a: f32, beta: f32, w: f32, b: f32): f32 {
  return a * beta + w * b;
}

/** torch `a.mul_(beta).addcmul_(b, b, value=w)`: a·beta + w·b·b. */
@inline function decaySqx4(a: v128, beta: v128, w: v128, b: v128): v128 {
  return f32x4.add(f32x4.mul(a, beta), f32x4.mul(f32x4.mul(w, b), b));
}
@inline function decaySqx1(a: f32, beta: f32, w: f32, b: f32): f32 {
  return a * beta + w * b * b;
}

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
  const l2 = weightDecay != 0;
  const negLr = -lr;
  const vNegLr = f32x4.splat(negLr), vWd = f32x4.splat(weightDecay);
  const vMom = f32x4.splat(momentum), vDamp = f32x4.splat(oneMinusDampening);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(param + o);
    let d = l2x4(v128.load(grad + o), p, l2, vWd);
    if (useMomentum) {
      let b = d;
      if (!first) b = decayx4(v128.load(buf + o), vMom, vDamp, d);
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(vMom, b)) : b;
    }
    v128.store(param + o, f32x4.add(p, f32x4.mul(vNegLr, d)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    let d = l2x1(load<f32>(grad + o), p, l2, weightDecay);
    if (useMomentum) {
      let b = d;
      if (!first) b = decayx1(load<f32>(buf + o), momentum, oneMinusDampening, d);
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

/** Adam's hyperparameters; field order = ABI. */
@unmanaged class AdamHyper {
  beta1: f32;
  oneMinusBeta1: f32;
  beta2: f32;
  oneMinusBeta2: f32;
  eps: f32;
  weightDecay: f32;
  flags: i32;
}
export const ADAM_HYPER_BYTES: i32 = offsetof<AdamHyper>();
export const ADAM_HYPER_BETA1: i32 = offsetof<AdamHyper>('beta1');
export const ADAM_HYPER_ONE_MINUS_BETA1: i32 = offsetof<AdamHyper>('oneMinusBeta1');
export const ADAM_HYPER_BETA2: i32 = offsetof<AdamHyper>('beta2');
export const ADAM_HYPER_ONE_MINUS_BETA2: i32 = offsetof<AdamHyper>('oneMinusBeta2');
export const ADAM_HYPER_EPS: i32 = offsetof<AdamHyper>('eps');
export const ADAM_HYPER_WEIGHT_DECAY: i32 = offsetof<AdamHyper>('weightDecay');
export const ADAM_HYPER_FLAGS: i32 = offsetof<AdamHyper>('flags');

/**
 * One parameter's buffers for Adam, written once when the optimizer binds the parameter (the
 * ABI: field order = byte offset / 4): param, grad, m, v, vmax (0 without AMSGrad), n floats.
 */
@unmanaged class AdamBinding {
  param: usize;
  grad: usize;
  m: usize;
  v: usize;
  vmax: usize;
  n: i32;
}
export const ADAM_BINDING_BYTES: i32 = offsetof<AdamBinding>();
export const ADAM_BINDING_PARAM: i32 = offsetof<AdamBinding>('param');
export const ADAM_BINDING_GRAD: i32 = offsetof<AdamBinding>('grad');
export const ADAM_BINDING_M: i32 = offsetof<AdamBinding>('m');
export const ADAM_BINDING_V: i32 = offsetof<AdamBinding>('v');
export const ADAM_BINDING_VMAX: i32 = offsetof<AdamBinding>('vmax');
export const ADAM_BINDING_N: i32 = offsetof<AdamBinding>('n');

/**
 * Adam / AdamW (torch.optim.Adam, AdamW) on the buffers of `binding` (an AdamBinding: param,
 * grad, m, v, vmax, n floats each; vmax only with ADAM_AMSGRAD) with `hyper` (an AdamHyper).
 * p = paramScale·p (AdamW: 1 - lr·weightDecay; Adam: 1);
 * g = g + weightDecay·p (ADAM_L2); m = beta1·m + (1-beta1)·g; v = beta2·v + (1-beta2)·g·g;
 * vmax = max(vmax, v); denom = sqrt(amsgrad ? vmax : v) / sqrt(1-beta2^t) + eps;
 * p = p - stepSize·m / denom with stepSize = lr / (1 - beta1^t).
 */
export function f32_adam_update(binding: usize, hyper: usize, stepSize: f32, paramScale: f32, biasCorrection2Sqrt: f32): void {
  const h = changetype<AdamHyper>(hyper);
  const beta1 = h.beta1, oneMinusBeta1 = h.oneMinusBeta1, beta2 = h.beta2, oneMinusBeta2 = h.oneMinusBeta2;
  const eps = h.eps, weightDecay = h.weightDecay, flags = h.flags;
  const b = changetype<AdamBinding>(binding);
  const param = b.param, grad = b.grad, m = b.m, v = b.v, vmax = b.vmax, n = b.n;
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
    const g = l2x4(v128.load(grad + o), p, l2, vWd);
    const mi = decayx4(v128.load(m + o), vB1, v1mB1, g);
    let vi = decaySqx4(v128.load(v + o), vB2, v1mB2, g);
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
    const g = l2x1(load<f32>(grad + o), p, l2, weightDecay);
    const mi = decayx1(load<f32>(m + o), beta1, oneMinusBeta1, g);
    let vi = decaySqx1(load<f32>(v + o), beta2, oneMinusBeta2, g);
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

/**
 * Adagrad (torch.optim.Adagrad). sum: n floats. g = g + weightDecay·p; sum = sum + g·g;
 * p = p - clr·g / (sqrt(sum) + eps) with clr = lr / (1 + (t-1)·lrDecay).
 */
export function f32_adagrad_update(param: usize, grad: usize, sum: usize, n: i32, clr: f32, eps: f32, weightDecay: f32): void {
  const l2 = weightDecay != 0;
  const negClr = -clr;
  const vNegClr = f32x4.splat(negClr), vEps = f32x4.splat(eps), vWd = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(param + o);
    const g = l2x4(v128.load(grad + o), p, l2, vWd);
    const s = f32x4.add(v128.load(sum + o), f32x4.mul(g, g));
    v128.store(sum + o, s);
    v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vNegClr, g), f32x4.add(f32x4.sqrt(s), vEps))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    const g = l2x1(load<f32>(grad + o), p, l2, weightDecay);
    const s = load<f32>(sum + o) + g * g;
    store<f32>(sum + o, s);
    store<f32>(param + o, p + negClr * g / (sqrt<f32>(s) + eps));
  }
}

/** RMSprop flags. */
export const RMSPROP_CENTERED: i32 = 1;
export const RMSPROP_MOMENTUM: i32 = 2;

/** RMSprop's hyperparameters; field order = ABI. */
@unmanaged class RmspropHyper {
  alpha: f32;
  oneMinusAlpha: f32;
  eps: f32;
  weightDecay: f32;
  momentum: f32;
  flags: i32;
}
export const RMSPROP_HYPER_BYTES: i32 = offsetof<RmspropHyper>();
export const RMSPROP_HYPER_ALPHA: i32 = offsetof<RmspropHyper>('alpha');
export const RMSPROP_HYPER_ONE_MINUS_ALPHA: i32 = offsetof<RmspropHyper>('oneMinusAlpha');
export const RMSPROP_HYPER_EPS: i32 = offsetof<RmspropHyper>('eps');
export const RMSPROP_HYPER_WEIGHT_DECAY: i32 = offsetof<RmspropHyper>('weightDecay');
export const RMSPROP_HYPER_MOMENTUM: i32 = offsetof<RmspropHyper>('momentum');
export const RMSPROP_HYPER_FLAGS: i32 = offsetof<RmspropHyper>('flags');

/**
 * RMSprop (torch.optim.RMSprop). squareAvg, gradAvg (centered), buf (momentum): n floats.
 * g = g + weightDecay·p; sq = alpha·sq + (1-alpha)·g·g; ga = alpha·ga + (1-alpha)·g;
 * avg = sqrt(centered ? sq - ga·ga : sq) + eps;
 * momentum: buf = momentum·buf + g/avg, p = p - lr·buf; else p = p - lr·g/avg.
 */
export function f32_rmsprop_update(
  param: usize, grad: usize, squareAvg: usize, gradAvg: usize, buf: usize, n: i32, hyper: usize, lr: f32,
): void {
  const h = changetype<RmspropHyper>(hyper);
  const alpha = h.alpha, oneMinusAlpha = h.oneMinusAlpha, eps = h.eps, weightDecay = h.weightDecay;
  const momentum = h.momentum, flags = h.flags;
  const centered = (flags & RMSPROP_CENTERED) != 0;
  const useMomentum = (flags & RMSPROP_MOMENTUM) != 0;
  const l2 = weightDecay != 0;
  const negLr = -lr;
  const vNegLr = f32x4.splat(negLr), vEps = f32x4.splat(eps), vWd = f32x4.splat(weightDecay);
  const vAlpha = f32x4.splat(alpha), v1mAlpha = f32x4.splat(oneMinusAlpha), vMom = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(param + o);
    const g = l2x4(v128.load(grad + o), p, l2, vWd);
    let sq = decaySqx4(v128.load(squareAvg + o), vAlpha, v1mAlpha, g);
    v128.store(squareAvg + o, sq);
    if (centered) {
      const ga = decayx4(v128.load(gradAvg + o), vAlpha, v1mAlpha, g);
      v128.store(gradAvg + o, ga);
      sq = f32x4.sub(sq, f32x4.mul(ga, ga));
    }
    const avg = f32x4.add(f32x4.sqrt(sq), vEps);
    if (useMomentum) {
      const b = f32x4.add(f32x4.mul(v128.load(buf + o), vMom), f32x4.div(g, avg));
      v128.store(buf + o, b);
      v128.store(param + o, f32x4.add(p, f32x4.mul(vNegLr, b)));
    } else {
      v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vNegLr, g), avg)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    const g = l2x1(load<f32>(grad + o), p, l2, weightDecay);
    let sq = decaySqx1(load<f32>(squareAvg + o), alpha, oneMinusAlpha, g);
    store<f32>(squareAvg + o, sq);
    if (centered) {
      const ga = decayx1(load<f32>(gradAvg + o), alpha, oneMinusAlpha, g);
      store<f32>(gradAvg + o, ga);
      sq = sq - ga * ga;
    }
    const avg = sqrt<f32>(sq) + eps;
    if (useMomentum) {
      const b = load<f32>(buf + o) * momentum + g / avg;
      store<f32>(buf + o, b);
      store<f32>(param + o, p + negLr * b);
    } else {
      store<f32>(param + o, p + negLr * g / avg);
    }
  }
}

/** Adadelta's hyperparameters; field order = ABI. */
@unmanaged class AdadeltaHyper {
  rho: f32;
  oneMinusRho: f32;
  eps: f32;
  weightDecay: f32;
}
export const ADADELTA_HYPER_BYTES: i32 = offsetof<AdadeltaHyper>();
export const ADADELTA_HYPER_RHO: i32 = offsetof<AdadeltaHyper>('rho');
export const ADADELTA_HYPER_ONE_MINUS_RHO: i32 = offsetof<AdadeltaHyper>('oneMinusRho');
export const ADADELTA_HYPER_EPS: i32 = offsetof<AdadeltaHyper>('eps');
export const ADADELTA_HYPER_WEIGHT_DECAY: i32 = offsetof<AdadeltaHyper>('weightDecay');

/**
 * Adadelta (torch.optim.Adadelta). squareAvg, accDelta: n floats. g = g + weightDecay·p;
 * sq = rho·sq + (1-rho)·g·g; delta = sqrt(acc + eps) / sqrt(sq + eps) · g;
 * acc = rho·acc + (1-rho)·delta·delta; p = p - lr·delta.
 */
export function f32_adadelta_update(
  param: usize, grad: usize, squareAvg: usize, accDelta: usize, n: i32, hyper: usize, lr: f32,
): void {
  const h = changetype<AdadeltaHyper>(hyper);
  const rho = h.rho, oneMinusRho = h.oneMinusRho, eps = h.eps, weightDecay = h.weightDecay;
  const l2 = weightDecay != 0;
  const negLr = -lr;
  const vNegLr = f32x4.splat(negLr), vEps = f32x4.splat(eps), vWd = f32x4.splat(weightDecay);
  const vRho = f32x4.splat(rho), v1mRho = f32x4.splat(oneMinusRho);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(param + o);
    const g = l2x4(v128.load(grad + o), p, l2, vWd);
    const sq = decaySqx4(v128.load(squareAvg + o), vRho, v1mRho, g);
    v128.store(squareAvg + o, sq);
    const acc = v128.load(accDelta + o);
    const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(acc, vEps)), f32x4.sqrt(f32x4.add(sq, vEps))), g);
    v128.store(accDelta + o, decaySqx4(acc, vRho, v1mRho, delta));
    v128.store(param + o, f32x4.add(p, f32x4.mul(vNegLr, delta)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    const g = l2x1(load<f32>(grad + o), p, l2, weightDecay);
    const sq = decaySqx1(load<f32>(squareAvg + o), rho, oneMinusRho, g);
    store<f32>(squareAvg + o, sq);
    const acc = load<f32>(accDelta + o);
    const delta = sqrt<f32>(acc + eps) / sqrt<f32>(sq + eps) * g;
    store<f32>(accDelta + o, decaySqx1(acc, rho, oneMinusRho, delta));
    store<f32>(param + o, p + negLr * delta);
  }
}

/** Adamax's hyperparameters; field order = ABI. */
@unmanaged class AdamaxHyper {
  beta1: f32;
  oneMinusBeta1: f32;
  beta2: f32;
  eps: f32;
  weightDecay: f32;
}
export const ADAMAX_HYPER_BYTES: i32 = offsetof<AdamaxHyper>();
export const ADAMAX_HYPER_BETA1: i32 = offsetof<AdamaxHyper>('beta1');
export const ADAMAX_HYPER_ONE_MINUS_BETA1: i32 = offsetof<AdamaxHyper>('oneMinusBeta1');
export const ADAMAX_HYPER_BETA2: i32 = offsetof<AdamaxHyper>('beta2');
export const ADAMAX_HYPER_EPS: i32 = offsetof<AdamaxHyper>('eps');
export const ADAMAX_HYPER_WEIGHT_DECAY: i32 = offsetof<AdamaxHyper>('weightDecay');

/**
 * Adamax (torch.optim.Adamax). m, u: n floats. g = g + weightDecay·p; m = beta1·m + (1-beta1)·g;
 * u = max(beta2·u, |g| + eps); p = p - clr·m / u with clr = lr / (1 - beta1^t).
 */
export function f32_adamax_update(
  param: usize, grad: usize, m: usize, u: usize, n: i32, hyper: usize, clr: f32,
): void {
  const h = changetype<AdamaxHyper>(hyper);
  const beta1 = h.beta1, oneMinusBeta1 = h.oneMinusBeta1, beta2 = h.beta2, eps = h.eps, weightDecay = h.weightDecay;
  const l2 = weightDecay != 0;
  const negClr = -clr;
  const vNegClr = f32x4.splat(negClr), vEps = f32x4.splat(eps), vWd = f32x4.splat(weightDecay);
  const vB1 = f32x4.splat(beta1), v1mB1 = f32x4.splat(oneMinusBeta1), vB2 = f32x4.splat(beta2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(param + o);
    const g = l2x4(v128.load(grad + o), p, l2, vWd);
    const mi = decayx4(v128.load(m + o), vB1, v1mB1, g);
    const ui = f32x4.max(f32x4.mul(v128.load(u + o), vB2), f32x4.add(f32x4.abs(g), vEps));
    v128.store(m + o, mi);
    v128.store(u + o, ui);
    v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vNegClr, mi), ui)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(param + o);
    const g = l2x1(load<f32>(grad + o), p, l2, weightDecay);
    const mi = decayx1(load<f32>(m + o), beta1, oneMinusBeta1, g);
    const ui = max(load<f32>(u + o) * beta2, abs<f32>(g) + eps);
    store<f32>(m + o, mi);
    store<f32>(u + o, ui);
    store<f32>(param + o, p + negClr * mi / ui);
  }
}

/** NAdam's hyperparameters; field order = ABI. */
@unmanaged class NadamHyper {
  beta1: f32;
  oneMinusBeta1: f32;
  beta2: f32;
  oneMinusBeta2: f32;
  eps: f32;
  weightDecay: f32;
}
export const NADAM_HYPER_BYTES: i32 = offsetof<NadamHyper>();
export const NADAM_HYPER_BETA1: i32 = offsetof<NadamHyper>('beta1');
export const NADAM_HYPER_ONE_MINUS_BETA1: i32 = offsetof<NadamHyper>('oneMinusBeta1');
export const NADAM_HYPER_BETA2: i32 = offsetof<NadamHyper>('beta2');
export const NADAM_HYPER_ONE_MINUS_BETA2: i32 = offsetof<NadamHyper>('oneMinusBeta2');
export const NADAM_HYPER_EPS: i32 = offsetof<NadamHyper>('eps');
export const NADAM_HYPER_WEIGHT_DECAY: i32 = offsetof<NadamHyper>('weightDecay');

/**
 * NAdam (torch.optim.NAdam, the documented algorithm). m, v: n floats. g = g + weightDecay·p;
 * m = beta1·m + (1-beta1)·g; v = beta2·v + (1-beta2)·g·g; denom = sqrt(v / (1-beta2^t)) + eps;
 * p = p + gradCoef·g / denom, then p = p + momentumCoef·m / denom, where the host computes
 * gradCoef = -lr·(1-mu_t)/(1-prod mu_1..t) and momentumCoef = -lr·mu_{t+1}/(1-prod mu_1..t+1).
 */
export function f32_nadam_update(
  param: usize, grad: usize, m: usize, v: usize, n: i32, hyper: usize,
  gradCoef: f32, momentumCoef: f32, biasCorrection2: f32,
): void {
  const h = changetype<NadamHyper>(hyper);
  const beta1 = h.beta1, oneMinusBeta1 = h.oneMinusBeta1, beta2 = h.beta2, oneMinusBeta2 = h.oneMinusBeta2;
  const eps = h.eps, weightDecay = h.weightDecay;
  const l2 = weightDecay != 0;
  const vGradCoef = f32x4.splat(gradCoef), vMomCoef = f32x4.splat(momentumCoef);
  const vEps = f32x4.splat(eps), vWd = f32x4.splat(weightDecay), vBc2 = f32x4.splat(biasCorrection2);
  const vB1 = f32x4.splat(beta1), v1mB1 = f32x4.splat(oneMinusBeta1);
  const vB2 = f32x4.splat(beta2), v1mB2 = f32x4.splat(oneMinusBeta2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let p = v128.load(param + o);
    const g = l2x4(v128.load(grad + o), p, l2, vWd);
    const mi = decayx4(v128.load(m + o), vB1, v1mB1, g);
    const vi = decaySqx4(v128.load(v + o), vB2, v1mB2, g);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(vi, vBc2)), vEps);
    p = f32x4.add(p, f32x4.div(f32x4.mul(vGradCoef, g), denom));
    v128.store(param + o, f32x4.add(p, f32x4.div(f32x4.mul(vMomCoef, mi), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let p = load<f32>(param + o);
    const g = l2x1(load<f32>(grad + o), p, l2, weightDecay);
    const mi = decayx1(load<f32>(m + o), beta1, oneMinusBeta1, g);
    const vi = decaySqx1(load<f32>(v + o), beta2, oneMinusBeta2, g);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const denom = sqrt<f32>(vi / biasCorrection2) + eps;
    p = p + gradCoef * g / denom;
    store<f32>(param + o, p + momentumCoef * mi / denom);
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
 * 1 when every x[0..n) is finite, 0 when any is NaN or ±Inf: x - x is exactly 0 for a finite x
 * and NaN otherwise, and a NaN survives the running sum. One branch-free pass (the training
 * loop's check of the whole gradient block before an optimizer step).
 */
export function f32_all_finite(x: usize, n: i32): i32 {
  // Four independent sums hide the add latency (16 floats per iteration), then 4, then scalars.
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
    acc0 = f32x4.add(acc0, f32x4.sub(x0, x0));
    acc1 = f32x4.add(acc1, f32x4.sub(x1, x1));
    acc2 = f32x4.add(acc2, f32x4.sub(x2, x2));
    acc3 = f32x4.add(acc3, f32x4.sub(x3, x3));
  }
  let acc = f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3));
  for (; i + 4 <= n; i += 4) {
    const xi = v128.load(x + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.sub(xi, xi));
  }
  let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const xi = load<f32>(x + (<usize>i << 2));
    sum += xi - xi;
  }
  return sum == 0 ? 1 : 0;
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

// Losses: value, per-sample values and gradient with respect to yPred in one fused call.
//
// Every kernel has the same signature and returns the reported loss (f64):
//   f32_<loss>_loss__simd(sampleLoss, dpred, ytrue, ypred, weights, batch, shape): f64
// where `shape` points to a LossShape struct { positions, width, a, b } (see the exports).
// Layout: yPred holds `batch` samples of `positions` rows of `width` floats. Dense targets have
// the same layout; sparse targets (class indices stored as f32, ranking labels) hold one float per
// row. The row loss is a mean (regression, binary losses: Keras's mean over the last axis) or a sum
// (crossentropies, KL: sum over classes) over the width; the per-sample loss is the mean of its
// row losses (so pixelwise losses average over pixels); the reported loss is
//   sum_s w_s * sampleLoss_s / batch          (Keras's sum_over_batch_size)
// and dpred += d(reported)/d(ypred) unless dpred is 0. sampleLoss (batch floats) is written
// unless it is 0; weights (batch floats) or 0 for all ones. a, b: the loss's hyper-parameters.
//
// Probability inputs are clipped to [EPS, 1 - EPS] and clipped entries get no gradient;
// categorical crossentropies on probabilities divide by the row sum first (Keras 3); the
// fromLogits crossentropies are fused log-sum-exp kernels (never softmax then log).
// Loss kernels run once per step over [batch, classes], so they call the transcendentals (the
// non-inlined forms in math.ts: the same bits) instead of inlining copies: a much smaller module.
import {
  exp_f32x4, log_f32x4, expS, expV, hsum_f32x4, log1pS, log1pV, logS, logV, rowLogSumExpS, rowMaxS, sigmoidS, sigmoidV,
  softplusS, softplusV, tanhS, tanhV,
} from './math';

/** Keras's backend epsilon: the probability clip and the MAPE/MSLE/Poisson guards. */
const EPS: f32 = 1e-7;
const ONE_MINUS_EPS: f32 = 1 - EPS;
const LN2: f32 = 0.693147180559945309;

// @ts-ignore: decorator
@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** 1 in lanes where the mask is set, 0 elsewhere. */
// @ts-ignore: decorator
@inline function ones(mask: v128): v128 {
  return v128.and(mask, splat(1));
}

/** sign(d): -1, 0 or 1 per lane. */
// @ts-ignore: decorator
@inline function sign4(d: v128): v128 {
  return f32x4.sub(ones(f32x4.gt(d, splat(0))), ones(f32x4.lt(d, splat(0))));
}

// @ts-ignore: decorator
@inline function sign1(d: f32): f32 {
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

// ---------------------------------------------------------------------------------------------
// The batch loop, shared by every loss. R provides row(dp, t, p, width, g, a, b): f32 (the row
// loss; accumulates g * d(row loss)/dp into dp when dp != 0) and sparse(): bool.

/** The weight of sample s (1 without weights). */
// @ts-ignore: decorator
@inline function weightOf(weights: usize, s: i32): f32 {
  return weights != 0 ? load<f32>(weights + (<usize>s << 2)) : 1;
}

/** Row r's loss (and gradient) through R.row, with dense or sparse targets. */
// @ts-ignore: decorator
@inline function rowLoss<R>(r: usize, dpred: usize, ytrue: usize, ypred: usize, width: i32, g: f32, a: f32, b: f32): f64 {
  const op = changetype<R>(0);
  const off = (r * width) << 2;
  const t = op.sparse() ? ytrue + (r << 2) : ytrue + off;
  return <f64>op.row(dpred != 0 ? dpred + off : 0, t, ypred + off, width, g, a, b);
}

/** Sample s's loss, the mean of its row losses `acc`, stored to sampleLoss unless it is 0. */
// @ts-ignore: decorator
@inline function sampleMean(sampleLoss: usize, s: i32, acc: f64, positions: i32): f64 {
  const l = acc / <f64>positions;
  if (sampleLoss != 0) store<f32>(sampleLoss + (<usize>s << 2), <f32>l);
  return l;
}

// @ts-ignore: decorator
@inline function lossDriver<R>(
  sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize,
  batch: i32, positions: i32, width: i32, a: f32, b: f32,
): f64 {
  let total: f64 = 0;
  for (let s = 0; s < batch; s++) {
    const w = weightOf(weights, s);
    const g: f32 = w / (<f32>batch * <f32>positions);
    let acc: f64 = 0;
    for (let q = 0; q < positions; q++) acc += rowLoss<R>(<usize>s * positions + q, dpred, ytrue, ypred, width, g, a, b);
    total += <f64>w * sampleMean(sampleLoss, s, acc, positions);
  }
  return total / <f64>batch;
}

// ---------------------------------------------------------------------------------------------
// Elementwise losses: E gives the value v(t, p) and its derivative d(t, p) per element (vector
// and scalar forms) and whether the row reduces by mean (true) or sum.

// @ts-ignore: decorator
@inline function elementwiseRow<E>(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
  const e = changetype<E>(0);
  const av = splat(a);
  const bv = splat(b);
  const gs: f32 = e.mean() ? g / <f32>width : g;
  const gv = splat(gs);
  let acc = splat(0);
  let c = 0;
  for (; c + 4 <= width; c += 4) {
    const o = <usize>c << 2;
    const tv = v128.load(t + o);
    const pv = v128.load(p + o);
    acc = f32x4.add(acc, e.v(tv, pv, av, bv));
    if (dp != 0) v128.store(dp + o, f32x4.add(v128.load(dp + o), f32x4.mul(gv, e.d(tv, pv, av, bv))));
  }
  let sum = hsum_f32x4(acc);
  for (; c < width; c++) {
    const o = <usize>c << 2;
    const ts = load<f32>(t + o);
    const ps = load<f32>(p + o);
    sum += e.v1(ts, ps, a, b);
    if (dp != 0) store<f32>(dp + o, load<f32>(dp + o) + gs * e.d1(ts, ps, a, b));
  }
  return e.mean() ? sum / <f32>width : sum;
}

/** Adapts an elementwise functor to the row interface of lossDriver. */
class Elementwise<E> {
  @inline sparse(): bool { return false; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    return elementwiseRow<E>(dp, t, p, width, g, a, b);
  }
}

/** meanSquaredError: (p - t)^2. */
class Mse {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 { const d = f32x4.sub(p, t); return f32x4.mul(d, d); }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 { const d = f32x4.sub(p, t); return f32x4.add(d, d); }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 { const d = p - t; return d * d; }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 { const d = p - t; return d + d; }
}

/** meanAbsoluteError: |p - t|, derivative sign(p - t) (0 at a tie). */
class Mae {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 { return f32x4.abs(f32x4.sub(p, t)); }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 { return sign4(f32x4.sub(p, t)); }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 { return abs<f32>(p - t); }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 { return sign1(p - t); }
}

/** meanBiasError: t - p, the course's MBE = sum(y - yhat) / n (positive when predictions are too low). */
class Mbe {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 { return f32x4.sub(t, p); }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 { return splat(-1); }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 { return t - p; }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 { return -1; }
}

/** huber(delta = a): d^2 / 2 for |d| <= delta, else delta (|d| - delta / 2); d = p - t. */
class Huber {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const d = f32x4.sub(p, t);
    const ad = f32x4.abs(d);
    const quad = f32x4.mul(splat(0.5), f32x4.mul(d, d));
    const lin = f32x4.mul(a, f32x4.sub(ad, f32x4.mul(splat(0.5), a)));
    return v128.bitselect(quad, lin, f32x4.le(ad, a));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 { return f32x4.max(f32x4.min(f32x4.sub(p, t), a), f32x4.neg(a)); }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const d = p - t;
    const ad = abs<f32>(d);
    return ad <= a ? 0.5 * (d * d) : a * (ad - 0.5 * a);
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 { return max<f32>(min<f32>(p - t, a), -a); }
}

/** smoothL1(beta = a), PyTorch's: d^2 / (2 beta) for |d| < beta, else |d| - beta / 2. */
class SmoothL1 {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const d = f32x4.sub(p, t);
    const ad = f32x4.abs(d);
    const quad = f32x4.div(f32x4.mul(splat(0.5), f32x4.mul(d, d)), a);
    const lin = f32x4.sub(ad, f32x4.mul(splat(0.5), a));
    return v128.bitselect(quad, lin, f32x4.lt(ad, a));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const d = f32x4.sub(p, t);
    return v128.bitselect(f32x4.div(d, a), sign4(d), f32x4.lt(f32x4.abs(d), a));
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const d = p - t;
    const ad = abs<f32>(d);
    return ad < a ? (0.5 * (d * d)) / a : ad - 0.5 * a;
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const d = p - t;
    return abs<f32>(d) < a ? d / a : sign1(d);
  }
}

/** logCosh: log(cosh(d)) = |d| + softplus(-2|d|) - log 2; derivative tanh(d). */
class LogCosh {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const ad = f32x4.abs(f32x4.sub(p, t));
    return f32x4.sub(f32x4.add(ad, softplusV(f32x4.mul(splat(-2), ad))), splat(LN2));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 { return tanhV(f32x4.sub(p, t)); }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const ad = abs<f32>(p - t);
    return (ad + softplusS(-2 * ad)) - LN2;
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 { return tanhS(p - t); }
}

/** meanSquaredLogarithmicError: (log1p(max(p, eps)) - log1p(max(t, eps)))^2. */
class Msle {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const d = f32x4.sub(log1pV(f32x4.max(p, splat(EPS))), log1pV(f32x4.max(t, splat(EPS))));
    return f32x4.mul(d, d);
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const d = f32x4.sub(log1pV(f32x4.max(p, splat(EPS))), log1pV(f32x4.max(t, splat(EPS))));
    const g = f32x4.div(f32x4.add(d, d), f32x4.add(p, splat(1)));
    return v128.and(g, f32x4.ge(p, splat(EPS)));
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const d = log1pS(max<f32>(p, EPS)) - log1pS(max<f32>(t, EPS));
    return d * d;
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const d = log1pS(max<f32>(p, EPS)) - log1pS(max<f32>(t, EPS));
    return p >= EPS ? (d + d) / (p + 1) : 0;
  }
}

/** meanAbsolutePercentageError: 100 |t - p| / max(|t|, eps). */
class Mape {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    return f32x4.div(f32x4.mul(splat(100), f32x4.abs(f32x4.sub(t, p))), f32x4.max(f32x4.abs(t), splat(EPS)));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    return f32x4.div(f32x4.mul(splat(100), sign4(f32x4.sub(p, t))), f32x4.max(f32x4.abs(t), splat(EPS)));
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 { return (100 * abs<f32>(t - p)) / max<f32>(abs<f32>(t), EPS); }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 { return (100 * sign1(p - t)) / max<f32>(abs<f32>(t), EPS); }
}

/** poisson: p - t log(p + eps). */
class Poisson {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 { return f32x4.sub(p, f32x4.mul(t, logV(f32x4.add(p, splat(EPS))))); }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 { return f32x4.sub(splat(1), f32x4.div(t, f32x4.add(p, splat(EPS)))); }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 { return p - t * logS(p + EPS); }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 { return 1 - t / (p + EPS); }
}

/** quantile(q = a), the pinball loss: max(q d, (q - 1) d) with d = t - p. */
class Quantile {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const d = f32x4.sub(t, p);
    return f32x4.max(f32x4.mul(a, d), f32x4.mul(f32x4.sub(a, splat(1)), d));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const d = f32x4.sub(t, p);
    const under = v128.and(f32x4.gt(d, splat(0)), f32x4.neg(a));
    const over = v128.and(f32x4.lt(d, splat(0)), f32x4.sub(splat(1), a));
    return v128.or(under, over);
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const d = t - p;
    return max<f32>(a * d, (a - 1) * d);
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const d = t - p;
    return d > 0 ? -a : d < 0 ? 1 - a : 0;
  }
}

/** The hinge label: 2t - 1 when a != 0 (Keras converts {0, 1} labels when all are 0 or 1). */
// @ts-ignore: decorator
@inline function hingeLabel4(t: v128, a: v128): v128 {
  return v128.bitselect(f32x4.sub(f32x4.add(t, t), splat(1)), t, f32x4.ne(a, splat(0)));
}

/**
 * perceptron criterion: max(0, -t p), gradient -t on a mistake (t p <= 0, so zero weights still
 * learn). With SGD and batch size 1 on a linear unit this is the perceptron rule w += lr t x.
 */
class Perceptron {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    return f32x4.max(f32x4.neg(f32x4.mul(hingeLabel4(t, a), p)), splat(0));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const tl = hingeLabel4(t, a);
    return v128.and(f32x4.neg(tl), f32x4.le(f32x4.mul(tl, p), splat(0)));
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tl: f32 = a != 0 ? 2 * t - 1 : t;
    return max<f32>(-(tl * p), 0);
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tl: f32 = a != 0 ? 2 * t - 1 : t;
    return tl * p <= 0 ? -tl : 0;
  }
}

/** hinge: max(0, 1 - t p). */
class Hinge {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    return f32x4.max(f32x4.sub(splat(1), f32x4.mul(hingeLabel4(t, a), p)), splat(0));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const tl = hingeLabel4(t, a);
    return v128.and(f32x4.neg(tl), f32x4.gt(f32x4.sub(splat(1), f32x4.mul(tl, p)), splat(0)));
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tl: f32 = a != 0 ? 2 * t - 1 : t;
    return max<f32>(1 - tl * p, 0);
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tl: f32 = a != 0 ? 2 * t - 1 : t;
    return 1 - tl * p > 0 ? -tl : 0;
  }
}

/** squaredHinge: max(0, 1 - t p)^2. */
class SquaredHinge {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const h = f32x4.max(f32x4.sub(splat(1), f32x4.mul(hingeLabel4(t, a), p)), splat(0));
    return f32x4.mul(h, h);
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const tl = hingeLabel4(t, a);
    const h = f32x4.max(f32x4.sub(splat(1), f32x4.mul(tl, p)), splat(0));
    return f32x4.mul(f32x4.mul(splat(-2), tl), h);
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tl: f32 = a != 0 ? 2 * t - 1 : t;
    const h = max<f32>(1 - tl * p, 0);
    return h * h;
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tl: f32 = a != 0 ? 2 * t - 1 : t;
    return (-2 * tl) * max<f32>(1 - tl * p, 0);
  }
}

/** contrastive(margin = a) on distances p: t p^2 + (1 - t) max(margin - p, 0)^2. */
class Contrastive {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const m = f32x4.max(f32x4.sub(a, p), splat(0));
    return f32x4.add(f32x4.mul(t, f32x4.mul(p, p)), f32x4.mul(f32x4.sub(splat(1), t), f32x4.mul(m, m)));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const m = f32x4.max(f32x4.sub(a, p), splat(0));
    return f32x4.mul(splat(2), f32x4.sub(f32x4.mul(t, p), f32x4.mul(f32x4.sub(splat(1), t), m)));
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const m = max<f32>(a - p, 0);
    return t * (p * p) + (1 - t) * (m * m);
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const m = max<f32>(a - p, 0);
    return 2 * (t * p - (1 - t) * m);
  }
}

/**
 * binaryCrossentropy on probabilities (posWeight = a, labelSmoothing = b):
 * -(a t log p + (1 - t) log(1 - p)), t smoothed to t (1 - b) + b / 2, p clipped to [eps, 1 - eps].
 */
class Bce {
  @inline mean(): bool { return true; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const ts = f32x4.add(f32x4.mul(t, f32x4.sub(splat(1), b)), f32x4.mul(b, splat(0.5)));
    const pc = f32x4.max(f32x4.min(p, splat(ONE_MINUS_EPS)), splat(EPS));
    const pos = f32x4.mul(f32x4.mul(a, ts), logV(pc));
    const neg = f32x4.mul(f32x4.sub(splat(1), ts), logV(f32x4.sub(splat(1), pc)));
    return f32x4.neg(f32x4.add(pos, neg));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const ts = f32x4.add(f32x4.mul(t, f32x4.sub(splat(1), b)), f32x4.mul(b, splat(0.5)));
    const g = f32x4.sub(f32x4.div(f32x4.sub(splat(1), ts), f32x4.sub(splat(1), p)), f32x4.div(f32x4.mul(a, ts), p));
    return v128.and(g, v128.and(f32x4.ge(p, splat(EPS)), f32x4.le(p, splat(ONE_MINUS_EPS))));
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const ts = t * (1 - b) + b * 0.5;
    const pc = max<f32>(min<f32>(p, ONE_MINUS_EPS), EPS);
    return -((a * ts) * logS(pc) + (1 - ts) * logS(1 - pc));
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const ts = t * (1 - b) + b * 0.5;
    return p >= EPS && p <= ONE_MINUS_EPS ? (1 - ts) / (1 - p) - (a * ts) / p : 0;
  }
}

/**
 * binaryCrossentropy from logits x (posWeight = a, labelSmoothing = b), PyTorch's stable form:
 * (1 - t) x + (1 + (a - 1) t) softplus(-x); derivative (1 - t) - (1 + (a - 1) t) sigmoid(-x).
 */
class BceLogits {
  @inline mean(): bool { return true; }
  @inline v(t: v128, x: v128, a: v128, b: v128): v128 {
    const ts = f32x4.add(f32x4.mul(t, f32x4.sub(splat(1), b)), f32x4.mul(b, splat(0.5)));
    const c = f32x4.add(splat(1), f32x4.mul(f32x4.sub(a, splat(1)), ts));
    return f32x4.add(f32x4.mul(f32x4.sub(splat(1), ts), x), f32x4.mul(c, softplusV(f32x4.neg(x))));
  }
  @inline d(t: v128, x: v128, a: v128, b: v128): v128 {
    const ts = f32x4.add(f32x4.mul(t, f32x4.sub(splat(1), b)), f32x4.mul(b, splat(0.5)));
    const c = f32x4.add(splat(1), f32x4.mul(f32x4.sub(a, splat(1)), ts));
    return f32x4.sub(f32x4.sub(splat(1), ts), f32x4.mul(c, sigmoidV(f32x4.neg(x))));
  }
  @inline v1(t: f32, x: f32, a: f32, b: f32): f32 {
    const ts = t * (1 - b) + b * 0.5;
    const c: f32 = 1 + (a - 1) * ts;
    return (1 - ts) * x + c * softplusS(-x);
  }
  @inline d1(t: f32, x: f32, a: f32, b: f32): f32 {
    const ts = t * (1 - b) + b * 0.5;
    const c: f32 = 1 + (a - 1) * ts;
    return (1 - ts) - c * sigmoidS(-x);
  }
}

/** kullbackLeiblerDivergence: sum of t log(t / p), t and p clipped to [eps, 1] (Keras). */
class Kld {
  @inline mean(): bool { return false; }
  @inline v(t: v128, p: v128, a: v128, b: v128): v128 {
    const tc = f32x4.max(f32x4.min(t, splat(1)), splat(EPS));
    const pc = f32x4.max(f32x4.min(p, splat(1)), splat(EPS));
    return f32x4.mul(tc, f32x4.sub(logV(tc), logV(pc)));
  }
  @inline d(t: v128, p: v128, a: v128, b: v128): v128 {
    const tc = f32x4.max(f32x4.min(t, splat(1)), splat(EPS));
    const inside = v128.and(f32x4.ge(p, splat(EPS)), f32x4.le(p, splat(1)));
    return v128.and(f32x4.neg(f32x4.div(tc, p)), inside);
  }
  @inline v1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tc = max<f32>(min<f32>(t, 1), EPS);
    const pc = max<f32>(min<f32>(p, 1), EPS);
    return tc * (logS(tc) - logS(pc));
  }
  @inline d1(t: f32, p: f32, a: f32, b: f32): f32 {
    const tc = max<f32>(min<f32>(t, 1), EPS);
    return p >= EPS && p <= 1 ? -(tc / p) : 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Row losses: the whole row (or sample) at once.

/**
 * rootMeanSquaredError over the batch, as the course and Keras's RootMeanSquaredError define it:
 * sqrt(sum_s w_s mse_s / batch), mse_s the mean of (p - t)^2 over sample s (width floats). The
 * per-sample losses are sqrt(mse_s); the gradient is w_s (p - t) / (batch width loss).
 */
function rmseBatch(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, width: i32): f64 {
  let total: f64 = 0;
  for (let s = 0; s < batch; s++) {
    const off = (<usize>s * width) << 2;
    const ms = <f64>sumSquaredDiff(ytrue + off, ypred + off, width) / <f64>width;
    if (sampleLoss != 0) store<f32>(sampleLoss + (<usize>s << 2), <f32>sqrt<f64>(ms));
    total += <f64>weightOf(weights, s) * ms;
  }
  const l = sqrt<f64>(total / <f64>batch);
  if (dpred == 0 || !(l > 0)) return l;
  for (let s = 0; s < batch; s++) {
    const off = (<usize>s * width) << 2;
    const k = <f32>(<f64>weightOf(weights, s) / (<f64>batch * <f64>width * l));
    const kv = splat(k);
    let c = 0;
    for (; c + 4 <= width; c += 4) {
      const o = off + (<usize>c << 2);
      const d = f32x4.sub(v128.load(ypred + o), v128.load(ytrue + o));
      v128.store(dpred + o, f32x4.add(v128.load(dpred + o), f32x4.mul(kv, d)));
    }
    for (; c < width; c++) {
      const o = off + (<usize>c << 2);
      store<f32>(dpred + o, load<f32>(dpred + o) + k * (load<f32>(ypred + o) - load<f32>(ytrue + o)));
    }
  }
  return l;
}

/** sum of (p - t)^2 over n floats. */
function sumSquaredDiff(t: usize, p: usize, n: i32): f32 {
  let acc = splat(0);
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    const d = f32x4.sub(v128.load(p + (<usize>c << 2)), v128.load(t + (<usize>c << 2)));
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let ss = hsum_f32x4(acc);
  for (; c < n; c++) {
    const d = load<f32>(p + (<usize>c << 2)) - load<f32>(t + (<usize>c << 2));
    ss += d * d;
  }
  return ss;
}

/** dp[c] += k * exp((p[c] - m) - ls) - (tk * t[c] when t != 0) over one row: softmax-based gradients. */
// @ts-ignore: decorator
@inline function addSoftmaxGradient(dp: usize, p: usize, t: usize, width: i32, m: f32, ls: f32, k: f32, tk: f32): void {
  const mv = splat(m);
  const lv = splat(ls);
  const kv = splat(k);
  const tkv = splat(tk);
  let c = 0;
  for (; c + 4 <= width; c += 4) {
    const o = <usize>c << 2;
    let gv = f32x4.mul(kv, expV(f32x4.sub(f32x4.sub(v128.load(p + o), mv), lv)));
    if (t != 0) gv = f32x4.sub(gv, f32x4.mul(tkv, v128.load(t + o)));
    v128.store(dp + o, f32x4.add(v128.load(dp + o), gv));
  }
  for (; c < width; c++) {
    const o = <usize>c << 2;
    let gs = k * expS((load<f32>(p + o) - m) - ls);
    if (t != 0) gs -= tk * load<f32>(t + o);
    store<f32>(dp + o, load<f32>(dp + o) + gs);
  }
}

/**
 * categoricalCrossentropy from logits, fused (labelSmoothing = b): with t' = t (1 - b) + b / C,
 * loss = sum t' (lse - x) = T ls - sum t' (x - m), T = sum t', ls = log sum exp(x - m);
 * gradient T softmax(x) - t'.
 */
class CceLogits {
  @inline sparse(): bool { return false; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    const m = rowMaxS(p, width);
    const ls = rowLogSumExpS(p, width, m);
    const keep: f32 = 1 - b;
    const spread: f32 = b / <f32>width;
    const mv = splat(m);
    let tsum = splat(0);
    let txsum = splat(0);
    let c = 0;
    for (; c + 4 <= width; c += 4) {
      const o = <usize>c << 2;
      const ts = f32x4.add(f32x4.mul(v128.load(t + o), splat(keep)), splat(spread));
      tsum = f32x4.add(tsum, ts);
      txsum = f32x4.add(txsum, f32x4.mul(ts, f32x4.sub(v128.load(p + o), mv)));
    }
    let T = hsum_f32x4(tsum);
    let TX = hsum_f32x4(txsum);
    for (; c < width; c++) {
      const o = <usize>c << 2;
      const ts = load<f32>(t + o) * keep + spread;
      T += ts;
      TX += ts * (load<f32>(p + o) - m);
    }
    if (dp != 0) {
      // d/dx_c = T softmax_c - t'_c = T softmax_c - keep t_c - spread.
      addSoftmaxGradient(dp, p, t, width, m, ls, g * T, g * keep);
      if (spread != 0) {
        const sv = splat(g * spread);
        c = 0;
        for (; c + 4 <= width; c += 4) v128.store(dp + (<usize>c << 2), f32x4.sub(v128.load(dp + (<usize>c << 2)), sv));
        for (; c < width; c++) store<f32>(dp + (<usize>c << 2), load<f32>(dp + (<usize>c << 2)) - g * spread);
      }
    }
    return T * ls - TX;
  }
}

/** The class index of a sparse label, or -1 when it is not an integer in [0, classes). */
// @ts-ignore: decorator
@inline function labelIndex(t: usize, classes: i32): i32 {
  const v = load<f32>(t);
  if (!(v >= 0 && v < <f32>classes) || v != floor<f32>(v)) return -1;
  return <i32>v;
}

/** sparseCategoricalCrossentropy from logits, fused: loss = ls - (x_y - m); gradient softmax - onehot. */
class SparseCceLogits {
  @inline sparse(): bool { return true; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    const y = labelIndex(t, width);
    if (y < 0) return 0; // rejected by f32_sparse_labels_check before any call from TS
    const m = rowMaxS(p, width);
    const ls = rowLogSumExpS(p, width, m);
    if (dp != 0) {
      addSoftmaxGradient(dp, p, 0, width, m, ls, g, 0);
      const o = <usize>y << 2;
      store<f32>(dp + o, load<f32>(dp + o) - g);
    }
    return ls - (load<f32>(p + (<usize>y << 2)) - m);
  }
}

/** Lane j of a vector built from p[j * stride + c], j = 0..3: one class of four consecutive rows. */
// @ts-ignore: decorator
@inline function gather4(p: usize, stride: usize, c: i32): v128 {
  const o = <usize>c << 2;
  let v = f32x4.splat(load<f32>(p + o));
  v = f32x4.replace_lane(v, 1, load<f32>(p + stride + o));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * stride + o));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * stride + o));
}

/**
 * sparseCategoricalCrossentropy from logits for narrow rows (fewer than 8 classes, e.g. pixelwise
 * segmentation): four consecutive rows at once, one per lane, so the exps and the log run in SIMD
 * instead of scalar tails. The same formulas as SparseCceLogits; classes are summed in order.
 */
class SparseCceLogitsNarrow {
  @inline sparse(): bool { return true; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    return changetype<SparseCceLogits>(0).row(dp, t, p, width, g, a, b);
  }
  /** Four rows starting at p (labels at t): returns the sum of their losses. */
  @inline rows4(dp: usize, t: usize, p: usize, width: i32, g: f32): f32 {
    const y0 = labelIndex(t, width);
    const y1 = labelIndex(t + 4, width);
    const y2 = labelIndex(t + 8, width);
    const y3 = labelIndex(t + 12, width);
    const stride = <usize>width << 2;
    if ((y0 | y1 | y2 | y3) < 0) { // an invalid label (rejected by TS first): row by row, skipping it
      let sum: f32 = 0;
      for (let j = 0; j < 4; j++) sum += this.row(dp != 0 ? dp + <usize>j * stride : 0, t + (<usize>j << 2), p + <usize>j * stride, width, g, 0, 0);
      return sum;
    }
    let m = f32x4.splat(-Infinity);
    for (let c = 0; c < width; c++) m = f32x4.max(m, gather4(p, stride, c));
    let sum = f32x4.splat(0);
    for (let c = 0; c < width; c++) sum = f32x4.add(sum, exp_f32x4(f32x4.sub(gather4(p, stride, c), m)));
    const ls = log_f32x4(sum);
    let xy = f32x4.splat(load<f32>(p + (<usize>y0 << 2)));
    xy = f32x4.replace_lane(xy, 1, load<f32>(p + stride + (<usize>y1 << 2)));
    xy = f32x4.replace_lane(xy, 2, load<f32>(p + 2 * stride + (<usize>y2 << 2)));
    xy = f32x4.replace_lane(xy, 3, load<f32>(p + 3 * stride + (<usize>y3 << 2)));
    const loss = f32x4.sub(ls, f32x4.sub(xy, m));
    if (dp != 0) {
      const gv = f32x4.splat(g);
      for (let c = 0; c < width; c++) {
        const d = f32x4.mul(gv, exp_f32x4(f32x4.sub(f32x4.sub(gather4(p, stride, c), m), ls)));
        const o = <usize>c << 2;
        store<f32>(dp + o, load<f32>(dp + o) + f32x4.extract_lane(d, 0));
        store<f32>(dp + stride + o, load<f32>(dp + stride + o) + f32x4.extract_lane(d, 1));
        store<f32>(dp + 2 * stride + o, load<f32>(dp + 2 * stride + o) + f32x4.extract_lane(d, 2));
        store<f32>(dp + 3 * stride + o, load<f32>(dp + 3 * stride + o) + f32x4.extract_lane(d, 3));
      }
      store<f32>(dp + (<usize>y0 << 2), load<f32>(dp + (<usize>y0 << 2)) - g);
      store<f32>(dp + stride + (<usize>y1 << 2), load<f32>(dp + stride + (<usize>y1 << 2)) - g);
      store<f32>(dp + 2 * stride + (<usize>y2 << 2), load<f32>(dp + 2 * stride + (<usize>y2 << 2)) - g);
      store<f32>(dp + 3 * stride + (<usize>y3 << 2), load<f32>(dp + 3 * stride + (<usize>y3 << 2)) - g);
    }
    return hsum_f32x4(loss);
  }
}

/** lossDriver for ops with rows4 (SparseCceLogitsNarrow): four rows of a sample per call, then one at a time. */
// @ts-ignore: decorator
@inline function lossDriverRows4<R>(
  sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize,
  batch: i32, positions: i32, width: i32, a: f32, b: f32,
): f64 {
  const op = changetype<R>(0);
  let total: f64 = 0;
  for (let s = 0; s < batch; s++) {
    const w = weightOf(weights, s);
    const g: f32 = w / (<f32>batch * <f32>positions);
    let acc: f64 = 0;
    let q = 0;
    for (; q + 4 <= positions; q += 4) {
      const r = <usize>s * positions + q;
      const off = (r * width) << 2;
      acc += <f64>op.rows4(dpred != 0 ? dpred + off : 0, ytrue + (r << 2), ypred + off, width, g);
    }
    for (; q < positions; q++) acc += rowLoss<R>(<usize>s * positions + q, dpred, ytrue, ypred, width, g, a, b);
    total += <f64>w * sampleMean(sampleLoss, s, acc, positions);
  }
  return total / <f64>batch;
}

/**
 * categoricalCrossentropy on probabilities (labelSmoothing = b), Keras 3: q = p / sum(p), clipped
 * to [eps, 1 - eps], loss = -sum t' log q. Gradient through the normalisation:
 * dL/dp_k = (h_k - sum_j h_j q_j) / S with h_j = -t'_j / q_j (0 where q_j was clipped).
 */
class Cce {
  @inline sparse(): bool { return false; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    const S = rowSum(p, width);
    const keep: f32 = 1 - b;
    const spread: f32 = b / <f32>width;
    const sv = splat(S);
    let lossv = splat(0);
    let hqv = splat(0);
    let c = 0;
    for (; c + 4 <= width; c += 4) {
      const o = <usize>c << 2;
      const q = f32x4.div(v128.load(p + o), sv);
      const ts = f32x4.add(f32x4.mul(v128.load(t + o), splat(keep)), splat(spread));
      lossv = f32x4.sub(lossv, f32x4.mul(ts, logV(f32x4.max(f32x4.min(q, splat(ONE_MINUS_EPS)), splat(EPS)))));
      hqv = f32x4.sub(hqv, v128.and(ts, inside4(q))); // h_j q_j = -t'_j where not clipped
    }
    let loss = hsum_f32x4(lossv);
    let HQ = hsum_f32x4(hqv);
    for (; c < width; c++) {
      const o = <usize>c << 2;
      const q = load<f32>(p + o) / S;
      const ts = load<f32>(t + o) * keep + spread;
      loss -= ts * logS(max<f32>(min<f32>(q, ONE_MINUS_EPS), EPS));
      if (q >= EPS && q <= ONE_MINUS_EPS) HQ -= ts;
    }
    if (dp != 0) {
      const k = g / S;
      const kv = splat(k);
      const hq = splat(HQ);
      c = 0;
      for (; c + 4 <= width; c += 4) {
        const o = <usize>c << 2;
        const q = f32x4.div(v128.load(p + o), sv);
        const ts = f32x4.add(f32x4.mul(v128.load(t + o), splat(keep)), splat(spread));
        const h = v128.and(f32x4.neg(f32x4.div(ts, q)), inside4(q));
        v128.store(dp + o, f32x4.add(v128.load(dp + o), f32x4.mul(kv, f32x4.sub(h, hq))));
      }
      for (; c < width; c++) {
        const o = <usize>c << 2;
        const q = load<f32>(p + o) / S;
        const ts = load<f32>(t + o) * keep + spread;
        const h: f32 = q >= EPS && q <= ONE_MINUS_EPS ? -(ts / q) : 0;
        store<f32>(dp + o, load<f32>(dp + o) + k * (h - HQ));
      }
    }
    return loss;
  }
}

/** All-ones mask where eps <= q <= 1 - eps (the clip passes the gradient). */
// @ts-ignore: decorator
@inline function inside4(q: v128): v128 {
  return v128.and(f32x4.ge(q, splat(EPS)), f32x4.le(q, splat(ONE_MINUS_EPS)));
}

/** Sum of one row. */
// @ts-ignore: decorator
@inline function rowSum(p: usize, width: i32): f32 {
  let acc = splat(0);
  let c = 0;
  for (; c + 4 <= width; c += 4) acc = f32x4.add(acc, v128.load(p + (<usize>c << 2)));
  let s = hsum_f32x4(acc);
  for (; c < width; c++) s += load<f32>(p + (<usize>c << 2));
  return s;
}

/**
 * sparseCategoricalCrossentropy on probabilities: q_y = p_y / S clipped, loss = -log q_y;
 * gradient (unless q_y was clipped): -1/p_y + 1/S at y, 1/S elsewhere.
 */
class SparseCce {
  @inline sparse(): bool { return true; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    const y = labelIndex(t, width);
    if (y < 0) return 0;
    const S = rowSum(p, width);
    const py = load<f32>(p + (<usize>y << 2));
    const q = py / S;
    if (dp != 0 && q >= EPS && q <= ONE_MINUS_EPS) {
      const k = g / S;
      const kv = splat(k);
      let c = 0;
      for (; c + 4 <= width; c += 4) v128.store(dp + (<usize>c << 2), f32x4.add(v128.load(dp + (<usize>c << 2)), kv));
      for (; c < width; c++) store<f32>(dp + (<usize>c << 2), load<f32>(dp + (<usize>c << 2)) + k);
      const o = <usize>y << 2;
      store<f32>(dp + o, load<f32>(dp + o) - g / py);
    }
    return -logS(max<f32>(min<f32>(q, ONE_MINUS_EPS), EPS));
  }
}

/** categoricalHinge (Keras): max(0, max_j (1 - t_j) p_j - sum_j t_j p_j + 1). */
class CategoricalHinge {
  @inline sparse(): bool { return false; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    let pos: f32 = 0;
    let neg: f32 = -Infinity;
    let arg = 0;
    for (let c = 0; c < width; c++) {
      const o = <usize>c << 2;
      const tc = load<f32>(t + o);
      const pc = load<f32>(p + o);
      pos += tc * pc;
      const nc: f32 = (1 - tc) * pc;
      if (nc > neg) { neg = nc; arg = c; }
    }
    const l = neg - pos + 1;
    if (!(l > 0)) return 0;
    if (dp != 0) {
      const gv = splat(g);
      let c = 0;
      for (; c + 4 <= width; c += 4) {
        const o = <usize>c << 2;
        v128.store(dp + o, f32x4.sub(v128.load(dp + o), f32x4.mul(gv, v128.load(t + o))));
      }
      for (; c < width; c++) {
        const o = <usize>c << 2;
        store<f32>(dp + o, load<f32>(dp + o) - g * load<f32>(t + o));
      }
      const o = <usize>arg << 2;
      store<f32>(dp + o, load<f32>(dp + o) + g * (1 - load<f32>(t + o)));
    }
    return l;
  }
}

/** multiclassHinge (Weston-Watkins, margin = a): sum over j != y of max(0, s_j - s_y + margin). */
class MulticlassHinge {
  @inline sparse(): bool { return true; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    const y = labelIndex(t, width);
    if (y < 0) return 0;
    const sy = load<f32>(p + (<usize>y << 2));
    const base = splat(a - sy);
    const zero = splat(0);
    const gv = splat(g);
    let lossv = splat(0);
    let countv = splat(0);
    let c = 0;
    for (; c + 4 <= width; c += 4) {
      const o = <usize>c << 2;
      const m = f32x4.add(v128.load(p + o), base);
      const active = f32x4.gt(m, zero);
      lossv = f32x4.add(lossv, v128.and(m, active));
      countv = f32x4.add(countv, ones(active));
      if (dp != 0) v128.store(dp + o, f32x4.add(v128.load(dp + o), v128.and(gv, active)));
    }
    let loss = hsum_f32x4(lossv);
    let count = hsum_f32x4(countv);
    for (; c < width; c++) {
      const o = <usize>c << 2;
      const m = load<f32>(p + o) + (a - sy);
      if (m > 0) {
        loss += m;
        count += 1;
        if (dp != 0) store<f32>(dp + o, load<f32>(dp + o) + g);
      }
    }
    // j = y contributed max(0, margin) to both sums above: take it back out.
    if (a > 0) {
      loss -= a;
      count -= 1;
      if (dp != 0) store<f32>(dp + (<usize>y << 2), load<f32>(dp + (<usize>y << 2)) - g);
    }
    if (dp != 0) store<f32>(dp + (<usize>y << 2), load<f32>(dp + (<usize>y << 2)) - g * count);
    return loss;
  }
}

/** PyTorch's pairwise_distance epsilon: ||x1 - x2 + eps||. */
const TRIPLET_EPS: f32 = 1e-6;

/**
 * tripletMargin (margin = a): the row holds anchor | positive | negative, D = width / 3 each;
 * loss = max(0, ||a - p + eps|| - ||a - n + eps|| + margin) (PyTorch's TripletMarginLoss, p = 2).
 */
class TripletMargin {
  @inline sparse(): bool { return false; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    const d = width / 3;
    const pos = p + (<usize>d << 2);
    const neg = p + (<usize>(2 * d) << 2);
    const eps = splat(TRIPLET_EPS);
    let sp = splat(0);
    let sn = splat(0);
    let c = 0;
    for (; c + 4 <= d; c += 4) {
      const o = <usize>c << 2;
      const an = v128.load(p + o);
      const u = f32x4.add(f32x4.sub(an, v128.load(pos + o)), eps);
      const w = f32x4.add(f32x4.sub(an, v128.load(neg + o)), eps);
      sp = f32x4.add(sp, f32x4.mul(u, u));
      sn = f32x4.add(sn, f32x4.mul(w, w));
    }
    let ssp = hsum_f32x4(sp);
    let ssn = hsum_f32x4(sn);
    for (; c < d; c++) {
      const o = <usize>c << 2;
      const an = load<f32>(p + o);
      const u = (an - load<f32>(pos + o)) + TRIPLET_EPS;
      const w = (an - load<f32>(neg + o)) + TRIPLET_EPS;
      ssp += u * u;
      ssn += w * w;
    }
    const dpos = sqrt<f32>(ssp);
    const dneg = sqrt<f32>(ssn);
    const l = dpos - dneg + a;
    if (!(l > 0)) return 0;
    if (dp != 0) {
      const kp: f32 = dpos > 0 ? g / dpos : 0;
      const kn: f32 = dneg > 0 ? g / dneg : 0;
      const kpv = splat(kp);
      const knv = splat(kn);
      const dpa = dp;
      const dpp = dp + (<usize>d << 2);
      const dpn = dp + (<usize>(2 * d) << 2);
      c = 0;
      for (; c + 4 <= d; c += 4) {
        const o = <usize>c << 2;
        const an = v128.load(p + o);
        const u = f32x4.mul(kpv, f32x4.add(f32x4.sub(an, v128.load(pos + o)), eps));
        const w = f32x4.mul(knv, f32x4.add(f32x4.sub(an, v128.load(neg + o)), eps));
        v128.store(dpa + o, f32x4.add(v128.load(dpa + o), f32x4.sub(u, w)));
        v128.store(dpp + o, f32x4.sub(v128.load(dpp + o), u));
        v128.store(dpn + o, f32x4.add(v128.load(dpn + o), w));
      }
      for (; c < d; c++) {
        const o = <usize>c << 2;
        const an = load<f32>(p + o);
        const u = kp * ((an - load<f32>(pos + o)) + TRIPLET_EPS);
        const w = kn * ((an - load<f32>(neg + o)) + TRIPLET_EPS);
        store<f32>(dpa + o, load<f32>(dpa + o) + (u - w));
        store<f32>(dpp + o, load<f32>(dpp + o) - u);
        store<f32>(dpn + o, load<f32>(dpn + o) + w);
      }
    }
    return l;
  }
}

/** marginRanking (margin = a): rows of (x1, x2), label y in {1, -1}: max(0, -y (x1 - x2) + margin). */
class MarginRanking {
  @inline sparse(): bool { return true; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    const y = load<f32>(t);
    const x1 = load<f32>(p);
    const x2 = load<f32>(p + 4);
    const l = -y * (x1 - x2) + a;
    if (!(l > 0)) return 0;
    if (dp != 0) {
      store<f32>(dp, load<f32>(dp) - g * y);
      store<f32>(dp + 4, load<f32>(dp + 4) + g * y);
    }
    return l;
  }
}

/**
 * dice (smooth = a) on one row (the TS layer makes the whole sample one row):
 * 1 - (2 sum(t p) + smooth) / (sum(t) + sum(p) + smooth + eps).
 */
class Dice {
  @inline sparse(): bool { return false; }
  @inline row(dp: usize, t: usize, p: usize, width: i32, g: f32, a: f32, b: f32): f32 {
    let iv = splat(0);
    let uv = splat(0);
    let c = 0;
    for (; c + 4 <= width; c += 4) {
      const o = <usize>c << 2;
      const tv = v128.load(t + o);
      const pv = v128.load(p + o);
      iv = f32x4.add(iv, f32x4.mul(tv, pv));
      uv = f32x4.add(uv, f32x4.add(tv, pv));
    }
    let I = hsum_f32x4(iv);
    let U = hsum_f32x4(uv);
    for (; c < width; c++) {
      const o = <usize>c << 2;
      const tc = load<f32>(t + o);
      const pc = load<f32>(p + o);
      I += tc * pc;
      U += tc + pc;
    }
    const num: f32 = 2 * I + a;
    const den = U + a + EPS;
    if (dp != 0) {
      // d/dp_j = (num - 2 t_j den) / den^2
      const k = g / (den * den);
      const kv = splat(k);
      const nv = splat(num);
      const d2 = splat(2 * den);
      c = 0;
      for (; c + 4 <= width; c += 4) {
        const o = <usize>c << 2;
        const gj = f32x4.mul(kv, f32x4.sub(nv, f32x4.mul(d2, v128.load(t + o))));
        v128.store(dp + o, f32x4.add(v128.load(dp + o), gj));
      }
      for (; c < width; c++) {
        const o = <usize>c << 2;
        store<f32>(dp + o, load<f32>(dp + o) + k * (num - (den + den) * load<f32>(t + o)));
      }
    }
    return 1 - num / den;
  }
}

// ---------------------------------------------------------------------------------------------
// The exports (see the signature at the top of the file).
//
// Each takes (sampleLoss, dpred, ytrue, ypred, weights, batch, shape): `shape` points to a
// LossShape that the loss writes when it first sees a sample shape (not per step).

/** A loss call's sample geometry and parameters (the ABI: field order = byte offset / 4). */
@unmanaged class LossShape {
  /** Rows per sample. */
  positions: i32;
  /** Floats per row. */
  width: i32;
  /** The loss's parameters (margin, delta, label smoothing, ...), as in lossDriver. */
  a: f32;
  b: f32;
}
export const LOSS_SHAPE_BYTES: i32 = offsetof<LossShape>();
export const LOSS_SHAPE_POSITIONS: i32 = offsetof<LossShape>('positions');
export const LOSS_SHAPE_WIDTH: i32 = offsetof<LossShape>('width');
export const LOSS_SHAPE_A: i32 = offsetof<LossShape>('a');
export const LOSS_SHAPE_B: i32 = offsetof<LossShape>('b');


export function f32_mse_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Mse>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_mae_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Mae>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_mbe_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Mbe>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_huber_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Huber>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_smooth_l1_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<SmoothL1>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_log_cosh_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<LogCosh>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_msle_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Msle>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_mape_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Mape>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_poisson_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Poisson>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_quantile_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Quantile>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_perceptron_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Perceptron>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_hinge_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Hinge>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_squared_hinge_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<SquaredHinge>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_contrastive_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Contrastive>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_bce_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Bce>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_bce_logits_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<BceLogits>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_kld_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Elementwise<Kld>>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_rmse_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return rmseBatch(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions * s.width); }
export function f32_cce_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Cce>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_cce_logits_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<CceLogits>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_sparse_cce_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<SparseCce>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_sparse_cce_logits_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<SparseCceLogits>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
/** The same loss for rows narrower than 8 classes (pixelwise segmentation): four rows per SIMD vector. */
export function f32_sparse_cce_logits_narrow_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriverRows4<SparseCceLogitsNarrow>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_categorical_hinge_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<CategoricalHinge>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_multiclass_hinge_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<MulticlassHinge>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_triplet_margin_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<TripletMargin>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_margin_ranking_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<MarginRanking>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }
export function f32_dice_loss__simd(sampleLoss: usize, dpred: usize, ytrue: usize, ypred: usize, weights: usize, batch: i32, shape: usize): f64 { const s = changetype<LossShape>(shape); return lossDriver<Dice>(sampleLoss, dpred, ytrue, ypred, weights, batch, s.positions, s.width, s.a, s.b); }

// ---------------------------------------------------------------------------------------------
// Label checks the TS layer runs before a call (cheap: one pass over the targets).

/** Index of the first label that is not an integer in [0, classes), or -1 when all are valid. */
export function f32_sparse_labels_check(labels: usize, n: i32, classes: i32): i32 {
  for (let i = 0; i < n; i++) if (labelIndex(labels + (<usize>i << 2), classes) < 0) return i;
  return -1;
}

/** 1 when every value is exactly 0 or 1 (hinge losses then map labels to 2t - 1, as Keras). */
export function f32_labels_are_binary(labels: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(labels + (<usize>i << 2));
    if (v != 0 && v != 1) return 0;
  }
  return 1;
}

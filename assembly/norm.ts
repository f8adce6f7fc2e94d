// Batch and layer normalisation over row-major [rows, channels] data: [N, C], or NHWC images
// seen as [N*H*W, C]. Batch norm normalises each channel over the rows (all axes but the last),
// layer norm each row over its channels (the last axis). SIMD runs along the channel axis, 4
// channels per vector, with a scalar tail for channels % 4.
//
// Conventions (Keras, with PyTorch's unbiased moving variance):
//   training:  mean, var = batch statistics (var biased, divided by rows)
//              y = (x - mean) / sqrt(var + eps) * gamma + beta
//              moving_mean = moving_mean * momentum + mean * (1 - momentum)
//              moving_var  = moving_var * momentum + var * rows / (rows - 1) * (1 - momentum)
//              (rows = 1: the biased variance, 0, is used)
//   inference: y = (x - moving_mean) / sqrt(moving_var + eps) * gamma + beta
// Forward saves mean and invStd = 1 / sqrt(var + eps) per channel (batch norm) or per row (layer
// norm) for the backward pass. Backward kernels accumulate into dx, dgamma and dbeta.
// Sums run in f32 in row order (batch norm) or 4 interleaved partial sums (layer norm), the mean
// pass as offsets from the first row (or element); the variance from centred values (two
// passes), never as E[x^2] - E[x]^2.
//
// Threads: batch norm's training forward and backward run as two kernels each, a per-channel
// reduction over the rows split over blocks of 16 channels (one cache line per row: no two parts
// write one line) and a per-row pass split over rows, each taking (part, parts) last (parts < 2:
// the whole range). Every channel's sums run over all rows in order in one part, so the numbers
// are those of one thread.
import { partStart } from './geometry';

/** Channels per unit of a split per-channel reduction (16 floats: one 64-byte line per row). */
const CHANNEL_BLOCK: i32 = 16;

/** Channels [c0, c1) of part `part` of `parts` of a per-channel reduction. */
// @ts-ignore: decorator
@inline function channelStart(channels: i32, part: i32, parts: i32): i32 {
  return min(channels, partStart((channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK, part, parts) * CHANNEL_BLOCK);
}

/** Units of batch norm's split kernels: blocks of 16 channels (reductions, 0) or rows (per-row passes, 1). */
export function f32_batch_norm_split_units(pass: i32, rows: i32, channels: i32): i32 {
  return pass == 0 ? (channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK : rows;
}

/** Bytes of scratch the batch-norm backward and inference kernels need: 3 floats per channel. */
export function f32_batch_norm_scratch_bytes(channels: i32): usize {
  return <usize>channels * 12;
}

/**
 * acc[c] = sum over rows of (x[r, c] - centre[c]), squared when `squares`. Centring the mean pass
 * on row 0 keeps the partial sums at the data's spread rather than its offset, so f32 rounding
 * does not grow with |mean| (64x14x14 rows at an offset of 150: mean within 1 ulp, not 30 ulp).
 */
// @ts-ignore: decorator
@inline function columnSums(acc: usize, x: usize, centre: usize, rows: i32, channels: i32, squares: bool, c0: i32, c1: i32): void {
  memory.fill(acc + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * channels) << 2);
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      const o = <usize>c << 2;
      let v = f32x4.sub(v128.load(row + o), v128.load(centre + o));
      if (squares) v = f32x4.mul(v, v);
      v128.store(acc + o, f32x4.add(v128.load(acc + o), v));
    }
    for (; c < c1; c++) {
      const o = <usize>c << 2;
      let v = load<f32>(row + o) - load<f32>(centre + o);
      if (squares) v *= v;
      store<f32>(acc + o, load<f32>(acc + o) + v);
    }
  }
}

/** y[r, c] = (x[r, c] - mean[c]) * scale[c] * gamma[c] + beta[c] for every row. */
// @ts-ignore: decorator
@inline function normalizeRows(y: usize, x: usize, mean: usize, scale: usize, gamma: usize, beta: usize, rows: i32, channels: i32): void {
  for (let r = 0; r < rows; r++) {
    const at = (<usize>r * channels) << 2;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const s = f32x4.mul(v128.load(scale + o), v128.load(gamma + o));
      const v = f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + at + o), v128.load(mean + o)), s), v128.load(beta + o));
      v128.store(y + at + o, v);
    }
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      const s = load<f32>(scale + o) * load<f32>(gamma + o);
      store<f32>(y + at + o, (load<f32>(x + at + o) - load<f32>(mean + o)) * s + load<f32>(beta + o));
    }
  }
}

/**
 * Batch norm, training forward. x, y: [rows, channels]; gamma, beta: [channels] in;
 * saveMean, saveInvStd: [channels] out (for backward); movingMean, movingVar: [channels]
 * updated in place. y may alias x.
 */
export function f32_batch_norm_train_forward(
  y: usize, saveMean: usize, saveInvStd: usize, movingMean: usize, movingVar: usize,
  x: usize, gamma: usize, beta: usize, rows: i32, channels: i32, momentum: f32, epsilon: f32,
): void {
  f32_batch_norm_train_statistics(saveMean, saveInvStd, movingMean, movingVar, x, rows, channels, momentum, epsilon, 0, 1);
  f32_batch_norm_normalize(y, x, saveMean, saveInvStd, gamma, beta, rows, channels, 0, 1);
}

/**
 * The first half of f32_batch_norm_train_forward: saveMean, saveInvStd and the moving statistics
 * of this part's block of channels (a reduction over every row).
 */
export function f32_batch_norm_train_statistics(
  saveMean: usize, saveInvStd: usize, movingMean: usize, movingVar: usize,
  x: usize, rows: i32, channels: i32, momentum: f32, epsilon: f32, part: i32, parts: i32,
): void {
  if (rows <= 0) return;
  const c0 = channelStart(channels, part, parts);
  const c1 = channelStart(channels, part + 1, parts);
  const invRows: f32 = <f32>1 / <f32>rows;
  const unbias: f32 = rows > 1 ? <f32>rows / <f32>(rows - 1) : 1;
  const keep = momentum;
  const take: f32 = 1 - momentum;
  columnSums(saveMean, x, x, rows, channels, false, c0, c1);
  for (let c = c0; c < c1; c++) {
    const o = <usize>c << 2;
    store<f32>(saveMean + o, load<f32>(x + o) + load<f32>(saveMean + o) * invRows);
  }
  columnSums(saveInvStd, x, saveMean, rows, channels, true, c0, c1);
  for (let c = c0; c < c1; c++) {
    const o = <usize>c << 2;
    const mean = load<f32>(saveMean + o);
    const variance = load<f32>(saveInvStd + o) * invRows;
    store<f32>(saveInvStd + o, <f32>1 / Mathf.sqrt(variance + epsilon));
    store<f32>(movingMean + o, load<f32>(movingMean + o) * keep + mean * take);
    store<f32>(movingVar + o, load<f32>(movingVar + o) * keep + variance * unbias * take);
  }
}

/** The second half of f32_batch_norm_train_forward: y = normalised x for this part's rows. y may alias x. */
export function f32_batch_norm_normalize(
  y: usize, x: usize, mean: usize, invStd: usize, gamma: usize, beta: usize, rows: i32, channels: i32, part: i32, parts: i32,
): void {
  const r0 = partStart(rows, part, parts);
  const at = (<usize>r0 * channels) << 2;
  normalizeRows(y + at, x + at, mean, invStd, gamma, beta, partStart(rows, part + 1, parts) - r0, channels);
}

/**
 * Batch norm, inference forward with the moving statistics. scratch: f32_batch_norm_scratch_bytes.
 * y may alias x.
 */
export function f32_batch_norm_inference_forward(
  y: usize, x: usize, gamma: usize, beta: usize, movingMean: usize, movingVar: usize,
  rows: i32, channels: i32, epsilon: f32, scratch: usize,
): void {
  for (let c = 0; c < channels; c++) {
    const o = <usize>c << 2;
    store<f32>(scratch + o, <f32>1 / Mathf.sqrt(load<f32>(movingVar + o) + epsilon));
  }
  normalizeRows(y, x, movingMean, scratch, gamma, beta, rows, channels);
}

/**
 * Shared backward core. With xhat = (x - mean) * invStd, per channel
 *   s1 = sum dy, s2 = sum dy * xhat;  dbeta += s1;  dgamma += s2;
 *   dx += gamma * invStd * (dy - centre * (s1 / rows + xhat * s2 / rows))
 * centre = 1 for training (batch statistics depend on x), 0 for inference (constants).
 * scratch holds s1 then s2 (2 * channels floats).
 */
// @ts-ignore: decorator
@inline function batchNormBackward(
  dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, gamma: usize,
  mean: usize, invStd: usize, rows: i32, channels: i32, centre: f32, scratch: usize,
): void {
  backwardSums(dgamma, dbeta, dy, x, mean, invStd, rows, channels, centre, scratch, 0, channels);
  backwardRows(dx, dy, x, gamma, mean, invStd, 0, rows, channels, scratch);
}

/** The core's reduction for channels [c0, c1): s1, s2 over every row, dbeta and dgamma, then s1, s2 scaled for backwardRows. */
// @ts-ignore: decorator
@inline function backwardSums(
  dgamma: usize, dbeta: usize, dy: usize, x: usize, mean: usize, invStd: usize, rows: i32, channels: i32,
  centre: f32, scratch: usize, c0: i32, c1: i32,
): void {
  const s1 = scratch;
  const s2 = scratch + (<usize>channels << 2);
  memory.fill(s1 + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  memory.fill(s2 + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  for (let r = 0; r < rows; r++) {
    const at = (<usize>r * channels) << 2;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      const o = <usize>c << 2;
      const g = v128.load(dy + at + o);
      const xhat = f32x4.mul(f32x4.sub(v128.load(x + at + o), v128.load(mean + o)), v128.load(invStd + o));
      v128.store(s1 + o, f32x4.add(v128.load(s1 + o), g));
      v128.store(s2 + o, f32x4.add(v128.load(s2 + o), f32x4.mul(g, xhat)));
    }
    for (; c < c1; c++) {
      const o = <usize>c << 2;
      const g = load<f32>(dy + at + o);
      const xhat = (load<f32>(x + at + o) - load<f32>(mean + o)) * load<f32>(invStd + o);
      store<f32>(s1 + o, load<f32>(s1 + o) + g);
      store<f32>(s2 + o, load<f32>(s2 + o) + g * xhat);
    }
  }
  const k: f32 = rows > 0 ? centre / <f32>rows : 0;
  for (let c = c0; c < c1; c++) {
    const o = <usize>c << 2;
    const a = load<f32>(s1 + o);
    const b = load<f32>(s2 + o);
    store<f32>(dbeta + o, load<f32>(dbeta + o) + a);
    store<f32>(dgamma + o, load<f32>(dgamma + o) + b);
    store<f32>(s1 + o, a * k);
    store<f32>(s2 + o, b * k);
  }
}

/** The core's per-row pass for rows [r0, r1): dx += gamma * invStd * (dy - s1 - xhat * s2), s1, s2 from backwardSums. */
// @ts-ignore: decorator
@inline function backwardRows(
  dx: usize, dy: usize, x: usize, gamma: usize, mean: usize, invStd: usize, r0: i32, r1: i32, channels: i32, scratch: usize,
): void {
  const s1 = scratch;
  const s2 = scratch + (<usize>channels << 2);
  for (let r = r0; r < r1; r++) {
    const at = (<usize>r * channels) << 2;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const is = v128.load(invStd + o);
      const xhat = f32x4.mul(f32x4.sub(v128.load(x + at + o), v128.load(mean + o)), is);
      const inner = f32x4.sub(f32x4.sub(v128.load(dy + at + o), v128.load(s1 + o)), f32x4.mul(xhat, v128.load(s2 + o)));
      const d = f32x4.mul(f32x4.mul(v128.load(gamma + o), is), inner);
      v128.store(dx + at + o, f32x4.add(v128.load(dx + at + o), d));
    }
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      const is = load<f32>(invStd + o);
      const xhat = (load<f32>(x + at + o) - load<f32>(mean + o)) * is;
      const inner = load<f32>(dy + at + o) - load<f32>(s1 + o) - xhat * load<f32>(s2 + o);
      store<f32>(dx + at + o, load<f32>(dx + at + o) + load<f32>(gamma + o) * is * inner);
    }
  }
}

/**
 * Batch norm backward after a training forward (batch statistics), accumulating:
 * dx: [rows, channels]; dgamma, dbeta: [channels]; saveMean, saveInvStd from the forward.
 * scratch: f32_batch_norm_scratch_bytes(channels). dx must not alias dy or x.
 */
export function f32_batch_norm_backward(
  dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, gamma: usize,
  saveMean: usize, saveInvStd: usize, rows: i32, channels: i32, scratch: usize,
): void {
  batchNormBackward(dx, dgamma, dbeta, dy, x, gamma, saveMean, saveInvStd, rows, channels, 1, scratch);
}

/**
 * The first half of f32_batch_norm_backward for this part's block of channels: dgamma, dbeta +=
 * and the per-channel terms in scratch (shared by every part) that f32_batch_norm_backward_rows reads.
 */
export function f32_batch_norm_backward_sums(
  dgamma: usize, dbeta: usize, dy: usize, x: usize, saveMean: usize, saveInvStd: usize, rows: i32, channels: i32,
  scratch: usize, part: i32, parts: i32,
): void {
  backwardSums(dgamma, dbeta, dy, x, saveMean, saveInvStd, rows, channels, 1, scratch, channelStart(channels, part, parts), channelStart(channels, part + 1, parts));
}

/** The second half of f32_batch_norm_backward: dx += for this part's rows. */
export function f32_batch_norm_backward_rows(
  dx: usize, dy: usize, x: usize, gamma: usize, saveMean: usize, saveInvStd: usize, rows: i32, channels: i32,
  scratch: usize, part: i32, parts: i32,
): void {
  backwardRows(dx, dy, x, gamma, saveMean, saveInvStd, partStart(rows, part, parts), partStart(rows, part + 1, parts), channels, scratch);
}

/**
 * Batch norm backward after an inference forward (moving statistics are constants: a frozen
 * layer being fine-tuned), accumulating. scratch: f32_batch_norm_scratch_bytes(channels).
 */
export function f32_batch_norm_inference_backward(
  dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, gamma: usize,
  movingMean: usize, movingVar: usize, rows: i32, channels: i32, epsilon: f32, scratch: usize,
): void {
  // Scratch layout: s1, s2 (used by the core), then invStd.
  const invStd = scratch + (<usize>channels << 3);
  for (let c = 0; c < channels; c++) {
    const o = <usize>c << 2;
    store<f32>(invStd + o, <f32>1 / Mathf.sqrt(load<f32>(movingVar + o) + epsilon));
  }
  batchNormBackward(dx, dgamma, dbeta, dy, x, gamma, movingMean, invStd, rows, channels, 0, scratch);
}

/** Sum of the 4 lanes, in a fixed order. */
// @ts-ignore: decorator
@inline function lanesSum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Mean of row[0..n), summed as offsets from row[0] (see columnSums). */
// @ts-ignore: decorator
@inline function rowMean(row: usize, n: i32): f32 {
  const first = load<f32>(row);
  const centre = f32x4.splat(first);
  let acc = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= n; c += 4) acc = f32x4.add(acc, f32x4.sub(v128.load(row + (<usize>c << 2)), centre));
  let s = lanesSum(acc);
  for (; c < n; c++) s += load<f32>(row + (<usize>c << 2)) - first;
  return first + s / <f32>n;
}

/**
 * Layer norm forward over the last axis. x, y: [rows, channels]; gamma, beta: [channels];
 * saveMean, saveInvStd: [rows] out. y = (x - mean_r) / sqrt(var_r + eps) * gamma + beta with the
 * biased variance of each row. y may alias x.
 */
export function f32_layer_norm_forward(
  y: usize, saveMean: usize, saveInvStd: usize, x: usize, gamma: usize, beta: usize,
  rows: i32, channels: i32, epsilon: f32,
): void {
  if (channels <= 0) return;
  const invC: f32 = <f32>1 / <f32>channels;
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * channels) << 2);
    const out = y + ((<usize>r * channels) << 2);
    const mean = rowMean(row, channels);
    const vmean = f32x4.splat(mean);
    let acc = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const d = f32x4.sub(v128.load(row + (<usize>c << 2)), vmean);
      acc = f32x4.add(acc, f32x4.mul(d, d));
    }
    let sq = lanesSum(acc);
    for (; c < channels; c++) {
      const d = load<f32>(row + (<usize>c << 2)) - mean;
      sq += d * d;
    }
    const invStd: f32 = <f32>1 / Mathf.sqrt(sq * invC + epsilon);
    store<f32>(saveMean + (<usize>r << 2), mean);
    store<f32>(saveInvStd + (<usize>r << 2), invStd);
    const vinv = f32x4.splat(invStd);
    c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(row + o), vmean), vinv);
      v128.store(out + o, f32x4.add(f32x4.mul(xhat, v128.load(gamma + o)), v128.load(beta + o)));
    }
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      store<f32>(out + o, (load<f32>(row + o) - mean) * invStd * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

/**
 * Layer norm backward, accumulating. With xhat = (x - mean_r) * invStd_r and g = dy * gamma, per
 * row: dx += invStd_r * (g - mean(g) - xhat * mean(g * xhat)); dgamma += dy * xhat; dbeta += dy.
 * dx must not alias dy or x.
 */
export function f32_layer_norm_backward(
  dx: usize, dgamma: usize, dbeta: usize, dy: usize, x: usize, gamma: usize,
  saveMean: usize, saveInvStd: usize, rows: i32, channels: i32,
): void {
  if (channels <= 0) return;
  const invC: f32 = <f32>1 / <f32>channels;
  for (let r = 0; r < rows; r++) {
    const at = (<usize>r * channels) << 2;
    const mean = load<f32>(saveMean + (<usize>r << 2));
    const invStd = load<f32>(saveInvStd + (<usize>r << 2));
    const vmean = f32x4.splat(mean);
    const vinv = f32x4.splat(invStd);
    let acc1 = f32x4.splat(0);
    let acc2 = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const d = v128.load(dy + at + o);
      const xhat = f32x4.mul(f32x4.sub(v128.load(x + at + o), vmean), vinv);
      const g = f32x4.mul(d, v128.load(gamma + o));
      acc1 = f32x4.add(acc1, g);
      acc2 = f32x4.add(acc2, f32x4.mul(g, xhat));
      v128.store(dgamma + o, f32x4.add(v128.load(dgamma + o), f32x4.mul(d, xhat)));
      v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), d));
    }
    let s1 = lanesSum(acc1);
    let s2 = lanesSum(acc2);
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      const d = load<f32>(dy + at + o);
      const xhat = (load<f32>(x + at + o) - mean) * invStd;
      const g = d * load<f32>(gamma + o);
      s1 += g;
      s2 += g * xhat;
      store<f32>(dgamma + o, load<f32>(dgamma + o) + d * xhat);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + d);
    }
    const m1 = s1 * invC;
    const m2 = s2 * invC;
    const vm1 = f32x4.splat(m1);
    const vm2 = f32x4.splat(m2);
    c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(x + at + o), vmean), vinv);
      const g = f32x4.mul(v128.load(dy + at + o), v128.load(gamma + o));
      const d = f32x4.mul(vinv, f32x4.sub(f32x4.sub(g, vm1), f32x4.mul(xhat, vm2)));
      v128.store(dx + at + o, f32x4.add(v128.load(dx + at + o), d));
    }
    for (; c < channels; c++) {
      const o = <usize>c << 2;
      const xhat = (load<f32>(x + at + o) - mean) * invStd;
      const g = load<f32>(dy + at + o) * load<f32>(gamma + o);
      store<f32>(dx + at + o, load<f32>(dx + at + o) + invStd * (g - m1 - xhat * m2));
    }
  }
}

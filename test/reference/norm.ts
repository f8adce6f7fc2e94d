// Reference batch and layer normalisation, naive on purpose, in f64. Data is [rows, channels]
// row-major. Batch norm normalises each channel over the rows, layer norm each row over the
// channels: both are "normalise groups of elements, then scale and shift per channel", so one
// pair of functions does both, given the groups.

type Arr = ArrayLike<number>;

/** The element indices of each group: the columns (batch norm) or the rows (layer norm). */
function groups(rows: number, channels: number, axis: 'batch' | 'layer'): number[][] {
  if (axis === 'batch') {
    return Array.from({ length: channels }, (_, c) => Array.from({ length: rows }, (_, r) => r * channels + c));
  }
  return Array.from({ length: rows }, (_, r) => Array.from({ length: channels }, (_, c) => r * channels + c));
}

export interface NormStats {
  mean: Float64Array;
  /** Biased variance per group. */
  variance: Float64Array;
}

/** Mean and biased variance of every group. */
export function normStats(x: Arr, rows: number, channels: number, axis: 'batch' | 'layer'): NormStats {
  const gs = groups(rows, channels, axis);
  const mean = new Float64Array(gs.length);
  const variance = new Float64Array(gs.length);
  gs.forEach((g, k) => {
    let s = 0;
    for (const i of g) s += x[i]!;
    const m = s / g.length;
    let v = 0;
    for (const i of g) v += (x[i]! - m) ** 2;
    mean[k] = m;
    variance[k] = v / g.length;
  });
  return { mean, variance };
}

/** y = (x - mean_g) / sqrt(var_g + eps) * gamma[c] + beta[c] with the given group statistics. */
export function normForward(
  x: Arr, gamma: Arr, beta: Arr, stats: NormStats, rows: number, channels: number, axis: 'batch' | 'layer', epsilon: number,
): Float64Array {
  const y = new Float64Array(rows * channels);
  groups(rows, channels, axis).forEach((g, k) => {
    const inv = 1 / Math.sqrt(stats.variance[k]! + epsilon);
    for (const i of g) y[i] = (x[i]! - stats.mean[k]!) * inv * gamma[i % channels]! + beta[i % channels]!;
  });
  return y;
}

export interface NormGrads {
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
}

/**
 * Gradients of normForward given dy. `batchStats`: the statistics were computed from x (training),
 * so dx includes their derivative; otherwise they are constants (inference).
 */
export function normBackward(
  dy: Arr, x: Arr, gamma: Arr, stats: NormStats, rows: number, channels: number, axis: 'batch' | 'layer', epsilon: number, batchStats: boolean,
): NormGrads {
  const dx = new Float64Array(rows * channels);
  const dgamma = new Float64Array(channels);
  const dbeta = new Float64Array(channels);
  groups(rows, channels, axis).forEach((g, k) => {
    const inv = 1 / Math.sqrt(stats.variance[k]! + epsilon);
    const xhat = (i: number) => (x[i]! - stats.mean[k]!) * inv;
    let s1 = 0, s2 = 0;
    for (const i of g) {
      const gi = dy[i]! * gamma[i % channels]!;
      s1 += gi;
      s2 += gi * xhat(i);
      dgamma[i % channels]! += dy[i]! * xhat(i);
      dbeta[i % channels]! += dy[i]!;
    }
    const m = g.length;
    for (const i of g) {
      const gi = dy[i]! * gamma[i % channels]!;
      dx[i] = batchStats ? inv * (gi - s1 / m - xhat(i) * s2 / m) : inv * gi;
    }
  });
  return { dx, dgamma, dbeta };
}

/** Keras's moving-statistic update with PyTorch's unbiased moving variance (rows = 1: biased). */
export function movingUpdate(moving: Arr, movingVar: Arr, stats: NormStats, rows: number, momentum: number): { mean: Float64Array; variance: Float64Array } {
  const unbias = rows > 1 ? rows / (rows - 1) : 1;
  return {
    mean: Float64Array.from(moving, (m, c) => m * momentum + stats.mean[c]! * (1 - momentum)),
    variance: Float64Array.from(movingVar, (v, c) => v * momentum + stats.variance[c]! * unbias * (1 - momentum)),
  };
}

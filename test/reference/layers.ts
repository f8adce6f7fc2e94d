// f64 references of the small kernels in assembly/layers.ts.

/** dst + src. */
export function accumulate(dst: ArrayLike<number>, src: ArrayLike<number>): Float64Array {
  return Float64Array.from(dst, (v, i) => v + src[i]!);
}

/** Columns [offset, offset + width) of rows of width yWidth set from x (rows x width). */
export function concatForward(y: ArrayLike<number>, x: ArrayLike<number>, rows: number, width: number, yWidth: number, offset: number): Float64Array {
  const out = Float64Array.from(y);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) out[r * yWidth + offset + j] = x[r * width + j]!;
  return out;
}

/** dx + the dy columns [offset, offset + width). */
export function concatBackward(dx: ArrayLike<number>, dy: ArrayLike<number>, rows: number, width: number, yWidth: number, offset: number): Float64Array {
  const out = Float64Array.from(dx);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) out[r * width + j]! += dy[r * yWidth + offset + j]!;
  return out;
}

/** db + column sums of dy (rows x n). */
export function biasBackward(db: ArrayLike<number>, dy: ArrayLike<number>, rows: number, n: number): Float64Array {
  const out = Float64Array.from(db);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[j]! += dy[r * n + j]!;
  return out;
}

/** Penalty l1 Σ|w| + l2 Σw² and dw + l1 sign(w) + 2 l2 w. */
export function l1l2(dw: ArrayLike<number>, w: ArrayLike<number>, l1: number, l2: number): { penalty: number; dw: Float64Array } {
  let penalty = 0;
  const out = Float64Array.from(dw);
  for (let i = 0; i < w.length; i++) {
    const v = w[i]!;
    penalty += l1 * Math.abs(v) + l2 * v * v;
    out[i]! += l1 * Math.sign(v) + 2 * l2 * v;
  }
  return { penalty, dw: out };
}

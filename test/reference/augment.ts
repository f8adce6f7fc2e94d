// Naive references for assembly/augment.ts: written independently of the kernels (loops instead
// of modulo for the fill modes, weighted sums in f64 instead of lerps). Sample coordinates are
// rounded to f32 exactly as the kernel computes them, so floor() picks the same pixels.
export type FillModeName = 'constant' | 'reflect' | 'wrap' | 'nearest';

export interface WarpCase {
  input: Float32Array;
  shape: [number, number, number, number];
  outH: number;
  outW: number;
  matrices: Float32Array;
  fillMode: FillModeName;
  interpolation: 'bilinear' | 'nearest';
  fillValue: number;
}

const f = Math.fround;

/** Index -> [0, len) by the fill mode, or -1 for the fill value. */
export function mapIndexReference(i: number, len: number, mode: FillModeName): number {
  if (i >= 0 && i < len) return i;
  if (mode === 'constant') return -1;
  if (mode === 'nearest') return Math.min(len - 1, Math.max(0, i));
  if (mode === 'wrap') {
    while (i < 0) i += len;
    while (i >= len) i -= len;
    return i;
  }
  while (i < 0 || i >= len) i = i < 0 ? -i - 1 : 2 * len - 1 - i;
  return i;
}

export function affineWarpReference(t: WarpCase): Float32Array {
  const [n, h, w, c] = t.shape;
  const out = new Float32Array(n * t.outH * t.outW * c);
  const limit = 1048576;
  for (let i = 0; i < n; i++) {
    const [a0, a1, a2, b0, b1, b2] = t.matrices.subarray(i * 6, i * 6 + 6) as unknown as number[];
    for (let y = 0; y < t.outH; y++) {
      for (let x = 0; x < t.outW; x++) {
        let sx = f(f(f(a0! * x) + f(a1! * y)) + a2!);
        let sy = f(f(f(b0! * x) + f(b1! * y)) + b2!);
        sx = Math.min(limit, Math.max(-limit, sx));
        sy = Math.min(limit, Math.max(-limit, sy));
        const nearest = t.interpolation === 'nearest';
        const x0 = Math.floor(nearest ? f(sx + 0.5) : sx);
        const y0 = Math.floor(nearest ? f(sy + 0.5) : sy);
        const wx = nearest ? 0 : f(sx - x0);
        const wy = nearest ? 0 : f(sy - y0);
        for (let ch = 0; ch < c; ch++) {
          const at = (xx: number, yy: number): number => {
            const mx = mapIndexReference(xx, w, t.fillMode);
            const my = mapIndexReference(yy, h, t.fillMode);
            return mx < 0 || my < 0 ? t.fillValue : t.input[((i * h + my) * w + mx) * c + ch]!;
          };
          out[((i * t.outH + y) * t.outW + x) * c + ch] =
            (1 - wx) * (1 - wy) * at(x0, y0) + wx * (1 - wy) * at(x0 + 1, y0)
            + (1 - wx) * wy * at(x0, y0 + 1) + wx * wy * at(x0 + 1, y0 + 1);
        }
      }
    }
  }
  return out;
}

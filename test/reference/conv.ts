// Reference convolutions, naive on purpose, accumulating in f64. Geometry is the struct of
// src/ops/geometry.ts (for conv2dTranspose: the struct of the conv2d whose input-gradient it is).
import type { GeometryStruct } from '../../src/ops/geometry.js';

type Arr = ArrayLike<number>;

/**
 * Calls fn(xIndex, yIndex, wIndex) for every product term x[n, ih, iw, c] * w[tap, c, o] ->
 * y[n, oh, ow, o] of the convolution (taps inside the input only). depthwise: o = c*dm + m
 * and w is [kH, kW, c, dm]; otherwise all (c, o) pairs with w [kH, kW, inC, outC].
 */
export function forEachTerm(g: GeometryStruct, depthwise: boolean, fn: (xi: number, yi: number, wi: number) => void): void {
  const dm = g.depthMultiplier;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const yBase = ((n * g.outH + oh) * g.outW + ow) * g.outC;
        for (let i = 0; i < g.kH; i++) {
          const ih = oh * g.strideH - g.padTop + i * g.dilationH;
          if (ih < 0 || ih >= g.inH) continue;
          for (let j = 0; j < g.kW; j++) {
            const iw = ow * g.strideW - g.padLeft + j * g.dilationW;
            if (iw < 0 || iw >= g.inW) continue;
            const xBase = ((n * g.inH + ih) * g.inW + iw) * g.inC;
            const tap = i * g.kW + j;
            for (let c = 0; c < g.inC; c++) {
              if (depthwise) {
                for (let m = 0; m < dm; m++) fn(xBase + c, yBase + c * dm + m, tap * g.outC + c * dm + m);
              } else {
                for (let o = 0; o < g.outC; o++) fn(xBase + c, yBase + o, (tap * g.inC + c) * g.outC + o);
              }
            }
          }
        }
      }
    }
  }
}

const outSize = (g: GeometryStruct) => g.batch * g.outH * g.outW * g.outC;
const inSize = (g: GeometryStruct) => g.batch * g.inH * g.inW * g.inC;

function epilogue(y: Float64Array, channels: number, bias: Arr | undefined, relu: boolean): Float64Array {
  for (let i = 0; i < y.length; i++) {
    let v = y[i]! + (bias ? bias[i % channels]! : 0);
    if (relu) v = Math.max(v, 0);
    y[i] = v;
  }
  return y;
}

/** y = act(conv(x, w) + bias). */
export function convForwardRef(g: GeometryStruct, depthwise: boolean, x: Arr, w: Arr, bias?: Arr, relu = false): Float64Array {
  const y = new Float64Array(outSize(g));
  forEachTerm(g, depthwise, (xi, yi, wi) => (y[yi]! += x[xi]! * w[wi]!));
  return epilogue(y, g.outC, bias, relu);
}

/** Input gradient (not accumulated): dx = sum dy * w. */
export function convBackwardInputRef(g: GeometryStruct, depthwise: boolean, dy: Arr, w: Arr): Float64Array {
  const dx = new Float64Array(inSize(g));
  forEachTerm(g, depthwise, (xi, yi, wi) => (dx[xi]! += dy[yi]! * w[wi]!));
  return dx;
}

/** Filter gradient (not accumulated): dw = sum x * dy. */
export function convBackwardFilterRef(g: GeometryStruct, depthwise: boolean, x: Arr, dy: Arr, filterSize: number): Float64Array {
  const dw = new Float64Array(filterSize);
  forEachTerm(g, depthwise, (xi, yi, wi) => (dw[wi]! += x[xi]! * dy[yi]!));
  return dw;
}

/** Bias gradient: sum of dy over all but the last axis. */
export function biasBackwardRef(dy: Arr, channels: number): Float64Array {
  const db = new Float64Array(channels);
  for (let i = 0; i < dy.length; i++) db[i % channels]! += dy[i]!;
  return db;
}

/** conv2dTranspose forward (g: the struct of the conv2d it is the input-gradient of): y = act(dxOf(x) + bias). */
export function convTransposeForwardRef(g: GeometryStruct, x: Arr, w: Arr, bias?: Arr, relu = false): Float64Array {
  return epilogue(convBackwardInputRef(g, false, x, w), g.inC, bias, relu);
}

/** Central finite differences of the scalar loss sum(f(v) * r) with respect to v[indices]. */
export function finiteDifferences(f: (v: Float64Array) => Float64Array, v: Arr, r: Arr, indices: number[], eps = 1e-4): Float64Array {
  const at = Float64Array.from(v);
  const loss = () => f(at).reduce((s, y, i) => s + y * r[i]!, 0);
  return Float64Array.from(indices, (i) => {
    const keep = at[i]!;
    at[i] = keep + eps;
    const up = loss();
    at[i] = keep - eps;
    const down = loss();
    at[i] = keep;
    return (up - down) / (2 * eps);
  });
}

/** One sampled test shape. */
export interface ConvCase {
  batch: number; h: number; w: number; c: number; outC: number;
  kernel: readonly [number, number]; stride: number; dilation: number;
  padding: 'valid' | 'same' | readonly [number, number, number, number];
  /** Depth multiplier (depthwise cases). */
  dm: number;
}

/** One shape per algorithm path of assembly/conv.ts and winograd.ts, at panel and tile edges. */
const PATH_BASE = { batch: 3, h: 13, w: 13, stride: 1, dilation: 1, padding: 'valid', dm: 1 } as const;
export const PATH_SHAPES: ConvCase[] = [
  { ...PATH_BASE, c: 13, outC: 17, kernel: [1, 1] }, // pointwise: micro-kernel on x's rows, no im2col
  { ...PATH_BASE, batch: 1, h: 5, w: 5, c: 5, outC: 1030, kernel: [1, 1] }, // pointwise, backward input by one f32_gemm
  { ...PATH_BASE, c: 1, outC: 33, kernel: [3, 3], padding: 'same' }, // micro-kernel, 1 channel, 3 panels
  { ...PATH_BASE, c: 3, outC: 9, kernel: [3, 3], stride: 2, padding: 'same' }, // strided: col2im backward
  { ...PATH_BASE, c: 24, outC: 17, kernel: [5, 5], padding: 'same' }, // K = 600: micro-kernel path, im2col chunks
  { ...PATH_BASE, batch: 1, h: 9, c: 24, outC: 17, kernel: [7, 7], padding: 'same' }, // K = 1176: im2col tiles + f32_gemm forward
  { ...PATH_BASE, batch: 1, c: 3, outC: 120, kernel: [3, 3], padding: 'same' }, // rotated filter too big: f32_gemm + col2im
  { ...PATH_BASE, c: 4, outC: 7, kernel: [3, 3], padding: [3, 0, 0, 3] }, // pads beyond the span: col2im
  { ...PATH_BASE, batch: 1, h: 7, w: 5, c: 16, outC: 32, kernel: [2, 2], dilation: 2, padding: 'same' }, // full panels, odd rows
  { ...PATH_BASE, h: 25, w: 23, c: 1, outC: 3, kernel: [3, 3], padding: 'same' }, // dot path, several filter-gradient chunks
  { ...PATH_BASE, h: 25, w: 23, c: 1, outC: 16, kernel: [3, 3], stride: 2, padding: 'same' }, // filter gradient by patch rows (K <= outC)
  { ...PATH_BASE, h: 25, w: 23, c: 2, outC: 32, kernel: [3, 3], padding: [1, 0, 0, 1] }, // the same, several chunks
  { ...PATH_BASE, h: 17, w: 7, c: 3, outC: 16, kernel: [5, 3], dilation: 2, padding: 'same' }, // few channels: filter gradient without im2col
  { ...PATH_BASE, batch: 1, h: 33, w: 5, c: 1, outC: 48, kernel: [3, 3], stride: 2, padding: [2, 0, 1, 1] }, // few channels, strided, uneven pads
  { ...PATH_BASE, batch: 5, h: 7, w: 65, c: 4, outC: 32, kernel: [1, 7], padding: 'same' }, // few channels, one tap row: unpaired elements
  { ...PATH_BASE, h: 7, w: 5, c: 8, outC: 16, kernel: [3, 3], padding: 'same' }, // Winograd F(2x2, 3x3): odd sizes, edge tiles
  { ...PATH_BASE, batch: 2, h: 17, w: 33, c: 20, outC: 32, kernel: [3, 3], padding: 'valid' }, // Winograd, several chunks of tiles
  { ...PATH_BASE, batch: 1, h: 5, w: 9, c: 16, outC: 48, kernel: [3, 3], padding: [2, 1, 0, 2] }, // Winograd forward and dX (flipped: 48 -> 16 channels), uneven pads
  { ...PATH_BASE, batch: 1, h: 5, w: 7, c: 8, outC: 128, kernel: [3, 3], padding: 'same' }, // Winograd dX where the direct flipped patch (9 x 128) is too big
];

/** The axes every kernel is tested along; sampleCases makes every value of every axis appear. */
export const AXES = {
  batch: [1, 3],
  h: [1, 2, 5, 7, 8, 13],
  w: [1, 2, 5, 7, 8, 13],
  c: [1, 3, 4, 5, 8, 13],
  outC: [1, 3, 4, 5, 8, 13],
  kernel: [[1, 1], [3, 3], [5, 5], [1, 3], [3, 1], [2, 2]] as const,
  stride: [1, 2, 3],
  dilation: [1, 2],
  padding: ['valid', 'same', [1, 0, 2, 1], [0, 2, 1, 1]] as const,
  dm: [1, 2, 3, 4],
};

/**
 * A seeded sample of the cartesian product of AXES: draws until `count` cases pass `valid`
 * (e.g. the geometry does not throw) and, cycling through each axis's values, every value of
 * every axis is in at least one accepted case.
 */
export function sampleCases(count: number, seed: number, valid: (c: ConvCase) => boolean): ConvCase[] {
  let s = seed >>> 0;
  const next = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) % n;
  };
  const keys = Object.keys(AXES) as Array<keyof typeof AXES>;
  const seen = new Map(keys.map((k) => [k, new Set<number>()]));
  const cases: ConvCase[] = [];
  for (let tries = 0; tries < 100000 && (cases.length < count || keys.some((k) => seen.get(k)!.size < AXES[k].length)); tries++) {
    // Force the first not-yet-seen value of one axis so coverage finishes quickly.
    const missing = keys.find((k) => seen.get(k)!.size < AXES[k].length && tries % 3 === 0);
    const pick = keys.map((k) => {
      if (k === missing) return [...AXES[k].keys()].find((i) => !seen.get(k)!.has(i))!;
      return next(AXES[k].length);
    });
    const c = Object.fromEntries(keys.map((k, i) => [k, AXES[k][pick[i]!]])) as unknown as ConvCase;
    if (!valid(c)) continue;
    const fresh = keys.some((k, i) => !seen.get(k)!.has(pick[i]!));
    if (cases.length >= count && !fresh) continue;
    keys.forEach((k, i) => seen.get(k)!.add(pick[i]!));
    cases.push(c);
  }
  return cases;
}

/** A short label for failure messages. */
export function caseName(c: ConvCase): string {
  return `${c.batch}x${c.h}x${c.w}x${c.c} k${c.kernel.join('x')} s${c.stride} d${c.dilation} pad ${JSON.stringify(c.padding)} outC ${c.outC} dm ${c.dm}`;
}

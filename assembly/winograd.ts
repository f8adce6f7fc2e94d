// Winograd F(2x2, 3x3) for 3x3, stride-1, undilated conv2d (Lavin & Gray 2016): each 2x2 block
// of output pixels ("tile") is Y = Aᵀ [U ⊙ V] A with U = G g Gᵀ (the 3x3 filter, transformed
// once per call) and V = Bᵀ d B (the tile's 4x4 input window), summed over input channels. The
// channel sums are 16 small GEMMs per chunk of tiles, one per position ξ of the 4x4 transform
// domain: M[ξ] (tiles x outC) = V[ξ] (tiles x inC) · U[ξ] (inC x outC), run by the conv 2 x 16
// micro-tile. 16 multiplies per 4 outputs instead of 36: 2.25x fewer flops in the GEMMs.
//
//   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   Aᵀ = [1 1 1 0; 0 1 -1 -1]
//
// The filter gradient uses the transposed identity: with E = A dY Aᵀ (the tile's 2x2 output
// gradient taken to the 4x4 domain), ∂U[ξ] = Σ over tiles of V[ξ]ᵀ E[ξ], and dw += Gᵀ ∂U G.
// Rounding differs from the direct sum (the transforms add and subtract up to 9 terms first);
// the error against the f64 reference is measured in test/kernels/conv.test.ts.
//
// SIMD over 4 channels in every transform: inC and outC must be multiples of 4 (outC of 16).
//
// Threads: the forward (and the input gradient run as one) splits over rows of tiles, each part
// transforming the filter itself; the filter gradient splits over groups of 4 input channels
// (rows of ∂U and dw), every part transforming the output gradient of every tile. Either way each
// output element is computed by one part, with the same additions as one thread.
import { Geometry, biasColumns, partStart, pixel, zeroRow } from './geometry';
import { NR, tile2x16 } from './tile';

/** Tiles per chunk: V (16·T·inC floats) and M (16·T·outC) of one chunk stay in L2. */
const TILES: i32 = 32;
/** Floats between the ξ planes of V and M beyond T rows: off multiples of 4 KiB (L1 set aliasing). */
const SKEW: i32 = 16;

@inline
function planeV(inC: i32): usize {
  return (<usize>(TILES * inC + SKEW)) << 2;
}

@inline
function planeM(outC: i32): usize {
  return (<usize>(TILES * outC + SKEW)) << 2;
}

/** Whether g is a conv the Winograd kernels take: 3x3, stride 1, no dilation, channels in fours. */
export function winogradApplies(g: Geometry): bool {
  return winogradTakes(g, g.inC, g.outC, g.outH, g.outW);
}

/** The same for the input gradient of g run as a forward conv (channels and sizes swapped). */
export function winogradAppliesFlipped(g: Geometry): bool {
  return winogradTakes(g, g.outC, g.inC, g.inH, g.inW);
}

@inline
function winogradTakes(g: Geometry, inC: i32, outC: i32, outH: i32, outW: i32): bool {
  return g.kH == 3 && g.kW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1 &&
    inC % 4 == 0 && inC >= 8 && outC % NR == 0 && outH >= 2 && outW >= 2;
}

/** Scratch bytes of the forward / input-gradient (U, V, M, zeros, pointers) and filter-gradient (∂U too) kernels. */
export function winogradScratchBytes(inC: i32, outC: i32): usize {
  const c = <usize>inC;
  const o = <usize>outC;
  const t = <usize>TILES;
  return ((16 * c * o + 16 * (t * c + SKEW) + 16 * (t * o + SKEW) + c + o + 2 * <usize>NR + 32 + 16) << 2) + 64;
}

/** Scratch layout of one call. */
@unmanaged
class Work {
  u: usize; // 16 x inC x outC: U packed in panels of 16 columns (or ∂U, row-major)
  v: usize; // 16 x TILES x inC
  m: usize; // 16 x TILES x outC
  zeros: usize; // max(inC, outC) zero floats (input cells outside the image)
  zero16: usize;
  tmp: usize;
  cells: usize; // 16 pointers of the current tile's window
  tilesW: i32; // tiles per row of output
  perImage: i32; // tiles per image
  total: i32; // tiles of the batch
  n: i32; // the current tile: image, tile row, tile column
  th: i32;
  tw: i32;
}

function layout(g: Geometry, scratch: usize): Work {
  const wk = changetype<Work>(scratch);
  const c = <usize>g.inC;
  const o = <usize>g.outC;
  wk.u = (scratch + 64 + 15) & ~(<usize>15);
  wk.v = wk.u + ((16 * c * o) << 2);
  wk.m = wk.v + 16 * planeV(g.inC);
  wk.zeros = wk.m + 16 * planeM(g.outC);
  wk.zero16 = wk.zeros + ((c + o) << 2);
  wk.tmp = wk.zero16 + (<usize>NR << 2);
  wk.cells = wk.tmp + (32 << 2);
  zeroRow(wk.zeros, <i32>(c + o));
  zeroRow(wk.zero16, NR);
  wk.tilesW = (g.outW + 1) >> 1;
  wk.perImage = ((g.outH + 1) >> 1) * wk.tilesW;
  wk.total = g.batch * wk.perImage;
  return wk;
}

/** Sets the current tile (wk.n, wk.th, wk.tw) from its index in the batch. */
@inline
function locate(wk: Work, flat: i32): void {
  const n = flat / wk.perImage;
  const inImage = flat - n * wk.perImage;
  wk.n = n;
  wk.th = inImage / wk.tilesW;
  wk.tw = inImage - wk.th * wk.tilesW;
}

/**
 * U[ξ] = G g Gᵀ for every (input channel c, output channel o), packed as panels of 16 output
 * channels: u[((ξ * panels + jp) * inC + c) * 16 + lane]. Tap (i, j) of (c, o) is read at
 * w + (tap*tapStride + c*cStride + o*oStride)*4 with tap = 3i + j, or 8 - (3i + j) with flip (the
 * filter rotated 180 degrees: the input gradient as a forward conv).
 */
function transformFilter(u: usize, w: usize, inC: i32, outC: i32, tapStride: i32, cStride: i32, oStride: i32, flip: bool): void {
  const panels = outC / NR;
  for (let c = 0; c < inC; c++) {
    for (let o = 0; o < outC; o++) {
      const base = w + ((<usize>c * cStride + <usize>o * oStride) << 2);
      // gg[i][a]: G applied along the rows (4 x 3), then along the columns (4 x 4).
      const t0 = flip ? 8 : 0;
      const sgn = flip ? -1 : 1;
      const g00 = load<f32>(base + ((<usize>(t0 + sgn * 0) * tapStride) << 2));
      const g01 = load<f32>(base + ((<usize>(t0 + sgn * 1) * tapStride) << 2));
      const g02 = load<f32>(base + ((<usize>(t0 + sgn * 2) * tapStride) << 2));
      const g10 = load<f32>(base + ((<usize>(t0 + sgn * 3) * tapStride) << 2));
      const g11 = load<f32>(base + ((<usize>(t0 + sgn * 4) * tapStride) << 2));
      const g12 = load<f32>(base + ((<usize>(t0 + sgn * 5) * tapStride) << 2));
      const g20 = load<f32>(base + ((<usize>(t0 + sgn * 6) * tapStride) << 2));
      const g21 = load<f32>(base + ((<usize>(t0 + sgn * 7) * tapStride) << 2));
      const g22 = load<f32>(base + ((<usize>(t0 + sgn * 8) * tapStride) << 2));
      // Rows of G g (4 x 3).
      const r00 = g00, r01 = g01, r02 = g02;
      const r10 = (g00 + g10 + g20) * 0.5, r11 = (g01 + g11 + g21) * 0.5, r12 = (g02 + g12 + g22) * 0.5;
      const r20 = (g00 - g10 + g20) * 0.5, r21 = (g01 - g11 + g21) * 0.5, r22 = (g02 - g12 + g22) * 0.5;
      const r30 = g20, r31 = g21, r32 = g22;
      const jp = o / NR;
      const lane = o - jp * NR;
      const dst = u + ((<usize>(jp * inC + c) * NR + lane) << 2);
      const step = (<usize>panels * inC * NR) << 2; // one ξ
      storeRow(dst, step, 0, r00, r01, r02);
      storeRow(dst, step, 4, r10, r11, r12);
      storeRow(dst, step, 8, r20, r21, r22);
      storeRow(dst, step, 12, r30, r31, r32);
    }
  }
}

/** U[ξ0 .. ξ0+3] = one row of (G g) times Gᵀ. */
@inline
function storeRow(dst: usize, step: usize, xi0: i32, a: f32, b: f32, c: f32): void {
  store<f32>(dst + step * xi0, a);
  store<f32>(dst + step * (xi0 + 1), (a + b + c) * 0.5);
  store<f32>(dst + step * (xi0 + 2), (a - b + c) * 0.5);
  store<f32>(dst + step * (xi0 + 3), c);
}

/** Fills wk.cells with the 16 input pixels of the current tile, or wk.zeros for those outside. */
@inline
function windowCells(wk: Work, x: usize, g: Geometry): void {
  const n = wk.n;
  const ih0 = 2 * wk.th - g.padTop;
  const iw0 = 2 * wk.tw - g.padLeft;
  for (let r = 0; r < 4; r++) {
    const ih = ih0 + r;
    for (let s = 0; s < 4; s++) {
      const iw = iw0 + s;
      const inside = ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW;
      store<usize>(wk.cells + (<usize>(r * 4 + s) << 2), inside ? pixel(x, n, ih, iw, g.inH, g.inW, g.inC) : wk.zeros);
    }
  }
}

@inline
function cell(wk: Work, i: i32, o: usize): v128 {
  return v128.load(load<usize>(wk.cells + (<usize>i << 2)) + o);
}

/** V[ξ][t][c..c+3] = (Bᵀ d B)[ξ] for the window in wk.cells, 4 channels at a time, c from c0 to c1. */
function transformInput(wk: Work, t: i32, inC: i32, c0: i32, c1: i32): void {
  const step = planeV(inC); // one ξ
  for (let c = c0; c < c1; c += 4) {
    const o = <usize>c << 2;
    const dst = wk.v + ((<usize>t * inC) << 2) + o;
    // e[r][s] = (Bᵀ d)[r][s]: along the rows first.
    for (let s = 0; s < 4; s++) {
      const d0 = cell(wk, s, o), d1 = cell(wk, 4 + s, o), d2 = cell(wk, 8 + s, o), d3 = cell(wk, 12 + s, o);
      // Stash the column's Bᵀ d in V's ξ = r*4 + s slots, then finish the rows below.
      v128.store(dst + step * s, f32x4.sub(d0, d2));
      v128.store(dst + step * (4 + s), f32x4.add(d1, d2));
      v128.store(dst + step * (8 + s), f32x4.sub(d2, d1));
      v128.store(dst + step * (12 + s), f32x4.sub(d1, d3));
    }
    // (e B)[r][·]: along the columns, in place.
    for (let r = 0; r < 4; r++) {
      const row = dst + step * (r * 4);
      const e0 = v128.load(row), e1 = v128.load(row + step), e2 = v128.load(row + step * 2), e3 = v128.load(row + step * 3);
      v128.store(row, f32x4.sub(e0, e2));
      v128.store(row + step, f32x4.add(e1, e2));
      v128.store(row + step * 2, f32x4.sub(e2, e1));
      v128.store(row + step * 3, f32x4.sub(e1, e3));
    }
  }
}

/** V (channels c0..c1) of the chunk of tiles from t0 up to `end` (at most TILES); returns how many. */
function transformInputs(wk: Work, x: usize, g: Geometry, t0: i32, end: i32, c0: i32, c1: i32): i32 {
  const tiles = min(TILES, end - t0);
  for (let t = 0; t < tiles; t++) {
    locate(wk, t0 + t);
    windowCells(wk, x, g);
    transformInput(wk, t, g.inC, c0, c1);
  }
  return tiles;
}

/** Rows of tiles of g (the forward's units for threads: rows 2u and 2u + 1 of each image). */
export function winogradTileRows(g: Geometry): i32 {
  return g.batch * ((g.outH + 1) >> 1);
}

/** The first output pixel row (of batch * outH) of tile row `unit`. */
export function winogradPixelRow(g: Geometry, unit: i32): i32 {
  const tilesH = (g.outH + 1) >> 1;
  const n = unit / tilesH;
  return n * g.outH + min(2 * (unit - n * tilesH), g.outH);
}

/** M[ξ] = V[ξ] · U[ξ] for the first `tiles` tiles of the chunk. */
function multiply(wk: Work, tiles: i32, inC: i32, outC: i32): void {
  const panels = outC / NR;
  const rowBytes = <usize>outC << 2;
  const aBytes = <usize>inC << 2;
  for (let xi = 0; xi < 16; xi++) {
    const v = wk.v + <usize>xi * planeV(inC);
    const m = wk.m + <usize>xi * planeM(outC);
    const u = wk.u + ((<usize>xi * panels * inC * NR) << 2);
    for (let jp = 0; jp < panels; jp++) {
      const bp = u + ((<usize>jp * inC * NR) << 2);
      let t = 0;
      for (; t + 2 <= tiles; t += 2) {
        const y0 = m + <usize>t * rowBytes + (<usize>(jp * NR) << 2);
        const a0 = v + <usize>t * aBytes;
        tile2x16(y0, y0 + rowBytes, a0, a0 + aBytes, bp, inC, wk.zero16, false, false, NR, wk.tmp);
      }
      if (t < tiles) {
        const a0 = v + <usize>t * aBytes;
        tile2x16(m + <usize>t * rowBytes + (<usize>(jp * NR) << 2), 0, a0, a0, bp, inC, wk.zero16, false, false, NR, wk.tmp);
      }
    }
  }
}

/** y (+)= act(Aᵀ M A + bias) for tile t of the chunk (the current tile), 4 channels at a time. */
function transformOutput(wk: Work, y: usize, bias: usize, g: Geometry, t: i32, relu: bool, accumulate: bool): void {
  const outC = g.outC;
  const step = planeM(outC);
  const src0 = wk.m + ((<usize>t * outC) << 2);
  const n = wk.n;
  const oh = 2 * wk.th;
  const ow = 2 * wk.tw;
  const row1 = oh + 1 < g.outH;
  const col1 = ow + 1 < g.outW;
  const p00 = pixel(y, n, oh, ow, g.outH, g.outW, outC);
  const p01 = p00 + (<usize>outC << 2);
  const p10 = p00 + ((<usize>g.outW * outC) << 2);
  const p11 = p10 + (<usize>outC << 2);
  const zero = f32x4.splat(0);
  for (let c = 0; c < outC; c += 4) {
    const o = <usize>c << 2;
    const src = src0 + o;
    // u[a][s] = (Aᵀ m)[a][s] along the rows, then along the columns.
    let u00 = zero, u01 = zero, u02 = zero, u03 = zero, u10 = zero, u11 = zero, u12 = zero, u13 = zero;
    for (let s = 0; s < 4; s++) {
      const m0 = v128.load(src + step * s), m1 = v128.load(src + step * (4 + s));
      const m2 = v128.load(src + step * (8 + s)), m3 = v128.load(src + step * (12 + s));
      const a0 = f32x4.add(f32x4.add(m0, m1), m2);
      const a1 = f32x4.sub(f32x4.sub(m1, m2), m3);
      if (s == 0) { u00 = a0; u10 = a1; } else if (s == 1) { u01 = a0; u11 = a1; } else if (s == 2) { u02 = a0; u12 = a1; } else { u03 = a0; u13 = a1; }
    }
    const b = bias != 0 ? v128.load(bias + o) : zero;
    let y00 = f32x4.add(f32x4.add(f32x4.add(u00, u01), u02), b);
    let y01 = f32x4.add(f32x4.sub(f32x4.sub(u01, u02), u03), b);
    let y10 = f32x4.add(f32x4.add(f32x4.add(u10, u11), u12), b);
    let y11 = f32x4.add(f32x4.sub(f32x4.sub(u11, u12), u13), b);
    if (accumulate) {
      v128.store(p00 + o, f32x4.add(v128.load(p00 + o), y00));
      if (col1) v128.store(p01 + o, f32x4.add(v128.load(p01 + o), y01));
      if (row1) v128.store(p10 + o, f32x4.add(v128.load(p10 + o), y10));
      if (row1 && col1) v128.store(p11 + o, f32x4.add(v128.load(p11 + o), y11));
      continue;
    }
    if (relu) {
      y00 = f32x4.max(y00, zero); y01 = f32x4.max(y01, zero);
      y10 = f32x4.max(y10, zero); y11 = f32x4.max(y11, zero);
    }
    v128.store(p00 + o, y00);
    if (col1) v128.store(p01 + o, y01);
    if (row1) v128.store(p10 + o, y10);
    if (row1 && col1) v128.store(p11 + o, y11);
  }
}

/**
 * y (+)= act(conv2d(x, w) + bias) by F(2x2, 3x3), g as winogradApplies, for the tile rows u0..u1
 * (of winogradTileRows). w is HWIO [3, 3, inC, outC], or with flip the filter [3, 3, outC, inC]
 * of the conv whose input gradient this is (rotated, channel axes swapped). accumulate: y += the
 * conv (no bias, no activation).
 */
export function conv2dWinograd(y: usize, x: usize, w: usize, bias: usize, g: Geometry, relu: bool, accumulate: bool, flip: bool, scratch: usize, u0: i32, u1: i32): void {
  if (u1 <= u0) return;
  const inC = g.inC;
  const outC = g.outC;
  const wk = layout(g, scratch);
  if (flip) transformFilter(wk.u, w, inC, outC, inC * outC, 1, inC, true);
  else transformFilter(wk.u, w, inC, outC, inC * outC, outC, 1, false);
  const end = min(wk.total, u1 * wk.tilesW);
  for (let t0 = u0 * wk.tilesW; t0 < end; t0 += TILES) {
    const tiles = transformInputs(wk, x, g, t0, end, 0, inC);
    multiply(wk, tiles, inC, outC);
    for (let t = 0; t < tiles; t++) {
      locate(wk, t0 + t);
      transformOutput(wk, y, bias, g, t, relu, accumulate);
    }
  }
}

/** E[ξ][t][o..o+3] = (A dY Aᵀ)[ξ] for the current tile's 2x2 output gradient; cells outside dy read zero. */
function transformGradient(wk: Work, dy: usize, g: Geometry, t: i32): void {
  const outC = g.outC;
  const step = planeM(outC);
  const oh = 2 * wk.th;
  const ow = 2 * wk.tw;
  const p00 = pixel(dy, wk.n, oh, ow, g.outH, g.outW, outC);
  const p01 = ow + 1 < g.outW ? p00 + (<usize>outC << 2) : wk.zeros;
  const p10 = oh + 1 < g.outH ? p00 + ((<usize>g.outW * outC) << 2) : wk.zeros;
  const p11 = oh + 1 < g.outH && ow + 1 < g.outW ? p00 + ((<usize>(g.outW + 1) * outC) << 2) : wk.zeros;
  const dst0 = wk.m + ((<usize>t * outC) << 2);
  for (let c = 0; c < outC; c += 4) {
    const o = <usize>c << 2;
    const dst = dst0 + o;
    const q00 = v128.load(p00 + o), q01 = v128.load(p01 + o), q10 = v128.load(p10 + o), q11 = v128.load(p11 + o);
    // A dY (4 x 2): rows q0, q0 + q1, q0 - q1, -q1; then the same along the columns.
    gradientRow(dst, step, 0, q00, q01);
    gradientRow(dst, step, 4, f32x4.add(q00, q10), f32x4.add(q01, q11));
    gradientRow(dst, step, 8, f32x4.sub(q00, q10), f32x4.sub(q01, q11));
    gradientRow(dst, step, 12, f32x4.neg(q10), f32x4.neg(q11));
  }
}

/** E[ξ0 .. ξ0+3] = one row (a, b) of A dY times Aᵀ: a, a + b, a - b, -b. */
@inline
function gradientRow(dst: usize, step: usize, xi0: i32, a: v128, b: v128): void {
  v128.store(dst + step * xi0, a);
  v128.store(dst + step * (xi0 + 1), f32x4.add(a, b));
  v128.store(dst + step * (xi0 + 2), f32x4.sub(a, b));
  v128.store(dst + step * (xi0 + 3), f32x4.neg(b));
}

/** ∂U[ξ] rows c0..c1 (inC x outC, row-major in wk.u) += V[ξ]ᵀ · E[ξ] over the first `tiles` tiles of the chunk. */
function multiplyTransposed(wk: Work, tiles: i32, inC: i32, outC: i32, c0: i32, c1: i32): void {
  const aStride = <usize>inC << 2;
  const rowBytes = <usize>outC << 2;
  for (let xi = 0; xi < 16; xi++) {
    const v = wk.v + <usize>xi * planeV(inC);
    const e = wk.m + <usize>xi * planeM(outC);
    const du = wk.u + ((<usize>xi * inC * outC) << 2);
    for (let jp = 0; jp < outC; jp += NR) {
      const bp = e + (<usize>jp << 2);
      for (let c = c0; c < c1; c += 2) {
        const y0 = du + <usize>c * rowBytes + (<usize>jp << 2);
        const a0 = v + (<usize>c << 2);
        tile2x16(y0, y0 + rowBytes, a0, a0 + 4, bp, tiles, wk.zero16, false, true, NR, wk.tmp, rowBytes, 0, aStride);
      }
    }
  }
}

/** Units of the filter gradient over threads: groups of 4 input channels. */
export function winogradFilterUnits(g: Geometry): i32 {
  return g.inC >> 2;
}

/**
 * dw[3, 3, inC, outC] += the conv2d filter gradient by F(2x2, 3x3) (g as winogradApplies):
 * ∂U = Σ over tiles of Vᵀ E, then dw += Gᵀ ∂U G. db != 0: db += Σ rows of dy (as
 * f32_conv2d_bias_backward, the same bits). Part `part` of `parts` computes the rows of its
 * input channels and the bias gradient of its share of the output channels.
 */
export function conv2dFilterWinograd(dw: usize, dy: usize, x: usize, db: usize, g: Geometry, scratch: usize, part: i32, parts: i32): void {
  const inC = g.inC;
  const outC = g.outC;
  if (db != 0) {
    const groups = outC >> 2;
    biasColumns(db, dy, g.batch * g.outH * g.outW, outC, partStart(groups, part, parts) << 2, partStart(groups, part + 1, parts) << 2);
  }
  const groups = winogradFilterUnits(g);
  const c0 = partStart(groups, part, parts) << 2;
  const c1 = partStart(groups, part + 1, parts) << 2;
  if (c1 <= c0) return;
  const wk = layout(g, scratch);
  zeroRow(wk.u, 16 * inC * outC);
  for (let t0 = 0; t0 < wk.total; t0 += TILES) {
    const tiles = transformInputs(wk, x, g, t0, wk.total, c0, c1);
    for (let t = 0; t < tiles; t++) {
      locate(wk, t0 + t);
      transformGradient(wk, dy, g, t);
    }
    multiplyTransposed(wk, tiles, inC, outC, c0, c1);
  }
  // dw += Gᵀ ∂U G for every (c, o): Gᵀ = [1 ½ ½ 0; 0 ½ -½ 0; 0 ½ ½ 1] on both sides.
  const plane = <usize>inC * outC;
  for (let c = c0; c < c1; c++) {
    for (let o = 0; o < outC; o++) {
      const at = <usize>c * outC + o;
      const src = wk.u + (at << 2);
      const step = plane << 2;
      for (let i = 0; i < 3; i++) {
        // Row i of Gᵀ ∂U (4 columns).
        const r0 = backRow(src, step, 0, i), r1 = backRow(src, step, 1, i), r2 = backRow(src, step, 2, i), r3 = backRow(src, step, 3, i);
        const out = dw + ((at + <usize>(i * 3) * plane) << 2);
        store<f32>(out, load<f32>(out) + (r0 + (r1 + r2) * 0.5));
        const out1 = out + (plane << 2);
        store<f32>(out1, load<f32>(out1) + (r1 - r2) * 0.5);
        const out2 = out1 + (plane << 2);
        store<f32>(out2, load<f32>(out2) + ((r1 + r2) * 0.5 + r3));
      }
    }
  }
}

/** (Gᵀ D)[i][b] for the 4x4 D at src (ξ = 4a + b planes, step bytes apart). */
@inline
function backRow(src: usize, step: usize, b: i32, i: i32): f32 {
  const d0 = load<f32>(src + step * b), d1 = load<f32>(src + step * (4 + b));
  const d2 = load<f32>(src + step * (8 + b)), d3 = load<f32>(src + step * (12 + b));
  return i == 0 ? d0 + (d1 + d2) * 0.5 : i == 1 ? (d1 - d2) * 0.5 : (d1 + d2) * 0.5 + d3;
}

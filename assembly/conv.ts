// Convolutions on NHWC activations: conv2d (filter HWIO [kH, kW, inC, outC]), depthwise conv2d
// (filter [kH, kW, inC, depthMultiplier], output channel c*dm + m) and conv2d transpose (filter
// [kH, kW, outC, inC], Keras layout), forward and backward. Geometry is a struct (geometry.ts).
//
// Algorithms (chosen per shape by the drivers):
//   - Winograd F(2x2, 3x3) (winograd.ts) for 3x3 stride-1 undilated convs with inC % 4 == 0,
//     inC >= 8 and outC % 16 == 0: forward, input gradient (as the flipped forward, when its
//     channels qualify) and filter gradient;
//   - micro-kernel path (K = kH*kW*inC <= DIRECT_MAX_K): a 2 x 16 register tile (2 output
//     pixels x 16 output channels) over the filter packed into 16-column panels, with bias and
//     ReLU fused in the tile. Its left operand, one patch row per output pixel, is x's row itself
//     for pointwise (1x1, stride 1, unpadded) convs; x read in place through a table of
//     patch-element offsets for interior pixels of inputs with <= IMPLICIT_MAX_C channels (1- and
//     3-channel images pay no copy); otherwise im2col of small chunks of output pixels (in L1).
//     Outputs of <= DOT_MAX_N channels use 4-pixel SIMD dot products instead (a 1-channel output
//     would use 1/16 of a panel), also reading x in place when inC is a multiple of 4;
//   - otherwise im2col in tiles of output rows + the packed GEMM (f32_gemm), so scratch stays
//     bounded (TILE_FLOATS floats of columns + the GEMM's packing buffers);
//   - backward input: stride-1 convs (pads within the dilated span, kH*kW*outC <= DIRECT_MAX_K)
//     run as a forward conv of dy on the micro-kernel path with the filter rotated 180 degrees
//     and its channel axes swapped (packed once per call), accumulating into dx; others use
//     f32_gemm dy·Wᵀ into column tiles then col2im (scatter-add), or one f32_gemm for 1x1;
//   - backward filter for <= FEW_CHANNELS input channels and outC % 16 == 0: no im2col, x and dy
//     read in place (filterGradientFewChannels);
//   - backward filter: dwᵀ = dyᵀ·im2col(x) with the same 2 x 16 tile, im2col written straight
//     into panels per chunk of output pixels, dwᵀ added into dw at the end; for small patches
//     (K <= outC, outC % 16 == 0) dw = im2col(x)ᵀ·dy with dy's rows read in place.
// Every backward kernel accumulates (dx +=, dw +=, db +=); the filter gradient also sums the
// bias gradient when given db (same order of additions as f32_conv2d_bias_backward).
// conv2d transpose reuses these: with g the geometry of the conv2d whose input-gradient it is
// (in = the transpose's output, out = its input), forward = backward input, and its gradients
// are the conv2d forward (input) and the conv2d filter gradient with x and dy swapped.
//
// Threads: every kernel takes (part, parts) last and computes its part's units
// (f32_conv_split_units), chosen so that each output element is computed by one part with the
// same additions in the same order as the whole call (parts < 2: the whole call). Forward
// passes split over output pixel rows (Winograd: rows of tiles), input gradients over rows of
// dx (the scatter-add col2im path: over images, which never share a dx pixel), and filter
// gradients over filter columns (output channels) or rows (input channels, Winograd), never
// over the reduction; each part packs its own filter panels in its own scratch.
import { Geometry, geometry, pixel, addRow, zeroRow, copyRow, partStart, biasColumns } from './geometry';
import { f32_gemm, f32_gemm_scratch_bytes, GEMM_TRANS_B, GEMM_ACCUMULATE } from './gemm';
import { NR, tile2x16 } from './tile';
import { conv2dFilterWinograd, conv2dWinograd, winogradApplies, winogradAppliesFlipped, winogradFilterUnits, winogradPixelRow, winogradScratchBytes, winogradTileRows } from './winograd';

/** Activation fused into a forward epilogue: 0 = linear, 1 = relu. */
const ACTIVATION_LINEAR: i32 = 0;
const ACTIVATION_RELU: i32 = 1;

/** Floats of im2col columns per tile (256 KiB). */
const TILE_FLOATS: i32 = 65536;
/** The micro-kernel path takes patches of at most this many floats (its filter panel stays in L1/L2). */
const DIRECT_MAX_K: i32 = 1024;

@inline
function align16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

function isPointwise(g: Geometry): bool {
  return g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 &&
    g.padTop == 0 && g.padBottom == 0 && g.padLeft == 0 && g.padRight == 0;
}

@inline
function patchSize(g: Geometry): i32 {
  return g.kH * g.kW * g.inC;
}

@inline
function outputRows(g: Geometry): i32 {
  return g.batch * g.outH * g.outW;
}

/** Output rows per im2col tile: as many as fit TILE_FLOATS columns, at least 16. */
function tileRows(g: Geometry): i32 {
  return min(outputRows(g), max(16, TILE_FLOATS / max(patchSize(g), 1)));
}

/** In-place epilogue on n floats. */
function activate(y: usize, n: i32, activation: i32): void {
  if (activation != ACTIVATION_RELU) return;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.max(v128.load(y + o), zero));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, max(load<f32>(y + o), 0));
  }
}


/** im2col layouts: rows of K floats, the same but adding into x (col2im), or 16-lane panels. */
const IM2COL_ROWS: i32 = 0;
const COL2IM_ADD: i32 = 1;
const IM2COL_PANELS: i32 = 2;
const IM2COL_TRANSPOSED: i32 = 3;

/**
 * For output rows r0 .. r0+rows of the flattened (n, oh, ow) index and patch element
 * p = (i*kW + j)*inC + c, with v = x[n, ih, iw, c] (0 outside the input):
 *   IM2COL_ROWS:   col[r*K + p] = v;
 *   COL2IM_ADD:    x[n, ih, iw, c] += col[r*K + p] for the taps inside the input;
 *   IM2COL_PANELS: col[((p / 16) * panelRows + r) * 16 + p % 16] = v (padding lanes of the
 *                  last panel zeroed): the filter gradient's operand;
 *   IM2COL_TRANSPOSED: col[p * panelRows + r] = v (the other filter-gradient variant).
 */
function im2col(col: usize, x: usize, g: Geometry, r0: i32, rows: i32, layout: i32, panelRows: i32 = 0): void {
  const inC = g.inC;
  const k = patchSize(g);
  const perImage = g.outH * g.outW;
  const panelBytes = (<usize>panelRows * NR) << 2;
  if (layout == IM2COL_PANELS && k % NR != 0) {
    const last = col + <usize>(k / NR) * panelBytes;
    for (let r = 0; r < rows; r++) zeroRow(last + ((<usize>r * NR) << 2), NR);
  }
  // (n, oh, ow) of row r0, then stepped without divisions.
  let n = r0 / perImage;
  let oh = (r0 - n * perImage) / g.outW;
  let ow = r0 - n * perImage - oh * g.outW;
  for (let r = 0; r < rows; r++, ow++) {
    if (ow == g.outW) {
      ow = 0;
      if (++oh == g.outH) {
        oh = 0;
        n++;
      }
    }
    const ih0 = oh * g.strideH - g.padTop;
    const iw0 = ow * g.strideW - g.padLeft;
    const rowAt = layout == IM2COL_PANELS ? col + ((<usize>r * NR) << 2) : col + ((<usize>r * k) << 2);
    let p = 0;
    for (let i = 0; i < g.kH; i++) {
      const ih = ih0 + i * g.dilationH;
      const rowInside = ih >= 0 && ih < g.inH;
      for (let j = 0; j < g.kW; j++) {
        const iw = iw0 + j * g.dilationW;
        const inside = rowInside && iw >= 0 && iw < g.inW;
        const src = inside ? pixel(x, n, ih, iw, g.inH, g.inW, inC) : 0;
        if (layout == IM2COL_TRANSPOSED) {
          const d = col + ((<usize>p * panelRows + r) << 2);
          const step = <usize>panelRows << 2;
          for (let c = 0; c < inC; c++) store<f32>(d + step * c, inside ? load<f32>(src + (<usize>c << 2)) : 0);
          p += inC;
          continue;
        }
        if (layout == IM2COL_PANELS) {
          // The tap's inC floats in runs that do not cross a 16-lane panel boundary.
          for (let c = 0; c < inC;) {
            const lane = p & (NR - 1);
            const run = min(NR - lane, inC - c);
            const d = rowAt + <usize>(p / NR) * panelBytes + (<usize>lane << 2);
            if (inside) copyRow(d, src + (<usize>c << 2), run);
            else zeroRow(d, run);
            c += run;
            p += run;
          }
          continue;
        }
        const d = rowAt + (<usize>p << 2);
        if (layout == COL2IM_ADD) {
          if (inside) addRow(src, d, inC);
        } else if (!inside) {
          zeroRow(d, inC);
        } else if (inC == 1) {
          store<f32>(d, load<f32>(src));
        } else {
          copyRow(d, src, inC);
        }
        p += inC;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The conv micro-kernel path: im2col of a small chunk of output pixels (it stays in L1) and a
// 2 x 16 register tile (2 output pixels x 16 output channels) over packed filter panels.
// Why 2 x 16: V8 on x64 has 15 allocatable xmm registers; 8 accumulators + 4 filter vectors +
// 2 broadcasts + 1 temporary fit without spills (the gemm branch measured ~95 % of the mul+add
// peak for this shape in L1, 4 x 8 ~75 %).

/** Target floats of im2col columns per chunk (16 KiB: chunk + one panel stay in L1). */
const CHUNK_FLOATS: i32 = 4096;

@inline
function roundUp(v: i32, to: i32): i32 {
  return (v + to - 1) / to * to;
}

/** Output pixels per im2col chunk (even, >= 2). */
function chunkRows(k: i32): i32 {
  return max(2, (CHUNK_FLOATS / max(k, 1)) & ~1);
}

/**
 * Packs a [k, n] filter (row-major) into panels of NR columns, zero-padded: panel jp holds
 * dst[(jp*k + p)*NR + j] = w[p, jp*NR + j]. With flip (the input-gradient of a stride-1 conv as
 * a forward conv), the source is the conv filter [kH, kW, n, k/(kH*kW)] read rotated by 180
 * degrees with its channel axes swapped: row p = (i*kW + j)*outC + o, column c is
 * w[kH-1-i, kW-1-j, c, o].
 */
function packPanels(dst: usize, w: usize, k: i32, n: i32, flip: bool, kH: i32, kW: i32, nr: i32): void {
  const panels = roundUp(n, nr) / nr;
  const taps = kH * kW;
  const rowsPerTap = k / taps; // flip: the conv's outC
  for (let jp = 0; jp < panels; jp++) {
    const cols = min(nr, n - jp * nr);
    for (let p = 0; p < k; p++) {
      const d = dst + ((<usize>(jp * k + p) * nr) << 2);
      if (!flip) {
        copyRow(d, w + ((<usize>p * n + jp * nr) << 2), cols);
      } else {
        const tap = p / rowsPerTap;
        const o = p - tap * rowsPerTap;
        const src = w + ((<usize>(taps - 1 - tap) * n * rowsPerTap + o) << 2);
        for (let j = 0; j < cols; j++) store<f32>(d + (<usize>j << 2), load<f32>(src + ((<usize>(jp * nr + j) * rowsPerTap) << 2)));
      }
      if (cols < nr) zeroRow(d + (<usize>cols << 2), nr - cols);
    }
  }
}

/** Outputs with at most this many channels use 4-pixel dot products instead of 16-wide panels. */
const DOT_MAX_N: i32 = 4;

/**
 * Four dot products of length k: y_r[0] = act(bias + a_r · wt) (or y_r[0] += a_r · wt) for the
 * rows a + r*rowBytes, r < rows (<= 4), output rows yStride bytes apart. SIMD along k. With
 * offsets (implicit im2col), a row is k/run runs of run floats (run % 4 == 0), run t starting
 * at a_r + offsets[t*run] bytes.
 */
@inline
function dot4(y: usize, yStride: usize, a: usize, rowBytes: usize, rows: i32, wt: usize, k: i32, bias: f32, relu: bool, accumulate: bool, offsets: usize = 0, run: i32 = 0): void {
  const a0 = a;
  const a1 = rows > 1 ? a + rowBytes : a;
  const a2 = rows > 2 ? a + rowBytes * 2 : a;
  const a3 = rows > 3 ? a + rowBytes * 3 : a;
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
  // Contiguous rows are one run of the first k & ~3 floats (the rest is the scalar tail).
  const end = offsets == 0 ? k & ~3 : k;
  const step = offsets == 0 ? end : run;
  for (let p = 0; p < end; p += step) {
    const base: usize = offsets == 0 ? 0 : <usize>load<i32>(offsets + (<usize>p << 2));
    const wp = wt + (<usize>p << 2);
    for (let c = 0; c < step; c += 4) {
      const o = base + (<usize>c << 2);
      const wv = v128.load(wp + (<usize>c << 2));
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a0 + o), wv));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a1 + o), wv));
      acc2 = f32x4.add(acc2, f32x4.mul(v128.load(a2 + o), wv));
      acc3 = f32x4.add(acc3, f32x4.mul(v128.load(a3 + o), wv));
    }
  }
  for (let r = 0; r < rows; r++) {
    const acc = r == 0 ? acc0 : r == 1 ? acc1 : r == 2 ? acc2 : acc3;
    const ar = a + rowBytes * r;
    let sum = bias + ((f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)));
    for (let q = end; q < k; q++) sum += load<f32>(ar + (<usize>q << 2)) * load<f32>(wt + (<usize>q << 2));
    const yr = y + yStride * r;
    if (accumulate) sum += load<f32>(yr);
    else if (relu) sum = max(sum, 0);
    store<f32>(yr, sum);
  }
}

/** Inputs with at most this many channels skip im2col for interior pixels (implicit im2col; the
 * dot-product path does so for any multiple of 4 channels). */
const IMPLICIT_MAX_C: i32 = 4;

/** Bytes of scratch of the micro-kernel path: panels, padded bias, im2col chunk, offsets, tmp. */
function directScratch(k: i32, n: i32): usize {
  const padded = <usize>roundUp(n, NR);
  return align16((padded * <usize>k + padded + <usize>chunkRows(k) * k + <usize>k + 2 * NR) << 2) + 256;
}

/** Filter panels, bias and buffers of one micro-kernel-path call. */
@unmanaged
class Direct {
  y: usize;
  x: usize;
  g: Geometry;
  n: i32;
  k: i32;
  panels: i32;
  packed: usize;
  bias16: usize;
  col: usize;
  offsets: usize;
  tmp: usize;
  rowsPerChunk: i32;
  relu: bool;
  accumulate: bool;
  dot: bool;
}

/**
 * Tiles over `rows` consecutive output pixels starting at flattened index r0, whose patch rows
 * start at a + i*aStep; offsets = 0: contiguous rows of k floats, else implicit im2col.
 */
@inline
function runTiles(d: Direct, r0: i32, rows: i32, a: usize, aStep: usize, offsets: usize): void {
  const n = d.n;
  const k = d.k;
  if (d.dot) {
    for (let r = 0; r < rows; r += 4) {
      const ar = a + aStep * r;
      for (let c = 0; c < n; c++) {
        const yr = d.y + ((<usize>(r0 + r) * n + c) << 2);
        const b = load<f32>(d.bias16 + (<usize>c << 2));
        dot4(yr, <usize>n << 2, ar, aStep, min(4, rows - r), d.packed + ((<usize>c * k) << 2), k, b, d.relu, d.accumulate, offsets, d.g.inC);
      }
    }
    return;
  }
  for (let jp = 0; jp < d.panels; jp++) {
    const cols = min(NR, n - jp * NR);
    const bp = d.packed + ((<usize>(jp * k) * NR) << 2);
    const bj = d.bias16 + (<usize>(jp * NR) << 2);
    let yr = d.y + ((<usize>r0 * n + jp * NR) << 2);
    let ar = a;
    let r = 0;
    for (; r + 2 <= rows; r += 2) {
      tile2x16(yr, yr + (<usize>n << 2), ar, ar + aStep, bp, k, bj, d.relu, d.accumulate, cols, d.tmp, 64, offsets);
      yr += <usize>n << 3;
      ar += aStep << 1;
    }
    if (r < rows) tile2x16(yr, 0, ar, ar, bp, k, bj, d.relu, d.accumulate, cols, d.tmp, 64, offsets);
  }
}

/** Output pixels r0 .. r0+rows through im2col chunks (or x's rows when pointwise). */
function viaIm2col(d: Direct, r0: i32, rows: i32): void {
  const rowBytes = <usize>d.k << 2;
  if (isPointwise(d.g)) {
    runTiles(d, r0, rows, d.x + <usize>r0 * rowBytes, rowBytes, 0);
    return;
  }
  for (let done = 0; done < rows; done += d.rowsPerChunk) {
    const count = min(d.rowsPerChunk, rows - done);
    im2col(d.col, d.x, d.g, r0 + done, count, IM2COL_ROWS);
    runTiles(d, r0 + done, count, d.col, rowBytes, 0);
  }
}

/**
 * y (+)= act(conv2d(x, w) + bias) with the micro-kernel path. w is [k, n] (or, with flip, the
 * filter of the conv whose input-gradient this is). Pointwise geometries read x's rows in place;
 * inputs of <= IMPLICIT_MAX_C channels read interior pixels in place through an offset table
 * (their im2col copy would cost as much as the tile); the rest goes through im2col chunks.
 */
function conv2dDirect(y: usize, x: usize, w: usize, bias: usize, g: Geometry, activation: i32, accumulate: bool, flip: bool, kH: i32, kW: i32, scratch: usize, h0: i32, h1: i32): void {
  if (h1 <= h0) return;
  const n = g.outC;
  const k = patchSize(g);
  const padded = <usize>roundUp(n, NR);
  const d = changetype<Direct>(scratch);
  d.y = y;
  d.x = x;
  d.g = g;
  d.n = n;
  d.k = k;
  d.panels = <i32>padded / NR;
  d.packed = scratch + 128;
  d.bias16 = d.packed + ((padded * <usize>k) << 2);
  d.col = d.bias16 + (padded << 2);
  d.rowsPerChunk = chunkRows(k);
  d.offsets = d.col + ((<usize>d.rowsPerChunk * k) << 2);
  d.tmp = align16(d.offsets + (<usize>k << 2));
  d.relu = activation == ACTIVATION_RELU;
  d.accumulate = accumulate;
  d.dot = n <= DOT_MAX_N;
  packPanels(d.packed, w, k, n, flip, kH, kW, d.dot ? 1 : NR);
  zeroRow(d.bias16, <i32>padded);
  if (bias != 0) copyRow(d.bias16, bias, n);
  // Implicit im2col: tiles with few input channels; dot products over runs of 4k channels.
  const implicit = !isPointwise(g) && (d.dot ? g.inC % 4 == 0 : g.inC <= IMPLICIT_MAX_C);
  if (!implicit) {
    viaIm2col(d, h0 * g.outW, (h1 - h0) * g.outW);
    return;
  }
  // Implicit im2col: offsets of the patch elements from the patch's top-left input float.
  const inC = g.inC;
  for (let i = 0; i < g.kH; i++) {
    for (let j = 0; j < g.kW; j++) {
      for (let c = 0; c < inC; c++) {
        store<i32>(d.offsets + (<usize>((i * g.kW + j) * inC + c) << 2), (((i * g.dilationH * g.inW) + j * g.dilationW) * inC + c) << 2);
      }
    }
  }
  const spanH = g.dilationH * (g.kH - 1);
  const spanW = g.dilationW * (g.kW - 1);
  // Output columns whose whole window is inside the input: [owLo, owHi).
  const owLo = min((g.padLeft + g.strideW - 1) / g.strideW, g.outW);
  const lastInside = g.inW - 1 - spanW + g.padLeft;
  const owHi = lastInside < 0 ? owLo : max(owLo, min(lastInside / g.strideW + 1, g.outW));
  const pixelStep = (<usize>g.strideW * inC) << 2;
  for (let h = h0; h < h1; h++) {
    const b = h / g.outH;
    const oh = h - b * g.outH;
    const r0 = h * g.outW;
    const ih0 = oh * g.strideH - g.padTop;
    if (ih0 < 0 || ih0 + spanH >= g.inH || owHi == owLo) {
      viaIm2col(d, r0, g.outW);
      continue;
    }
    if (owLo > 0) viaIm2col(d, r0, owLo);
    runTiles(d, r0 + owLo, owHi - owLo, pixel(x, b, ih0, owLo * g.strideW - g.padLeft, g.inH, g.inW, inC), pixelStep, d.offsets);
    if (owHi < g.outW) viaIm2col(d, r0 + owHi, g.outW - owHi);
  }
}

/** Units of a forward conv over threads: rows of Winograd tiles, else output pixel rows. */
function forwardUnits(g: Geometry): i32 {
  return winogradApplies(g) ? winogradTileRows(g) : g.batch * g.outH;
}

/** The first output pixel row (of batch * outH) of forward unit `unit`. */
function forwardPixelRow(g: Geometry, unit: i32): i32 {
  return winogradApplies(g) ? winogradPixelRow(g, unit) : unit;
}

/** y (+)= act(conv2d(x, w) + bias) for part `part` of `parts`: the shared body of the forward drivers. */
function conv2dForward(y: usize, x: usize, w: usize, bias: usize, g: Geometry, activation: i32, accumulate: bool, scratch: usize, part: i32, parts: i32): void {
  const n = g.outC;
  const k = patchSize(g);
  const units = forwardUnits(g);
  const u0 = partStart(units, part, parts);
  const u1 = partStart(units, part + 1, parts);
  if (winogradApplies(g)) {
    conv2dWinograd(y, x, w, bias, g, activation == ACTIVATION_RELU, accumulate, false, scratch, u0, u1);
    return;
  }
  if (k <= DIRECT_MAX_K) {
    conv2dDirect(y, x, w, bias, g, activation, accumulate, false, g.kH, g.kW, scratch, u0, u1);
    return;
  }
  // Output pixels [p0, p1): the GEMM's per-element sums depend on k alone, not on its row count.
  const p0 = u0 * g.outW;
  const p1 = u1 * g.outW;
  if (p1 <= p0) return;
  const flags = accumulate ? GEMM_ACCUMULATE : 0;
  if (isPointwise(g)) {
    f32_gemm(flags, p1 - p0, n, k, x + ((<usize>p0 * k) << 2), k, w, n, y + ((<usize>p0 * n) << 2), n, bias, scratch);
  } else {
    const rowsPerTile = tileRows(g);
    const col = scratch;
    const gemmScratch = scratch + align16(<usize>rowsPerTile * k << 2);
    for (let r0 = p0; r0 < p1; r0 += rowsPerTile) {
      const rows = min(rowsPerTile, p1 - r0);
      im2col(col, x, g, r0, rows, IM2COL_ROWS);
      f32_gemm(flags, rows, n, k, col, k, w, n, y + ((<usize>r0 * n) << 2), n, bias, gemmScratch);
    }
  }
  activate(y + ((<usize>p0 * n) << 2), (p1 - p0) * n, activation);
}

function conv2dForwardScratch(g: Geometry): usize {
  const k = patchSize(g);
  if (winogradApplies(g)) return winogradScratchBytes(g.inC, g.outC);
  if (k <= DIRECT_MAX_K) return directScratch(k, g.outC);
  if (isPointwise(g)) return f32_gemm_scratch_bytes(outputRows(g), g.outC, k);
  const rows = tileRows(g);
  return align16(<usize>rows * k << 2) + f32_gemm_scratch_bytes(rows, g.outC, k);
}

/**
 * y[N, outH, outW, outC] = act(conv2d(x[N, inH, inW, inC], w[kH, kW, inC, outC]) + bias[outC]).
 * bias = 0 for none; activation: ACTIVATION_LINEAR | ACTIVATION_RELU; scratch holds
 * f32_conv2d_forward_scratch_bytes(g) bytes. y must not overlap x or w.
 */
export function f32_conv2d_forward(y: usize, x: usize, w: usize, bias: usize, g: usize, activation: i32, scratch: usize, part: i32, parts: i32): void {
  conv2dForward(y, x, w, bias, geometry(g), activation, false, scratch, part, parts);
}

export function f32_conv2d_forward_scratch_bytes(g: usize): usize {
  return conv2dForwardScratch(geometry(g));
}

/**
 * Whether the input-gradient of g can run as a forward conv of dy with the rotated filter: stride
 * 1 and every pad at most the dilated span - 1 (Winograd takes it so when the flipped channels
 * qualify; the micro-kernel path when its patch is small enough, `flippable`).
 */
function flippableWindow(g: Geometry): bool {
  const spanH = g.dilationH * (g.kH - 1);
  const spanW = g.dilationW * (g.kW - 1);
  return g.strideH == 1 && g.strideW == 1 && g.padTop <= spanH && g.padBottom <= spanH &&
    g.padLeft <= spanW && g.padRight <= spanW;
}

/** The input gradient by the flipped Winograd forward. */
function flippedWinograd(g: Geometry): bool {
  return flippableWindow(g) && winogradAppliesFlipped(g);
}

/** The input gradient by the flipped forward on the micro-kernel path. */
function flippable(g: Geometry): bool {
  return flippableWindow(g) && g.kH * g.kW * g.outC <= DIRECT_MAX_K;
}

/** Writes at dst the geometry of the forward conv dy -> dx (stride 1) and returns it. */
function flippedGeometry(g: Geometry, dst: usize): Geometry {
  const f = geometry(dst);
  const spanH = g.dilationH * (g.kH - 1);
  const spanW = g.dilationW * (g.kW - 1);
  f.batch = g.batch;
  f.inH = g.outH; f.inW = g.outW; f.inC = g.outC;
  f.outH = g.inH; f.outW = g.inW; f.outC = g.inC;
  f.kH = g.kH; f.kW = g.kW; f.strideH = 1; f.strideW = 1;
  f.dilationH = g.dilationH; f.dilationW = g.dilationW;
  f.padTop = spanH - g.padTop; f.padBottom = spanH - g.padBottom;
  f.padLeft = spanW - g.padLeft; f.padRight = spanW - g.padRight;
  f.depthMultiplier = 1;
  return f;
}

/**
 * Units of the input gradient over threads: rows of tiles or pixel rows of dx when it runs as
 * the flipped forward or a 1x1 GEMM; images on the col2im path (its scatter-adds overlap within
 * an image, never across images).
 */
function inputUnits(g: Geometry): i32 {
  if (flippedWinograd(g)) return g.batch * ((g.inH + 1) >> 1);
  if (flippable(g) || isPointwise(g)) return g.batch * g.inH;
  return g.batch;
}

/** The first dx pixel row (of batch * inH) of input-gradient unit `unit`. */
function inputPixelRow(g: Geometry, unit: i32): i32 {
  if (flippedWinograd(g)) {
    const tilesH = (g.inH + 1) >> 1;
    const n = unit / tilesH;
    return n * g.inH + min(2 * (unit - n * tilesH), g.inH);
  }
  if (flippable(g) || isPointwise(g)) return unit;
  return unit * g.inH;
}

/** dx[N, inH, inW, inC] += conv2d input gradient of dy[N, outH, outW, outC] through w. */
export function f32_conv2d_backward_input(dx: usize, dy: usize, w: usize, g: usize, scratch: usize, part: i32, parts: i32): void {
  const geo = geometry(g);
  const k = patchSize(geo);
  const outC = geo.outC;
  const units = inputUnits(geo);
  const u0 = partStart(units, part, parts);
  const u1 = partStart(units, part + 1, parts);
  if (u1 <= u0) return;
  if (flippedWinograd(geo)) {
    conv2dWinograd(dx, dy, w, 0, flippedGeometry(geo, scratch), false, true, true, scratch + 128, u0, u1);
    return;
  }
  if (flippable(geo)) {
    const f = flippedGeometry(geo, scratch);
    conv2dDirect(dx, dy, w, 0, f, ACTIVATION_LINEAR, true, true, geo.kH, geo.kW, scratch + 128, u0, u1);
    return;
  }
  if (isPointwise(geo)) {
    const p0 = u0 * geo.outW;
    const rows = (u1 - u0) * geo.outW;
    f32_gemm(GEMM_TRANS_B | GEMM_ACCUMULATE, rows, k, outC, dy + ((<usize>p0 * outC) << 2), outC, w, outC, dx + ((<usize>p0 * k) << 2), k, 0, scratch);
    return;
  }
  // Images u0..u1: the output rows of each in order, as one thread adds them.
  const perImage = geo.outH * geo.outW;
  const m = u1 * perImage;
  const rowsPerTile = tileRows(geo);
  const dcol = scratch;
  const gemmScratch = scratch + align16(<usize>rowsPerTile * k << 2);
  for (let r0 = u0 * perImage; r0 < m; r0 += rowsPerTile) {
    const rows = min(rowsPerTile, m - r0);
    f32_gemm(GEMM_TRANS_B, rows, k, outC, dy + ((<usize>r0 * outC) << 2), outC, w, outC, dcol, k, 0, gemmScratch);
    im2col(dcol, dx, geo, r0, rows, COL2IM_ADD);
  }
}

export function f32_conv2d_backward_input_scratch_bytes(g: usize): usize {
  const geo = geometry(g);
  const k = patchSize(geo);
  if (flippedWinograd(geo)) return 128 + winogradScratchBytes(geo.outC, geo.inC);
  if (flippable(geo)) return 128 + directScratch(geo.kH * geo.kW * geo.outC, geo.inC);
  if (isPointwise(geo)) return f32_gemm_scratch_bytes(outputRows(geo), k, geo.outC);
  const rows = tileRows(geo);
  return align16(<usize>rows * k << 2) + f32_gemm_scratch_bytes(rows, k, geo.outC);
}

/** Floats of panel-packed im2col columns per filter-gradient chunk (256 KiB). */
const FILTER_CHUNK_FLOATS: i32 = 65536;

/** Output pixels per filter-gradient chunk. */
function filterChunkRows(k: i32): i32 {
  return min(1024, max(16, FILTER_CHUNK_FLOATS / roundUp(k, NR)));
}

/**
 * dw[kH, kW, inC, outC] += conv2d filter gradient, im2col(x)ᵀ · dy, computed transposed:
 * dwᵀ[outC, K] = dyᵀ · im2col(x) with the 2 x 16 tile (2 output channels x 16 patch elements)
 * over chunks of output pixels; im2col goes straight into panels, dy is transposed per chunk,
 * and dwᵀ (scratch) is added into dw once at the end. db != 0: also db[outC] += the sum of dy's
 * rows (the bias gradient, summed while each chunk of dy is in cache; the same order of
 * additions as f32_conv2d_bias_backward, so the same bits).
 */
export function f32_conv2d_backward_filter(dw: usize, dy: usize, x: usize, g: usize, scratch: usize, db: usize, part: i32, parts: i32): void {
  const geo = geometry(g);
  if (winogradApplies(geo)) {
    conv2dFilterWinograd(dw, dy, x, db, geo, scratch, part, parts);
    return;
  }
  const units = filterUnits(geo);
  const u0 = partStart(units, part, parts);
  const u1 = partStart(units, part + 1, parts);
  if (filterFewChannels(geo)) {
    // Its bias gradient splits by its own units, so a part without filter units may still have some.
    filterGradientFewChannels(dw, dy, x, geo, scratch, db, u0, u1, part, parts);
    return;
  }
  if (u1 <= u0) return;
  if (filterByPatchRows(geo)) {
    filterGradientByPatchRows(dw, dy, x, geo, scratch, db, u0 * NR, u1 * NR);
    return;
  }
  // Output channels [o0, o1) of dw (pairs: the tile's two rows of dwᵀ).
  const m = outputRows(geo);
  const k = patchSize(geo);
  const outC = geo.outC;
  const o0 = 2 * u0;
  const o1 = min(outC, 2 * u1);
  const kPad = roundUp(k, NR);
  const panels = kPad / NR;
  const rowsPerChunk = filterChunkRows(k);
  const dyStride = rowsPerChunk + 4; // dyᵀ row stride, off powers of two (4 KiB aliasing)
  const dwT = scratch;
  const colP = dwT + ((<usize>outC * kPad) << 2);
  const dyT = colP + ((<usize>kPad * rowsPerChunk) << 2);
  const zero16 = dyT + ((<usize>outC * dyStride) << 2);
  const tmp = zero16 + (<usize>NR << 2);
  zeroRow(dwT, outC * kPad);
  zeroRow(zero16, NR);
  for (let r0 = 0; r0 < m; r0 += rowsPerChunk) {
    const rows = min(rowsPerChunk, m - r0);
    im2col(colP, x, geo, r0, rows, IM2COL_PANELS, rowsPerChunk);
    for (let r = 0; r < rows; r++) {
      const src = dy + ((<usize>(r0 + r) * outC) << 2);
      for (let o = o0; o < o1; o++) store<f32>(dyT + ((<usize>o * dyStride + r) << 2), load<f32>(src + (<usize>o << 2)));
      if (db != 0) addRow(db + (<usize>o0 << 2), src + (<usize>o0 << 2), o1 - o0);
    }
    for (let kp = 0; kp < panels; kp++) {
      const bp = colP + ((<usize>kp * rowsPerChunk * NR) << 2);
      let o = o0;
      for (; o + 2 <= o1; o += 2) {
        const y0 = dwT + ((<usize>o * kPad + kp * NR) << 2);
        const a0 = dyT + ((<usize>o * dyStride) << 2);
        tile2x16(y0, y0 + (<usize>kPad << 2), a0, a0 + (<usize>dyStride << 2), bp, rows, zero16, false, true, NR, tmp);
      }
      if (o < o1) {
        const a0 = dyT + ((<usize>o * dyStride) << 2);
        tile2x16(dwT + ((<usize>o * kPad + kp * NR) << 2), 0, a0, a0, bp, rows, zero16, false, true, NR, tmp);
      }
    }
  }
  for (let p = 0; p < k; p++) {
    const row = dw + ((<usize>p * outC) << 2);
    for (let o = o0; o < o1; o++) {
      const at = row + (<usize>o << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dwT + ((<usize>o * kPad + p) << 2)));
    }
  }
}

/**
 * Units of the filter gradient over threads, all over dw's elements, never the reduction:
 * Winograd groups of 4 input channels; few channels (panel of 16 output channels, tap column);
 * patch rows: panels of 16 output channels; otherwise pairs of output channels.
 */
function filterUnits(g: Geometry): i32 {
  if (winogradApplies(g)) return winogradFilterUnits(g);
  if (filterFewChannels(g)) return g.outC / NR * g.kW;
  if (filterByPatchRows(g)) return g.outC / NR;
  return (g.outC + 1) >> 1;
}

export function f32_conv2d_backward_filter_scratch_bytes(g: usize): usize {
  const geo = geometry(g);
  if (winogradApplies(geo)) return winogradScratchBytes(geo.inC, geo.outC);
  if (filterFewChannels(geo)) return (2 * <usize>NR + 32) << 2;
  if (filterByPatchRows(geo)) return (<usize>patchSize(geo) * (filterChunkRows(patchSize(geo)) + 4) + 2 * <usize>NR + 32) << 2;
  const kPad = <usize>roundUp(patchSize(geo), NR);
  const rows = <usize>filterChunkRows(patchSize(geo));
  const outC = <usize>geo.outC;
  return (outC * kPad + kPad * rows + outC * (rows + 4) + 2 * <usize>NR + 32) << 2;
}

/** Inputs with at most this many channels take the filter gradient without any im2col. */
const FEW_CHANNELS: i32 = 4;

/**
 * Few input channels (the first layer of an image model) and outC a multiple of 16: no im2col at
 * all. For a tap (i, j) and channel c, the patch elements of the output pixels of one output row
 * are x's pixels of one input row, strideW*inC floats apart, over the output columns whose tap
 * lands inside the input (the same columns for every i and c of a j). So dw[(i, j, c), :] +=
 * Σ over those columns of x[ih, iw, c] * dy[oh, ow, :], two patch elements x 16 output channels per
 * tile, x and dy read in place (dy rows as the panel, outC floats apart).
 */
function filterFewChannels(g: Geometry): bool {
  return g.outC % NR == 0 && g.inC <= FEW_CHANNELS;
}

/** Units u0..u1 are (tap column j, panel jp) as u = j * panels + jp; the bias gradient splits by groups of 4 columns. */
function filterGradientFewChannels(dw: usize, dy: usize, x: usize, g: Geometry, scratch: usize, db: usize, u0: i32, u1: i32, part: i32, parts: i32): void {
  const outC = g.outC;
  const inC = g.inC;
  const panels = outC / NR;
  const zero16 = scratch;
  const tmp = zero16 + (<usize>NR << 2);
  zeroRow(zero16, NR);
  if (db != 0) {
    const groups = outC >> 2;
    biasColumns(db, dy, outputRows(g), outC, partStart(groups, part, parts) << 2, partStart(groups, part + 1, parts) << 2);
  }
  const dyStep = <usize>outC << 2;
  const aStride = (<usize>g.strideW * inC) << 2;
  // Patch elements of one column j of taps: (i, c) for the rows i inside the input, at most kH*inC.
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      const r0 = (n * g.outH + oh) * g.outW;
      const ih0 = oh * g.strideH - g.padTop;
      for (let j = 0; j < g.kW; j++) {
        // This part's panels of tap column j: output channels [jLo, jHi).
        const jLo = min(max(u0 - j * panels, 0), panels) * NR;
        const jHi = min(max(u1 - j * panels, 0), panels) * NR;
        if (jHi <= jLo) continue;
        // Output columns whose tap j is inside the input: ow*strideW - padLeft + j*dilationW in [0, inW).
        const shift = j * g.dilationW - g.padLeft;
        const lo = shift >= 0 ? 0 : (-shift + g.strideW - 1) / g.strideW;
        const last = g.inW - 1 - shift;
        const hi = last < 0 ? 0 : min(g.outW, last / g.strideW + 1);
        if (hi <= lo) continue;
        const count = hi - lo;
        const bRow = dy + ((<usize>(r0 + lo) * outC) << 2);
        const iw = lo * g.strideW + shift;
        // Walk the (i, c) elements of this j in pairs; e counts them, pending holds an unpaired one.
        let pendingA: usize = 0;
        let pendingY: usize = 0;
        for (let i = 0; i < g.kH; i++) {
          const ih = ih0 + i * g.dilationH;
          if (ih < 0 || ih >= g.inH) continue;
          const xRow = pixel(x, n, ih, iw, g.inH, g.inW, inC);
          for (let c = 0; c < inC; c++) {
            const a = xRow + (<usize>c << 2);
            const y = dw + ((<usize>((i * g.kW + j) * inC + c) * outC) << 2);
            if (pendingY == 0) {
              pendingA = a;
              pendingY = y;
              continue;
            }
            for (let jp = jLo; jp < jHi; jp += NR) {
              const o = <usize>jp << 2;
              tile2x16(pendingY + o, y + o, pendingA, a, bRow + o, count, zero16, false, true, NR, tmp, dyStep, 0, aStride);
            }
            pendingY = 0;
          }
        }
        if (pendingY != 0) {
          for (let jp = jLo; jp < jHi; jp += NR) {
            const o = <usize>jp << 2;
            tile2x16(pendingY + o, 0, pendingA, pendingA, bRow + o, count, zero16, false, true, NR, tmp, dyStep, 0, aStride);
          }
        }
      }
    }
  }
}

/**
 * Small patches and many output channels (K <= outC, outC a multiple of 16): dw = im2col(x)ᵀ·dy
 * directly, tiles of 2 patch elements x 16 output channels reading dy's rows in place (no dy
 * transpose, no padding of K), im2col written transposed per chunk.
 */
function filterByPatchRows(g: Geometry): bool {
  return g.outC % NR == 0 && patchSize(g) <= g.outC;
}

/** Output channels [j0, j1) (whole panels) of dw and db. */
function filterGradientByPatchRows(dw: usize, dy: usize, x: usize, g: Geometry, scratch: usize, db: usize, j0: i32, j1: i32): void {
  const m = outputRows(g);
  const k = patchSize(g);
  const outC = g.outC;
  const rowsPerChunk = filterChunkRows(k);
  const stride = rowsPerChunk + 4; // off powers of two (4 KiB aliasing)
  const colT = scratch;
  const zero16 = colT + ((<usize>k * stride) << 2);
  const tmp = zero16 + (<usize>NR << 2);
  zeroRow(zero16, NR);
  const dyStep = <usize>outC << 2;
  for (let r0 = 0; r0 < m; r0 += rowsPerChunk) {
    const rows = min(rowsPerChunk, m - r0);
    im2col(colT, x, g, r0, rows, IM2COL_TRANSPOSED, stride);
    if (db != 0) biasColumns(db, dy + ((<usize>r0 * outC) << 2), rows, outC, j0, j1);
    for (let jp = j0; jp < j1; jp += NR) {
      const bp = dy + ((<usize>r0 * outC + jp) << 2);
      let p = 0;
      for (; p + 2 <= k; p += 2) {
        const y0 = dw + ((<usize>p * outC + jp) << 2);
        const a0 = colT + ((<usize>p * stride) << 2);
        tile2x16(y0, y0 + dyStep, a0, a0 + (<usize>stride << 2), bp, rows, zero16, false, true, NR, tmp, dyStep);
      }
      if (p < k) {
        const a0 = colT + ((<usize>p * stride) << 2);
        tile2x16(dw + ((<usize>p * outC + jp) << 2), 0, a0, a0, bp, rows, zero16, false, true, NR, tmp, dyStep);
      }
    }
  }
}

/** db[j] += sum over i < m of dy[i, j] (bias gradient of any NHWC conv: m = N*H*W, n = channels). */
export function f32_conv2d_bias_backward(db: usize, dy: usize, m: i32, n: i32): void {
  for (let i = 0; i < m; i++) addRow(db, dy + ((<usize>i * n) << 2), n);
}

/**
 * Conv2d transpose forward: y = act(conv2dᵀ(x, w) + bias). g is the geometry of the conv2d whose
 * input-gradient this is: g.in* = y's [N, H, W, C], g.out* = x's, w [kH, kW, y's C, x's C].
 * scratch: f32_conv2d_backward_input_scratch_bytes(g). A part fills, accumulates into and
 * activates the rows of y its input-gradient units own.
 */
export function f32_conv2d_transpose_forward(y: usize, x: usize, w: usize, bias: usize, g: usize, activation: i32, scratch: usize, part: i32, parts: i32): void {
  const geo = geometry(g);
  const channels = geo.inC;
  const units = inputUnits(geo);
  const p0 = inputPixelRow(geo, partStart(units, part, parts)) * geo.inW;
  const p1 = inputPixelRow(geo, partStart(units, part + 1, parts)) * geo.inW;
  for (let p = p0; p < p1; p++) {
    const row = y + ((<usize>p * channels) << 2);
    if (bias != 0) copyRow(row, bias, channels);
    else zeroRow(row, channels);
  }
  f32_conv2d_backward_input(y, x, w, g, scratch, part, parts);
  activate(y + ((<usize>p0 * channels) << 2), (p1 - p0) * channels, activation);
}

/** Conv2d transpose input gradient: dx += conv2d(dy, w) (g as in f32_conv2d_transpose_forward). */
export function f32_conv2d_transpose_backward_input(dx: usize, dy: usize, w: usize, g: usize, scratch: usize, part: i32, parts: i32): void {
  conv2dForward(dx, dy, w, 0, geometry(g), ACTIVATION_LINEAR, true, scratch, part, parts);
}

export function f32_conv2d_transpose_backward_input_scratch_bytes(g: usize): usize {
  return conv2dForwardScratch(geometry(g));
}

/** Conv2d transpose filter gradient: dw += (conv2d filter gradient with x = dy and dy = x). */
export function f32_conv2d_transpose_backward_filter(dw: usize, dy: usize, x: usize, g: usize, scratch: usize, part: i32, parts: i32): void {
  f32_conv2d_backward_filter(dw, x, dy, g, scratch, 0, part, parts);
}

/**
 * Depthwise forward: y[n, oh, ow, c*dm + m] = act(bias + sum over taps of x[n, ih, iw, c] *
 * w[i, j, c, m]). Direct, SIMD over channels (dm = 1) or over the multiplier (dm > 1); no scratch.
 * Parts: rows of output pixels.
 */
export function f32_depthwise_conv2d_forward(y: usize, x: usize, w: usize, bias: usize, g: usize, activation: i32, part: i32, parts: i32): void {
  const geo = geometry(g);
  const outC = geo.outC;
  const units = geo.batch * geo.outH;
  const h0 = partStart(units, part, parts);
  const h1 = partStart(units, part + 1, parts);
  for (let h = h0; h < h1; h++) {
    const n = h / geo.outH;
    const oh = h - n * geo.outH;
    for (let ow = 0; ow < geo.outW; ow++) {
      const yp = pixel(y, n, oh, ow, geo.outH, geo.outW, outC);
      if (bias != 0) copyRow(yp, bias, outC);
      else zeroRow(yp, outC);
      depthwiseTaps(yp, x, w, geo, n, oh, ow, 0, 0, geo.inC);
    }
  }
  activate(y + ((<usize>h0 * geo.outW * outC) << 2), (h1 - h0) * geo.outW * outC, activation);
}

/** dx[n, ih, iw, c] += sum over taps and m of dy[n, oh, ow, c*dm + m] * w[i, j, c, m]. Parts: images. */
export function f32_depthwise_conv2d_backward_input(dx: usize, dy: usize, w: usize, g: usize, part: i32, parts: i32): void {
  const geo = geometry(g);
  const n1 = partStart(geo.batch, part + 1, parts);
  for (let n = partStart(geo.batch, part, parts); n < n1; n++) {
    for (let oh = 0; oh < geo.outH; oh++) {
      for (let ow = 0; ow < geo.outW; ow++) {
        depthwiseTaps(pixel(dy, n, oh, ow, geo.outH, geo.outW, geo.outC), dx, w, geo, n, oh, ow, 1, 0, geo.inC);
      }
    }
  }
}

/** dw[i, j, c, m] += sum over n, oh, ow of x[n, ih, iw, c] * dy[n, oh, ow, c*dm + m]. Parts: groups of 4 input channels. */
export function f32_depthwise_conv2d_backward_filter(dw: usize, dy: usize, x: usize, g: usize, part: i32, parts: i32): void {
  const geo = geometry(g);
  const groups = (geo.inC + 3) >> 2;
  const c0 = partStart(groups, part, parts) << 2;
  const c1 = min(geo.inC, partStart(groups, part + 1, parts) << 2);
  if (c1 <= c0) return;
  for (let n = 0; n < geo.batch; n++) {
    for (let oh = 0; oh < geo.outH; oh++) {
      for (let ow = 0; ow < geo.outW; ow++) {
        depthwiseTaps(pixel(dy, n, oh, ow, geo.outH, geo.outW, geo.outC), x, dw, geo, n, oh, ow, 2, c0, c1);
      }
    }
  }
}

/**
 * Units of `pass` (0 forward, 1 input gradient, 2 filter gradient) of kind 0 conv2d, 1 depthwise,
 * 2 conv2d transpose at g: a kernel called with parts <= units gives every part some work.
 */
export function f32_conv_split_units(kind: i32, pass: i32, g: usize): i32 {
  const geo = geometry(g);
  if (kind == 1) return pass == 0 ? geo.batch * geo.outH : pass == 1 ? geo.batch : (geo.inC + 3) >> 2;
  if (pass == 2) return filterUnits(geo);
  return (pass == 0) == (kind == 0) ? forwardUnits(geo) : inputUnits(geo);
}

/**
 * The three depthwise products for one output pixel `row` (y or dy) and every tap inside the
 * input `img` (x or dx), with filter `w` (w or dw):
 *   mode 0: row[o] += img[c] * w[o];  mode 1: img[c] += row[o] * w[o];  mode 2: w[o] += img[c] * row[o]
 * where o = c*dm + m, for the channels c0 <= c < c1.
 */
@inline
function depthwiseTaps(row: usize, img: usize, w: usize, g: Geometry, n: i32, oh: i32, ow: i32, mode: i32, c0: i32, c1: i32): void {
  const channels = g.inC;
  const dm = g.depthMultiplier;
  const outC = g.outC;
  const ih0 = oh * g.strideH - g.padTop;
  const iw0 = ow * g.strideW - g.padLeft;
  for (let i = 0; i < g.kH; i++) {
    const ih = ih0 + i * g.dilationH;
    if (ih < 0 || ih >= g.inH) continue;
    for (let j = 0; j < g.kW; j++) {
      const iw = iw0 + j * g.dilationW;
      if (iw < 0 || iw >= g.inW) continue;
      const ip = pixel(img, n, ih, iw, g.inH, g.inW, channels);
      const wp = w + ((<usize>(i * g.kW + j) * outC) << 2);
      if (dm == 1) {
        let c = c0;
        for (; c + 4 <= c1; c += 4) {
          const o = <usize>c << 2;
          if (mode == 0) v128.store(row + o, f32x4.add(v128.load(row + o), f32x4.mul(v128.load(ip + o), v128.load(wp + o))));
          else if (mode == 1) v128.store(ip + o, f32x4.add(v128.load(ip + o), f32x4.mul(v128.load(row + o), v128.load(wp + o))));
          else v128.store(wp + o, f32x4.add(v128.load(wp + o), f32x4.mul(v128.load(ip + o), v128.load(row + o))));
        }
        for (; c < c1; c++) {
          const o = <usize>c << 2;
          if (mode == 0) store<f32>(row + o, load<f32>(row + o) + load<f32>(ip + o) * load<f32>(wp + o));
          else if (mode == 1) store<f32>(ip + o, load<f32>(ip + o) + load<f32>(row + o) * load<f32>(wp + o));
          else store<f32>(wp + o, load<f32>(wp + o) + load<f32>(ip + o) * load<f32>(row + o));
        }
      } else {
        for (let c = c0; c < c1; c++) {
          const ic = ip + (<usize>c << 2);
          const base = <usize>(c * dm) << 2;
          if (mode == 1) {
            let sum: f32 = 0;
            for (let m = 0; m < dm; m++) {
              const o = base + (<usize>m << 2);
              sum += load<f32>(row + o) * load<f32>(wp + o);
            }
            store<f32>(ic, load<f32>(ic) + sum);
            continue;
          }
          const xs = load<f32>(ic);
          const xv = f32x4.splat(xs);
          const target = mode == 0 ? row : wp;
          const other = mode == 0 ? wp : row;
          let m = 0;
          for (; m + 4 <= dm; m += 4) {
            const o = base + (<usize>m << 2);
            v128.store(target + o, f32x4.add(v128.load(target + o), f32x4.mul(xv, v128.load(other + o))));
          }
          for (; m < dm; m++) {
            const o = base + (<usize>m << 2);
            store<f32>(target + o, load<f32>(target + o) + xs * load<f32>(other + o));
          }
        }
      }
    }
  }
}

// Convolutions on NHWC activations: conv2d (filter HWIO [kH, kW, inC, outC]), depthwise conv2d
// (filter [kH, kW, inC, depthMultiplier], output channel c*dm + m) and conv2d transpose (filter
// [kH, kW, outC, inC], Keras layout), forward and backward. Geometry is a struct (geometry.ts).
//
// Algorithms (chosen per shape by the drivers):
//   - pointwise (1x1, stride 1, no padding): the activation matrix [N*H*W, C] is the GEMM
//     operand itself, no copy;
//   - direct NHWC (conv2d with few input channels, K = kH*kW*inC <= DIRECT_MAX_K): each output
//     pixel accumulates its taps straight from x, SIMD over output channels; no scratch;
//   - otherwise im2col in tiles of output rows + the packed GEMM (f32_gemm), so scratch stays
//     bounded (TILE_FLOATS floats of columns + the GEMM's packing buffers).
// Backward input = GEMM dy·Wᵀ into column tiles then col2im (scatter-add); backward filter =
// im2colᵀ·dy accumulated into dW. Every backward kernel accumulates (dx +=, dw +=, db +=).
// conv2d transpose reuses these: with g the geometry of the conv2d whose input-gradient it is
// (in = the transpose's output, out = its input), forward = backward input, and its gradients
// are the conv2d forward (input) and the conv2d filter gradient with x and dy swapped.
import { Geometry, geometry, pixel, addRow, zeroRow, copyRow } from './geometry';
import { f32_gemm, f32_gemm_scratch_bytes, GEMM_TRANS_A, GEMM_TRANS_B, GEMM_ACCUMULATE } from './gemm';

/** Activation fused into a forward epilogue: 0 = linear, 1 = relu. */
export const ACTIVATION_LINEAR: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;

/** Floats of im2col columns per tile (256 KiB). */
const TILE_FLOATS: i32 = 65536;
/** The direct kernel handles conv2d forward when kH*kW*inC is at most this. */
const DIRECT_MAX_K: i32 = 32;

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

/**
 * col[r, (i*kW + j)*inC + c] = x[n, ih, iw, c] (0 outside the input) for output rows
 * r0 .. r0+rows of the flattened (n, oh, ow) index. When add is true, runs the other way:
 * x[n, ih, iw, c] += col[...] for the taps inside the input (col2im).
 */
function im2col(col: usize, x: usize, g: Geometry, r0: i32, rows: i32, add: bool): void {
  const inC = g.inC;
  const kRow = patchSize(g);
  const perImage = g.outH * g.outW;
  for (let r = 0; r < rows; r++) {
    const p = r0 + r;
    const n = p / perImage;
    const rem = p - n * perImage;
    const oh = rem / g.outW;
    const ow = rem - oh * g.outW;
    const ih0 = oh * g.strideH - g.padTop;
    const iw0 = ow * g.strideW - g.padLeft;
    let dst = col + ((<usize>r * kRow) << 2);
    for (let i = 0; i < g.kH; i++) {
      const ih = ih0 + i * g.dilationH;
      const rowInside = ih >= 0 && ih < g.inH;
      for (let j = 0; j < g.kW; j++) {
        const iw = iw0 + j * g.dilationW;
        if (rowInside && iw >= 0 && iw < g.inW) {
          const src = pixel(x, n, ih, iw, g.inH, g.inW, inC);
          if (add) addRow(src, dst, inC);
          else if (inC == 1) store<f32>(dst, load<f32>(src));
          else copyRow(dst, src, inC);
        } else if (!add) {
          zeroRow(dst, inC);
        }
        dst += <usize>inC << 2;
      }
    }
  }
}

/**
 * Direct NHWC conv2d forward for small patches: y[p, :] (+)= bias + sum over taps and input
 * channels of x[tap, c] * w[tap, c, :], SIMD over output channels, accumulating in y's row
 * (which stays in L1).
 */
function conv2dDirect(y: usize, x: usize, w: usize, bias: usize, g: Geometry, accumulate: bool): void {
  const outC = g.outC;
  const inC = g.inC;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      const ih0 = oh * g.strideH - g.padTop;
      for (let ow = 0; ow < g.outW; ow++) {
        const yp = pixel(y, n, oh, ow, g.outH, g.outW, outC);
        if (!accumulate) {
          if (bias != 0) copyRow(yp, bias, outC);
          else zeroRow(yp, outC);
        }
        const iw0 = ow * g.strideW - g.padLeft;
        for (let i = 0; i < g.kH; i++) {
          const ih = ih0 + i * g.dilationH;
          if (ih < 0 || ih >= g.inH) continue;
          for (let j = 0; j < g.kW; j++) {
            const iw = iw0 + j * g.dilationW;
            if (iw < 0 || iw >= g.inW) continue;
            const xp = pixel(x, n, ih, iw, g.inH, g.inW, inC);
            let wp = w + ((<usize>(i * g.kW + j) * inC * outC) << 2);
            for (let c = 0; c < inC; c++) {
              const xs = load<f32>(xp + (<usize>c << 2));
              const xv = f32x4.splat(xs);
              let o = 0;
              for (; o + 8 <= outC; o += 8) {
                const off = <usize>o << 2;
                v128.store(yp + off, f32x4.add(v128.load(yp + off), f32x4.mul(xv, v128.load(wp + off))));
                v128.store(yp + off + 16, f32x4.add(v128.load(yp + off + 16), f32x4.mul(xv, v128.load(wp + off + 16))));
              }
              for (; o + 4 <= outC; o += 4) {
                const off = <usize>o << 2;
                v128.store(yp + off, f32x4.add(v128.load(yp + off), f32x4.mul(xv, v128.load(wp + off))));
              }
              for (; o < outC; o++) {
                const off = <usize>o << 2;
                store<f32>(yp + off, load<f32>(yp + off) + xs * load<f32>(wp + off));
              }
              wp += <usize>outC << 2;
            }
          }
        }
      }
    }
  }
}

/** y (+)= conv2d(x, w) + bias: the shared body of the forward drivers. */
function conv2dForward(y: usize, x: usize, w: usize, bias: usize, g: Geometry, accumulate: bool, scratch: usize): void {
  const m = outputRows(g);
  const n = g.outC;
  const k = patchSize(g);
  const flags = accumulate ? GEMM_ACCUMULATE : 0;
  if (isPointwise(g)) {
    f32_gemm(flags, m, n, k, x, k, w, n, y, n, bias, scratch);
    return;
  }
  if (k <= DIRECT_MAX_K) {
    conv2dDirect(y, x, w, bias, g, accumulate);
    return;
  }
  const rowsPerTile = tileRows(g);
  const col = scratch;
  const gemmScratch = scratch + align16(<usize>rowsPerTile * k << 2);
  for (let r0 = 0; r0 < m; r0 += rowsPerTile) {
    const rows = min(rowsPerTile, m - r0);
    im2col(col, x, g, r0, rows, false);
    f32_gemm(flags, rows, n, k, col, k, w, n, y + ((<usize>r0 * n) << 2), n, bias, gemmScratch);
  }
}

function conv2dForwardScratch(g: Geometry): usize {
  const k = patchSize(g);
  if (isPointwise(g)) return f32_gemm_scratch_bytes(outputRows(g), g.outC, k);
  if (k <= DIRECT_MAX_K) return 0;
  const rows = tileRows(g);
  return align16(<usize>rows * k << 2) + f32_gemm_scratch_bytes(rows, g.outC, k);
}

/**
 * y[N, outH, outW, outC] = act(conv2d(x[N, inH, inW, inC], w[kH, kW, inC, outC]) + bias[outC]).
 * bias = 0 for none; activation: ACTIVATION_LINEAR | ACTIVATION_RELU; scratch holds
 * f32_conv2d_forward_scratch_bytes(g) bytes. y must not overlap x or w.
 */
export function f32_conv2d_forward(y: usize, x: usize, w: usize, bias: usize, g: usize, activation: i32, scratch: usize): void {
  const geo = geometry(g);
  conv2dForward(y, x, w, bias, geo, false, scratch);
  activate(y, outputRows(geo) * geo.outC, activation);
}

export function f32_conv2d_forward_scratch_bytes(g: usize): usize {
  return conv2dForwardScratch(geometry(g));
}

/** dx[N, inH, inW, inC] += conv2d input gradient of dy[N, outH, outW, outC] through w. */
export function f32_conv2d_backward_input(dx: usize, dy: usize, w: usize, g: usize, scratch: usize): void {
  const geo = geometry(g);
  const m = outputRows(geo);
  const k = patchSize(geo);
  const outC = geo.outC;
  if (isPointwise(geo)) {
    f32_gemm(GEMM_TRANS_B | GEMM_ACCUMULATE, m, k, outC, dy, outC, w, outC, dx, k, 0, scratch);
    return;
  }
  const rowsPerTile = tileRows(geo);
  const dcol = scratch;
  const gemmScratch = scratch + align16(<usize>rowsPerTile * k << 2);
  for (let r0 = 0; r0 < m; r0 += rowsPerTile) {
    const rows = min(rowsPerTile, m - r0);
    f32_gemm(GEMM_TRANS_B, rows, k, outC, dy + ((<usize>r0 * outC) << 2), outC, w, outC, dcol, k, 0, gemmScratch);
    im2col(dcol, dx, geo, r0, rows, true);
  }
}

export function f32_conv2d_backward_input_scratch_bytes(g: usize): usize {
  const geo = geometry(g);
  const k = patchSize(geo);
  if (isPointwise(geo)) return f32_gemm_scratch_bytes(outputRows(geo), k, geo.outC);
  const rows = tileRows(geo);
  return align16(<usize>rows * k << 2) + f32_gemm_scratch_bytes(rows, k, geo.outC);
}

/** dw[kH, kW, inC, outC] += conv2d filter gradient: im2col(x)ᵀ · dy. */
export function f32_conv2d_backward_filter(dw: usize, dy: usize, x: usize, g: usize, scratch: usize): void {
  const geo = geometry(g);
  const m = outputRows(geo);
  const k = patchSize(geo);
  const outC = geo.outC;
  const flags = GEMM_TRANS_A | GEMM_ACCUMULATE;
  if (isPointwise(geo)) {
    f32_gemm(flags, k, outC, m, x, k, dy, outC, dw, outC, 0, scratch);
    return;
  }
  const rowsPerTile = tileRows(geo);
  const col = scratch;
  const gemmScratch = scratch + align16(<usize>rowsPerTile * k << 2);
  for (let r0 = 0; r0 < m; r0 += rowsPerTile) {
    const rows = min(rowsPerTile, m - r0);
    im2col(col, x, geo, r0, rows, false);
    f32_gemm(flags, k, outC, rows, col, k, dy + ((<usize>r0 * outC) << 2), outC, dw, outC, 0, gemmScratch);
  }
}

export function f32_conv2d_backward_filter_scratch_bytes(g: usize): usize {
  const geo = geometry(g);
  const k = patchSize(geo);
  if (isPointwise(geo)) return f32_gemm_scratch_bytes(k, geo.outC, outputRows(geo));
  const rows = tileRows(geo);
  return align16(<usize>rows * k << 2) + f32_gemm_scratch_bytes(k, geo.outC, rows);
}

/** db[j] += sum over i < m of dy[i, j] (bias gradient of any NHWC conv: m = N*H*W, n = channels). */
export function f32_conv2d_bias_backward(db: usize, dy: usize, m: i32, n: i32): void {
  for (let i = 0; i < m; i++) addRow(db, dy + ((<usize>i * n) << 2), n);
}

/**
 * Conv2d transpose forward: y = act(conv2dᵀ(x, w) + bias). g is the geometry of the conv2d whose
 * input-gradient this is: g.in* = y's [N, H, W, C], g.out* = x's, w [kH, kW, y's C, x's C].
 * scratch: f32_conv2d_backward_input_scratch_bytes(g).
 */
export function f32_conv2d_transpose_forward(y: usize, x: usize, w: usize, bias: usize, g: usize, activation: i32, scratch: usize): void {
  const geo = geometry(g);
  const channels = geo.inC;
  const pixels = geo.batch * geo.inH * geo.inW;
  for (let p = 0; p < pixels; p++) {
    const row = y + ((<usize>p * channels) << 2);
    if (bias != 0) copyRow(row, bias, channels);
    else zeroRow(row, channels);
  }
  f32_conv2d_backward_input(y, x, w, g, scratch);
  activate(y, pixels * channels, activation);
}

/** Conv2d transpose input gradient: dx += conv2d(dy, w) (g as in f32_conv2d_transpose_forward). */
export function f32_conv2d_transpose_backward_input(dx: usize, dy: usize, w: usize, g: usize, scratch: usize): void {
  conv2dForward(dx, dy, w, 0, geometry(g), true, scratch);
}

export function f32_conv2d_transpose_backward_input_scratch_bytes(g: usize): usize {
  return conv2dForwardScratch(geometry(g));
}

/** Conv2d transpose filter gradient: dw += (conv2d filter gradient with x = dy and dy = x). */
export function f32_conv2d_transpose_backward_filter(dw: usize, dy: usize, x: usize, g: usize, scratch: usize): void {
  f32_conv2d_backward_filter(dw, x, dy, g, scratch);
}

/**
 * Depthwise forward: y[n, oh, ow, c*dm + m] = act(bias + sum over taps of x[n, ih, iw, c] *
 * w[i, j, c, m]). Direct, SIMD over channels (dm = 1) or over the multiplier (dm > 1); no scratch.
 */
export function f32_depthwise_conv2d_forward(y: usize, x: usize, w: usize, bias: usize, g: usize, activation: i32): void {
  const geo = geometry(g);
  const outC = geo.outC;
  for (let n = 0; n < geo.batch; n++) {
    for (let oh = 0; oh < geo.outH; oh++) {
      for (let ow = 0; ow < geo.outW; ow++) {
        const yp = pixel(y, n, oh, ow, geo.outH, geo.outW, outC);
        if (bias != 0) copyRow(yp, bias, outC);
        else zeroRow(yp, outC);
        depthwiseTaps(yp, x, w, geo, n, oh, ow, 0);
      }
    }
  }
  activate(y, outputRows(geo) * outC, activation);
}

/** dx[n, ih, iw, c] += sum over taps and m of dy[n, oh, ow, c*dm + m] * w[i, j, c, m]. */
export function f32_depthwise_conv2d_backward_input(dx: usize, dy: usize, w: usize, g: usize): void {
  const geo = geometry(g);
  for (let n = 0; n < geo.batch; n++) {
    for (let oh = 0; oh < geo.outH; oh++) {
      for (let ow = 0; ow < geo.outW; ow++) {
        depthwiseTaps(pixel(dy, n, oh, ow, geo.outH, geo.outW, geo.outC), dx, w, geo, n, oh, ow, 1);
      }
    }
  }
}

/** dw[i, j, c, m] += sum over n, oh, ow of x[n, ih, iw, c] * dy[n, oh, ow, c*dm + m]. */
export function f32_depthwise_conv2d_backward_filter(dw: usize, dy: usize, x: usize, g: usize): void {
  const geo = geometry(g);
  for (let n = 0; n < geo.batch; n++) {
    for (let oh = 0; oh < geo.outH; oh++) {
      for (let ow = 0; ow < geo.outW; ow++) {
        depthwiseTaps(pixel(dy, n, oh, ow, geo.outH, geo.outW, geo.outC), x, dw, geo, n, oh, ow, 2);
      }
    }
  }
}

/**
 * The three depthwise products for one output pixel `row` (y or dy) and every tap inside the
 * input `img` (x or dx), with filter `w` (w or dw):
 *   mode 0: row[o] += img[c] * w[o];  mode 1: img[c] += row[o] * w[o];  mode 2: w[o] += img[c] * row[o]
 * where o = c*dm + m.
 */
@inline
function depthwiseTaps(row: usize, img: usize, w: usize, g: Geometry, n: i32, oh: i32, ow: i32, mode: i32): void {
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
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          const o = <usize>c << 2;
          if (mode == 0) v128.store(row + o, f32x4.add(v128.load(row + o), f32x4.mul(v128.load(ip + o), v128.load(wp + o))));
          else if (mode == 1) v128.store(ip + o, f32x4.add(v128.load(ip + o), f32x4.mul(v128.load(row + o), v128.load(wp + o))));
          else v128.store(wp + o, f32x4.add(v128.load(wp + o), f32x4.mul(v128.load(ip + o), v128.load(row + o))));
        }
        for (; c < channels; c++) {
          const o = <usize>c << 2;
          if (mode == 0) store<f32>(row + o, load<f32>(row + o) + load<f32>(ip + o) * load<f32>(wp + o));
          else if (mode == 1) store<f32>(ip + o, load<f32>(ip + o) + load<f32>(row + o) * load<f32>(wp + o));
          else store<f32>(wp + o, load<f32>(wp + o) + load<f32>(ip + o) * load<f32>(row + o));
        }
      } else {
        for (let c = 0; c < channels; c++) {
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

// 2-D pooling on NHWC activations, forward and backward. Geometry is the struct of geometry.ts
// (kH x kW window, strides, padTop/padLeft; dilation is not used; inC = outC = channels).
// Padded cells are not part of a window: max ignores them, average divides by the number of
// real cells (TensorFlow's 'same'). Global pooling is the same kernels with one window covering
// the whole image.
//
// Max-pool backward recomputes the argmax instead of saving an index buffer: for each output
// cell the gradient goes to the FIRST maximum in window order (rows top to bottom, then columns
// left to right; a later equal value does not take over), which is what a saved argmax would
// give, at no extra memory. SIMD over channels throughout; loops are output pixel -> window
// tap -> channels, so every inner loop streams a contiguous channel row.
//
// Threads: every kernel takes (part, parts) last (parts < 2: the whole call). Forwards split over
// output pixel rows (each output written by one part); backwards over images, since windows of
// one image may share input cells and add into them in window order, and no two images do.
import { Geometry, geometry, pixel, addRow, copyRow, zeroRow, partStart } from './geometry';
import { firstMax1, firstMax4, windowEnd, windowStart } from './window';

const MAX_FORWARD: i32 = 0;
const AVG_FORWARD: i32 = 1;
const AVG_BACKWARD: i32 = 2;

/** y[n, oh, ow, c] = max over the window's real cells of x[n, ih, iw, c]. */
export function f32_max_pool2d_forward(y: usize, x: usize, g: usize, part: i32, parts: i32): void {
  windows(y, x, geometry(g), MAX_FORWARD, part, parts);
}

/** y[n, oh, ow, c] = mean over the window's real cells of x[n, ih, iw, c]. */
export function f32_avg_pool2d_forward(y: usize, x: usize, g: usize, part: i32, parts: i32): void {
  windows(y, x, geometry(g), AVG_FORWARD, part, parts);
}

/** dx[n, ih, iw, c] += dy[n, oh, ow, c] / (real cells of the window) for every window cell. */
export function f32_avg_pool2d_backward(dx: usize, dy: usize, g: usize, part: i32, parts: i32): void {
  windows(dy, dx, geometry(g), AVG_BACKWARD, part, parts);
}

/** Units of a pooling pass over threads: output pixel rows (forward, 0) or images (backward, 1). */
export function f32_pool2d_split_units(pass: i32, g: usize): i32 {
  const geo = geometry(g);
  return pass == 0 ? geo.batch * geo.outH : geo.batch;
}

/**
 * For every output pixel row `out` (y or dy) and the real cells of its window in `img` (x or dx):
 * MAX_FORWARD out = max of cells; AVG_FORWARD out = mean of cells; AVG_BACKWARD cell += out / count.
 */
function windows(out: usize, img: usize, g: Geometry, op: i32, part: i32, parts: i32): void {
  const channels = g.inC;
  // Output rows [r0, r1) of batch * outH: whole images for the backward.
  const perUnit = op == AVG_BACKWARD ? g.outH : 1;
  const units = op == AVG_BACKWARD ? g.batch : g.batch * g.outH;
  const r0 = partStart(units, part, parts) * perUnit;
  const r1 = partStart(units, part + 1, parts) * perUnit;
  for (let r = r0; r < r1; r++) {
    const n = r / g.outH;
    const oh = r - n * g.outH;
    const h0 = windowStart(oh, g.strideH, g.padTop);
    const h1 = windowEnd(oh, g.strideH, g.padTop, g.kH, g.inH);
    for (let ow = 0; ow < g.outW; ow++) {
      const w0 = windowStart(ow, g.strideW, g.padLeft);
      const w1 = windowEnd(ow, g.strideW, g.padLeft, g.kW, g.inW);
      const row = pixel(out, n, oh, ow, g.outH, g.outW, channels);
      const scale = <f32>1 / <f32>((h1 - h0) * (w1 - w0));
      if (op == MAX_FORWARD) copyRow(row, pixel(img, n, h0, w0, g.inH, g.inW, channels), channels);
      else if (op == AVG_FORWARD) zeroRow(row, channels);
      for (let ih = h0; ih < h1; ih++) {
        for (let iw = w0; iw < w1; iw++) {
          const cell = pixel(img, n, ih, iw, g.inH, g.inW, channels);
          if (op == MAX_FORWARD) maxRow(row, cell, channels);
          else if (op == AVG_FORWARD) addRow(row, cell, channels);
          else scaleRow(cell, row, scale, channels, true);
        }
      }
      if (op == AVG_FORWARD) scaleRow(row, row, scale, channels, false);
    }
  }
}

/** dst = max(dst, src) elementwise (a NaN in src does not replace dst). */
@inline
function maxRow(dst: usize, src: usize, n: i32): void {
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    const cur = v128.load(dst + o);
    const v = v128.load(src + o);
    v128.store(dst + o, v128.bitselect(v, cur, f32x4.gt(v, cur)));
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    const v = load<f32>(src + o);
    if (v > load<f32>(dst + o)) store<f32>(dst + o, v);
  }
}

/** dx[n, ih, iw, c] += dy[n, oh, ow, c] at the first maximum of each window (recomputed from x). */
export function f32_max_pool2d_backward(dx: usize, dy: usize, x: usize, g: usize, part: i32, parts: i32): void {
  const geo = geometry(g);
  // Windows that do not overlap (stride >= window) add with masked vector stores; overlapping
  // ones scatter lane by lane (a cell of several windows would be read-modified-written per window).
  const disjoint = geo.strideH >= geo.kH && geo.strideW >= geo.kW;
  const channels = geo.inC;
  const rowBytes = <usize>channels << 2;
  const n1 = partStart(geo.batch, part + 1, parts);
  for (let n = partStart(geo.batch, part, parts); n < n1; n++) {
    const image = pixel(x, n, 0, 0, geo.inH, geo.inW, channels);
    const gradImage = pixel(dx, n, 0, 0, geo.inH, geo.inW, channels);
    for (let oh = 0; oh < geo.outH; oh++) {
      const h0 = windowStart(oh, geo.strideH, geo.padTop);
      const h1 = windowEnd(oh, geo.strideH, geo.padTop, geo.kH, geo.inH);
      for (let ow = 0; ow < geo.outW; ow++) {
        const w0 = windowStart(ow, geo.strideW, geo.padLeft);
        const w1 = windowEnd(ow, geo.strideW, geo.padLeft, geo.kW, geo.inW);
        const dyp = pixel(dy, n, oh, ow, geo.outH, geo.outW, channels);
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          const o = <usize>c << 2;
          const at = firstMax4(image, o, h0, h1, w0, w1, geo.inW, rowBytes);
          const d = v128.load(dyp + o);
          if (disjoint) {
            for (let ih = h0; ih < h1; ih++) {
              for (let iw = w0; iw < w1; iw++) {
                const rowAt = <i32>((<usize>(ih * geo.inW + iw)) * rowBytes);
                const cell = gradImage + <usize>rowAt + o;
                v128.store(cell, f32x4.add(v128.load(cell), v128.and(d, i32x4.eq(at, i32x4.splat(rowAt)))));
              }
            }
            continue;
          }
          addAt(gradImage + <usize>i32x4.extract_lane(at, 0) + o, f32x4.extract_lane(d, 0));
          addAt(gradImage + <usize>i32x4.extract_lane(at, 1) + o + 4, f32x4.extract_lane(d, 1));
          addAt(gradImage + <usize>i32x4.extract_lane(at, 2) + o + 8, f32x4.extract_lane(d, 2));
          addAt(gradImage + <usize>i32x4.extract_lane(at, 3) + o + 12, f32x4.extract_lane(d, 3));
        }
        for (; c < channels; c++) {
          const o = <usize>c << 2;
          const at = firstMax1(image, o, h0, h1, w0, w1, geo.inW, rowBytes);
          addAt(gradImage + <usize>at + o, load<f32>(dyp + o));
        }
      }
    }
  }
}

@inline
function addAt(p: usize, v: f32): void {
  store<f32>(p, load<f32>(p) + v);
}

/** dst = s * src (accumulate: dst += s * src). */
@inline
function scaleRow(dst: usize, src: usize, s: f32, n: i32, accumulate: bool): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = f32x4.mul(v128.load(src + o), sv);
    v128.store(dst + o, accumulate ? f32x4.add(v128.load(dst + o), v) : v);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(src + o) * s;
    store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
  }
}

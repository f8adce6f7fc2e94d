// Spatial resizing of NHWC activations, forward and backward; geometry is the struct of
// geometry.ts (inC = outC = channels):
//   - nearest up-sampling by integer factors kH x kW (outH = inH*kH, outW = inW*kW);
//   - zero padding: y = x placed at (padTop, padLeft) of a zero image of outH x outW;
//   - cropping: y = the outH x outW window of x starting at (padTop, padLeft) (the crops).
// Backward kernels accumulate (dx +=). All are row copies of `channels` contiguous floats.
import { geometry, pixel, addRow, copyRow, zeroRow } from './geometry';

/** y[n, oh, ow, c] = x[n, oh / kH, ow / kW, c]. */
export function f32_upsampling2d_forward(y: usize, x: usize, g: usize): void {
  upsample(y, x, g, false);
}

/** dx[n, ih, iw, c] += sum of dy over the kH x kW block that ih, iw was copied to. */
export function f32_upsampling2d_backward(dx: usize, dy: usize, g: usize): void {
  upsample(dy, dx, g, true);
}

/** For every output pixel: out = in (forward), or in += out (backward). */
function upsample(out: usize, input: usize, g: usize, backward: bool): void {
  const geo = geometry(g);
  const channels = geo.inC;
  for (let n = 0; n < geo.batch; n++) {
    for (let oh = 0; oh < geo.outH; oh++) {
      const ih = oh / geo.kH;
      for (let ow = 0; ow < geo.outW; ow++) {
        const o = pixel(out, n, oh, ow, geo.outH, geo.outW, channels);
        const i = pixel(input, n, ih, ow / geo.kW, geo.inH, geo.inW, channels);
        if (backward) addRow(i, o, channels);
        else copyRow(o, i, channels);
      }
    }
  }
}

/**
 * For every n and every (h, w) of a rows x cols window: dst pixel (n, dh + h, dw + w) (+)= src
 * pixel (n, sh + h, sw + w). dst is dstH x dstW, src is srcH x srcW.
 */
function copyWindow(
  dst: usize, dstH: i32, dstW: i32, dh: i32, dw: i32,
  src: usize, srcH: i32, srcW: i32, sh: i32, sw: i32,
  batch: i32, rows: i32, cols: i32, channels: i32, accumulate: bool,
): void {
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < rows; h++) {
      const d = pixel(dst, n, dh + h, dw, dstH, dstW, channels);
      const s = pixel(src, n, sh + h, sw, srcH, srcW, channels);
      if (accumulate) addRow(d, s, cols * channels);
      else copyRow(d, s, cols * channels);
    }
  }
}

/** y = zero padding of x: x at (padTop, padLeft) inside zeros of outH x outW. */
export function f32_zero_padding2d_forward(y: usize, x: usize, g: usize): void {
  const geo = geometry(g);
  zeroRow(y, geo.batch * geo.outH * geo.outW * geo.inC);
  copyWindow(y, geo.outH, geo.outW, geo.padTop, geo.padLeft, x, geo.inH, geo.inW, 0, 0, geo.batch, geo.inH, geo.inW, geo.inC, false);
}

/** dx += the inH x inW window of dy at (padTop, padLeft). */
export function f32_zero_padding2d_backward(dx: usize, dy: usize, g: usize): void {
  const geo = geometry(g);
  copyWindow(dx, geo.inH, geo.inW, 0, 0, dy, geo.outH, geo.outW, geo.padTop, geo.padLeft, geo.batch, geo.inH, geo.inW, geo.inC, true);
}

/** y = the outH x outW window of x at (padTop, padLeft) (padTop/padLeft hold the top/left crops). */
export function f32_cropping2d_forward(y: usize, x: usize, g: usize): void {
  const geo = geometry(g);
  copyWindow(y, geo.outH, geo.outW, 0, 0, x, geo.inH, geo.inW, geo.padTop, geo.padLeft, geo.batch, geo.outH, geo.outW, geo.inC, false);
}

/** dx[window at (padTop, padLeft)] += dy; the cropped border of dx is left unchanged. */
export function f32_cropping2d_backward(dx: usize, dy: usize, g: usize): void {
  const geo = geometry(g);
  copyWindow(dx, geo.inH, geo.inW, geo.padTop, geo.padLeft, dy, geo.outH, geo.outW, 0, 0, geo.batch, geo.outH, geo.outW, geo.inC, true);
}

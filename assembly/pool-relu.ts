// Max-pool backward fused with the ReLU before the pool (conv -> relu -> maxPool, the CNN block).
// The plan hands the pool the gradient buffer of the ReLU's input (the conv's pre-activation
// gradient), which no other node writes; this kernel writes every cell of it once:
//   dz = 0 + (0 + (cell is its window's first max ? dy : 0)) · relu'(y)
// which is bit for bit what max-pool backward into a zeroed buffer followed by ReLU backward into
// another zeroed buffer computes, without the two zero-fills and the ReLU pass. relu'(y) = y > 0
// reads the pool's input y = relu(z), which is positive exactly where z is.
//
// Only for windows that tile the input (stride = window, either padding; the layer checks): then
// every cell lies in at most one window, and the cells past the last window (valid padding) are written 0.
import { geometry, pixel, zeroRow } from './geometry';
import { firstMax1, firstMax4, windowEnd, windowStart } from './window';

/** dz[n, ih, iw, c] = the ReLU-masked max-pool gradient, every cell written (see above). */
export function f32_max_pool2d_backward_relu_write(dz: usize, dy: usize, y: usize, g: usize): void {
  const geo = geometry(g);
  const channels = geo.inC;
  const rowBytes = <usize>channels << 2;
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  // Windows cover rows [0, coveredH) and columns [0, coveredW) of the image.
  const coveredH = min(geo.outH * geo.strideH - geo.padTop, geo.inH);
  const coveredW = min(geo.outW * geo.strideW - geo.padLeft, geo.inW);
  for (let n = 0; n < geo.batch; n++) {
    const image = pixel(y, n, 0, 0, geo.inH, geo.inW, channels);
    const gradImage = pixel(dz, n, 0, 0, geo.inH, geo.inW, channels);
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
          for (let ih = h0; ih < h1; ih++) {
            for (let iw = w0; iw < w1; iw++) {
              const rowAt = <i32>((<usize>(ih * geo.inW + iw)) * rowBytes);
              const routed = f32x4.add(zero, v128.and(d, i32x4.eq(at, i32x4.splat(rowAt))));
              const slope = v128.and(f32x4.gt(v128.load(image + <usize>rowAt + o), zero), one);
              v128.store(gradImage + <usize>rowAt + o, f32x4.add(zero, f32x4.mul(routed, slope)));
            }
          }
        }
        for (; c < channels; c++) {
          const o = <usize>c << 2;
          const at = firstMax1(image, o, h0, h1, w0, w1, geo.inW, rowBytes);
          const d = load<f32>(dyp + o);
          for (let ih = h0; ih < h1; ih++) {
            for (let iw = w0; iw < w1; iw++) {
              const rowAt = <i32>((<usize>(ih * geo.inW + iw)) * rowBytes);
              const routed: f32 = <f32>0 + (rowAt == at ? d : <f32>0);
              const slope: f32 = load<f32>(image + <usize>rowAt + o) > 0 ? 1 : 0;
              store<f32>(gradImage + <usize>rowAt + o, <f32>0 + routed * slope);
            }
          }
        }
      }
    }
    // Cells in no window: the bottom rows, then the right columns of the covered rows.
    for (let ih = coveredH; ih < geo.inH; ih++) zeroRow(gradImage + <usize>(ih * geo.inW) * rowBytes, geo.inW * channels);
    for (let ih = 0; ih < coveredH; ih++) {
      if (coveredW < geo.inW) zeroRow(gradImage + <usize>(ih * geo.inW + coveredW) * rowBytes, (geo.inW - coveredW) * channels);
    }
  }
}

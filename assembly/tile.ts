// The conv micro-tile (2 output rows x 16 columns in registers), shared by the direct conv
// kernels (conv.ts) and the Winograd GEMMs (winograd.ts). Its multiply-adds go through `madd`
// (fma.ts): mul then add in the default builds, fused in the relaxed build.
import { madd } from './fma';
import { addRow, copyRow } from './geometry';

/** Output channels per packed filter panel (the micro-tile's width). */
export const NR: i32 = 16;

/**
 * One 2 x 16 tile: rows r = 0, 1 of y (y1 = 0: one row) get act(bias + a_r · panel), or
 * y_r += a_r · panel (accumulate). a0, a1: k floats each, aStride bytes apart (4: contiguous);
 * bp: panel of k rows of 16 floats, bStride bytes apart (64: packed); offsets != 0: element p of
 * row r is at a_r + offsets[p] (i32 bytes) instead of a_r + p*aStride; bias: 16 floats; cols < 16
 * stores only the first cols columns (through tmp, 128 bytes).
 */
@inline
export function tile2x16(y0: usize, y1: usize, a0: usize, a1: usize, bp: usize, k: i32, bias: usize, relu: bool, accumulate: bool, cols: i32, tmp: usize, bStride: usize = 64, offsets: usize = 0, aStride: usize = 4): void {
  let acc0x0123 = v128.load(bias), acc0x4567 = v128.load(bias, 16), acc0x89AB = v128.load(bias, 32), acc0xCDEF = v128.load(bias, 48);
  let acc1x0123 = acc0x0123, acc1x4567 = acc0x4567, acc1x89AB = acc0x89AB, acc1xCDEF = acc0xCDEF;
  for (let p = 0; p < k; p++) {
    const b0123 = v128.load(bp);
    const b4567 = v128.load(bp, 16);
    const b89AB = v128.load(bp, 32);
    const bCDEF = v128.load(bp, 48);
    // Element p of each row: the next float, or (implicit im2col) at a per-element byte offset.
    const at: usize = offsets == 0 ? <usize>p * aStride : <usize>load<i32>(offsets + (<usize>p << 2));
    const x0 = v128.load32_splat(a0 + at);
    acc0x0123 = madd(x0, b0123, acc0x0123);
    acc0x4567 = madd(x0, b4567, acc0x4567);
    acc0x89AB = madd(x0, b89AB, acc0x89AB);
    acc0xCDEF = madd(x0, bCDEF, acc0xCDEF);
    const x1 = v128.load32_splat(a1 + at);
    acc1x0123 = madd(x1, b0123, acc1x0123);
    acc1x4567 = madd(x1, b4567, acc1x4567);
    acc1x89AB = madd(x1, b89AB, acc1x89AB);
    acc1xCDEF = madd(x1, bCDEF, acc1xCDEF);
    bp += bStride;
  }
  if (relu) {
    const zero = f32x4.splat(0);
    acc0x0123 = f32x4.max(acc0x0123, zero); acc0x4567 = f32x4.max(acc0x4567, zero);
    acc0x89AB = f32x4.max(acc0x89AB, zero); acc0xCDEF = f32x4.max(acc0xCDEF, zero);
    acc1x0123 = f32x4.max(acc1x0123, zero); acc1x4567 = f32x4.max(acc1x4567, zero);
    acc1x89AB = f32x4.max(acc1x89AB, zero); acc1xCDEF = f32x4.max(acc1xCDEF, zero);
  }
  if (cols == NR) {
    if (accumulate) {
      acc0x0123 = f32x4.add(acc0x0123, v128.load(y0)); acc0x4567 = f32x4.add(acc0x4567, v128.load(y0, 16));
      acc0x89AB = f32x4.add(acc0x89AB, v128.load(y0, 32)); acc0xCDEF = f32x4.add(acc0xCDEF, v128.load(y0, 48));
    }
    v128.store(y0, acc0x0123); v128.store(y0, acc0x4567, 16); v128.store(y0, acc0x89AB, 32); v128.store(y0, acc0xCDEF, 48);
    if (y1 == 0) return;
    if (accumulate) {
      acc1x0123 = f32x4.add(acc1x0123, v128.load(y1)); acc1x4567 = f32x4.add(acc1x4567, v128.load(y1, 16));
      acc1x89AB = f32x4.add(acc1x89AB, v128.load(y1, 32)); acc1xCDEF = f32x4.add(acc1xCDEF, v128.load(y1, 48));
    }
    v128.store(y1, acc1x0123); v128.store(y1, acc1x4567, 16); v128.store(y1, acc1x89AB, 32); v128.store(y1, acc1xCDEF, 48);
    return;
  }
  // Edge panel: spill to tmp, store the valid columns.
  v128.store(tmp, acc0x0123); v128.store(tmp, acc0x4567, 16); v128.store(tmp, acc0x89AB, 32); v128.store(tmp, acc0xCDEF, 48);
  v128.store(tmp, acc1x0123, 64); v128.store(tmp, acc1x4567, 80); v128.store(tmp, acc1x89AB, 96); v128.store(tmp, acc1xCDEF, 112);
  for (let r = 0; r < 2; r++) {
    const yr = r == 0 ? y0 : y1;
    if (yr == 0) break;
    const t = tmp + (<usize>(r * NR) << 2);
    if (accumulate) addRow(yr, t, cols);
    else copyRow(yr, t, cols);
  }
}

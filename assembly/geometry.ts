// The geometry struct of every windowed NHWC kernel (conv.ts, pool.ts, resize.ts): 18 i32
// fields in linear memory, in exactly this order (the ABI; src/ops/conv.ts `ConvGeometry`
// writes it). Byte offset of field i = 4 * i.
//
//   0 batch      1 inH       2 inW       3 inC       4 outH      5 outW      6 outC
//   7 kH         8 kW        9 strideH  10 strideW  11 dilationH 12 dilationW
//  13 padTop    14 padBottom 15 padLeft 16 padRight 17 depthMultiplier
//
// Input pixel of output (oh, ow) and tap (i, j): ih = oh*strideH - padTop + i*dilationH,
// iw = ow*strideW - padLeft + j*dilationW; taps outside [0, inH) x [0, inW) read zero (conv),
// are skipped (pooling). Not used by a kernel family = ignored (pooling: dilation 1).
@unmanaged
export class Geometry {
  batch: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  kH: i32;
  kW: i32;
  strideH: i32;
  strideW: i32;
  dilationH: i32;
  dilationW: i32;
  padTop: i32;
  padBottom: i32;
  padLeft: i32;
  padRight: i32;
  depthMultiplier: i32;
}

// The layout as exported constants (byte offsets), so src/kernels/ reads it instead of copying it.
export const GEOMETRY_BYTES: i32 = offsetof<Geometry>();
export const GEOMETRY_BATCH: i32 = offsetof<Geometry>('batch');
export const GEOMETRY_IN_H: i32 = offsetof<Geometry>('inH');
export const GEOMETRY_IN_W: i32 = offsetof<Geometry>('inW');
export const GEOMETRY_IN_C: i32 = offsetof<Geometry>('inC');
export const GEOMETRY_OUT_H: i32 = offsetof<Geometry>('outH');
export const GEOMETRY_OUT_W: i32 = offsetof<Geometry>('outW');
export const GEOMETRY_OUT_C: i32 = offsetof<Geometry>('outC');
export const GEOMETRY_K_H: i32 = offsetof<Geometry>('kH');
export const GEOMETRY_K_W: i32 = offsetof<Geometry>('kW');
export const GEOMETRY_STRIDE_H: i32 = offsetof<Geometry>('strideH');
export const GEOMETRY_STRIDE_W: i32 = offsetof<Geometry>('strideW');
export const GEOMETRY_DILATION_H: i32 = offsetof<Geometry>('dilationH');
export const GEOMETRY_DILATION_W: i32 = offsetof<Geometry>('dilationW');
export const GEOMETRY_PAD_TOP: i32 = offsetof<Geometry>('padTop');
export const GEOMETRY_PAD_BOTTOM: i32 = offsetof<Geometry>('padBottom');
export const GEOMETRY_PAD_LEFT: i32 = offsetof<Geometry>('padLeft');
export const GEOMETRY_PAD_RIGHT: i32 = offsetof<Geometry>('padRight');
export const GEOMETRY_DEPTH_MULTIPLIER: i32 = offsetof<Geometry>('depthMultiplier');

/** The struct at byte offset g. */
@inline
export function geometry(g: usize): Geometry {
  return changetype<Geometry>(g);
}

/** Byte offset of pixel (n, h, w) of an NHWC tensor with `c` channels. */
@inline
export function pixel(base: usize, n: i32, h: i32, w: i32, height: i32, width: i32, c: i32): usize {
  return base + ((((<usize>n * height + h) * width + w) * c) << 2);
}

/** dst[0..n) += src[0..n). */
@inline
export function addRow(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** Below this many floats, rows are moved by SIMD loops (bulk memory ops cost a call in V8). */
const BULK_MIN: i32 = 64;

/** dst[0..n) = 0. */
@inline
export function zeroRow(dst: usize, n: i32): void {
  if (n >= BULK_MIN) {
    memory.fill(dst, 0, <usize>n << 2);
    return;
  }
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), zero);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[0..n) = src[0..n) (no overlap). */
@inline
export function copyRow(dst: usize, src: usize, n: i32): void {
  if (n >= BULK_MIN) {
    memory.copy(dst, src, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/**
 * First unit of part `part` of `parts` over `units` (part p covers [partStart(p), partStart(p + 1)),
 * the first units % parts parts one unit longer); parts < 2 is the whole range in part 0. Kernels
 * split over threads take (part, parts) and work on their own units; a kernel's units are chosen
 * so that every output element is computed by one part in the same order as the whole call.
 */
@inline
export function partStart(units: i32, part: i32, parts: i32): i32 {
  if (parts < 2) return part <= 0 ? 0 : units;
  const base = units / parts;
  const extra = units % parts;
  return part * base + min(part, extra);
}

/**
 * db[c0..c1) += Σ over `rows` rows of dy[r, c0..c1) (row stride `stride` floats): the bias gradient
 * of a column range, with the same additions per element as the whole row (a SIMD lane adds
 * exactly as a scalar add does).
 */
export function biasColumns(db: usize, dy: usize, rows: i32, stride: i32, c0: i32, c1: i32): void {
  if (c1 <= c0) return;
  const dst = db + (<usize>c0 << 2);
  for (let r = 0; r < rows; r++) addRow(dst, dy + ((<usize>r * stride + c0) << 2), c1 - c0);
}

// Data augmentation on NHWC float32 image batches. One affine-warp kernel serves rotation, zoom,
// translation, shear and crops (a per-image 2x3 inverse matrix); flips, brightness, contrast,
// noise and erasing work in place. The random parameters are drawn in TypeScript from the
// seeded generator; these kernels are pure functions of the images and the parameters.
//
// Every kernel takes a pointer to one geometry struct (byte offsets; written by
// src/augment/kernels.ts):
//   0 n   4 h   8 w   12 c   16 outH   20 outW   24 fillMode   28 interpolation
//   32 fillValue (f32)   36 lo (f32)   40 hi (f32)
// fillMode: 0 constant, 1 reflect, 2 wrap, 3 nearest (Keras's names and meanings);
// interpolation: 0 bilinear, 1 nearest.
import { addRow } from './geometry';

export const AUGMENT_GEOMETRY_BYTES: i32 = 48;
export const FILL_CONSTANT: i32 = 0;
export const FILL_REFLECT: i32 = 1;
export const FILL_WRAP: i32 = 2;
export const FILL_NEAREST: i32 = 3;
export const INTERPOLATION_BILINEAR: i32 = 0;
export const INTERPOLATION_NEAREST: i32 = 1;

/** Sample coordinates are clamped to +-COORD_LIMIT before rounding, so any matrix is safe. */
const COORD_LIMIT: f32 = 1048576;

// Per-4-pixel staging for the c == 1 vector path: x0[4], y0[4] (i32), then the four corner
// values of each lane p00[4], p01[4], p10[4], p11[4] (f32).
const STAGE = memory.data(96, 16);

/** The geometry struct's layout (byte offsets; the ABI, exported so src/kernels/ reads it). */
export const AUGMENT_GEOMETRY_N: i32 = 0;
export const AUGMENT_GEOMETRY_H: i32 = 4;
export const AUGMENT_GEOMETRY_W: i32 = 8;
export const AUGMENT_GEOMETRY_C: i32 = 12;
export const AUGMENT_GEOMETRY_OUT_H: i32 = 16;
export const AUGMENT_GEOMETRY_OUT_W: i32 = 20;
export const AUGMENT_GEOMETRY_FILL_MODE: i32 = 24;
export const AUGMENT_GEOMETRY_INTERPOLATION: i32 = 28;
export const AUGMENT_GEOMETRY_FILL_VALUE: i32 = 32;
export const AUGMENT_GEOMETRY_LO: i32 = 36;
export const AUGMENT_GEOMETRY_HI: i32 = 40;

@inline function geomN(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_N); }
@inline function geomH(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_H); }
@inline function geomW(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_W); }
@inline function geomC(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_C); }
@inline function geomOutH(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_OUT_H); }
@inline function geomOutW(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_OUT_W); }
@inline function geomFillMode(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_FILL_MODE); }
@inline function geomInterpolation(g: usize): i32 { return load<i32>(g + AUGMENT_GEOMETRY_INTERPOLATION); }
@inline function geomFillValue(g: usize): f32 { return load<f32>(g + AUGMENT_GEOMETRY_FILL_VALUE); }
@inline function geomLo(g: usize): f32 { return load<f32>(g + AUGMENT_GEOMETRY_LO); }
@inline function geomHi(g: usize): f32 { return load<f32>(g + AUGMENT_GEOMETRY_HI); }

/**
 * Maps an integer pixel index onto [0, len) by the fill mode; -1 means "use the fill value".
 * reflect: (d c b a | a b c d | d c b a); wrap: (a b c d | a b c d); nearest: (a a | a b c d | d d).
 */
@inline function mapIndex(i: i32, len: i32, mode: i32): i32 {
  if (<u32>i < <u32>len) return i;
  if (mode == FILL_CONSTANT) return -1;
  if (mode == FILL_NEAREST) return i < 0 ? 0 : len - 1;
  if (mode == FILL_WRAP) {
    const r = i % len;
    return r < 0 ? r + len : r;
  }
  const period = len << 1;
  let r = i % period;
  if (r < 0) r += period;
  return r < len ? r : period - 1 - r;
}

/** Clamps to +-COORD_LIMIT with compares (f32.min/max cost NaN fix-ups; the result is the same). */
@inline function clampCoord(v: f32): f32 {
  return v < -COORD_LIMIT ? -COORD_LIMIT : v > COORD_LIMIT ? COORD_LIMIT : v;
}

/** Value at mapped (mx, my) of a one-channel image, or the fill value for -1. */
@inline function texel1(input: usize, mx: i32, my: i32, w: i32, fill: f32): f32 {
  if ((mx | my) < 0) return fill;
  return load<f32>(input + (<usize>(my * w + mx) << 2));
}

/** Byte address of pixel (mx, my)'s first channel, or 0 for a fill corner (-1). */
@inline function cornerAddress(input: usize, mx: i32, my: i32, w: i32, c: i32): usize {
  return (mx | my) < 0 ? <usize>0 : input + (<usize>(my * w + mx) * c << 2);
}

@inline function cornerValue(base: usize, ch: i32, fill: f32): f32 {
  return base == 0 ? fill : load<f32>(base + (<usize>ch << 2));
}

/**
 * Bilinear (or nearest) sample of all c channels at (sx, sy) written to out[0..c).
 * `vector` uses f32x4 over channels (same arithmetic per element as the scalar loop); for c == 3
 * one f32x4 holds a pixel's channels plus the next pixel's first, which is read only when
 * inside [.., inputEnd) and overwritten later (pixels are written in increasing order) when the
 * store stays below outEnd.
 */
@inline function samplePixel(
  out: usize, input: usize, sx: f32, sy: f32, w: i32, h: i32, c: i32,
  mode: i32, nearest: bool, fill: f32, vector: bool, inputEnd: usize, outEnd: usize,
): void {
  sx = clampCoord(sx);
  sy = clampCoord(sy);
  let fx: f32, fy: f32, wx: f32, wy: f32;
  if (nearest) {
    fx = Mathf.floor(sx + 0.5);
    fy = Mathf.floor(sy + 0.5);
    wx = 0;
    wy = 0;
  } else {
    fx = Mathf.floor(sx);
    fy = Mathf.floor(sy);
    wx = sx - fx;
    wy = sy - fy;
  }
  const x0 = <i32>fx;
  const y0 = <i32>fy;
  const mx0 = mapIndex(x0, w, mode);
  const mx1 = mapIndex(x0 + 1, w, mode);
  const my0 = mapIndex(y0, h, mode);
  const my1 = mapIndex(y0 + 1, h, mode);
  const b00 = cornerAddress(input, mx0, my0, w, c);
  const b01 = cornerAddress(input, mx1, my0, w, c);
  const b10 = cornerAddress(input, mx0, my1, w, c);
  const b11 = cornerAddress(input, mx1, my1, w, c);
  let ch = 0;
  if (vector && c == 3 && out + 16 <= outEnd && b00 != 0 && b01 != 0 && b10 != 0 && b11 != 0
      && max(max(b00, b01), max(b10, b11)) + 16 <= inputEnd) {
    const wxv = f32x4.splat(wx);
    const p00 = v128.load(b00), p01 = v128.load(b01), p10 = v128.load(b10), p11 = v128.load(b11);
    const top = f32x4.add(p00, f32x4.mul(wxv, f32x4.sub(p01, p00)));
    const bottom = f32x4.add(p10, f32x4.mul(wxv, f32x4.sub(p11, p10)));
    v128.store(out, f32x4.add(top, f32x4.mul(f32x4.splat(wy), f32x4.sub(bottom, top))));
    return;
  }
  if (vector) {
    const fillv = f32x4.splat(fill);
    const wxv = f32x4.splat(wx);
    const wyv = f32x4.splat(wy);
    for (; ch + 4 <= c; ch += 4) {
      const o = <usize>ch << 2;
      const p00 = b00 == 0 ? fillv : v128.load(b00 + o);
      const p01 = b01 == 0 ? fillv : v128.load(b01 + o);
      const p10 = b10 == 0 ? fillv : v128.load(b10 + o);
      const p11 = b11 == 0 ? fillv : v128.load(b11 + o);
      const top = f32x4.add(p00, f32x4.mul(wxv, f32x4.sub(p01, p00)));
      const bottom = f32x4.add(p10, f32x4.mul(wxv, f32x4.sub(p11, p10)));
      v128.store(out + o, f32x4.add(top, f32x4.mul(wyv, f32x4.sub(bottom, top))));
    }
  }
  for (; ch < c; ch++) {
    const p00 = cornerValue(b00, ch, fill);
    const p01 = cornerValue(b01, ch, fill);
    const p10 = cornerValue(b10, ch, fill);
    const p11 = cornerValue(b11, ch, fill);
    const top = p00 + wx * (p01 - p00);
    const bottom = p10 + wx * (p11 - p10);
    store<f32>(out + (<usize>ch << 2), top + wy * (bottom - top));
  }
}

/**
 * out[i, y, x, :] = input[i] sampled at (a0 x + a1 y + a2, b0 x + b1 y + b2), with
 * params[i] = [a0, a1, a2, b0, b1, b2] (f32, the inverse map from output to input pixel
 * indices). out: (n, outH, outW, c); input: (n, h, w, c); out and input must not overlap.
 * Plain loop over pixels and channels: the reference of f32_affine_warp.
 */
export function f32_affine_warp__scalar(out: usize, input: usize, params: usize, geom: usize): void {
  warp(out, input, params, geom, false);
}

/**
 * The affine warp driver (see f32_affine_warp__scalar): for c == 1 four output pixels share one
 * f32x4 of coordinates, weights and blends; for c >= 4 channels go four at a time. Results are
 * bit-identical to the scalar kernel (same operations in the same order).
 */
export function f32_affine_warp(out: usize, input: usize, params: usize, geom: usize): void {
  warp(out, input, params, geom, true);
}

@inline function warp(out: usize, input: usize, params: usize, geom: usize, vector: bool): void {
  const n = geomN(geom), h = geomH(geom), w = geomW(geom), c = geomC(geom);
  const outH = geomOutH(geom), outW = geomOutW(geom);
  const mode = geomFillMode(geom);
  const nearest = geomInterpolation(geom) == INTERPOLATION_NEAREST;
  const fill = geomFillValue(geom);
  const inImage = <usize>h * w * c << 2;
  const outImage = <usize>outH * outW * c << 2;
  const inputEnd = input + <usize>n * inImage;
  const outEnd = out + <usize>n * outImage;
  for (let i = 0; i < n; i++) {
    const m = params + (<usize>i * 24);
    const a0 = load<f32>(m, 0), a1 = load<f32>(m, 4), a2 = load<f32>(m, 8);
    const b0 = load<f32>(m, 12), b1 = load<f32>(m, 16), b2 = load<f32>(m, 20);
    const src = input + <usize>i * inImage;
    const dstImage = out + <usize>i * outImage;
    for (let y = 0; y < outH; y++) {
      const fy = <f32>y;
      const a1y = a1 * fy;
      const b1y = b1 * fy;
      const dst = dstImage + (<usize>y * outW * c << 2);
      let x = 0;
      if (vector && c == 1) x = warpRowC1(dst, src, a0, a1y, a2, b0, b1y, b2, w, h, outW, mode, nearest, fill);
      if (vector && c == 3) x = warpRowC3(dst, src, a0, a1y, a2, b0, b1y, b2, w, h, outW, mode, nearest, fill, inputEnd, outEnd);
      for (; x < outW; x++) {
        const fx = <f32>x;
        const sx = a0 * fx + a1y + a2;
        const sy = b0 * fx + b1y + b2;
        samplePixel(dst + (<usize>x * c << 2), src, sx, sy, w, h, c, mode, nearest, fill, vector && c >= 3, inputEnd, outEnd);
      }
    }
  }
}

/**
 * Integer-valued floats in [-2^22, 2^22] to i32 lanes, exactly: adding 1.5 * 2^23 puts the
 * integer in the low mantissa bits. Two instructions where trunc_sat needs a NaN/overflow fix-up
 * sequence; the coordinates are clamped to +-COORD_LIMIT = 2^20 first, so it always applies.
 * (The clamps use pmin/pmax, equal to min/max for the non-NaN values they see.)
 */
@inline function floorToInt(integral: v128): v128 {
  return i32x4.sub(f32x4.add(integral, f32x4.splat(12582912.0)), i32x4.splat(0x4b400000));
}

/**
 * mapIndex on four lanes: -1 for constant fill. For reflect and wrap the indices must lie in
 * [-len, 2 len) (one period either side), which the caller checks.
 */
@inline function mapIndexV(i: v128, len: v128, lenMinus1: v128, twoLenMinus1: v128, mode: i32): v128 {
  const below = i32x4.lt_s(i, i32x4.splat(0));
  const above = i32x4.gt_s(i, lenMinus1);
  if (mode == FILL_CONSTANT) return v128.or(i, v128.or(below, above)); // out of range -> all ones = -1
  if (mode == FILL_NEAREST) return i32x4.min_s(i32x4.max_s(i, i32x4.splat(0)), lenMinus1);
  if (mode == FILL_WRAP) return v128.bitselect(i32x4.add(i, len), v128.bitselect(i32x4.sub(i, len), i, above), below);
  return v128.bitselect(i32x4.sub(i32x4.splat(-1), i), v128.bitselect(i32x4.sub(twoLenMinus1, i), i, above), below);
}

/** Four one-channel texels at mapped (mx, my) lanes; a -1 index gives the fill value. */
@inline function gatherV(src: usize, mx: v128, my: v128, wv: v128, fillv: v128): v128 {
  const invalid = v128.or(i32x4.lt_s(mx, i32x4.splat(0)), i32x4.lt_s(my, i32x4.splat(0)));
  const address = i32x4.add(i32x4.shl(v128.andnot(i32x4.add(i32x4.mul(my, wv), mx), invalid), 2), i32x4.splat(<i32>src));
  let v = v128.load32_zero(<usize><u32>i32x4.extract_lane(address, 0));
  v = v128.load32_lane(<usize><u32>i32x4.extract_lane(address, 1), v, 1);
  v = v128.load32_lane(<usize><u32>i32x4.extract_lane(address, 2), v, 2);
  v = v128.load32_lane(<usize><u32>i32x4.extract_lane(address, 3), v, 3);
  return v128.bitselect(fillv, v, invalid);
}

/** The c == 1 row loop, four output pixels at a time; returns the first x it did not write. */
@inline function warpRowC1(
  dst: usize, src: usize, a0: f32, a1y: f32, a2: f32, b0: f32, b1y: f32, b2: f32,
  w: i32, h: i32, outW: i32, mode: i32, nearest: bool, fill: f32,
): i32 {
  const a0v = f32x4.splat(a0), a1yv = f32x4.splat(a1y), a2v = f32x4.splat(a2);
  const b0v = f32x4.splat(b0), b1yv = f32x4.splat(b1y), b2v = f32x4.splat(b2);
  const lim = f32x4.splat(COORD_LIMIT), negLim = f32x4.splat(-COORD_LIMIT);
  const half = f32x4.splat(0.5);
  const step = f32x4.splat(4);
  const zero = i32x4.splat(0);
  const wMax = i32x4.splat(w - 2), hMax = i32x4.splat(h - 2);
  const wv = i32x4.splat(w), hv = i32x4.splat(h);
  const wm1 = i32x4.splat(w - 1), hm1 = i32x4.splat(h - 1);
  const twoWm1 = i32x4.splat(2 * w - 1), twoHm1 = i32x4.splat(2 * h - 1);
  const twoWm2 = i32x4.splat(2 * w - 2), twoHm2 = i32x4.splat(2 * h - 2);
  const negW = i32x4.splat(-w), negH = i32x4.splat(-h);
  const fillv = f32x4.splat(fill);
  const srcv = i32x4.splat(<i32>src);
  const rowBytes = <usize>w << 2;
  let xv = f32x4(0, 1, 2, 3);
  let x = 0;
  for (; x + 4 <= outW; x += 4) {
    const sx = f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.add(f32x4.mul(a0v, xv), a1yv), a2v), negLim), lim);
    const sy = f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.add(f32x4.mul(b0v, xv), b1yv), b2v), negLim), lim);
    xv = f32x4.add(xv, step);
    let fx: v128, fy: v128, wx: v128, wy: v128;
    if (nearest) {
      fx = f32x4.floor(f32x4.add(sx, half));
      fy = f32x4.floor(f32x4.add(sy, half));
      wx = f32x4.splat(0);
      wy = f32x4.splat(0);
    } else {
      fx = f32x4.floor(sx);
      fy = f32x4.floor(sy);
      wx = f32x4.sub(sx, fx);
      wy = f32x4.sub(sy, fy);
    }
    const x0 = floorToInt(fx);
    const y0 = floorToInt(fy);
    const inside = v128.and(
      v128.and(i32x4.ge_s(x0, zero), i32x4.le_s(x0, wMax)),
      v128.and(i32x4.ge_s(y0, zero), i32x4.le_s(y0, hMax)),
    );
    let p00: v128, p01: v128, p10: v128, p11: v128;
    if (i32x4.all_true(inside)) {
      // All four 2x2 neighbourhoods are inside: two 64-bit loads per pixel, then de-interleave.
      const address = i32x4.add(i32x4.shl(i32x4.add(i32x4.mul(y0, wv), x0), 2), srcv);
      const a0 = <usize><u32>i32x4.extract_lane(address, 0);
      const a1 = <usize><u32>i32x4.extract_lane(address, 1);
      const a2 = <usize><u32>i32x4.extract_lane(address, 2);
      const a3 = <usize><u32>i32x4.extract_lane(address, 3);
      const top01 = v128.load64_lane(a1, v128.load64_zero(a0), 1);
      const top23 = v128.load64_lane(a3, v128.load64_zero(a2), 1);
      const bottom01 = v128.load64_lane(a1 + rowBytes, v128.load64_zero(a0 + rowBytes), 1);
      const bottom23 = v128.load64_lane(a3 + rowBytes, v128.load64_zero(a2 + rowBytes), 1);
      p00 = v128.shuffle<f32>(top01, top23, 0, 2, 4, 6);
      p01 = v128.shuffle<f32>(top01, top23, 1, 3, 5, 7);
      p10 = v128.shuffle<f32>(bottom01, bottom23, 0, 2, 4, 6);
      p11 = v128.shuffle<f32>(bottom01, bottom23, 1, 3, 5, 7);
    } else if (mode == FILL_CONSTANT || mode == FILL_NEAREST || i32x4.all_true(v128.and(
      v128.and(i32x4.ge_s(x0, negW), i32x4.le_s(x0, twoWm2)),
      v128.and(i32x4.ge_s(y0, negH), i32x4.le_s(y0, twoHm2)),
    ))) {
      // Near the border: map the corner indices four lanes at a time (reflect and wrap need them
      // within one period, checked above), then gather each corner with lane loads.
      const one = i32x4.splat(1);
      const mx0 = mapIndexV(x0, wv, wm1, twoWm1, mode);
      const mx1 = mapIndexV(i32x4.add(x0, one), wv, wm1, twoWm1, mode);
      const my0 = mapIndexV(y0, hv, hm1, twoHm1, mode);
      const my1 = mapIndexV(i32x4.add(y0, one), hv, hm1, twoHm1, mode);
      p00 = gatherV(src, mx0, my0, wv, fillv);
      p01 = gatherV(src, mx1, my0, wv, fillv);
      p10 = gatherV(src, mx0, my1, wv, fillv);
      p11 = gatherV(src, mx1, my1, wv, fillv);
    } else {
      v128.store(STAGE, x0);
      v128.store(STAGE + 16, y0);
      for (let lane = 0; lane < 4; lane++) {
        const lx = load<i32>(STAGE + (<usize>lane << 2));
        const ly = load<i32>(STAGE + 16 + (<usize>lane << 2));
        const mx0 = mapIndex(lx, w, mode);
        const mx1 = mapIndex(lx + 1, w, mode);
        const my0 = mapIndex(ly, h, mode);
        const my1 = mapIndex(ly + 1, h, mode);
        const at = STAGE + 32 + (<usize>lane << 2);
        store<f32>(at, texel1(src, mx0, my0, w, fill));
        store<f32>(at, texel1(src, mx1, my0, w, fill), 16);
        store<f32>(at, texel1(src, mx0, my1, w, fill), 32);
        store<f32>(at, texel1(src, mx1, my1, w, fill), 48);
      }
      p00 = v128.load(STAGE, 32);
      p01 = v128.load(STAGE, 48);
      p10 = v128.load(STAGE, 64);
      p11 = v128.load(STAGE, 80);
    }
    const top = f32x4.add(p00, f32x4.mul(wx, f32x4.sub(p01, p00)));
    const bottom = f32x4.add(p10, f32x4.mul(wx, f32x4.sub(p11, p10)));
    v128.store(dst + (<usize>x << 2), f32x4.add(top, f32x4.mul(wy, f32x4.sub(bottom, top))));
  }
  return x;
}

/** One c == 3 output pixel from its top-left corner address (all four corners inside). */
@inline function lerpPixelC3(out: usize, a: usize, rowBytes: usize, wx: v128, wy: v128): void {
  const p00 = v128.load(a), p01 = v128.load(a, 12);
  const p10 = v128.load(a + rowBytes), p11 = v128.load(a + rowBytes, 12);
  const top = f32x4.add(p00, f32x4.mul(wx, f32x4.sub(p01, p00)));
  const bottom = f32x4.add(p10, f32x4.mul(wx, f32x4.sub(p11, p10)));
  v128.store(out, f32x4.add(top, f32x4.mul(wy, f32x4.sub(bottom, top))));
}

/**
 * The c == 3 row loop, four output pixels at a time: coordinates and weights in f32x4; when all
 * four 2x2 neighbourhoods are inside, each pixel is one f32x4 of channels (its fourth lane is the
 * next pixel's first channel, rewritten by that pixel). Returns the first x it did not write.
 */
@inline function warpRowC3(
  dst: usize, src: usize, a0: f32, a1y: f32, a2: f32, b0: f32, b1y: f32, b2: f32,
  w: i32, h: i32, outW: i32, mode: i32, nearest: bool, fill: f32, inputEnd: usize, outEnd: usize,
): i32 {
  const a0v = f32x4.splat(a0), a1yv = f32x4.splat(a1y), a2v = f32x4.splat(a2);
  const b0v = f32x4.splat(b0), b1yv = f32x4.splat(b1y), b2v = f32x4.splat(b2);
  const lim = f32x4.splat(COORD_LIMIT), negLim = f32x4.splat(-COORD_LIMIT);
  const half = f32x4.splat(0.5);
  const zero = i32x4.splat(0);
  const wMax = i32x4.splat(w - 2), hMax = i32x4.splat(h - 2);
  const wv = i32x4.splat(w);
  const srcv = i32x4.splat(<i32>src);
  const rowBytes = <usize>w * 12;
  let xv = f32x4(0, 1, 2, 3);
  let x = 0;
  for (; x + 4 <= outW; x += 4) {
    const sx = f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.add(f32x4.mul(a0v, xv), a1yv), a2v), negLim), lim);
    const sy = f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.add(f32x4.mul(b0v, xv), b1yv), b2v), negLim), lim);
    xv = f32x4.add(xv, f32x4.splat(4));
    const fx = nearest ? f32x4.floor(f32x4.add(sx, half)) : f32x4.floor(sx);
    const fy = nearest ? f32x4.floor(f32x4.add(sy, half)) : f32x4.floor(sy);
    const wx = nearest ? f32x4.splat(0) : f32x4.sub(sx, fx);
    const wy = nearest ? f32x4.splat(0) : f32x4.sub(sy, fy);
    const x0 = floorToInt(fx);
    const y0 = floorToInt(fy);
    const inside = v128.and(
      v128.and(i32x4.ge_s(x0, zero), i32x4.le_s(x0, wMax)),
      v128.and(i32x4.ge_s(y0, zero), i32x4.le_s(y0, hMax)),
    );
    const o = dst + <usize>x * 12;
    const address = i32x4.add(i32x4.mul(i32x4.add(i32x4.mul(y0, wv), x0), i32x4.splat(12)), srcv);
    const p0 = <usize><u32>i32x4.extract_lane(address, 0);
    const p1 = <usize><u32>i32x4.extract_lane(address, 1);
    const p2 = <usize><u32>i32x4.extract_lane(address, 2);
    const p3 = <usize><u32>i32x4.extract_lane(address, 3);
    const reach = rowBytes + 28; // the bottom-right corner's f32x4 ends 28 bytes after its row start
    if (i32x4.all_true(inside) && o + 52 <= outEnd
        && max(max(p0, p1), max(p2, p3)) + reach <= inputEnd) {
      lerpPixelC3(o, p0, rowBytes, v128.shuffle<f32>(wx, wx, 0, 0, 0, 0), v128.shuffle<f32>(wy, wy, 0, 0, 0, 0));
      lerpPixelC3(o + 12, p1, rowBytes, v128.shuffle<f32>(wx, wx, 1, 1, 1, 1), v128.shuffle<f32>(wy, wy, 1, 1, 1, 1));
      lerpPixelC3(o + 24, p2, rowBytes, v128.shuffle<f32>(wx, wx, 2, 2, 2, 2), v128.shuffle<f32>(wy, wy, 2, 2, 2, 2));
      lerpPixelC3(o + 36, p3, rowBytes, v128.shuffle<f32>(wx, wx, 3, 3, 3, 3), v128.shuffle<f32>(wy, wy, 3, 3, 3, 3));
    } else {
      for (let k = 0; k < 4; k++) {
        const fk = <f32>(x + k);
        samplePixel(o + <usize>k * 12, src, a0 * fk + a1y + a2, b0 * fk + b1y + b2, w, h, 3, mode, nearest, fill, true, inputEnd, outEnd);
      }
    }
  }
  return x;
}

/** Swaps `count` floats between a and b (non-overlapping). */
@inline function swapFloats(a: usize, b: usize, count: i32): void {
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const o = <usize>k << 2;
    const t = v128.load(a + o);
    v128.store(a + o, v128.load(b + o));
    v128.store(b + o, t);
  }
  for (; k < count; k++) {
    const o = <usize>k << 2;
    const t = load<f32>(a + o);
    store<f32>(a + o, load<f32>(b + o));
    store<f32>(b + o, t);
  }
}

/**
 * In-place flips of x: (n, h, w, c). flags[i] (f32) is a bit set: 1 horizontal (mirror the
 * columns), 2 vertical (mirror the rows), 3 both, 0 none.
 */
export function f32_flip(x: usize, flags: usize, geom: usize): void {
  const n = geomN(geom), h = geomH(geom), w = geomW(geom), c = geomC(geom);
  const rowFloats = w * c;
  const image = <usize>h * rowFloats << 2;
  for (let i = 0; i < n; i++) {
    const f = <i32>load<f32>(flags + (<usize>i << 2));
    const base = x + <usize>i * image;
    if (f & 1) {
      for (let r = 0; r < h; r++) {
        const row = base + (<usize>(r * rowFloats) << 2);
        let j = 0;
        if (c == 1) {
          // Mirror 4-float blocks from both ends while they do not overlap.
          for (; j + 4 <= w - 4 - j; j += 4) {
            const left = row + (<usize>j << 2);
            const right = row + (<usize>(w - 4 - j) << 2);
            const l = v128.load(left);
            v128.store(left, v128.swizzle(v128.load(right), i8x16(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3)));
            v128.store(right, v128.swizzle(l, i8x16(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3)));
          }
        }
        for (; j < w - 1 - j; j++) {
          swapFloats(row + (<usize>(j * c) << 2), row + (<usize>((w - 1 - j) * c) << 2), c);
        }
      }
    }
    if (f & 2) {
      for (let r = 0; r < h - 1 - r; r++) {
        swapFloats(base + (<usize>(r * rowFloats) << 2), base + (<usize>((h - 1 - r) * rowFloats) << 2), rowFloats);
      }
    }
  }
}

/** In place: x[i] = clamp(x[i] + deltas[i], lo, hi) per image i; x: (n, h, w, c). */
export function f32_brightness(x: usize, deltas: usize, geom: usize): void {
  const n = geomN(geom);
  const size = geomH(geom) * geomW(geom) * geomC(geom);
  const lo = geomLo(geom), hi = geomHi(geom);
  const lov = f32x4.splat(lo), hiv = f32x4.splat(hi);
  for (let i = 0; i < n; i++) {
    const d = load<f32>(deltas + (<usize>i << 2));
    const dv = f32x4.splat(d);
    const base = x + (<usize>i * size << 2);
    let k = 0;
    for (; k + 4 <= size; k += 4) {
      const p = base + (<usize>k << 2);
      v128.store(p, f32x4.min(f32x4.max(f32x4.add(v128.load(p), dv), lov), hiv));
    }
    for (; k < size; k++) {
      const p = base + (<usize>k << 2);
      store<f32>(p, min(max(load<f32>(p) + d, lo), hi));
    }
  }
}

/**
 * In place, per image i and channel ch: x = clamp(x * f + mean * (1 - f), lo, hi) with
 * f = factors[i], i.e. Keras's (x - mean) * f + mean written so that f = 1 is exactly the
 * identity; mean is the channel's mean over the image (summed in f64, in pixel order).
 */
export function f32_contrast(x: usize, factors: usize, geom: usize): void {
  const n = geomN(geom), c = geomC(geom);
  const pixels = geomH(geom) * geomW(geom);
  const lo = geomLo(geom), hi = geomHi(geom);
  const image = <usize>pixels * c << 2;
  for (let i = 0; i < n; i++) {
    const f = load<f32>(factors + (<usize>i << 2));
    const base = x + <usize>i * image;
    for (let ch = 0; ch < c; ch++) {
      let sum: f64 = 0;
      for (let p = 0; p < pixels; p++) sum += <f64>load<f32>(base + (<usize>(p * c + ch) << 2));
      const shift = <f32>(sum / <f64>pixels) * (1 - f);
      let p = 0;
      if (c == 1) {
        const sv = f32x4.splat(shift), fv = f32x4.splat(f);
        const lov = f32x4.splat(lo), hiv = f32x4.splat(hi);
        for (; p + 4 <= pixels; p += 4) {
          const q = base + (<usize>p << 2);
          const v = f32x4.add(f32x4.mul(v128.load(q), fv), sv);
          v128.store(q, f32x4.min(f32x4.max(v, lov), hiv));
        }
      }
      for (; p < pixels; p++) {
        const q = base + (<usize>(p * c + ch) << 2);
        store<f32>(q, min(max(load<f32>(q) * f + shift, lo), hi));
      }
    }
  }
}

/** In place: x[k] += noise[k] for k < count (additive Gaussian noise drawn by the caller). */
export function f32_augment_add_noise(x: usize, noise: usize, count: i32): void {
  addRow(x, noise, count);
}

/**
 * In place: per image i, rects[i] = [top, left, height, width, value] (f32): the rectangle
 * (all channels) is set to value; height or width 0 leaves the image as it is. The rectangle
 * must lie inside the image (the caller validates).
 */
export function f32_erase(x: usize, rects: usize, geom: usize): void {
  const n = geomN(geom), h = geomH(geom), w = geomW(geom), c = geomC(geom);
  const image = <usize>h * w * c << 2;
  for (let i = 0; i < n; i++) {
    const r = rects + <usize>i * 20;
    const top = <i32>load<f32>(r, 0), left = <i32>load<f32>(r, 4);
    const rh = <i32>load<f32>(r, 8), rw = <i32>load<f32>(r, 12);
    const value = load<f32>(r, 16);
    const v = f32x4.splat(value);
    const span = rw * c;
    for (let y = top; y < top + rh; y++) {
      const row = x + <usize>i * image + (<usize>((y * w + left) * c) << 2);
      let k = 0;
      for (; k + 4 <= span; k += 4) v128.store(row + (<usize>k << 2), v);
      for (; k < span; k++) store<f32>(row + (<usize>k << 2), value);
    }
  }
}

// Transcendentals for drawing augmentation parameters (rotation matrices, log-uniform aspect
// ratios). They are AssemblyScript's portable software implementations (musl-derived, f64,
// < 1 ulp), so the same drawn angle gives the same matrix in every runtime, unlike the
// host's Math.sin, whose last bit may differ between JavaScript engines.

/** sin(x) in f64, computed in wasm. */
export function f64_augment_sin(x: f64): f64 {
  return Math.sin(x);
}

/** cos(x) in f64, computed in wasm. */
export function f64_augment_cos(x: f64): f64 {
  return Math.cos(x);
}

/** exp(x) in f64, computed in wasm. */
export function f64_augment_exp(x: f64): f64 {
  return Math.exp(x);
}

/** log(x) in f64, computed in wasm. */
export function f64_augment_log(x: f64): f64 {
  return Math.log(x);
}

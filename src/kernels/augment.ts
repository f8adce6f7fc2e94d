// Bindings of assembly/augment.ts: the affine warp, the in-place pixel kernels, the wasm
// transcendentals used to draw parameters, and the geometry struct's layout and enums.
import { CONSTANTS, wasm } from './exports.js';

/** Byte offsets of the augmentation geometry struct's fields, and its size. */
export const AUGMENT_GEOMETRY = {
  bytes: CONSTANTS.AUGMENT_GEOMETRY_BYTES,
  n: CONSTANTS.AUGMENT_GEOMETRY_N,
  h: CONSTANTS.AUGMENT_GEOMETRY_H,
  w: CONSTANTS.AUGMENT_GEOMETRY_W,
  c: CONSTANTS.AUGMENT_GEOMETRY_C,
  outH: CONSTANTS.AUGMENT_GEOMETRY_OUT_H,
  outW: CONSTANTS.AUGMENT_GEOMETRY_OUT_W,
  fillMode: CONSTANTS.AUGMENT_GEOMETRY_FILL_MODE,
  interpolation: CONSTANTS.AUGMENT_GEOMETRY_INTERPOLATION,
  fillValue: CONSTANTS.AUGMENT_GEOMETRY_FILL_VALUE,
  lo: CONSTANTS.AUGMENT_GEOMETRY_LO,
  hi: CONSTANTS.AUGMENT_GEOMETRY_HI,
} as const;

/** The fill-mode codes by Keras name. */
export const FILL_MODE_CODES = {
  constant: CONSTANTS.FILL_CONSTANT,
  reflect: CONSTANTS.FILL_REFLECT,
  wrap: CONSTANTS.FILL_WRAP,
  nearest: CONSTANTS.FILL_NEAREST,
} as const;

/** The interpolation codes by name. */
export const INTERPOLATION_CODES = {
  bilinear: CONSTANTS.INTERPOLATION_BILINEAR,
  nearest: CONSTANTS.INTERPOLATION_NEAREST,
} as const;

/** out = input warped by each image's inverse 2x3 matrix (params), per the geometry struct. */
export function affineWarp(out: number, input: number, params: number, geometry: number): void {
  wasm().f32_affine_warp(out, input, params, geometry);
}

/** In-place flips; flags[i] (f32) 1 horizontal, 2 vertical, 3 both. */
export function flip(x: number, flags: number, geometry: number): void {
  wasm().f32_flip(x, flags, geometry);
}

/** In place: x += delta per image, clipped to the geometry's value range. */
export function brightness(x: number, deltas: number, geometry: number): void {
  wasm().f32_brightness(x, deltas, geometry);
}

/** In place: x = mean + factor·(x - mean) per image and channel, clipped. */
export function contrast(x: number, factors: number, geometry: number): void {
  wasm().f32_contrast(x, factors, geometry);
}

/** In place: x[i] += noise[i] for `count` floats. */
export function addNoise(x: number, noise: number, count: number): void {
  wasm().f32_augment_add_noise(x, noise, count);
}

/** In place: fills each image's rectangle (rects) with its value. */
export function erase(x: number, rects: number, geometry: number): void {
  wasm().f32_erase(x, rects, geometry);
}

/** sin, cos, exp and log computed in wasm (the same bits in every runtime). */
export const wasmMath = {
  sin: (x: number): number => wasm().f64_augment_sin(x),
  cos: (x: number): number => wasm().f64_augment_cos(x),
  exp: (x: number): number => wasm().f64_augment_exp(x),
  log: (x: number): number => wasm().f64_augment_log(x),
};

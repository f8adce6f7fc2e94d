// The layout of assembly/geometry.ts's struct (byte offset of each field), read from the
// module's exported constants: the one source of truth is the AssemblyScript class.
import { CONSTANTS } from './exports.js';

/** Byte offset of each field of the windowed-op geometry struct. */
export const GEOMETRY_OFFSETS = {
  batch: CONSTANTS.GEOMETRY_BATCH,
  inH: CONSTANTS.GEOMETRY_IN_H,
  inW: CONSTANTS.GEOMETRY_IN_W,
  inC: CONSTANTS.GEOMETRY_IN_C,
  outH: CONSTANTS.GEOMETRY_OUT_H,
  outW: CONSTANTS.GEOMETRY_OUT_W,
  outC: CONSTANTS.GEOMETRY_OUT_C,
  kH: CONSTANTS.GEOMETRY_K_H,
  kW: CONSTANTS.GEOMETRY_K_W,
  strideH: CONSTANTS.GEOMETRY_STRIDE_H,
  strideW: CONSTANTS.GEOMETRY_STRIDE_W,
  dilationH: CONSTANTS.GEOMETRY_DILATION_H,
  dilationW: CONSTANTS.GEOMETRY_DILATION_W,
  padTop: CONSTANTS.GEOMETRY_PAD_TOP,
  padBottom: CONSTANTS.GEOMETRY_PAD_BOTTOM,
  padLeft: CONSTANTS.GEOMETRY_PAD_LEFT,
  padRight: CONSTANTS.GEOMETRY_PAD_RIGHT,
  depthMultiplier: CONSTANTS.GEOMETRY_DEPTH_MULTIPLIER,
} as const;

/** Bytes of the geometry struct. */
export const GEOMETRY_BYTES: number = CONSTANTS.GEOMETRY_BYTES;

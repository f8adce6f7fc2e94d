// Fill settings of the geometric augmentations and the geometry struct they pass to
// assembly/augment.ts (its layout and enum codes come from src/kernels/augment.ts).
import { f32, i32 } from '../backend/memory.js';
import { AUGMENT_GEOMETRY, FILL_MODE_CODES, INTERPOLATION_CODES } from '../kernels/augment.js';
import { ValueError } from '../core/errors.js';
import { checkOptions } from '../core/errors.js';

/** How points outside the input are filled (Keras's names): see `FillOptions`. */
export type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';
/** How the geometric augmentations sample between pixels. */
export type Interpolation = 'bilinear' | 'nearest';

const FILL_MODES: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];
const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];

/** Bytes of the geometry struct (the module's AUGMENT_GEOMETRY_BYTES). */
export const GEOMETRY_BYTES: number = AUGMENT_GEOMETRY.bytes;

/** A batch shape `[n, height, width, channels]`. */
export type ImageShape = readonly [number, number, number, number];

/** Boundary and sampling settings of a geometric augmentation. */
export interface FillOptions {
  /**
   * 'reflect' (d c b a | a b c d | d c b a, Keras's default), 'constant' (fillValue), 'wrap'
   * (a b c d | a b c d) or 'nearest' (a a | a b c d | d d). Applied per interpolation corner.
   */
  fillMode?: FillMode;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: Interpolation;
  /** The value outside the input for fillMode 'constant' (default 0). */
  fillValue?: number;
}

/** Validated fill settings. */
export interface Fill {
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
}

/** Validates fill options against defaults. */
export function resolveFill(options: FillOptions | undefined, defaults: Fill, who: string): Fill {
  if (options !== undefined) checkOptions(who, options);
  const fillMode = options?.fillMode ?? defaults.fillMode;
  const interpolation = options?.interpolation ?? defaults.interpolation;
  const fillValue = options?.fillValue ?? defaults.fillValue;
  if (!FILL_MODES.includes(fillMode)) throw new ValueError(`${who}: fillMode must be one of ${FILL_MODES.join(', ')}, got ${String(fillMode)}`);
  if (!INTERPOLATIONS.includes(interpolation)) throw new ValueError(`${who}: interpolation must be 'bilinear' or 'nearest', got ${String(interpolation)}`);
  if (!Number.isFinite(fillValue)) throw new ValueError(`${who}: fillValue must be a finite number, got ${fillValue}`);
  return { fillMode, interpolation, fillValue };
}

/** True if two fills sample identically (so their matrices may be composed). */
export function sameFill(a: Fill, b: Fill): boolean {
  return a.fillMode === b.fillMode && a.interpolation === b.interpolation && a.fillValue === b.fillValue;
}

/**
 * Writes the geometry struct at `ptr` (see assembly/augment.ts): input batch shape, output
 * height and width taken from `out` (a batch shape), fill settings and the clipping range.
 */
export function writeGeometry(ptr: number, shape: ImageShape, out: ImageShape = shape, fill?: Fill, valueRange?: readonly [number, number]): void {
  const ints = i32();
  const floats = f32();
  const g = AUGMENT_GEOMETRY;
  ints[(ptr + g.n) >>> 2] = shape[0];
  ints[(ptr + g.h) >>> 2] = shape[1];
  ints[(ptr + g.w) >>> 2] = shape[2];
  ints[(ptr + g.c) >>> 2] = shape[3];
  ints[(ptr + g.outH) >>> 2] = out[1];
  ints[(ptr + g.outW) >>> 2] = out[2];
  ints[(ptr + g.fillMode) >>> 2] = fill ? FILL_MODE_CODES[fill.fillMode] : 0;
  ints[(ptr + g.interpolation) >>> 2] = fill ? INTERPOLATION_CODES[fill.interpolation] : 0;
  floats[(ptr + g.fillValue) >>> 2] = fill ? fill.fillValue : 0;
  floats[(ptr + g.lo) >>> 2] = valueRange ? valueRange[0] : 0;
  floats[(ptr + g.hi) >>> 2] = valueRange ? valueRange[1] : 0;
}

export { wasmMath } from '../kernels/augment.js';

// Bindings of assembly/augment.ts: the geometry struct, the enums, and the wasm transcendentals
// used to draw parameters.
import { kernels } from '../backend/wasm.js';
import { f32, i32 } from '../backend/memory.js';
import { ValueError } from '../errors.js';
import { checkOptions } from '../errors.js';

/** How points outside the input are filled (Keras's names): see `FillOptions`. */
export type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';
/** How the geometric augmentations sample between pixels. */
export type Interpolation = 'bilinear' | 'nearest';

const FILL_MODES: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];
const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];

/** Bytes of the geometry struct (assembly/augment.ts AUGMENT_GEOMETRY_BYTES). */
export const GEOMETRY_BYTES = 48;

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
  const at = ptr >>> 2;
  ints[at] = shape[0];
  ints[at + 1] = shape[1];
  ints[at + 2] = shape[2];
  ints[at + 3] = shape[3];
  ints[at + 4] = out[1];
  ints[at + 5] = out[2];
  ints[at + 6] = fill ? FILL_MODES.indexOf(fill.fillMode) : 0;
  ints[at + 7] = fill ? INTERPOLATIONS.indexOf(fill.interpolation) : 0;
  floats[at + 8] = fill ? fill.fillValue : 0;
  floats[at + 9] = valueRange ? valueRange[0] : 0;
  floats[at + 10] = valueRange ? valueRange[1] : 0;
}

/** sin, cos, exp and log computed in wasm (deterministic in every runtime). */
export const wasmMath = {
  sin: (x: number): number => kernels().f64_augment_sin!(x),
  cos: (x: number): number => kernels().f64_augment_cos!(x),
  exp: (x: number): number => kernels().f64_augment_exp!(x),
  log: (x: number): number => kernels().f64_augment_log!(x),
};

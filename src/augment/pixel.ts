// Per-pixel augmentations, in place: flips, brightness, contrast, Gaussian noise, erasing.
import { brightness, addNoise, contrast, erase, flip } from '../kernels/augment.js';
import { f32, scratch } from '../backend/memory.js';
import { randomNormalPtr } from '../ops/random.js';
import { Rng } from '../random.js';
import { ValueError } from '../core/errors.js';
import { checkOptions } from '../core/errors.js';
import type { RandomSource } from '../data/random-source.js';
import { PixelAugmentation } from './augmentation.js';
import { interval, positiveInt, toRange, type Factor } from './factors.js';
import { wasmMath, type ImageShape } from './kernels.js';

/** Which axes `randomFlip` may mirror. */
export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

/** Mirrors each image left-right and/or top-bottom, each with probability 1/2 (Keras). */
export class RandomFlip extends PixelAugmentation {
  readonly name = 'randomFlip';
  readonly mode: FlipMode;

  constructor(mode: FlipMode = 'horizontal_and_vertical') {
    super();
    if (mode !== 'horizontal' && mode !== 'vertical' && mode !== 'horizontal_and_vertical') {
      throw new ValueError(`${this.name}: mode must be 'horizontal', 'vertical' or 'horizontal_and_vertical', got ${String(mode)}`);
    }
    this.mode = mode;
  }

  /** One float per image: bit 1 horizontal, bit 2 vertical. */
  paramsPerImage(): number {
    return 1;
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0];
    const horizontal = this.mode !== 'vertical';
    const vertical = this.mode !== 'horizontal';
    for (let i = 0; i < n; i++) {
      let flags = 0;
      if (horizontal && rng.uniform(0, 1) < 0.5) flags |= 1;
      if (vertical && rng.uniform(0, 1) < 0.5) flags |= 2;
      out[i] = flags;
    }
  }

  override checkParams(params: Float32Array): void {
    params.forEach((f, i) => {
      if (f !== 0 && f !== 1 && f !== 2 && f !== 3) throw new ValueError(`${this.name}.apply: flags of image ${i} is ${f}; expected 0, 1 (horizontal), 2 (vertical) or 3`);
    });
  }

  run(x: number, _shape: ImageShape, params: number, geometry: number): void {
    flip(x, params, geometry);
  }
}

/** Options of the value augmentations. */
export interface ValueRangeOptions {
  /** The images' value range; results are clipped to it (default [0, 1]). */
  valueRange?: readonly [number, number];
}

/** Adds `uniform(lo, hi) * (range width)` to each image, clipped to the value range (Keras). */
export class RandomBrightness extends PixelAugmentation {
  readonly name = 'randomBrightness';
  readonly range: [number, number];
  override readonly valueRange: readonly [number, number];

  constructor(factor: Factor, options: ValueRangeOptions = {}) {
    super();
    this.range = toRange(factor, this.name, 'factor', -1, 1);
    this.valueRange = interval(checkOptions(this.name, options).valueRange ?? [0, 1], this.name, 'valueRange', -Infinity, Infinity);
  }

  /** One float per image: the delta added. */
  paramsPerImage(): number {
    return 1;
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0];
    const span = this.valueRange[1] - this.valueRange[0];
    for (let i = 0; i < n; i++) out[i] = rng.uniform(this.range[0], this.range[1]) * span;
  }

  run(x: number, _shape: ImageShape, params: number, geometry: number): void {
    brightness(x, params, geometry);
  }
}

/**
 * Per image and channel: `(x - mean) * f + mean` with `f = uniform(1 - lower, 1 + upper)`,
 * clipped to the value range (Keras; computed as `x * f + mean * (1 - f)`, exact for f = 1).
 */
export class RandomContrast extends PixelAugmentation {
  readonly name = 'randomContrast';
  readonly range: [number, number];
  override readonly valueRange: readonly [number, number];

  constructor(factor: number | readonly [number, number], options: ValueRangeOptions = {}) {
    super();
    const [lower, upper] = typeof factor === 'number' ? [factor, factor] : factor;
    if (!(lower! >= 0 && lower! <= 1) || !(upper! >= 0) || !Number.isFinite(upper)) {
      throw new ValueError(`${this.name}: factor must be f or [lower, upper] with 0 <= lower <= 1 and upper >= 0, got ${JSON.stringify(factor)}`);
    }
    this.range = [1 - lower!, 1 + upper!];
    this.valueRange = interval(checkOptions(this.name, options).valueRange ?? [0, 1], this.name, 'valueRange', -Infinity, Infinity);
  }

  /** One float per image: the contrast factor. */
  paramsPerImage(): number {
    return 1;
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0];
    for (let i = 0; i < n; i++) out[i] = rng.uniform(this.range[0], this.range[1]);
  }

  run(x: number, _shape: ImageShape, params: number, geometry: number): void {
    contrast(x, params, geometry);
  }
}

/** Adds independent `normal(0, stddev)` noise to every value (Keras GaussianNoise; no clipping). */
export class GaussianNoise extends PixelAugmentation {
  readonly name = 'gaussianNoise';
  readonly stddev: number;

  constructor(stddev: number) {
    super();
    if (!(stddev >= 0) || !Number.isFinite(stddev)) throw new ValueError(`${this.name}: stddev must be a finite number >= 0, got ${stddev}`);
    this.stddev = stddev;
  }

  /** The noise itself: h * w * c floats per image. */
  paramsPerImage(shape: ImageShape): number {
    return shape[1] * shape[2] * shape[3];
  }

  /** With an `Rng`, the noise is the wasm normal fill (`ops.randomNormal`'s values), 4 per block. */
  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const count = shape[0] * this.paramsPerImage(shape);
    if (rng instanceof Rng) {
      // Runs every training step: the arena directly and a plain copy loop (no closure, no view).
      const arena = scratch();
      const mark = arena.mark();
      try {
        const ptr = arena.alloc(count * 4);
        randomNormalPtr(ptr, count, 0, this.stddev, rng);
        const view = f32();
        const at = ptr >>> 2;
        for (let k = 0; k < count; k++) out[k] = view[at + k]!;
      } finally {
        arena.reset(mark);
      }
      return;
    }
    for (let k = 0; k < count; k++) out[k] = rng.normal(0, this.stddev);
  }

  run(x: number, shape: ImageShape, params: number): void {
    addNoise(x, params, shape[0] * shape[1] * shape[2] * shape[3]);
  }
}

/** Options of `randomErasing`. */
export interface ErasingOptions {
  /** Probability that an image gets a rectangle (default 0.5). */
  probability?: number;
  /** Range of the rectangle's area as a fraction of the image (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of its aspect ratio height/width, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** The value written into the rectangle (default 0). */
  value?: number;
}

/** Base of the rectangle-erasing augmentations: parameters [top, left, height, width, value]. */
abstract class EraseAugmentation extends PixelAugmentation {
  /** Five floats per image: top, left, height, width, value (height 0: no erasing). */
  paramsPerImage(): number {
    return 5;
  }

  override checkParams(params: Float32Array, [, h, w]: ImageShape): void {
    super.checkParams(params, [0, h, w, 1]);
    for (let i = 0; i * 5 < params.length; i++) {
      const [top, left, rh, rw] = params.subarray(i * 5, i * 5 + 4) as unknown as [number, number, number, number];
      if (![top, left, rh, rw].every((v) => Number.isInteger(v) && v >= 0) || top + rh > h || left + rw > w) {
        throw new ValueError(`${this.name}.apply: rectangle of image ${i} [top ${top}, left ${left}, ${rh}x${rw}] must be whole pixels inside ${h}x${w}`);
      }
    }
  }

  run(x: number, _shape: ImageShape, params: number, geometry: number): void {
    erase(x, params, geometry);
  }
}

/** torchvision's RandomErasing: with `probability`, one rectangle of random area and aspect ratio. */
export class RandomErasing extends EraseAugmentation {
  readonly name = 'randomErasing';
  readonly probability: number;
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly value: number;

  constructor(options: ErasingOptions = {}) {
    super();
    this.probability = checkOptions(this.name, options).probability ?? 0.5;
    if (!(this.probability >= 0 && this.probability <= 1)) throw new ValueError(`${this.name}: probability must be in [0, 1], got ${this.probability}`);
    this.scale = interval(options.scale ?? [0.02, 0.33], this.name, 'scale', 0, 1);
    this.ratio = interval(options.ratio ?? [0.3, 3.3], this.name, 'ratio', Number.MIN_VALUE, Infinity);
    this.value = options.value ?? 0;
    if (!Number.isFinite(this.value)) throw new ValueError(`${this.name}: value must be finite, got ${this.value}`);
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0], h = shape[1], w = shape[2];
    const logLo = wasmMath.log(this.ratio[0]);
    const logHi = wasmMath.log(this.ratio[1]);
    for (let i = 0; i < n; i++) {
      out.fill(0, i * 5, i * 5 + 5);
      out[i * 5 + 4] = this.value;
      if (!(rng.uniform(0, 1) < this.probability)) continue;
      for (let attempt = 0; attempt < 10; attempt++) {
        const area = h * w * rng.uniform(this.scale[0], this.scale[1]);
        const aspect = wasmMath.exp(rng.uniform(logLo, logHi));
        const eh = Math.round(Math.sqrt(area * aspect));
        const ew = Math.round(Math.sqrt(area / aspect));
        if (eh < 1 || ew < 1 || eh >= h || ew >= w) continue;
        out[i * 5] = rng.int(h - eh + 1);
        out[i * 5 + 1] = rng.int(w - ew + 1);
        out[i * 5 + 2] = eh;
        out[i * 5 + 3] = ew;
        break;
      }
    }
  }
}

/** Cutout (DeVries and Taylor): a `height` x `width` square centred anywhere, clipped to the image. */
export class Cutout extends EraseAugmentation {
  readonly name = 'cutout';
  readonly height: number;
  readonly width: number;
  readonly value: number;

  constructor(height: number, width = height, options: { value?: number } = {}) {
    super();
    this.height = positiveInt(height, this.name, 'height');
    this.width = positiveInt(width, this.name, 'width');
    this.value = checkOptions(this.name, options).value ?? 0;
    if (!Number.isFinite(this.value)) throw new ValueError(`${this.name}: value must be finite, got ${this.value}`);
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0], h = shape[1], w = shape[2];
    for (let i = 0; i < n; i++) {
      const cy = rng.int(h);
      const cx = rng.int(w);
      const top = Math.max(0, cy - (this.height >> 1));
      const left = Math.max(0, cx - (this.width >> 1));
      out[i * 5] = top;
      out[i * 5 + 1] = left;
      out[i * 5 + 2] = Math.min(h, cy - (this.height >> 1) + this.height) - top;
      out[i * 5 + 3] = Math.min(w, cx - (this.width >> 1) + this.width) - left;
      out[i * 5 + 4] = this.value;
    }
  }
}

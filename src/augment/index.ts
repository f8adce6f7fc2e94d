// The `augment` namespace: seeded, batch-wise image augmentation running in wasm.
import { ValueError } from '../core/errors.js';
import { checkOptions } from '../core/errors.js';
import { type Tensor, expectRank } from '../core/tensor.js';
import { type RandomSource, resolveRng } from '../data/random-source.js';
import { StreamPurpose } from '../random.js';
import { Augmentation, Pipeline } from './augmentation.js';
import type { Factor } from './factors.js';
import {
  RandomCrop, RandomResizedCrop, RandomRotation, RandomShear, RandomTranslation, RandomZoom,
} from './geometric.js';
import type { FillOptions, Interpolation } from './kernels.js';
import {
  Cutout, GaussianNoise, RandomBrightness, RandomContrast, RandomErasing, RandomFlip,
  type ErasingOptions, type FlipMode, type ValueRangeOptions,
} from './pixel.js';

export { Augmentation, AffineAugmentation, PixelAugmentation, Pipeline } from './augmentation.js';
export {
  RandomCrop, RandomResizedCrop, RandomRotation, RandomShear, RandomTranslation, RandomZoom,
} from './geometric.js';
export { Cutout, GaussianNoise, RandomBrightness, RandomContrast, RandomErasing, RandomFlip } from './pixel.js';
export type { ErasingOptions, FlipMode, ValueRangeOptions } from './pixel.js';
export type { Fill, FillMode, FillOptions, Interpolation, ImageShape } from './kernels.js';
export type { Factor } from './factors.js';
export { previewPng, previewSvg, encodePng, type PreviewOptions } from './preview.js';

/** Mirrors images left-right and/or top-bottom with probability 1/2 each (default both). */
export function randomFlip(mode: FlipMode = 'horizontal_and_vertical'): RandomFlip {
  return new RandomFlip(mode);
}

/**
 * Rotates each image by `uniform(-f, f) * 2π` (or `[lo, hi] * 2π`) about its centre; positive
 * is counter-clockwise (Keras). Defaults: fillMode 'reflect', bilinear. The rotation matrix's
 * sin and cos are computed in wasm, so the same seed gives the same pixels in every runtime.
 */
export function randomRotation(factor: Factor, options?: FillOptions): RandomRotation {
  return new RandomRotation(factor, options);
}

/**
 * Zooms each image by `1 + uniform(-f, f)` about its centre: positive zooms out, negative in
 * (Keras). Without `widthFactor` the aspect ratio is kept.
 */
export function randomZoom(heightFactor: Factor, options: FillOptions & { widthFactor?: Factor } = {}): RandomZoom {
  return new RandomZoom(heightFactor, checkOptions('randomZoom', options).widthFactor, options);
}

/** Shifts each image by `uniform(-f, f)` of its height and width (Keras's RandomTranslation). */
export function randomTranslation(heightFactor: Factor, widthFactor: Factor, options?: FillOptions): RandomTranslation {
  return new RandomTranslation(heightFactor, widthFactor, options);
}

/** Shears each image about its centre by `uniform(-xFactor, xFactor)` (and `yFactor`). */
export function randomShear(xFactor: Factor, options: FillOptions & { yFactor?: Factor } = {}): RandomShear {
  return new RandomShear(xFactor, checkOptions('randomShear', options).yFactor ?? 0, options);
}

/** Crops a random `height` x `width` window, after optional zero `padding` on every side. */
export function randomCrop(height: number, width: number, options: FillOptions & { padding?: number } = {}): RandomCrop {
  return new RandomCrop(height, width, options);
}

/** torchvision's RandomResizedCrop to `height` x `width` (scale [0.08, 1], ratio [3/4, 4/3]). */
export function randomResizedCrop(
  height: number, width: number,
  options: { scale?: readonly [number, number]; ratio?: readonly [number, number]; interpolation?: Interpolation } = {},
): RandomResizedCrop {
  return new RandomResizedCrop(height, width, options);
}

/** Adds `normal(0, stddev)` noise to every value. */
export function gaussianNoise(stddev: number): GaussianNoise {
  return new GaussianNoise(stddev);
}

/** Adds `uniform(-f, f)` times the value range's width to each image, clipped (Keras). */
export function randomBrightness(factor: Factor, options?: ValueRangeOptions): RandomBrightness {
  return new RandomBrightness(factor, options);
}

/** Scales each channel's deviation from its mean by `uniform(1 - f, 1 + f)`, clipped (Keras). */
export function randomContrast(factor: number | readonly [number, number], options?: ValueRangeOptions): RandomContrast {
  return new RandomContrast(factor, options);
}

/** Erases one random rectangle per image with `probability` (torchvision's RandomErasing). */
export function randomErasing(options?: ErasingOptions): RandomErasing {
  return new RandomErasing(options);
}

/** Erases a `height` x `width` square centred at a random pixel (clipped to the image). */
export function cutout(height: number, width = height, options?: { value?: number }): Cutout {
  return new Cutout(height, width, options);
}

/** Applies augmentations in order; consecutive geometric steps become one warp per image. */
export function sequence(steps: readonly Augmentation[]): Pipeline {
  return new Pipeline(steps);
}

/**
 * Draws parameters and applies an augmentation or pipeline to a batch of images `[n, h, w, c]`,
 * returning a new tensor (for previews and for augmenting outside `fit`). Draws come from
 * `rng`, or from `new Rng(seed, streamId(StreamPurpose.augment))` (seed default 0): the same
 * seed gives the same pixels in every runtime.
 *
 * ```ts
 * const pipeline = augment.sequence([augment.randomFlip('horizontal'), augment.randomRotation(0.05)]);
 * const preview = augment.apply(pipeline, xTrain, { seed: 1 });
 * ```
 */
export function apply(augmentation: Augmentation | Pipeline, images: Tensor, options: { rng?: RandomSource; seed?: number } = {}): Tensor {
  const pipeline = augmentation instanceof Pipeline ? augmentation : augmentation instanceof Augmentation ? new Pipeline([augmentation]) : undefined;
  if (pipeline === undefined) throw new ValueError(`augment.apply: expected an augmentation or augment.sequence([...]), got ${typeof augmentation}`);
  const shape = expectRank(images, 4, 'augment.apply');
  return pipeline.apply(images, pipeline.sample(shape, resolveRng(checkOptions('augment.apply', options), 'augment.apply', StreamPurpose.augment)));
}

// Geometric augmentations (Keras semantics): each draws a per-image inverse affine matrix
// [a0, a1, a2, b0, b1, b2] mapping output pixel (x, y) to input point (a0 x + a1 y + a2,
// b0 x + b1 y + b2), pixel indices with centres at integers. The one affine-warp kernel runs
// them; sin/cos/exp/log for the matrices come from the wasm module (deterministic everywhere).
import { ShapeError, formatShape } from '../core/errors.js';
import { checkOptions } from '../core/errors.js';
import type { RandomSource } from '../data/random-source.js';
import { AffineAugmentation } from './augmentation.js';
import { interval, positiveInt, toRange, type Factor } from './factors.js';
import { resolveFill, wasmMath, type Fill, type FillOptions, type ImageShape } from './kernels.js';

const KERAS_FILL: Fill = { fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0 };

function setMatrix(out: Float32Array, i: number, a0: number, a1: number, a2: number, b0: number, b1: number, b2: number): void {
  const o = i * 6;
  out[o] = a0;
  out[o + 1] = a1;
  out[o + 2] = a2;
  out[o + 3] = b0;
  out[o + 4] = b1;
  out[o + 5] = b2;
}

/** Rotation by `uniform(lo, hi) * 2π` about the image centre (positive: counter-clockwise). */
export class RandomRotation extends AffineAugmentation {
  readonly name = 'randomRotation';
  readonly range: [number, number];
  readonly fill: Fill;

  constructor(factor: Factor, options?: FillOptions) {
    super();
    this.range = toRange(factor, this.name, 'factor');
    this.fill = resolveFill(options, KERAS_FILL, this.name);
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0], h = shape[1], w = shape[2];
    const lo = this.range[0], hi = this.range[1];
    for (let i = 0; i < n; i++) {
      const angle = rng.uniform(lo, hi) * 2 * Math.PI;
      const c = wasmMath.cos(angle);
      const s = wasmMath.sin(angle);
      const xOffset = (w - 1 - (c * (w - 1) - s * (h - 1))) / 2;
      const yOffset = (h - 1 - (s * (w - 1) + c * (h - 1))) / 2;
      setMatrix(out, i, c, -s, xOffset, s, c, yOffset);
    }
  }
}

/** Zoom about the centre by `1 + uniform(lo, hi)` (positive: zoom out, Keras's convention). */
export class RandomZoom extends AffineAugmentation {
  readonly name = 'randomZoom';
  readonly heightRange: [number, number];
  readonly widthRange: [number, number] | undefined;
  readonly fill: Fill;

  constructor(heightFactor: Factor, widthFactor?: Factor, options?: FillOptions) {
    super();
    this.heightRange = toRange(heightFactor, this.name, 'heightFactor', -0.999);
    this.widthRange = widthFactor === undefined ? undefined : toRange(widthFactor, this.name, 'widthFactor', -0.999);
    this.fill = resolveFill(options, KERAS_FILL, this.name);
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0], h = shape[1], w = shape[2];
    for (let i = 0; i < n; i++) {
      const zy = 1 + rng.uniform(this.heightRange[0], this.heightRange[1]);
      const zx = this.widthRange === undefined ? zy : 1 + rng.uniform(this.widthRange[0], this.widthRange[1]);
      setMatrix(out, i, zx, 0, ((w - 1) / 2) * (1 - zx), 0, zy, ((h - 1) / 2) * (1 - zy));
    }
  }
}

/** Shift by `uniform(lo, hi)` times the height and width (positive: down and right). */
export class RandomTranslation extends AffineAugmentation {
  readonly name = 'randomTranslation';
  readonly heightRange: [number, number];
  readonly widthRange: [number, number];
  readonly fill: Fill;

  constructor(heightFactor: Factor, widthFactor: Factor, options?: FillOptions) {
    super();
    this.heightRange = toRange(heightFactor, this.name, 'heightFactor', -1, 1);
    this.widthRange = toRange(widthFactor, this.name, 'widthFactor', -1, 1);
    this.fill = resolveFill(options, KERAS_FILL, this.name);
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0], h = shape[1], w = shape[2];
    for (let i = 0; i < n; i++) {
      const dy = rng.uniform(this.heightRange[0], this.heightRange[1]) * h;
      const dx = rng.uniform(this.widthRange[0], this.widthRange[1]) * w;
      setMatrix(out, i, 1, 0, -dx, 0, 1, -dy);
    }
  }
}

/** Shear about the centre: input x = x + kx (y - cy), input y = y + ky (x - cx). */
export class RandomShear extends AffineAugmentation {
  readonly name = 'randomShear';
  readonly xRange: [number, number];
  readonly yRange: [number, number];
  readonly fill: Fill;

  constructor(xFactor: Factor, yFactor: Factor = 0, options?: FillOptions) {
    super();
    this.xRange = toRange(xFactor, this.name, 'xFactor');
    this.yRange = toRange(yFactor, this.name, 'yFactor');
    this.fill = resolveFill(options, KERAS_FILL, this.name);
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0], h = shape[1], w = shape[2];
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    for (let i = 0; i < n; i++) {
      const kx = rng.uniform(this.xRange[0], this.xRange[1]);
      const ky = rng.uniform(this.yRange[0], this.yRange[1]);
      setMatrix(out, i, 1, kx, -kx * cy, ky, 1, -ky * cx);
    }
  }
}

/**
 * A random `height` x `width` window of the input, optionally zero-padded by `padding` pixels
 * on each side first (the CIFAR "pad 4, crop 32" recipe keeps the size, so it works in place).
 * Offsets are whole pixels, so values are copied exactly.
 */
export class RandomCrop extends AffineAugmentation {
  readonly name = 'randomCrop';
  readonly height: number;
  readonly width: number;
  readonly padding: number;
  readonly fill: Fill;

  constructor(height: number, width: number, options: FillOptions & { padding?: number } = {}) {
    super();
    this.height = positiveInt(height, this.name, 'height');
    this.width = positiveInt(width, this.name, 'width');
    this.padding = checkOptions(this.name, options).padding ?? 0;
    if (!Number.isSafeInteger(this.padding) || this.padding < 0) {
      throw new ShapeError(`${this.name}: padding must be an integer >= 0, got ${this.padding}`);
    }
    this.fill = resolveFill(options, { fillMode: 'constant', interpolation: 'bilinear', fillValue: 0 }, this.name);
  }

  override outputShape(shape: ImageShape): ImageShape {
    this.checkFits(shape);
    return [shape[0], this.height, this.width, shape[3]];
  }

  private checkFits(shape: ImageShape): void {
    const p = 2 * this.padding;
    if (this.height > shape[1] + p || this.width > shape[2] + p) {
      throw new ShapeError(`${this.name}: a ${this.height}x${this.width} crop does not fit images ${formatShape(shape)} with padding ${this.padding}`);
    }
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    this.checkFits(shape);
    const n = shape[0], h = shape[1], w = shape[2];
    const p = this.padding;
    for (let i = 0; i < n; i++) {
      const top = rng.int(h + 2 * p - this.height + 1);
      const left = rng.int(w + 2 * p - this.width + 1);
      setMatrix(out, i, 1, 0, left - p, 0, 1, top - p);
    }
  }
}

/**
 * torchvision's RandomResizedCrop: a window with area `uniform(scale)` of the image and aspect
 * ratio log-uniform in `ratio` (10 tries, then a centre crop), resized to `height` x `width`
 * with half-pixel centres.
 */
export class RandomResizedCrop extends AffineAugmentation {
  readonly name = 'randomResizedCrop';
  readonly height: number;
  readonly width: number;
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly fill: Fill;

  constructor(
    height: number, width: number,
    options: { scale?: readonly [number, number]; ratio?: readonly [number, number]; interpolation?: FillOptions['interpolation'] } = {},
  ) {
    super();
    this.height = positiveInt(height, this.name, 'height');
    this.width = positiveInt(width, this.name, 'width');
    this.scale = interval(checkOptions(this.name, options).scale ?? [0.08, 1], this.name, 'scale', Number.MIN_VALUE, 1);
    this.ratio = interval(options.ratio ?? [3 / 4, 4 / 3], this.name, 'ratio', Number.MIN_VALUE, Infinity);
    this.fill = resolveFill({ fillMode: 'nearest', interpolation: options.interpolation }, KERAS_FILL, this.name);
  }

  override outputShape([n, , , c]: ImageShape): ImageShape {
    return [n, this.height, this.width, c];
  }

  sampleInto(shape: ImageShape, rng: RandomSource, out: Float32Array): void {
    const n = shape[0], h = shape[1], w = shape[2];
    const area = h * w;
    const logLo = wasmMath.log(this.ratio[0]);
    const logHi = wasmMath.log(this.ratio[1]);
    for (let i = 0; i < n; i++) {
      let top = -1, left = 0, ch = 0, cw = 0;
      for (let attempt = 0; attempt < 10 && top < 0; attempt++) {
        const target = area * rng.uniform(this.scale[0], this.scale[1]);
        const aspect = wasmMath.exp(rng.uniform(logLo, logHi));
        cw = Math.round(Math.sqrt(target * aspect));
        ch = Math.round(Math.sqrt(target / aspect));
        if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
          top = rng.int(h - ch + 1);
          left = rng.int(w - cw + 1);
        }
      }
      if (top < 0) {
        // torchvision's fallback: the largest centred window whose aspect ratio is within `ratio`.
        cw = w;
        ch = h;
        if (w / h < this.ratio[0]) ch = Math.round(w / this.ratio[0]);
        else if (w / h > this.ratio[1]) cw = Math.round(h * this.ratio[1]);
        top = Math.floor((h - ch) / 2);
        left = Math.floor((w - cw) / 2);
      }
      const sx = cw / this.width;
      const sy = ch / this.height;
      setMatrix(out, i, sx, 0, left + 0.5 * sx - 0.5, 0, sy, top + 0.5 * sy - 0.5);
    }
  }
}

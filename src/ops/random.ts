// Random fills, dropout and Gaussian noise: the bindings of assembly/random.ts.
//
// Pointer level (what layers call; offsets are bytes in wasm memory, n counts floats): every
// call takes an `Rng` and passes the kernel its seed as the Philox key (rng.seedLo, rng.seedHi),
// its stream (rng.stream) and a block counter reserved with `rng.reserve(ceil(n / 4))`, split
// into (counter % 2^32, floor(counter / 2^32)). So consecutive calls on one Rng never reuse a
// draw, and the values depend only on (seed, stream, how much was drawn before on it). Nothing
// is allocated per call.
//
// Tensor level (`ops.randomUniform`, `ops.dropout`, ...): validated, copies in and out.
import { ValueError, checkOptions, showValue } from '../core/errors.js';
import {
  dropoutBackward, dropoutForward, gaussianNoiseBackward, gaussianNoiseForward, randomNormal as randomNormalKernel,
  randomTruncatedNormal, randomUniform as randomUniformKernel,
} from '../kernels/random.js';
import { checkFloats } from '../kernels/bounds.js';
import { readF32, withScratch, writeF32 } from '../backend/memory.js';
import { Rng } from '../random.js';
import { Tensor, checkShape, sizeOf, type Shape } from '../core/tensor.js';

const TWO32 = 4294967296;

/** Blocks of four draws covering n floats: ceil(n / 4) without a fractional intermediate (n < 2^32). */
function blocksOf(n: number): number {
  return (n + 3 - ((n + 3) % 4)) / 4;
}

/** Low 32 bits of a block counter (plain integer arithmetic: no fraction is ever formed). */
function counterLo(c: number): number {
  return c < TWO32 ? c : c % TWO32;
}

/** High bits of a block counter: floor(c / 2^32), 0 (no division) below 2^32. */
function counterHi(c: number): number {
  return c < TWO32 ? 0 : (c - (c % TWO32)) / TWO32;
}

/** dst[0..n) = uniform floats in [lo, hi) (f32: may round up to hi) from `rng`. */
export function randomUniformPtr(dst: number, n: number, lo: number, hi: number, rng: Rng): void {
  const c = rng.reserve(blocksOf(n));
  checkFloats('randomUniformPtr', 'dst', dst, n);
  randomUniformKernel(dst, n, lo, hi, rng.seedLo, rng.seedHi, rng.stream, counterLo(c), counterHi(c));
}

/** dst[0..n) = mean + std * z with z standard normal (Box-Muller) from `rng`. */
export function randomNormalPtr(dst: number, n: number, mean: number, std: number, rng: Rng): void {
  const c = rng.reserve(blocksOf(n));
  checkFloats('randomNormalPtr', 'dst', dst, n);
  randomNormalKernel(dst, n, mean, std, rng.seedLo, rng.seedHi, rng.stream, counterLo(c), counterHi(c));
}

/** Like randomNormalPtr, but draws beyond 2 std are redrawn (Keras `TruncatedNormal`). */
export function truncatedNormalPtr(dst: number, n: number, mean: number, std: number, rng: Rng): void {
  const c = rng.reserve(blocksOf(n));
  checkFloats('truncatedNormalPtr', 'dst', dst, n);
  randomTruncatedNormal(dst, n, mean, std, rng.seedLo, rng.seedHi, rng.stream, counterLo(c), counterHi(c));
}

/** Pointer-level inverted dropout, training mode (see `dropoutForwardPtr`). */
export interface DropoutForwardCall {
  /** Output, n floats; may be the same buffer as x. */
  y: number;
  /** Saved for backward: n floats, each 0 or 1 / (1 - rate). */
  mask: number;
  x: number;
  n: number;
  /** Fraction dropped, in [0, 1). */
  rate: number;
  rng: Rng;
}

/**
 * Inverted dropout in training: y = x * mask with mask[i] = 0 (probability `rate`) or
 * 1 / (1 - rate). In inference dropout is the identity: do not call this.
 */
export function dropoutForwardPtr(call: DropoutForwardCall): void {
  const { rng, n } = call;
  const c = rng.reserve(blocksOf(n));
  checkFloats('dropoutForwardPtr', 'y', call.y, n);
  checkFloats('dropoutForwardPtr', 'mask', call.mask, n);
  checkFloats('dropoutForwardPtr', 'x', call.x, n);
  dropoutForward(call.y, call.mask, call.x, n, call.rate, rng.seedLo, rng.seedHi, rng.stream, counterLo(c), counterHi(c));
}

/** Pointer-level dropout backward: dx += dy * mask. */
export interface DropoutBackwardCall {
  dx: number;
  dy: number;
  mask: number;
  n: number;
}

/** Dropout backward, accumulating: dx[i] += dy[i] * mask[i]. */
export function dropoutBackwardPtr(call: DropoutBackwardCall): void {
  checkFloats('dropoutBackwardPtr', 'dx', call.dx, call.n);
  checkFloats('dropoutBackwardPtr', 'dy', call.dy, call.n);
  checkFloats('dropoutBackwardPtr', 'mask', call.mask, call.n);
  dropoutBackward(call.dx, call.dy, call.mask, call.n);
}

/** Pointer-level Gaussian noise, training mode: y = x + stddev * z. */
export interface GaussianNoiseForwardCall {
  /** Output, n floats; may be the same buffer as x. */
  y: number;
  x: number;
  n: number;
  stddev: number;
  rng: Rng;
}

/** Gaussian noise in training (Keras `GaussianNoise`); in inference it is the identity. */
export function gaussianNoiseForwardPtr(call: GaussianNoiseForwardCall): void {
  const { rng, n } = call;
  const c = rng.reserve(blocksOf(n));
  checkFloats('gaussianNoiseForwardPtr', 'y', call.y, n);
  checkFloats('gaussianNoiseForwardPtr', 'x', call.x, n);
  gaussianNoiseForward(call.y, call.x, n, call.stddev, rng.seedLo, rng.seedHi, rng.stream, counterLo(c), counterHi(c));
}

/** Gaussian noise backward, accumulating: dx += dy. */
export function gaussianNoiseBackwardPtr(call: { dx: number; dy: number; n: number }): void {
  checkFloats('gaussianNoiseBackwardPtr', 'dx', call.dx, call.n);
  checkFloats('gaussianNoiseBackwardPtr', 'dy', call.dy, call.n);
  gaussianNoiseBackward(call.dx, call.dy, call.n);
}

/** Where the draws of a tensor-level random op come from. */
export interface RandomOptions {
  /** Seed of a fresh generator (stream 0). */
  seed?: number;
  /** A generator to draw from (advanced by the call); wins over `seed`. */
  rng?: Rng;
}

/** Options of `ops.dropout`. */
export interface DropoutOptions extends RandomOptions {
  /** Training mode drops; inference (`false`) is the identity. Default true. */
  training?: boolean;
}

let defaultRng: Rng | undefined;

/** The option keys of the random ops (dropout and gaussianNoise add training). */
const RANDOM_KEYS = ['seed', 'rng'];
const DROPOUT_KEYS = [...RANDOM_KEYS, 'training'];

/** The generator of a tensor-level call: options.rng, a new Rng(options.seed), or a process-wide Rng(0). */
function rngOf(options: RandomOptions, who: string, accepted = RANDOM_KEYS): Rng {
  checkOptions(who, options, 'options', accepted);
  if (options.rng !== undefined) {
    if (!(options.rng instanceof Rng)) throw new ValueError(`${who}: options.rng must be an Rng, got ${typeof options.rng}`);
    return options.rng;
  }
  if (options.seed !== undefined) {
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
      throw new ValueError(`${who}: options.seed must be an integer in [0, 2^53), got ${showValue(options.seed)}`);
    }
    return new Rng(options.seed);
  }
  defaultRng ??= new Rng(0);
  return defaultRng;
}

/** options.training (default true); anything but a boolean is an error. */
function training(options: DropoutOptions, who: string): boolean {
  const t = options.training ?? true;
  if (typeof t !== 'boolean') throw new ValueError(`${who}: options.training must be true or false, got ${String(t)}`);
  return t;
}

function expectTensor(x: unknown, who: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${who}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  return x;
}

function expectFinite(v: unknown, who: string, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${who}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** Runs a kernel on a scratch copy of `x.data` (in place) and returns the result as a new tensor. */
function mapInScratch(x: Tensor, extraFloats: number, fn: (ptr: number, extra: number) => void): Tensor {
  const out = new Float32Array(x.size);
  withScratch((alloc) => {
    const ptr = alloc(x.size * 4);
    const extra = alloc(extraFloats * 4);
    writeF32(ptr, x.data);
    fn(ptr, extra);
    readF32(ptr, x.size, out);
  });
  return new Tensor(out, x.shape);
}

/**
 * Inverted dropout (Keras `Dropout`): in training each value is zeroed with probability `rate`
 * and the others are scaled by 1 / (1 - rate); with `training: false` it returns x unchanged.
 * Draws come from `options.rng`, a fresh `Rng(options.seed)`, or a process-wide generator seeded 0.
 */
export function dropout(x: Tensor, rate: number, options: DropoutOptions = {}): Tensor {
  expectTensor(x, 'dropout');
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new ValueError(`dropout: rate must be a number in [0, 1), got ${String(rate)}`);
  }
  const rng = rngOf(options, 'dropout', DROPOUT_KEYS);
  if (!training(options, 'dropout')) return new Tensor(x.data.slice(), x.shape);
  return mapInScratch(x, x.size, (ptr, mask) => dropoutForwardPtr({ y: ptr, mask, x: ptr, n: x.size, rate, rng }));
}

function randomTensor(shape: Shape, who: string, fill: (ptr: number, n: number) => void): Tensor {
  checkShape(shape, who);
  const n = sizeOf(shape);
  const out = new Float32Array(n);
  withScratch((alloc) => {
    const ptr = alloc(n * 4);
    fill(ptr, n);
    readF32(ptr, n, out);
  }, who);
  return new Tensor(out, shape);
}

/** A tensor of uniform values in [minval, maxval) (defaults 0 and 1), like `tf.random.uniform`. */
export function randomUniform(shape: Shape, minval = 0, maxval = 1, options: RandomOptions = {}): Tensor {
  expectFinite(minval, 'randomUniform', 'minval');
  expectFinite(maxval, 'randomUniform', 'maxval');
  if (!(maxval >= minval)) throw new ValueError(`randomUniform: maxval (${maxval}) must be >= minval (${minval})`);
  const rng = rngOf(options, 'randomUniform');
  return randomTensor(shape, 'randomUniform', (ptr, n) => randomUniformPtr(ptr, n, minval, maxval, rng));
}

/** A tensor of normal values (defaults mean 0, stddev 1), like `tf.random.normal`. */
export function randomNormal(shape: Shape, mean = 0, stddev = 1, options: RandomOptions = {}): Tensor {
  expectFinite(mean, 'randomNormal', 'mean');
  expectFinite(stddev, 'randomNormal', 'stddev');
  if (stddev < 0) throw new ValueError(`randomNormal: stddev must be >= 0, got ${stddev}`);
  const rng = rngOf(options, 'randomNormal');
  return randomTensor(shape, 'randomNormal', (ptr, n) => randomNormalPtr(ptr, n, mean, stddev, rng));
}

/** Normal values redrawn beyond 2 standard deviations, like `tf.random.truncated_normal`. */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1, options: RandomOptions = {}): Tensor {
  expectFinite(mean, 'truncatedNormal', 'mean');
  expectFinite(stddev, 'truncatedNormal', 'stddev');
  if (stddev < 0) throw new ValueError(`truncatedNormal: stddev must be >= 0, got ${stddev}`);
  const rng = rngOf(options, 'truncatedNormal');
  return randomTensor(shape, 'truncatedNormal', (ptr, n) => truncatedNormalPtr(ptr, n, mean, stddev, rng));
}

/**
 * Additive Gaussian noise (Keras `GaussianNoise`): x + N(0, stddev) in training, x unchanged
 * with `training: false`.
 */
export function gaussianNoise(x: Tensor, stddev: number, options: DropoutOptions = {}): Tensor {
  expectTensor(x, 'gaussianNoise');
  if (typeof stddev !== 'number' || !(stddev >= 0) || !Number.isFinite(stddev)) {
    throw new ValueError(`gaussianNoise: stddev must be a finite number >= 0, got ${String(stddev)}`);
  }
  const rng = rngOf(options, 'gaussianNoise', DROPOUT_KEYS);
  if (!training(options, 'gaussianNoise')) return new Tensor(x.data.slice(), x.shape);
  return mapInScratch(x, 0, (ptr) => gaussianNoiseForwardPtr({ y: ptr, x: ptr, n: x.size, stddev, rng }));
}

// Weight initialisers (Keras's names, defaults and formulas). Random ones fill wasm memory from the
// seeded generator of the layer being built (one stream per layer, derived from the model seed),
// so the same seed gives the same weights in every runtime.
import { readF32, writeF32 } from './backend/memory.js';
import { fill } from './kernels/memory.js';
import { ValueError, formatShape } from './core/errors.js';
import { sizeOf, type Shape } from './core/tensor.js';
import type { Rng } from './random.js';
import { randomNormalPtr, randomUniformPtr, truncatedNormalPtr } from './ops/random.js';

/** Fills a weight buffer of `shape` at byte offset `ptr`. */
export interface Initializer {
  /** Registered name, e.g. `'glorotUniform'`. */
  readonly name: string;
  getConfig(): Record<string, unknown>;
  fill(ptr: number, shape: Shape, rng: Rng): void;
}

/** Keras's fan computation: dense [in, out]; conv [..., in, out] times the receptive field. */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 1) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

function positive(who: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`initializers.${who}: ${key} must be a positive number, got ${String(v)}`);
  return v;
}

function finite(who: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`initializers.${who}: ${key} must be a finite number, got ${String(v)}`);
  return v;
}

class Constant implements Initializer {
  constructor(
    readonly name: string,
    private readonly value: number,
  ) {}
  getConfig(): Record<string, unknown> {
    return this.name === 'constant' ? { value: this.value } : {};
  }
  fill(ptr: number, shape: Shape): void {
    fill(ptr, this.value, sizeOf(shape));
  }
}

class RandomUniform implements Initializer {
  readonly name = 'randomUniform';
  constructor(private readonly config: { minval: number; maxval: number }) {
    finite('randomUniform', 'minval', config.minval);
    finite('randomUniform', 'maxval', config.maxval);
    if (config.maxval < config.minval) throw new ValueError(`initializers.randomUniform: maxval ${config.maxval} < minval ${config.minval}`);
  }
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }
  fill(ptr: number, shape: Shape, rng: Rng): void {
    randomUniformPtr(ptr, sizeOf(shape), this.config.minval, this.config.maxval, rng);
  }
}

class RandomNormal implements Initializer {
  constructor(
    readonly name: 'randomNormal' | 'truncatedNormal',
    private readonly config: { mean: number; stddev: number },
  ) {
    finite(name, 'mean', config.mean);
    positive(name, 'stddev', config.stddev);
  }
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }
  fill(ptr: number, shape: Shape, rng: Rng): void {
    const draw = this.name === 'truncatedNormal' ? truncatedNormalPtr : randomNormalPtr;
    draw(ptr, sizeOf(shape), this.config.mean, this.config.stddev, rng);
  }
}

/** Which fan `varianceScaling` divides by. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** The distribution `varianceScaling` draws from. */
export type Distribution = 'uniform' | 'truncatedNormal' | 'untruncatedNormal';

/** Stddev of a standard normal truncated to [-2, 2] (Keras divides by it). */
const TRUNCATED_STDDEV = 0.87962566103423978;

/** Keras's VarianceScaling: glorot*, he*, lecun* are presets of it. */
class VarianceScaling implements Initializer {
  constructor(
    readonly name: string,
    private readonly config: { scale: number; mode: FanMode; distribution: Distribution },
  ) {
    positive(name, 'scale', config.scale);
    if (!['fanIn', 'fanOut', 'fanAvg'].includes(config.mode)) throw new ValueError(`initializers.${name}: mode must be fanIn, fanOut or fanAvg, got ${String(config.mode)}`);
    if (!['uniform', 'truncatedNormal', 'untruncatedNormal'].includes(config.distribution)) {
      throw new ValueError(`initializers.${name}: distribution must be uniform, truncatedNormal or untruncatedNormal, got ${String(config.distribution)}`);
    }
  }
  getConfig(): Record<string, unknown> {
    return this.name === 'varianceScaling' ? { ...this.config } : {};
  }
  fill(ptr: number, shape: Shape, rng: Rng): void {
    const { fanIn, fanOut } = computeFans(shape);
    const fan = this.config.mode === 'fanIn' ? fanIn : this.config.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.config.scale / Math.max(1, fan);
    const n = sizeOf(shape);
    if (this.config.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      randomUniformPtr(ptr, n, -limit, limit, rng);
    } else if (this.config.distribution === 'truncatedNormal') {
      truncatedNormalPtr(ptr, n, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, rng);
    } else {
      randomNormalPtr(ptr, n, 0, Math.sqrt(variance), rng);
    }
  }
}

/**
 * Keras's Orthogonal: a (rows x cols) matrix with orthonormal rows or columns (rows = all but the
 * last axis), from a QR decomposition (modified Gram-Schmidt, in f64) of a normal draw, with the
 * signs fixed by R's diagonal. Runs once per weight, so plain TS is fine.
 */
class Orthogonal implements Initializer {
  readonly name = 'orthogonal';
  constructor(private readonly config: { gain: number }) {
    finite('orthogonal', 'gain', config.gain);
  }
  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }
  fill(ptr: number, shape: Shape, rng: Rng): void {
    if (shape.length < 2) throw new ValueError(`initializers.orthogonal: needs a weight of rank >= 2, got ${formatShape(shape)}`);
    const cols = shape[shape.length - 1]!;
    const rows = sizeOf(shape) / cols;
    // Orthonormalise the columns of a tall (m x n, m >= n) matrix; transpose back if wide.
    const [m, n] = rows >= cols ? [rows, cols] : [cols, rows];
    randomNormalPtr(ptr, m * n, 0, 1, rng);
    const a = Float64Array.from(readF32(ptr, m * n)); // m x n, row-major
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += a[i * n + p]! * a[i * n + j]!;
        for (let i = 0; i < m; i++) a[i * n + j]! -= dot * a[i * n + p]!;
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += a[i * n + j]! * a[i * n + j]!;
      norm = Math.sqrt(norm);
      // R's diagonal is positive with Gram-Schmidt, which is the sign Keras's fix-up produces.
      for (let i = 0; i < m; i++) a[i * n + j] = norm > 0 ? a[i * n + j]! / norm : 0;
    }
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = this.config.gain * a[i * n + j]!;
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v;
      }
    }
    writeF32(ptr, out);
  }
}

type Opts = Record<string, unknown>;
const num = (o: Opts, key: string, dflt: number): number => (o[key] === undefined ? dflt : (o[key] as number));

/** All zeros (Keras's default bias initialiser). */
export const zeros = (): Initializer => new Constant('zeros', 0);
/** All ones. */
export const ones = (): Initializer => new Constant('ones', 1);
/** Every value `value` (default 0). */
export const constant = (o: { value?: number } = {}): Initializer => new Constant('constant', finite('constant', 'value', o.value ?? 0));
/** Uniform in [minval, maxval) (defaults -0.05, 0.05). */
export const randomUniform = (o: { minval?: number; maxval?: number } = {}): Initializer =>
  new RandomUniform({ minval: num(o, 'minval', -0.05), maxval: num(o, 'maxval', 0.05) });
/** Normal(mean, stddev) (defaults 0, 0.05). */
export const randomNormal = (o: { mean?: number; stddev?: number } = {}): Initializer =>
  new RandomNormal('randomNormal', { mean: num(o, 'mean', 0), stddev: num(o, 'stddev', 0.05) });
/** Normal(mean, stddev) redrawn outside two standard deviations (defaults 0, 0.05). */
export const truncatedNormal = (o: { mean?: number; stddev?: number } = {}): Initializer =>
  new RandomNormal('truncatedNormal', { mean: num(o, 'mean', 0), stddev: num(o, 'stddev', 0.05) });
/** Keras's VarianceScaling (scale 1, mode fanIn, distribution truncatedNormal by default). */
export const varianceScaling = (o: { scale?: number; mode?: FanMode; distribution?: Distribution } = {}): Initializer =>
  new VarianceScaling('varianceScaling', { scale: num(o, 'scale', 1), mode: o.mode ?? 'fanIn', distribution: o.distribution ?? 'truncatedNormal' });
/** Uniform in ±sqrt(6 / (fanIn + fanOut)) (Keras's default kernel initialiser). */
export const glorotUniform = (): Initializer => new VarianceScaling('glorotUniform', { scale: 1, mode: 'fanAvg', distribution: 'uniform' });
/** Truncated normal with stddev sqrt(2 / (fanIn + fanOut)). */
export const glorotNormal = (): Initializer => new VarianceScaling('glorotNormal', { scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' });
/** Uniform in ±sqrt(6 / fanIn). */
export const heUniform = (): Initializer => new VarianceScaling('heUniform', { scale: 2, mode: 'fanIn', distribution: 'uniform' });
/** Truncated normal with stddev sqrt(2 / fanIn). */
export const heNormal = (): Initializer => new VarianceScaling('heNormal', { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' });
/** Uniform in ±sqrt(3 / fanIn). */
export const lecunUniform = (): Initializer => new VarianceScaling('lecunUniform', { scale: 1, mode: 'fanIn', distribution: 'uniform' });
/** Truncated normal with stddev sqrt(1 / fanIn). */
export const lecunNormal = (): Initializer => new VarianceScaling('lecunNormal', { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });
/** A (scaled by `gain`) orthogonal matrix over (all but the last axis) x (last axis). */
export const orthogonal = (o: { gain?: number } = {}): Initializer => new Orthogonal({ gain: num(o, 'gain', 1) });

const REGISTRY: Record<string, (config: Opts) => Initializer> = {
  zeros,
  ones,
  constant,
  randomUniform,
  randomNormal,
  truncatedNormal,
  varianceScaling,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  lecunUniform,
  lecunNormal,
  orthogonal,
};

/** An initializer object, a registered name, or a saved `{ name, config }`. */
export type InitializerLike = Initializer | string | { name: string; config?: Record<string, unknown> };

/** Resolves an initializer object, name or `{ name, config }`; unknown names list the valid ones. */
export function getInitializer(spec: InitializerLike, who = 'initializers.get'): Initializer {
  if (typeof spec === 'object' && spec !== null && typeof (spec as Initializer).fill === 'function') return spec as Initializer;
  const name = typeof spec === 'string' ? spec : (spec as { name?: unknown } | null)?.name;
  const make = typeof name === 'string' && Object.hasOwn(REGISTRY, name) ? REGISTRY[name] : undefined;
  if (make === undefined) {
    throw new ValueError(`${who}: unknown initializer ${JSON.stringify(name ?? spec)}; valid names: ${Object.keys(REGISTRY).join(', ')}`);
  }
  return make(typeof spec === 'string' ? {} : ((spec as { config?: Opts }).config ?? {}));
}

/** Saved form of an initializer. */
export function serializeInitializer(init: Initializer): { name: string; config: Record<string, unknown> } {
  return { name: init.name, config: init.getConfig() };
}

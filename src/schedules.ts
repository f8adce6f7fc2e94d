// Learning-rate schedules: functions of the optimizer step (`iterations`, 0 for the first update,
// as in Keras), usable as the `learningRate` of any optimizer. A schedule made here is a plain
// function `(step) => lr` that also carries `className` and `config`, so an optimizer's
// `getConfig()` stays serialisable and `schedules.deserialize` rebuilds it.
//
// Formulas are Keras 3's (keras.optimizers.schedules), evaluated in f64. cos, pow and log come
// from the library's deterministic scalar math (src/core/math.ts: only correctly rounded
// IEEE operations), not the host's Math.cos/pow, so a schedule gives the same bits in every
// runtime; they agree with Math.* to about 1e-15 relative.
import { ValueError } from './core/errors.js';
import { flag, given, optionsSchema } from './core/options.js';
import { cos, log, pow, powInt } from './core/math.js';

/** A learning rate as a function of the 0-based optimizer step. */
export type LearningRateFn = (step: number) => number;

/** A schedule from `schedules.*`: callable, with its name and constructor options. */
export type Schedule = LearningRateFn & { readonly className: string; readonly config: Readonly<Record<string, unknown>> };

/** The saved form of a schedule (what `getConfig()` holds). */
export interface SerializedSchedule {
  className: string;
  config: Record<string, unknown>;
}

/** What an optimizer's `learningRate` option accepts. */
export type LearningRate = number | LearningRateFn | Schedule | SerializedSchedule;

/** True for the saved form of a schedule. */
export function isSerialized(value: unknown): value is SerializedSchedule {
  return typeof value === 'object' && value !== null && typeof (value as SerializedSchedule).className === 'string';
}

/** The saved form of a learning rate: `{ className, config }` for schedules, else the value itself. */
export function serialize(lr: LearningRate): unknown {
  if (typeof lr === 'function' && typeof (lr as Schedule).className === 'string') {
    const s = lr as Schedule;
    return { className: s.className, config: { ...s.config } };
  }
  return isSerialized(lr) ? { className: lr.className, config: { ...lr.config } } : lr;
}


/** Rebuilds a schedule from its saved form `{ className, config }`. */
export function deserialize(saved: SerializedSchedule): Schedule {
  if (!isSerialized(saved)) {
    throw new ValueError(`schedules.deserialize: expected { className, config }, got ${saved === null || typeof saved !== 'object' ? String(saved) : JSON.stringify(saved)}`);
  }
  // Own keys only: 'toString' or 'constructor' must not reach Object.prototype.
  if (!Object.hasOwn(REGISTRY, saved.className)) {
    throw new ValueError(`schedules.deserialize: unknown schedule '${saved.className}'; known: ${Object.keys(REGISTRY).join(', ')}`);
  }
  return REGISTRY[saved.className]!(saved.config as never);
}

function make<C extends object>(className: string, config: C, fn: LearningRateFn): Schedule {
  return Object.assign((step: number) => fn(step), { className, config: Object.freeze({ ...config }) }) as Schedule;
}


function positive(who: string, name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (allowZero ? v < 0 : v <= 0)) {
    throw new ValueError(`schedules.${who}: ${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(v)}`);
  }
  return v;
}

function inUnit(who: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValueError(`schedules.${who}: ${name} must be in [0, 1], got ${String(v)}`);
  return v;
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole intervals of decaySteps. Default false. */
  staircase?: boolean;
}

// Numbers are checked below with the schedule's own ranges; the schema rejects unknown keys and non-booleans.
const exponentialDecaySchema = optionsSchema<ExponentialDecayOptions>()({ initialLearningRate: given<number>(), decaySteps: given<number>(), decayRate: given<number>(), staircase: flag(false) });

/** `initialLearningRate · decayRate^(step / decaySteps)` (the exponent floored with staircase). */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const who = 'exponentialDecay';
  const o = exponentialDecaySchema.parse(`schedules.${who}`, options);
  const initial = positive(who, 'initialLearningRate', o.initialLearningRate, true);
  const decaySteps = positive(who, 'decaySteps', o.decaySteps);
  const decayRate = positive(who, 'decayRate', o.decayRate);
  const staircase = o.staircase;
  return make(who, { initialLearningRate: initial, decaySteps, decayRate, staircase }, (step) =>
    staircase ? initial * powInt(decayRate, Math.floor(step / decaySteps)) : initial * pow(decayRate, step / decaySteps),
  );
}

/** Options of {@link stepDecay}. */
export interface StepDecayOptions {
  /** Increasing steps where the value changes. */
  boundaries: number[];
  /** One more value than boundaries. */
  values: number[];
}

/**
 * Piecewise constant (Keras's PiecewiseConstantDecay): `values[0]` while step <= boundaries[0],
 * `values[i]` while boundaries[i-1] < step <= boundaries[i], the last value after the last boundary.
 */
const stepDecaySchema = optionsSchema<StepDecayOptions>()({ boundaries: given<number[]>(), values: given<number[]>() });

export function stepDecay(options: StepDecayOptions): Schedule {
  const { boundaries, values } = stepDecaySchema.parse('schedules.stepDecay', options);
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
    throw new ValueError(`schedules.stepDecay: expected values to have one more entry than boundaries, got ${String(boundaries?.length)} boundaries and ${String(values?.length)} values`);
  }
  boundaries.forEach((b, i) => {
    if (!Number.isFinite(b) || (i > 0 && !(b > boundaries[i - 1]!))) throw new ValueError(`schedules.stepDecay: boundaries must be finite and increasing, got [${boundaries.join(', ')}]`);
  });
  values.forEach((v) => positive('stepDecay', 'every value', v, true));
  const b = [...boundaries];
  const v = [...values];
  return make('stepDecay', { boundaries: b, values: v }, (step) => {
    let i = 0;
    while (i < b.length && step > b[i]!) i++;
    return v[i]!;
  });
}

/** Options of {@link polynomialDecay}. */
export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Default 1e-4. */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Restart after decaySteps with a longer period instead of staying at the end rate. Default false. */
  cycle?: boolean;
}

const polynomialDecaySchema = optionsSchema<PolynomialDecayOptions>()({ initialLearningRate: given<number>(), decaySteps: given<number>(), endLearningRate: given<number>(), power: given<number>(), cycle: flag(false) });

/** `(initial - end) · (1 - step / decaySteps)^power + end`, step clamped to decaySteps (Keras). */
export function polynomialDecay(options: PolynomialDecayOptions): Schedule {
  const who = 'polynomialDecay';
  const o = polynomialDecaySchema.parse(`schedules.${who}`, options);
  const initial = positive(who, 'initialLearningRate', o.initialLearningRate, true);
  const decaySteps = positive(who, 'decaySteps', o.decaySteps);
  const end = positive(who, 'endLearningRate', o.endLearningRate ?? 1e-4, true);
  const power = positive(who, 'power', o.power ?? 1, true);
  const cycle = o.cycle;
  return make(who, { initialLearningRate: initial, decaySteps, endLearningRate: end, power, cycle }, (step) => {
    let steps = decaySteps;
    let s = step;
    if (cycle) steps = decaySteps * (step === 0 ? 1 : Math.ceil(step / decaySteps));
    else s = Math.min(step, decaySteps);
    return (initial - end) * pow(1 - s / steps, power) + end;
  });
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Final rate as a fraction of the decay's starting rate. Default 0. */
  alpha?: number;
  /** With warmupSteps: rise linearly from initialLearningRate to this, then decay from it. */
  warmupTarget?: number;
  /** Default 0. */
  warmupSteps?: number;
}

/**
 * Keras's CosineDecay: an optional linear warmup from initialLearningRate to warmupTarget over
 * warmupSteps, then `from · ((1 - alpha) · 0.5 · (1 + cos(π · s / decaySteps)) + alpha)` with
 * s clamped to decaySteps and `from` the warmup target (or initialLearningRate without warmup).
 */
const cosineDecaySchema = optionsSchema<CosineDecayOptions>()({ initialLearningRate: given<number>(), decaySteps: given<number>(), alpha: given<number>(), warmupTarget: given<number>(), warmupSteps: given<number>() });

export function cosineDecay(options: CosineDecayOptions): Schedule {
  const who = 'cosineDecay';
  const o = cosineDecaySchema.parse(`schedules.${who}`, options);
  const initial = positive(who, 'initialLearningRate', o.initialLearningRate, true);
  const decaySteps = positive(who, 'decaySteps', o.decaySteps);
  const alpha = inUnit(who, 'alpha', o.alpha ?? 0);
  const warmupSteps = positive(who, 'warmupSteps', o.warmupSteps ?? 0, true);
  const target = o.warmupTarget === undefined ? undefined : positive(who, 'warmupTarget', o.warmupTarget, true);
  const decay = (s: number, from: number) => from * ((1 - alpha) * (0.5 * (1 + cos(Math.PI * (s / decaySteps)))) + alpha);
  const config = { initialLearningRate: initial, decaySteps, alpha, warmupSteps, ...(target === undefined ? {} : { warmupTarget: target }) };
  return make(who, config, (step) => {
    if (target === undefined) return decay(Math.min(step, decaySteps), initial);
    const s = Math.min(step, decaySteps + warmupSteps);
    return s < warmupSteps ? (target - initial) * (s / warmupSteps) + initial : decay(s - warmupSteps, target);
  });
}

/** Options of {@link cosineDecayRestarts}. */
export interface CosineDecayRestartsOptions {
  initialLearningRate: number;
  /** Length of the first period. */
  firstDecaySteps: number;
  /** Each period is tMul times longer than the one before. Default 2. */
  tMul?: number;
  /** Each period starts at mMul times the previous start. Default 1. */
  mMul?: number;
  /** Minimum as a fraction of the period's starting rate. Default 0. */
  alpha?: number;
}

const cosineDecayRestartsSchema = optionsSchema<CosineDecayRestartsOptions>()({ initialLearningRate: given<number>(), firstDecaySteps: given<number>(), tMul: given<number>(), mMul: given<number>(), alpha: given<number>() });

/** Keras's CosineDecayRestarts (SGDR): cosine decay periods, each tMul longer and mMul lower. */
export function cosineDecayRestarts(options: CosineDecayRestartsOptions): Schedule {
  const who = 'cosineDecayRestarts';
  const o = cosineDecayRestartsSchema.parse(`schedules.${who}`, options);
  const initial = positive(who, 'initialLearningRate', o.initialLearningRate, true);
  const first = positive(who, 'firstDecaySteps', o.firstDecaySteps);
  const tMul = positive(who, 'tMul', o.tMul ?? 2);
  const mMul = positive(who, 'mMul', o.mMul ?? 1, true);
  const alpha = inUnit(who, 'alpha', o.alpha ?? 0);
  return make(who, { initialLearningRate: initial, firstDecaySteps: first, tMul, mMul, alpha }, (step) => {
    let fraction = step / first;
    let restart: number;
    if (tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      restart = Math.floor(log(1 - fraction * (1 - tMul)) / log(tMul));
      const sumR = (1 - powInt(tMul, restart)) / (1 - tMul);
      fraction = (fraction - sumR) / powInt(tMul, restart);
    }
    const decayed = 0.5 * powInt(mMul, restart) * (1 + cos(Math.PI * fraction));
    return initial * ((1 - alpha) * decayed + alpha);
  });
}

/** Options of {@link linearWarmup}. */
export interface LinearWarmupOptions {
  /** Rate at the end of the warmup. */
  warmupTarget: number;
  warmupSteps: number;
  /** Rate at step 0. Default 0. */
  initialLearningRate?: number;
  /** What follows the warmup, evaluated at `step - warmupSteps`; default: stay at warmupTarget. */
  after?: Schedule | SerializedSchedule;
}

const linearWarmupSchema = optionsSchema<LinearWarmupOptions>()({ warmupTarget: given<number>(), warmupSteps: given<number>(), initialLearningRate: given<number>(), after: given<Schedule | SerializedSchedule>() });

/** A linear rise from initialLearningRate to warmupTarget over warmupSteps, then `after` (or the target). */
export function linearWarmup(options: LinearWarmupOptions): Schedule {
  const who = 'linearWarmup';
  const o = linearWarmupSchema.parse(`schedules.${who}`, options);
  const target = positive(who, 'warmupTarget', o.warmupTarget, true);
  const warmupSteps = positive(who, 'warmupSteps', o.warmupSteps);
  const initial = positive(who, 'initialLearningRate', o.initialLearningRate ?? 0, true);
  let after: Schedule | undefined;
  if (o.after !== undefined) {
    after = typeof o.after === 'function' ? o.after : isSerialized(o.after) ? deserialize(o.after) : undefined;
    if (after === undefined || typeof after.className !== 'string') {
      throw new ValueError(`schedules.linearWarmup: after must be a schedule from schedules.*, got ${String(o.after)}`);
    }
  }
  const config = { warmupTarget: target, warmupSteps, initialLearningRate: initial, ...(after ? { after: serialize(after) } : {}) };
  return make(who, config, (step) => {
    if (step < warmupSteps) return initial + (target - initial) * (step / warmupSteps);
    return after === undefined ? target : after(step - warmupSteps);
  });
}

const REGISTRY: Record<string, (config: never) => Schedule> = {
  exponentialDecay, stepDecay, polynomialDecay, cosineDecay, cosineDecayRestarts, linearWarmup,
};

// Learning-rate schedules: functions of the optimizer step (`iterations`, 0 for the first update,
// as in Keras), usable as the `learningRate` of any optimizer. A schedule made here is a plain
// function `(step) => lr` that also carries `className` and `config`, so an optimizer's
// `getConfig()` stays serialisable and `schedules.deserialize` rebuilds it.
import { ValueError } from './errors.js';

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

function isSerialized(value: unknown): value is SerializedSchedule {
  return typeof value === 'object' && value !== null && typeof (value as SerializedSchedule).className === 'string';
}

/** Splits a learning-rate option into a constant or a function; validates. @internal */
export function resolveLearningRate(who: string, lr: unknown): { fn: LearningRateFn | undefined; value: number } {
  if (typeof lr === 'number') {
    if (!(Number.isFinite(lr) && lr >= 0)) throw new ValueError(`${who}: learningRate must be a finite number >= 0 or a schedule, got ${lr}`);
    return { fn: undefined, value: lr };
  }
  if (typeof lr === 'function') return { fn: lr as LearningRateFn, value: NaN };
  if (isSerialized(lr)) return { fn: deserialize(lr), value: NaN };
  throw new ValueError(`${who}: learningRate must be a number, a schedule or a function (step) => number, got ${String(lr)}`);
}

/** The saved form of a learning-rate option: `{className, config}` for schedules, else the value itself. @internal */
export function scheduleConfig(lr: LearningRate): unknown {
  if (typeof lr === 'function' && typeof (lr as Schedule).className === 'string') {
    const s = lr as Schedule;
    return { className: s.className, config: { ...s.config } };
  }
  return isSerialized(lr) ? { className: lr.className, config: { ...lr.config } } : lr;
}

const REGISTRY: Record<string, (config: never) => Schedule> = {};

/** Rebuilds a schedule from its saved form `{ className, config }`. */
export function deserialize(saved: SerializedSchedule): Schedule {
  const make = REGISTRY[saved.className];
  if (make === undefined) {
    throw new ValueError(`schedules.deserialize: unknown schedule '${saved.className}'; known: ${Object.keys(REGISTRY).join(', ')}`);
  }
  return make(saved.config as never);
}

// Callbacks that set the optimizer's learning rate between epochs (Keras 3's ReduceLROnPlateau
// and LearningRateScheduler).
import { ValueError } from '../core/errors.js';
import { finite, integer, optionsSchema } from '../core/options.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Callback, type Logs } from './callback.js';
import { MonitorCallback, monitorFields, printOption, requireModel, verboseOption, type MonitorOptions, type Printer } from './monitor.js';

function optimizerOf(callback: Callback, who: string): Optimizer {
  const optimizer = requireModel(callback, who).optimizer;
  if (optimizer === undefined) throw new ValueError(`${who}: the model has no optimizer; compile it first`);
  return optimizer;
}

/** Options of `callbacks.reduceLROnPlateau` (Keras 3's, camelCase). */
export interface ReduceLROnPlateauOptions extends MonitorOptions {
  /** new lr = lr · factor; must be < 1. Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** Improvements smaller than this do not count. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the learning rate. Default 0. */
  minLr?: number;
}

const plateauSchema = optionsSchema<ReduceLROnPlateauOptions>()({
  ...monitorFields,
  factor: finite({ test: (f) => f >= 0 && f < 1, expected: 'in [0, 1)', fallback: 0.1 }),
  patience: integer({ fallback: 10 }),
  minDelta: finite({ fallback: 1e-4 }),
  cooldown: integer({ fallback: 0 }),
  minLr: finite({ fallback: 0 }),
});

/**
 * Multiplies the learning rate by `factor` when the monitored quantity has not improved (by more
 * than minDelta) for `patience` epochs, as Keras 3 does: during `cooldown` epochs after a
 * reduction the wait counter stays at 0; the rate never goes below minLr, and nothing happens
 * once it is at minLr. Each epoch's logs get `learning_rate` (the rate used in that epoch).
 * The optimizer's learning rate must be a number, not a schedule. `mode: 'auto'` infers the
 * direction from the name as EarlyStopping does (Keras's ReduceLROnPlateau only looks for
 * 'acc'), and a missing monitor is an error listing the logged names.
 */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best: number;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    const o = plateauSchema.parse('reduceLROnPlateau', options);
    super('reduceLROnPlateau', o, o.minDelta);
    this.factor = o.factor;
    this.patience = o.patience;
    this.cooldown = o.cooldown;
    this.minLr = o.minLr;
    this.best = this.worst();
  }

  override onTrainBegin(): void {
    this.best = this.worst();
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const optimizer = optimizerOf(this, this.who);
    if (logs !== undefined) logs.learning_rate = optimizer.learningRate;
    const current = this.monitorValue(epoch, logs);
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = optimizer.learningRate;
        if (old > Math.fround(this.minLr)) {
          const lr = Math.max(old * this.factor, this.minLr);
          optimizer.learningRate = lr;
          this.say(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/** `(epoch, currentLearningRate) => newLearningRate`, epoch 0-based. */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

/** Options of `callbacks.learningRateScheduler`. */
export interface LearningRateSchedulerOptions {
  /** 1: print the rate set at each epoch. Default 0. */
  verbose?: number;
  print?: Printer;
}

const schedulerSchema = optionsSchema<LearningRateSchedulerOptions>()({ verbose: verboseOption, print: printOption });

/**
 * Sets the learning rate at the start of every epoch to `schedule(epoch, lr)` and logs it as
 * `learning_rate` at the end (Keras 3's LearningRateScheduler). For per-step schedules, pass a
 * `schedules.*` as the optimizer's learningRate instead.
 */
export class LearningRateScheduler extends Callback {
  readonly verbose: number;
  private readonly print: Printer;

  constructor(readonly schedule: EpochSchedule, options: LearningRateSchedulerOptions = {}) {
    super();
    if (typeof schedule !== 'function') throw new ValueError(`learningRateScheduler: expected a function (epoch, lr) => lr, got ${String(schedule)}`);
    const o = schedulerSchema.parse('learningRateScheduler', options);
    this.verbose = o.verbose;
    this.print = o.print;
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = optimizerOf(this, 'learningRateScheduler');
    const lr = this.schedule(epoch, optimizer.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new ValueError(`learningRateScheduler: the schedule returned ${String(lr)} for epoch ${epoch}; expected a finite number >= 0`);
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0) this.print(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs !== undefined) logs.learning_rate = optimizerOf(this, 'learningRateScheduler').learningRate;
  }
}

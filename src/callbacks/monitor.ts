// What callbacks that watch one logged quantity share (Keras 3's MonitorCallback): the monitor
// name, the direction ('min' | 'max', or inferred from the name), min_delta, the improvement
// test, validation, and messages.
import { ValueError } from '../core/errors.js';
import { custom, integer, oneOf, optionError } from '../core/options.js';
import { Callback, type Logs, type TrainingModel } from './callback.js';

/** Which way a monitored quantity improves. */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Prints a callback's message (verbose > 0); the default writes to the console. */
export type Printer = (message: string) => void;

/** The default printer: the host console, when there is one. */
export const consolePrinter: Printer = (message) => globalThis.console?.info(message);

/**
 * Metric names (without `val_`) whose direction `mode: 'auto'` knows: Keras 3's metrics that
 * improve upwards; `loss` and these error-like names improve downwards.
 */
const UP = /(^|_)(acc|accuracy|auc|precision|recall|f1_score|fbeta_score|iou|r2_score|cosine_similarity)$|accuracy$/;
const DOWN = /(^|_)(loss|error|crossentropy|hinge|divergence|mse|mae|mape|msle|poisson|logcosh|squared_error|absolute_error)$/;

/** The direction `mode` gives for `monitor`, inferring it from the name in 'auto' mode (Keras 3). */
export function monitorDirection(who: string, monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (name === 'loss' || DOWN.test(name)) return 'min';
  if (UP.test(name)) return 'max';
  throw new ValueError(
    `${who}: cannot tell whether monitor '${monitor}' should be maximized or minimized; pass mode: 'max' to keep the highest value or mode: 'min' to keep the lowest`,
  );
}

/** The `print` option: a function (message) => void; the console when not given. */
export const printOption = custom((v, who, key): Printer => (typeof v === 'function' ? (v as Printer) : optionError(who, key, 'a function (message) => void', v, String)), consolePrinter);

/** The `verbose` option of callbacks: an integer >= 0 (0 quiet). */
export const verboseOption = integer({ fallback: 0 });

/** The options every monitoring callback takes (spread into each callback's schema). */
export const monitorFields = {
  monitor: custom((v, who): string => (typeof v === 'string' && v !== '' ? v : optionError(who, 'monitor', 'a metric name', v, String)), 'val_loss'),
  mode: oneOf(['auto', 'min', 'max'], 'auto'),
  verbose: verboseOption,
  print: printOption,
};

/** The monitoring options after their schema's `parse`. */
export interface MonitorSettings {
  monitor: string;
  mode: MonitorMode;
  verbose: number;
  print: Printer;
}

/** The monitored value from `logs`; a missing one is an error naming the available keys. */
export function monitorValue(who: string, monitor: string, epoch: number, logs: Logs | undefined): number {
  const value = logs?.[monitor];
  if (typeof value !== 'number') {
    const available = Object.keys(logs ?? {});
    throw new ValueError(
      `${who}: monitor '${monitor}' is not in the logs of epoch ${epoch}; available: ${available.length > 0 ? available.join(', ') : 'none'}` +
        (monitor.startsWith('val_') ? ' (val_ metrics need validation data in fit)' : ''),
    );
  }
  return value;
}

/** The callback's model; an error naming the callback when `fit` has not set one. */
export function requireModel(callback: Callback, who: string): TrainingModel {
  if (callback.model === undefined) throw new ValueError(`${who}: no model is set; pass the callback to fit (which calls setModel) or call setModel first`);
  return callback.model;
}

/** Options every monitoring callback takes. */
export interface MonitorOptions {
  /** The logged quantity to watch. Default 'val_loss'. */
  monitor?: string;
  /** Default 'auto': 'loss' and error-like names minimise, accuracy-like names maximise. */
  mode?: MonitorMode;
  /** 0: quiet; 1: print a message when the callback acts. Default 0. */
  verbose?: number;
  /** Where messages go when verbose > 0. Default: the console. */
  print?: Printer;
}

/** Base of EarlyStopping and ModelCheckpoint: monitor, direction and Keras's improvement test. */
export abstract class MonitorCallback extends Callback {
  readonly monitor: string;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly verbose: number;
  protected readonly print: Printer;
  /** 'min' or 'max' ('auto' resolved from the monitor's name at construction). */
  readonly direction: 'min' | 'max';

  /** `settings` come from the subclass's schema (`monitorFields` and its own); `minDelta` is checked there. */
  protected constructor(protected readonly who: string, settings: MonitorSettings, minDelta: number) {
    super();
    this.monitor = settings.monitor;
    this.mode = settings.mode;
    this.minDelta = Math.abs(minDelta);
    this.verbose = settings.verbose;
    this.print = settings.print;
    // Resolve 'auto' now so a name it cannot place fails at construction, not mid-training.
    this.direction = monitorDirection(who, this.monitor, this.mode);
  }

  /** The starting best: +Infinity when minimising, -Infinity when maximising. */
  protected worst(): number {
    return this.direction === 'min' ? Infinity : -Infinity;
  }

  /** Keras's test: `current - minDelta > reference` (max) or `current + minDelta < reference` (min). */
  protected isImprovement(current: number, reference: number): boolean {
    return this.direction === 'min' ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  /** The monitored value of this epoch; an error listing the logged names when it is missing. */
  protected monitorValue(epoch: number, logs: Logs | undefined): number {
    return monitorValue(this.who, this.monitor, epoch, logs);
  }

  protected requireModel(): TrainingModel {
    return requireModel(this, this.who);
  }

  protected say(message: string): void {
    if (this.verbose > 0) this.print(message);
  }
}

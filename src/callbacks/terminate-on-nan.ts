// TerminateOnNaN (Keras 3): stop when a batch's loss is NaN or infinite.
import { Callback, type Logs } from './callback.js';
import { printOption, requireModel, type Printer } from './monitor.js';
import { flag, optionsSchema } from '../core/options.js';

/** Options of `callbacks.terminateOnNaN`. */
export interface TerminateOnNaNOptions {
  /** Throw instead of stopping gracefully (other callbacks' onTrainEnd then do not run). Default false. */
  raiseError?: boolean;
  /** Where the "Invalid loss" message goes. Default: the console. */
  print?: Printer;
}

const schema = optionsSchema<TerminateOnNaNOptions>()({ raiseError: flag(false), print: printOption });

/**
 * After each batch, a NaN or ±Infinity `loss` sets `model.stopTraining` (training ends after
 * this batch and onTrainEnd still runs), or throws with `raiseError`.
 */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;
  /** The batch whose loss was invalid, or -1. */
  terminatedAtBatch = -1;
  private readonly print: Printer;

  constructor(options: TerminateOnNaNOptions = {}) {
    super();
    const o = schema.parse('terminateOnNaN', options);
    this.raiseError = o.raiseError;
    this.print = o.print;
  }

  override onTrainBegin(): void {
    this.terminatedAtBatch = -1;
  }

  override onBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (typeof loss !== 'number' || Number.isFinite(loss)) return;
    if (this.raiseError) throw new Error(`terminateOnNaN: NaN or Inf loss encountered at batch ${batch}. Loss value: ${loss}. Terminating training immediately.`);
    this.print(`Batch ${batch}: Invalid loss, terminating training`);
    this.terminatedAtBatch = batch;
    requireModel(this, 'terminateOnNaN').stopTraining = true;
  }
}

// Epoch logs as rows and CSV text (Keras's CSVLogger without the file), and LambdaCallback.
import { ValueError, didYouMean } from '../core/errors.js';
import { Callback, type Logs } from './callback.js';
import { flag, func, optionsSchema, text } from '../core/options.js';

/** One logged epoch: `epoch` and every log value ('NA' where a later epoch lacks a key). */
export type LogRow = Record<string, number | string>;

/** Options of `callbacks.logger`. */
export interface LoggerOptions {
  /** Field separator of `toCSV()` and the lines given to onRow. Default ','. */
  separator?: string;
  /** Keep the rows of earlier `fit` calls instead of starting over. Default false. */
  append?: boolean;
  /** Called after each epoch with the row and its CSV line (header first: `onRow(undefined, header)`). */
  onRow?: (row: LogRow | undefined, line: string) => void;
}

const loggerSchema = optionsSchema<LoggerOptions>()({
  separator: text(','),
  append: flag(false),
  onRow: func<NonNullable<LoggerOptions['onRow']>>('(row) => void'),
});

/**
 * Records one row per epoch: `epoch` then the log names sorted, fixed by the first epoch as
 * Keras's CSVLogger does. `rows` holds them; `toCSV()` formats header and rows as CSV text.
 */
export class Logger extends Callback {
  readonly rows: LogRow[] = [];
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | undefined;
  private readonly onRow: LoggerOptions['onRow'];

  constructor(options: LoggerOptions = {}) {
    super();
    const o = loggerSchema.parse('logger', options);
    this.separator = o.separator;
    this.append = o.append;
    this.onRow = o.onRow;
  }

  override onTrainBegin(): void {
    if (this.append) return;
    this.rows.length = 0;
    this.keys = undefined;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const first = this.keys === undefined;
    const keys = (this.keys ??= Object.keys(logs).sort());
    const row: LogRow = { epoch };
    for (const key of keys) row[key] = logs[key] ?? 'NA';
    this.rows.push(row);
    if (this.onRow !== undefined) {
      if (first) this.onRow(undefined, this.header());
      this.onRow(row, this.line(row));
    }
  }

  /** The column names: 'epoch' and the log names of the first epoch, sorted. */
  get columns(): string[] {
    return ['epoch', ...(this.keys ?? [])];
  }

  /** Header and one line per row, each ending in '\n' ('' before the first epoch). */
  toCSV(): string {
    if (this.keys === undefined) return '';
    return [this.header(), ...this.rows.map((r) => this.line(r))].map((l) => l + '\n').join('');
  }

  private header(): string {
    return this.columns.map((c) => this.field(c)).join(this.separator);
  }

  private line(row: LogRow): string {
    return this.columns.map((c) => this.field(String(row[c]))).join(this.separator);
  }

  /** Quotes a field that contains the separator, a quote or a newline (RFC 4180). */
  private field(text: string): string {
    return text.includes(this.separator) || /["\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
}

/** The hooks a lambdaCallback may define; each may return a promise, which fit awaits. */
export interface LambdaCallbackOptions {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
}

const lambdaSchema = optionsSchema<LambdaCallbackOptions>()({
  onTrainBegin: func('(logs) => void'),
  onTrainEnd: func('(logs) => void'),
  onEpochBegin: func('(epoch, logs) => void'),
  onEpochEnd: func('(epoch, logs) => void'),
  onBatchBegin: func('(batch, logs) => void'),
  onBatchEnd: func('(batch, logs) => void'),
});

/** A callback from plain functions (Keras's LambdaCallback); missing hooks do nothing. */
export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackOptions = {}) {
    super();
    // Hooks are named in their own words ("unknown hook"), then checked by the schema.
    if (hooks !== null && typeof hooks === 'object' && !Array.isArray(hooks)) {
      for (const key of Object.keys(hooks)) {
        if (!(lambdaSchema.keys as readonly string[]).includes(key)) throw new ValueError(`lambdaCallback: unknown hook '${key}'; valid hooks are ${lambdaSchema.keys.join(', ')}${didYouMean(key, lambdaSchema.keys)}`);
      }
    }
    lambdaSchema.parse('lambdaCallback', hooks);
  }
  override onTrainBegin(logs?: Logs): void | Promise<void> {
    return this.hooks.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs?: Logs): void | Promise<void> {
    return this.hooks.onTrainEnd?.(logs);
  }
  override onEpochBegin(epoch: number, logs?: Logs): void | Promise<void> {
    return this.hooks.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs?: Logs): void | Promise<void> {
    return this.hooks.onEpochEnd?.(epoch, logs);
  }
  override onBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    return this.hooks.onBatchBegin?.(batch, logs);
  }
  override onBatchEnd(batch: number, logs?: Logs): void | Promise<void> {
    return this.hooks.onBatchEnd?.(batch, logs);
  }
}

// Epoch logs as rows and CSV text (Keras's CSVLogger without the file), and LambdaCallback.
import { ValueError } from '../errors.js';
import { Callback, type Logs } from './callback.js';
import { checkFlag, checkOptions } from '../errors.js';

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
    checkOptions('logger', options);
    this.separator = options.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator.length === 0) throw new ValueError(`logger: separator must be a non-empty string, got ${String(options.separator)}`);
    this.append = checkFlag('logger', 'append', options.append ?? false);
    if (options.onRow !== undefined && typeof options.onRow !== 'function') {
      throw new ValueError(`logger: onRow must be a function (row) => void, got ${String(options.onRow)}`);
    }
    this.onRow = options.onRow;
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

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

/** A callback from plain functions (Keras's LambdaCallback); missing hooks do nothing. */
export class LambdaCallback extends Callback {
  constructor(private readonly hooks: LambdaCallbackOptions = {}) {
    super();
    checkOptions('lambdaCallback', hooks);
    for (const key of Object.keys(hooks)) {
      const hook = (hooks as Record<string, unknown>)[key];
      if (!(HOOKS as readonly string[]).includes(key)) throw new ValueError(`lambdaCallback: unknown hook '${key}'; valid hooks are ${HOOKS.join(', ')}`);
      if (hook !== undefined && typeof hook !== 'function') throw new ValueError(`lambdaCallback: ${key} must be a function, got ${String(hook)}`);
    }
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

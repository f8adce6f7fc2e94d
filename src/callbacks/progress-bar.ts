// Keras-style training progress, dependency-free. On a TTY (`verbose: 1`) one line per epoch is
// redrawn in place: `12/94 [===>......] - ETA: 3s - loss: 0.5123 - accuracy: 0.8125`. Elsewhere
// (pipes, browsers, workers) and with `verbose: 2` it prints one line per epoch.
import { Callback, type Logs } from './callback.js';

/** Where progress text goes: a TTY-like stream, or whole lines. */
export interface ProgressSink {
  /** True when `write('\r...')` redraws the current line. */
  readonly tty: boolean;
  /** Writes text without a newline (only used when `tty`). */
  write(text: string): void;
  /** Writes one whole line. */
  line(text: string): void;
}

interface StdoutLike {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** stdout in Node/Deno (a TTY or not), `console.log` lines elsewhere. */
export function defaultSink(): ProgressSink {
  const g = globalThis as { process?: { stdout?: StdoutLike }; console?: { log(text: string): void } };
  const stdout = g.process?.stdout;
  if (stdout !== undefined && typeof stdout.write === 'function') {
    return { tty: stdout.isTTY === true, write: (t) => void stdout.write(t), line: (t) => void stdout.write(`${t}\n`) };
  }
  const log = g.console?.log.bind(g.console) ?? (() => {});
  return { tty: false, write: () => {}, line: (t) => log(t) };
}

/** A monotonic clock in milliseconds (performance.now where there is one). */
export function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined ? perf.now() : Date.now();
}

/** `1h02m`, `3m05s`, `12s`, `840ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** ` - loss: 0.1234 - accuracy: 0.9000` (4 significant decimals, as Keras). */
export function formatLogs(logs: Logs, keys?: readonly string[]): string {
  let out = '';
  for (const key of keys ?? Object.keys(logs)) {
    const v = logs[key];
    if (v === undefined) continue;
    const text = Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
    out += ` - ${key}: ${text}`;
  }
  return out;
}

/** `[=====>........]` of `width` characters for done/total. */
export function bar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.min(width, Math.floor((width * done) / total)) : width;
  if (filled >= width) return `[${'='.repeat(width)}]`;
  return `[${'='.repeat(filled)}>${'.'.repeat(width - filled - 1)}]`;
}

/** The callback `fit` attaches for `verbose: 1` or `2`. */
export class ProgressBar extends Callback {
  private epochStart = 0;
  private lastDraw = 0;
  private epochs = 0;
  /** Batches per epoch; 0 while unknown (a dataset without stepsPerEpoch, until its first epoch ends). */
  private steps = 0;
  private done = 0;

  constructor(
    private readonly verbose: number,
    private readonly sink: ProgressSink = defaultSink(),
    /** Minimum milliseconds between redraws. */
    private readonly interval = 50,
  ) {
    super();
  }

  private get live(): boolean {
    return this.verbose === 1 && this.sink.tty;
  }

  override onTrainBegin(): void {
    this.epochs = this.params?.epochs ?? 0;
    this.steps = this.params?.steps ?? 0;
    // An unseeded run is not repeatable unless its drawn seed is shown.
    if (this.params?.seedDrawn === true) this.sink.line(`Seed ${this.params.seed} (drawn at random; pass { seed: ${this.params.seed} } to repeat this run)`);
  }

  override onEpochBegin(epoch: number): void {
    this.epochStart = now();
    this.lastDraw = 0;
    if (this.verbose === 1) this.sink.line(`Epoch ${epoch + 1}/${this.epochs}`);
  }

  override onBatchEnd(batch: number, logs?: Logs): void {
    const done = batch + 1;
    this.done = done;
    if (!this.live) return;
    const t = now();
    if ((done < this.steps || this.steps === 0) && t - this.lastDraw < this.interval) return;
    this.lastDraw = t;
    const elapsed = t - this.epochStart;
    if (this.steps === 0) {
      this.sink.write(`\r${done}/Unknown - ${formatDuration(elapsed)}${formatLogs(logs ?? {})}\x1b[K`);
      return;
    }
    const eta = done > 0 ? (elapsed / done) * (this.steps - done) : 0;
    const width = String(this.steps).length;
    this.sink.write(`\r${String(done).padStart(width)}/${this.steps} ${bar(done, this.steps)} - ETA: ${formatDuration(eta)}${formatLogs(logs ?? {})}\x1b[K`);
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    if (this.steps === 0) this.steps = this.done; // as Keras: the first pass over a dataset tells its length
    const elapsed = now() - this.epochStart;
    const perStep = this.steps > 0 ? elapsed / this.steps : 0;
    const timing = `${formatDuration(elapsed)} ${formatDuration(perStep)}/step`;
    if (this.live) {
      this.sink.write(`\r${this.steps}/${this.steps} ${bar(1, 1)} - ${timing}${formatLogs(logs ?? {})}\x1b[K\n`);
    } else if (this.verbose === 1) {
      this.sink.line(`${this.steps}/${this.steps} - ${timing}${formatLogs(logs ?? {})}`);
    } else {
      this.sink.line(`Epoch ${epoch + 1}/${this.epochs} - ${timing}${formatLogs(logs ?? {})}`);
    }
  }
}

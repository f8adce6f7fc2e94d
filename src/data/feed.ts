// Where fit and evaluate get their batches. One epoch loop drives both kinds of feed: in-memory
// tensors (windows of a sample order, synchronously) and streams of { x, y } batches (a
// data.Dataset or any async/sync iterable), so a stream costs a promise per batch and tensors none.
// The sample order (BatchOrder) is also what data.batches and data.fromTensors cut their batches
// from: one batching mechanism for the library.
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { Tensor, type Shape } from '../core/tensor.js';
import { shuffleInPlace, type RandomSource } from './random-source.js';

/** One batch of a stream given to `fit`/`evaluate`: inputs (one Tensor per model input) and targets. */
export interface FitBatch {
  x: Tensor | readonly Tensor[];
  y: Tensor;
}

/**
 * Streaming training or evaluation data: a `data.Dataset`, or any `AsyncIterable`/`Iterable` of
 * `{ x, y }` batches (an array of them included). Each iteration is one epoch (unless `stepsPerEpoch` is given), so pass
 * something that can be iterated again (a Dataset, an array, an object with a generator method).
 */
export type BatchSource = AsyncIterable<FitBatch> | Iterable<FitBatch>;

/** True for a stream of batches: an iterable that is not a Tensor or an array of Tensors (an array of `{ x, y }` is one). */
export function isBatchSource(x: unknown): x is BatchSource {
  if (x === null || typeof x !== 'object' || x instanceof Tensor) return false;
  if (Array.isArray(x)) return x.length > 0 && x[0] !== null && typeof x[0] === 'object' && !(x[0] instanceof Tensor) && 'x' in x[0];
  return Symbol.asyncIterator in x || Symbol.iterator in x;
}

/** The batch the loop copies into the plan next: rows `order[start..start+count)` (or start.. without order). */
export interface Cursor {
  xs: readonly Tensor[];
  y: Tensor;
  order: Int32Array | undefined;
  start: number;
  count: number;
}

/** A source of batches for the epoch loop. */
export interface BatchFeed {
  /** Batches per epoch; undefined for a stream without stepsPerEpoch (Keras passes None). */
  readonly steps: number | undefined;
  /** Samples per epoch; undefined for a stream. */
  readonly samples: number | undefined;
  /** Filled by `next` (the same object every step). */
  readonly cursor: Cursor;
  /** Starts an epoch. */
  begin(): void;
  /** Fills `cursor` with batch `step` of `epoch` (0-based); false when the epoch is over. A promise only for streams. */
  next(epoch: number, step: number): boolean | Promise<boolean>;
  /** Closes an open stream (training stopped early, or an error). */
  close(): Promise<unknown> | undefined;
}

/**
 * The order an epoch visits `samples` rows in, cut into batches of `batchSize`: batch `step` is
 * rows `order[start(step) .. start(step) + count(step))`, or rows `start..` without an order.
 */
export class BatchOrder {
  /** Batches per epoch (a last smaller batch counts unless dropRemainder). */
  readonly steps: number;
  /** The sample order; undefined when `ordered` is false (rows in place, copied contiguously). */
  readonly order: Int32Array | undefined;

  /**
   * @param ordered keep a sample order (always, when `rng` is given).
   * @param rng reshuffle at every `begin`.
   * @param fresh every `begin` starts again from 0..n-1 before shuffling (data.batches), instead
   *   of reshuffling the previous epoch's order (fit).
   */
  constructor(
    readonly samples: number,
    readonly batchSize: number,
    options: { ordered?: boolean; rng?: RandomSource; fresh?: boolean; dropRemainder?: boolean } = {},
  ) {
    this.steps = options.dropRemainder === true ? Math.floor(samples / batchSize) : Math.ceil(samples / batchSize);
    this.rng = options.rng;
    this.fresh = options.fresh === true;
    if (options.ordered === true || this.rng !== undefined) this.order = identity(new Int32Array(samples));
  }

  private readonly rng: RandomSource | undefined;
  private readonly fresh: boolean;

  /** Starts an epoch: reshuffles the order when there is a generator. */
  begin(): void {
    if (this.rng === undefined) return;
    if (this.fresh) identity(this.order!);
    shuffleInPlace(this.order!, this.rng);
  }

  /** First position of batch `step` in the order. */
  start(step: number): number {
    return step * this.batchSize;
  }

  /** Rows in batch `step`. */
  count(step: number): number {
    return Math.min(this.batchSize, this.samples - step * this.batchSize);
  }
}

function identity(order: Int32Array): Int32Array {
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order;
}

/** In-memory tensors in batches of `batchSize`, reshuffled at every `begin` when `rng` is given. */
export class TensorFeed implements BatchFeed {
  readonly steps: number;
  readonly samples: number;
  readonly cursor: Cursor;
  private readonly batches: BatchOrder;

  /** `ordered`: copy through a sample order (training; shuffled by `rng`), or contiguously (evaluation). */
  constructor(xs: readonly Tensor[], y: Tensor, batchSize: number, ordered: boolean, rng?: RandomSource) {
    this.batches = new BatchOrder(xs[0]!.shape[0]!, batchSize, { ordered, rng });
    this.samples = this.batches.samples;
    this.steps = this.batches.steps;
    this.cursor = { xs, y, order: this.batches.order, start: 0, count: 0 };
  }

  begin(): void {
    this.batches.begin();
  }

  next(_epoch: number, step: number): boolean {
    if (step >= this.steps) return false;
    this.cursor.start = this.batches.start(step);
    this.cursor.count = this.batches.count(step);
    return true;
  }

  close(): undefined {
    return undefined;
  }
}

/** What a stream's batches are checked against (shapes as error messages show them: `[*, 28, 28]`). */
export interface FeedSpec {
  /** Per-sample shape of each model input, as shown, and the layer that reads it (errors name it). */
  inputs: ReadonlyArray<{ shape: Shape; shown: string; consumer: string }>;
  /** Floats per sample of the targets the loss needs. */
  targetSize: number;
  /** `loss <name> on output <shape> needs targets <shape>`: the start of a target-size error. */
  targetNeed: string;
}

type AnyIterator = AsyncIterator<FitBatch> | Iterator<FitBatch>;

/**
 * A stream of batches. Without `stepsPerEpoch` every epoch is one fresh iteration of the source,
 * to its end; with it, every epoch takes `stepsPerEpoch` batches and the iteration continues
 * across epochs, starting a new pass over the source when one ends. Every batch is checked
 * (types, shapes, x/y sample counts, at most as many samples as the first batch) with errors
 * naming the epoch and batch; nothing is allocated beyond what the source yields.
 */
export class StreamFeed implements BatchFeed {
  readonly steps: number | undefined;
  readonly samples = undefined;
  readonly cursor: Cursor;
  /** Samples in the first batch: the plan's size, the most any later batch may hold. */
  maxRows = 0;
  /** What batches must look like; set before the first `next` (once the model knows its input shape). */
  spec: FeedSpec | undefined;
  private it: AnyIterator | undefined;
  /**
   * Set when a one-pass feed ended before `stepsPerEpoch` batches (evaluate's `steps` beyond the
   * data): the batches it did yield, for the caller's warning.
   */
  ranOutAfter: number | undefined;
  /** The first batch, read ahead by `firstSampleShape`. */
  private pending: IteratorResult<FitBatch> | undefined;
  private readonly one: Tensor[] = [];

  /**
   * `who` (`model.fit`, `model.evaluate`, ...) starts every error message. With `onePass` the
   * feed stops at the end of the data even before `stepsPerEpoch` batches (evaluate, as Keras);
   * without it a new pass starts (fit's stepsPerEpoch on a re-iterable source).
   */
  constructor(
    private readonly source: BatchSource,
    private readonly stepsPerEpoch: number | undefined,
    private readonly who: string,
    private readonly onePass = false,
  ) {
    this.steps = stepsPerEpoch;
    this.cursor = { xs: this.one, y: undefined as unknown as Tensor, order: undefined, start: 0, count: 0 };
  }

  /**
   * Reads the first batch ahead (kept for the first step) and returns its per-sample input shape:
   * a Sequential model without `inputShape` is built from it, as from tensors.
   */
  async firstSampleShape(): Promise<Shape | undefined> {
    this.pending = await this.pull(0, 0);
    const x = (this.pending.value as Partial<FitBatch> | undefined)?.x;
    const t = x instanceof Tensor ? x : Array.isArray(x) ? x[0] : undefined;
    return t instanceof Tensor && t.rank > 0 ? t.shape.slice(1) : undefined;
  }

  begin(): void {
    this.ranOutAfter = undefined;
    if (this.stepsPerEpoch === undefined && this.pending === undefined) this.it = undefined; // a fresh pass per epoch
  }

  async next(epoch: number, step: number): Promise<boolean> {
    if (this.stepsPerEpoch !== undefined && step >= this.stepsPerEpoch) return false;
    let r = this.pending ?? (await this.pull(epoch, step));
    this.pending = undefined;
    if (r.done) {
      this.it = undefined;
      if (this.stepsPerEpoch === undefined) {
        if (step === 0) throw new ValueError(`${this.where(epoch, step)}: the data yielded no batches (a one-shot iterator is used up after one epoch: pass a data.Dataset or another re-iterable source)`);
        return false;
      }
      if (this.onePass) {
        if (step === 0) throw new ValueError(`${this.where(epoch, step)}: the data yielded no batches`);
        this.ranOutAfter = step;
        return false;
      }
      r = await this.pull(epoch, step); // stepsPerEpoch: go on with a new pass
      if (r.done) {
        this.it = undefined;
        throw new ValueError(
          `${this.where(epoch, step)}: the data ran out (stepsPerEpoch is ${this.stepsPerEpoch}, and a new pass over the source yielded no batches); pass a re-iterable source or fewer steps`,
        );
      }
    }
    this.accept(r.value, epoch, step);
    return true;
  }

  close(): Promise<unknown> | undefined {
    const it = this.it;
    this.it = undefined;
    this.pending = undefined;
    const r = it?.return?.();
    return r !== undefined && typeof (r as Promise<unknown>).then === 'function' ? (r as Promise<unknown>) : undefined;
  }

  private where(epoch: number, step: number): string {
    return `${this.who}: epoch ${epoch + 1}, batch ${step + 1}`;
  }

  /** The next item of the current pass (opening one if needed); the source's own errors get the epoch and batch. */
  private async pull(epoch: number, step: number): Promise<IteratorResult<FitBatch>> {
    try {
      if (this.it === undefined) {
        const s = this.source as Partial<AsyncIterable<FitBatch> & Iterable<FitBatch>>;
        this.it = typeof s[Symbol.asyncIterator] === 'function' ? s[Symbol.asyncIterator]!() : s[Symbol.iterator]!();
      }
      return await this.it.next();
    } catch (err) {
      if (err instanceof ShapeError) throw new ShapeError(`${this.where(epoch, step)}: ${err.message}`);
      if (err instanceof ValueError) throw new ValueError(`${this.where(epoch, step)}: ${err.message}`);
      throw err;
    }
  }

  /** Checks one batch and points the cursor at it. */
  private accept(b: FitBatch, epoch: number, step: number): void {
    const spec = this.spec!;
    const { inputs, targetSize } = spec;
    if (b === null || typeof b !== 'object' || !(b.y instanceof Tensor) || !(b.x instanceof Tensor || Array.isArray(b.x))) {
      throw new ValueError(`${this.where(epoch, step)}: expected a batch { x: Tensor, y: Tensor }, got ${describe(b)}`);
    }
    let xs: readonly Tensor[];
    if (b.x instanceof Tensor) {
      this.one[0] = b.x;
      xs = this.one;
    } else {
      xs = b.x as readonly Tensor[];
      for (let i = 0; i < xs.length; i++) {
        if (!(xs[i] instanceof Tensor)) throw new ValueError(`${this.where(epoch, step)}: x must be a Tensor or an array of Tensors (one per input), got ${describe(xs[i])} at index ${i}`);
      }
    }
    if (xs.length !== inputs.length) throw new ValueError(`${this.where(epoch, step)}: the model has ${inputs.length} inputs, the batch has ${xs.length} x tensors`);
    const count = xs[0]!.rank > 0 ? xs[0]!.shape[0]! : 0;
    for (let i = 0; i < xs.length; i++) {
      const t = xs[i]!;
      const want = inputs[i]!.shape;
      let ok = t.rank === want.length + 1 && t.shape[0] === count;
      for (let j = 0; ok && j < want.length; j++) ok = t.shape[j + 1] === want[j];
      if (!ok) throw new ShapeError(`${this.where(epoch, step)}: ${inputs[i]!.consumer} expected input ${inputs[i]!.shown}, got ${formatShape(t.shape)}`);
    }
    const y = b.y;
    if (y.rank < 1 || y.shape[0] !== count) {
      throw new ShapeError(`${this.where(epoch, step)}: x has ${count} samples but y has ${y.rank < 1 ? 'no batch axis' : y.shape[0]} (x ${formatShape(xs[0]!.shape)}, y ${formatShape(y.shape)})`);
    }
    if (y.size !== count * targetSize) {
      throw new ShapeError(`${this.where(epoch, step)}: ${spec.targetNeed}, got y ${formatShape(y.shape)}`);
    }
    if (count === 0) throw new ValueError(`${this.where(epoch, step)}: empty batch (x ${formatShape(xs[0]!.shape)})`);
    if (this.maxRows === 0) this.maxRows = count;
    else if (count > this.maxRows) {
      throw new ShapeError(
        `${this.where(epoch, step)}: ${count} samples, more than the first batch's ${this.maxRows}; the model is compiled for the first batch's size, so later batches may only be as large or smaller`,
      );
    }
    const cur = this.cursor;
    cur.xs = xs;
    cur.y = y;
    cur.count = count;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object with keys ${Object.keys(v as object).join(', ') || '(none)'}`;
  return typeof v;
}

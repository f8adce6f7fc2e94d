// Batching and streaming. A `Dataset` is an `AsyncIterable<Batch>` that can be iterated again:
// each `for await` over it is one epoch, so `fit` can train on data that never sits in memory
// at once (a CSV file read line by line, a generator that decodes images on the fly).
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { CsvSchema, labelValue, missingOption, type CsvOptions } from './csv.js';
import { StreamPurpose } from '../random.js';
import { type RandomSource, resolveRng } from './random-source.js';
import { BatchOrder } from './feed.js';
import { flag, given, integer, optionError, optionsSchema } from '../core/options.js';
import { gatherRows, rowCount } from './split.js';

/** One batch: features and targets with the same first dimension. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** Options of `batches` and `fromTensors`. */
export interface BatchOptions {
  /** Rows per batch (the last batch may be smaller unless `dropRemainder`). */
  batchSize: number;
  /** Reshuffle the rows before every pass (default false). */
  shuffle?: boolean;
  /** The generator for shuffling (an `Rng`); default `new Rng(seed, streamId(StreamPurpose.shuffle))`. */
  rng?: RandomSource;
  /** Seed of the default generator (default 0). */
  seed?: number;
  /** Skip a last batch smaller than `batchSize` (default false). */
  dropRemainder?: boolean;
}

const batchSizeOption = integer({ min: 1, expected: 'a positive integer' });
const batchSchema = optionsSchema<BatchOptions>()({
  batchSize: batchSizeOption,
  shuffle: flag(false),
  rng: given<RandomSource>(),
  seed: given<number>(),
  dropRemainder: flag(false),
});
const shuffleSchema = optionsSchema<{ rng?: RandomSource; seed?: number }>()({ rng: given<RandomSource>(), seed: given<number>() });
const csvDatasetSchema = optionsSchema<CsvOptions & { batchSize: number }>()({
  batchSize: batchSizeOption,
  labelColumn: given<string | number>(),
  delimiter: given<string>(),
  classNames: given<readonly string[]>(),
  missing: missingOption,
});

/** The batch options with their defaults; batchSize is required. */
function parseBatchOptions(options: BatchOptions, who: string): Required<Pick<BatchOptions, 'batchSize' | 'shuffle' | 'dropRemainder'>> & BatchOptions {
  const o = batchSchema.parse(who, options);
  if (o.batchSize === undefined) optionError(who, 'batchSize', 'a positive integer', undefined, String);
  return { ...o, batchSize: o.batchSize };
}

/**
 * Iterates `x` and `y` in batches (synchronously), in order or shuffled (`shuffle: true`, with
 * `rng` or `seed`).
 *
 * ```ts
 * for (const { x, y } of data.batches(xTrain, yTrain, { batchSize: 32, shuffle: true, rng })) { ... }
 * ```
 */
export function batches(x: Tensor, y: Tensor, options: BatchOptions): Generator<Batch, void, undefined> {
  // A plain function around the generator, so bad arguments throw here, not at the first next().
  const who = 'data.batches';
  const n = rowCount(x, y, who);
  const o = parseBatchOptions(options, who);
  return batchesOf(x, y, n, o, o.shuffle ? resolveRng(o, who, StreamPurpose.shuffle) : undefined);
}

function* batchesOf(x: Tensor, y: Tensor, n: number, options: BatchOptions, rng: RandomSource | undefined): Generator<Batch, void, undefined> {
  const batches = new BatchOrder(n, options.batchSize, { ordered: true, rng, fresh: true, dropRemainder: options.dropRemainder });
  batches.begin();
  const order = batches.order!;
  for (let step = 0; step < batches.steps; step++) {
    const rows = order.subarray(batches.start(step), batches.start(step) + batches.count(step));
    yield { x: gatherRows(x, rows), y: gatherRows(y, rows) };
  }
}

/**
 * A re-iterable asynchronous source of batches; each iteration is one epoch. This is the
 * interface `fit` accepts for streaming training data.
 */
export class Dataset implements AsyncIterable<Batch> {
  /** `open` starts one pass over the data. */
  constructor(private readonly open: () => AsyncIterator<Batch> | Iterator<Batch>) {
    if (typeof open !== 'function') throw new ValueError(`Dataset: expected a function that starts one pass (returns an iterator of batches), got ${String(open)}`);
  }

  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    const it = this.open();
    return {
      next: async () => {
        const r = await it.next();
        if (!r.done) checkBatch(r.value, 'Dataset');
        return r;
      },
      return: async () => {
        await it.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /** A dataset whose batches are `fn(batch)`. */
  map(fn: (batch: Batch) => Batch | Promise<Batch>): Dataset {
    if (typeof fn !== 'function') throw new ValueError(`Dataset.map: expected a function (batch) => batch, got ${String(fn)}`);
    return new Dataset(() => mapIterator(this[Symbol.asyncIterator](), fn));
  }

  /** A dataset of at most the first `count` batches of each pass. */
  take(count: number): Dataset {
    if (!Number.isInteger(count) || count < 0) throw new ValueError(`Dataset.take: count must be a non-negative integer, got ${count}`);
    return new Dataset(() => takeIterator(this[Symbol.asyncIterator](), count));
  }

  /**
   * Shuffles rows across batches with a buffer of `bufferSize` rows (tf.data's `shuffle`, on
   * rows): each output row is drawn at random from the buffer, which the stream refills; batches
   * keep the input's batch size (the first batch's row count). Every pass draws a new order
   * from one generator (`rng`, or `seed` on `StreamPurpose.shuffle`), so a buffer as large as
   * the data is a full shuffle and a small one shuffles locally, holding only `bufferSize` rows.
   */
  shuffle(bufferSize: number, options: { rng?: RandomSource; seed?: number } = {}): Dataset {
    const who = 'Dataset.shuffle';
    if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) throw new ValueError(`${who}: bufferSize must be a positive integer, got ${bufferSize}`);
    const rng = resolveRng(shuffleSchema.parse(who, options), who, StreamPurpose.shuffle);
    return new Dataset(() => shuffleIterator(this[Symbol.asyncIterator](), bufferSize, rng));
  }

  /** Collects one pass into an array (small datasets and tests). */
  async toArray(): Promise<Batch[]> {
    const out: Batch[] = [];
    for await (const batch of this) out.push(batch);
    return out;
  }
}

async function* mapIterator(it: AsyncIterator<Batch>, fn: (batch: Batch) => Batch | Promise<Batch>): AsyncGenerator<Batch> {
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) yield await fn(r.value);
  } finally {
    await it.return?.();
  }
}

async function* takeIterator(it: AsyncIterator<Batch>, count: number): AsyncGenerator<Batch> {
  try {
    for (let i = 0; i < count; i++) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

/** One row of a batch: its features and target, with their per-row shapes. */
interface Row {
  x: Float32Array;
  y: Float32Array;
}

async function* shuffleIterator(it: AsyncIterator<Batch>, bufferSize: number, rng: RandomSource): AsyncGenerator<Batch> {
  const buffer: Row[] = [];
  let batchSize = 0;
  let xShape: readonly number[] = [];
  let yShape: readonly number[] = [];
  let pending: Row[] = [];
  const emit = (): Batch => {
    const rows = pending;
    pending = [];
    const x = new Float32Array(rows.length * rows[0]!.x.length);
    const y = new Float32Array(rows.length * rows[0]!.y.length);
    rows.forEach((r, i) => {
      x.set(r.x, i * r.x.length);
      y.set(r.y, i * r.y.length);
    });
    return { x: new Tensor(x, [rows.length, ...xShape]), y: new Tensor(y, [rows.length, ...yShape]) };
  };
  const take = (): Row => {
    const i = rng.int(buffer.length);
    const row = buffer[i]!;
    buffer[i] = buffer[buffer.length - 1]!;
    buffer.pop();
    return row;
  };
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const { x, y } = r.value;
      if (batchSize === 0) {
        batchSize = x.shape[0]!;
        xShape = x.shape.slice(1);
        yShape = y.shape.slice(1);
      } else if (x.shape.slice(1).join() !== xShape.join() || y.shape.slice(1).join() !== yShape.join()) {
        throw new ShapeError(`Dataset.shuffle: batches changed row shape from x ${formatShape(xShape)}, y ${formatShape(yShape)} to ${formatShape(x.shape.slice(1))}, ${formatShape(y.shape.slice(1))}`);
      }
      const xRow = x.size / x.shape[0]!;
      const yRow = y.size / y.shape[0]!;
      for (let i = 0; i < x.shape[0]!; i++) {
        buffer.push({ x: x.data.slice(i * xRow, (i + 1) * xRow), y: y.data.slice(i * yRow, (i + 1) * yRow) });
        if (buffer.length > bufferSize - 1) {
          pending.push(take());
          if (pending.length === batchSize) yield emit();
        }
      }
    }
    while (buffer.length > 0) {
      pending.push(take());
      if (pending.length === batchSize) yield emit();
    }
    if (pending.length > 0) yield emit();
  } finally {
    await it.return?.();
  }
}

/** Throws unless `b` is `{ x: Tensor, y: Tensor }` with equal first dimensions. */
export function checkBatch(b: Batch, who: string): void {
  if (b === null || typeof b !== 'object' || !(b.x instanceof Tensor) || !(b.y instanceof Tensor)) {
    throw new ValueError(`${who}: expected batches { x: Tensor, y: Tensor }, got ${b === null ? 'null' : typeof b}`);
  }
  if (b.x.rank === 0 || b.y.rank === 0 || b.x.shape[0] !== b.y.shape[0]) {
    throw new ShapeError(`${who}: batch x ${formatShape(b.x.shape)} and y ${formatShape(b.y.shape)} need the same first dimension`);
  }
}

/**
 * A dataset over in-memory tensors. With `shuffle`, every epoch is a new permutation drawn from
 * one generator (so epoch k is the same for the same seed).
 */
export function fromTensors(x: Tensor, y: Tensor, options: BatchOptions): Dataset {
  const who = 'data.fromTensors';
  const n = rowCount(x, y, who);
  const o = parseBatchOptions(options, who);
  const rng = o.shuffle ? resolveRng(o, who, StreamPurpose.shuffle) : undefined;
  return new Dataset(() => batchesOf(x, y, n, o, rng));
}

/**
 * A dataset from a function that starts one pass: a generator (sync or async) of batches.
 *
 * ```ts
 * const ds = data.fromGenerator(async function* () { for (...) yield { x, y }; });
 * ```
 */
export function fromGenerator(start: () => AsyncIterable<Batch> | Iterable<Batch>): Dataset {
  if (typeof start !== 'function') throw new ValueError(`data.fromGenerator: expected a function that returns an iterable of batches, got ${typeof start}`);
  return new Dataset(() => {
    const source = start();
    if (source !== null && typeof source === 'object') {
      if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
      if (Symbol.iterator in source) return source[Symbol.iterator]();
    }
    throw new ValueError(`data.fromGenerator: the function returned ${typeof source}, expected an iterable of batches`);
  });
}

/** Text or bytes in chunks: a web ReadableStream, a Node stream, or any async iterable. */
export type ChunkSource = ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

async function* chunks(source: ChunkSource): AsyncGenerator<Uint8Array | string> {
  if (typeof (source as ReadableStream).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array | string>).getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
    } finally {
      reader.releaseLock();
    }
    return;
  }
  yield* source as AsyncIterable<Uint8Array | string>;
}

async function* lines(source: ChunkSource): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of chunks(source)) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      yield pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  if (pending !== '') yield pending;
}

/**
 * Streams a numeric CSV (header row first) as batches without holding the file in memory.
 * `open` returns a fresh source for each epoch, e.g. `() => fs.createReadStream(path)` in Node or
 * `async () => (await fetch(url)).body!` in browsers. String labels need `classNames`.
 */
export function csvDataset(
  open: () => ChunkSource | Promise<ChunkSource>,
  options: CsvOptions & { batchSize: number },
): Dataset {
  const who = 'data.csvDataset';
  if (typeof open !== 'function') throw new ValueError(`${who}: expected a function that opens the CSV source for each epoch, got ${typeof open}`);
  const o = csvDatasetSchema.parse(who, options);
  if (o.batchSize === undefined) optionError(who, 'batchSize', 'a positive integer', undefined, String);
  const { batchSize, classNames } = o;
  return new Dataset(async function* () {
    let schema: CsvSchema | undefined;
    let x = new Float32Array(0);
    let y = new Float32Array(batchSize);
    let rows = 0;
    let lineNo = 0;
    const flush = (): Batch => {
      const batch = {
        x: new Tensor(x.slice(0, rows * schema!.columns.length), [rows, schema!.columns.length]),
        y: new Tensor(y.slice(0, rows), [rows]),
      };
      rows = 0;
      return batch;
    };
    for await (const raw of lines(await open())) {
      lineNo++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      if (schema === undefined) {
        schema = new CsvSchema(line, o, who);
        if (schema.labelIndex < 0) throw new ValueError(`${who}: labelColumn is required to make { x, y } batches`);
        x = new Float32Array(batchSize * schema.columns.length);
        y = new Float32Array(batchSize);
        continue;
      }
      const label = schema.parseRow(line, lineNo, x, rows * schema.columns.length);
      y[rows++] = labelValue(label, classNames, `${who}: line ${lineNo}`);
      if (rows === batchSize) yield flush();
    }
    if (schema === undefined) throw new ValueError(`${who}: expected a header row, got an empty source`);
    if (rows > 0) yield flush();
  });
}

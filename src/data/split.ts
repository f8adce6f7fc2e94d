// Row selection and train/test splitting (seeded, optionally stratified by label).
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { Tensor, expectRank, sizeOf } from '../core/tensor.js';
import { StreamPurpose } from '../random.js';
import { type RandomSource, resolveRng, shuffleInPlace } from './random-source.js';
import { flag, given, optionsSchema } from '../core/options.js';

/** The rows `indices` of `t` (along axis 0), as a new tensor. */
export function gatherRows(t: Tensor, indices: ArrayLike<number>, out?: Float32Array): Tensor {
  const shape = expectRank(t, [1, 2, 3, 4, 5, 6], 'data.gatherRows');
  const row = sizeOf(shape.slice(1));
  const data = out ?? new Float32Array(indices.length * row);
  if (data.length !== indices.length * row) {
    throw new ShapeError(`data.gatherRows: out has ${data.length} floats, expected ${indices.length * row}`);
  }
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= shape[0]!) {
      throw new ValueError(`data.gatherRows: index ${i} is ${r}; expected an integer in [0, ${shape[0]})`);
    }
    data.set(t.data.subarray(r * row, (r + 1) * row), i * row);
  }
  return new Tensor(data, [indices.length, ...shape.slice(1)]);
}

/** Checks that x and y have the same number of rows; returns it. */
export function rowCount(x: Tensor, y: Tensor | undefined, who: string): number {
  const n = expectRank(x, [1, 2, 3, 4, 5, 6], `${who}: x`)[0]!;
  if (y !== undefined) {
    const m = expectRank(y, [1, 2, 3, 4, 5, 6], `${who}: y`)[0]!;
    if (m !== n) throw new ShapeError(`${who}: x has ${n} rows ${formatShape(x.shape)} but y has ${m} ${formatShape(y.shape)}`);
  }
  return n;
}

/** Options of `trainTestSplit`. */
export interface SplitOptions {
  /** Fraction of rows in (0, 1) for the test split (rounded up), or a row count; default 0.2. */
  testSize?: number;
  /** Shuffle before splitting (default true); without it the test split is the last rows. */
  shuffle?: boolean;
  /** Keep each label's proportion in both splits (needs `y` of shape [n] and shuffling). */
  stratify?: boolean;
  /** The generator to shuffle with (an `Rng`); default `new Rng(seed, streamId(StreamPurpose.split))`. */
  rng?: RandomSource;
  /** Seed of the default generator (default 0). */
  seed?: number;
}

const splitSchema = optionsSchema<SplitOptions>()({
  testSize: given<number>(),
  shuffle: flag(true),
  stratify: flag(false),
  rng: given<RandomSource>(),
  seed: given<number>(),
});

/** A split of features and labels. */
export interface Split {
  train: { x: Tensor; y: Tensor };
  test: { x: Tensor; y: Tensor };
}

/**
 * Splits `x` and `y` along the first axis into training and test sets, like scikit-learn's
 * `train_test_split`: shuffled with `rng` or `seed` (the same seed gives the same split in every
 * runtime), optionally stratified by the labels `y`.
 *
 * ```ts
 * const { train, test } = data.trainTestSplit(x, y, { testSize: 0.2, stratify: true, seed: 42 });
 * ```
 */
export function trainTestSplit(x: Tensor, y: Tensor, options: SplitOptions = {}): Split {
  const who = 'data.trainTestSplit';
  const n = rowCount(x, y, who);
  const o = splitSchema.parse(who, options);
  const { testSize = 0.2, shuffle, stratify } = o;
  let nTest = NaN;
  if (typeof testSize === 'number' && testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else if (Number.isInteger(testSize) && testSize >= 1) nTest = testSize;
  if (Number.isNaN(nTest)) throw new ValueError(`${who}: testSize must be a fraction in (0, 1) or a row count >= 1, got ${JSON.stringify(testSize)}`);
  if (nTest >= n) throw new ValueError(`${who}: testSize ${testSize} leaves no training rows out of ${n}`);
  const rng = resolveRng(o, who, StreamPurpose.split);
  if (stratify && !shuffle) throw new ValueError(`${who}: stratify needs shuffle: true`);
  let testIdx: Int32Array;
  let trainIdx: Int32Array;
  if (stratify) {
    if (y.rank !== 1) throw new ShapeError(`${who}: stratify needs labels of shape [n], got ${formatShape(y.shape)}`);
    [trainIdx, testIdx] = stratifiedIndices(y.data, nTest, rng);
  } else {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (shuffle) shuffleInPlace(order, rng);
    testIdx = shuffle ? order.slice(0, nTest) : order.slice(n - nTest);
    trainIdx = shuffle ? order.slice(nTest) : order.slice(0, n - nTest);
  }
  return {
    train: { x: gatherRows(x, trainIdx), y: gatherRows(y, trainIdx) },
    test: { x: gatherRows(x, testIdx), y: gatherRows(y, testIdx) },
  };
}

/** Per class, the test quota is its share of nTest (largest remainders get the leftovers). */
function stratifiedIndices(labels: Float32Array, nTest: number, rng: RandomSource): [Int32Array, Int32Array] {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const rows = byClass.get(label);
    if (rows === undefined) byClass.set(label, [i]);
    else rows.push(i);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const n = labels.length;
  const quota = classes.map((c) => Math.floor((nTest * byClass.get(c)!.length) / n));
  const byRemainder = classes
    .map((c, k) => ({ k, rem: (nTest * byClass.get(c)!.length) / n - quota[k]! }))
    .sort((a, b) => b.rem - a.rem || a.k - b.k);
  for (let left = nTest - quota.reduce((a, b) => a + b, 0), i = 0; left > 0; left--, i++) quota[byRemainder[i]!.k]!++;
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const rows = shuffleInPlace(byClass.get(c)!, rng);
    test.push(...rows.slice(0, quota[k]));
    train.push(...rows.slice(quota[k]));
  });
  return [shuffleInPlace(Int32Array.from(train), rng), shuffleInPlace(Int32Array.from(test), rng)];
}

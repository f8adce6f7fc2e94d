// Pooling and batch norm split over threads compute exactly what one thread computes: max and
// average pooling with overlapping windows (stride < window: backward scatters into shared cells,
// ties broken by the first maximum) and disjoint ones, forward and backward, and batch norm's
// training forward and backward on channel counts around its 16-channel blocks, on 2, 3 and 4
// threads with every call split as finely as its units allow.
import { describe, expect, test } from 'vitest';
import { randomArray } from '../util.js';
import { comparedCopies, type Instance } from './instances.js';

const copies = comparedCopies();

const bits = (t: { data: Float32Array }) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));

/** Each case's outputs in `lib`, as bits. */
function pooling(lib: Instance, shape: number[], options: { poolSize: number; strides: number; padding: 'valid' | 'same' }, seed: number): number[][] {
  const { ops, tensor } = lib.tl;
  const size = shape.reduce((a, b) => a * b, 1);
  // Quantised values: many ties inside a window.
  const x = tensor(randomArray(size, seed).map((v) => Math.round(v * 4) / 4), shape);
  const yMax = ops.maxPool2d(x, options);
  const yAvg = ops.avgPool2d(x, options);
  const dy = tensor(randomArray(yMax.data.length, seed + 1), yMax.shape);
  return [bits(yMax), bits(yAvg), bits(ops.maxPool2dBackward(dy, x, options)), bits(ops.avgPool2dBackward(dy, shape, options))];
}

function batchNorm(lib: Instance, shape: number[], seed: number): number[][] {
  const { ops, tensor } = lib.tl;
  const size = shape.reduce((a, b) => a * b, 1);
  const c = shape[shape.length - 1]!;
  const x = tensor(randomArray(size, seed).map((v, i) => v * (1 + (i % c)) + (i % c)), shape);
  const gamma = tensor(randomArray(c, seed + 1, 0.5, 1.5), [c]);
  const beta = tensor(randomArray(c, seed + 2), [c]);
  const result = ops.batchNormalizationTraining(x, { gamma, beta, movingMean: tensor(randomArray(c, seed + 3), [c]), movingVariance: tensor(randomArray(c, seed + 4, 0.5, 2), [c]) });
  const grads = ops.batchNormalizationGrad(tensor(randomArray(size, seed + 5), shape), x, { gamma, beta });
  return [...Object.values(result).filter((v): v is { data: Float32Array } => typeof v === 'object' && v !== null && 'data' in v).map(bits), bits(grads.dx), bits(grads.dgamma), bits(grads.dbeta)];
}

describe('threaded pooling and batch norm are bit-identical to one thread', () => {
  test('max and average pooling, forward and backward, overlapping and disjoint windows', () => {
    const cases: Array<[number[], { poolSize: number; strides: number; padding: 'valid' | 'same' }]> = [
      [[3, 13, 11, 5], { poolSize: 3, strides: 1, padding: 'same' }],
      [[5, 9, 9, 17], { poolSize: 3, strides: 2, padding: 'valid' }],
      [[7, 8, 6, 33], { poolSize: 2, strides: 2, padding: 'valid' }],
      [[1, 17, 5, 3], { poolSize: 2, strides: 1, padding: 'same' }],
    ];
    const before = copies.threaded.map((t) => t.threads.threadPool()!.calls);
    cases.forEach(([shape, options], i) => {
      const want = pooling(copies.single, shape, options, 40 + i);
      for (const t of copies.threaded) expect(pooling(t, shape, options, 40 + i), `${t.tl.threadCount()} threads, ${shape} ${JSON.stringify(options)}`).toEqual(want);
    });
    // Forwards split over output rows; backwards over images (not the batch-1 case).
    const splits = cases.reduce((n, [shape]) => n + (shape[0]! > 1 ? 4 : 2), 0);
    copies.threaded.forEach((t, i) => expect(t.threads.threadPool()!.calls - before[i]!).toBeGreaterThanOrEqual(splits));
  });

  test('batch norm training forward and backward, 1 to 65 channels', () => {
    const before = copies.threaded.map((t) => t.threads.threadPool()!.calls);
    const shapes = [[7, 5, 3, 1], [3, 4, 5, 17], [2, 3, 3, 33], [65, 65], [17, 48], [5, 2, 2, 7]];
    shapes.forEach((shape, i) => {
      const want = batchNorm(copies.single, shape, 60 + i);
      for (const t of copies.threaded) expect(batchNorm(t, shape, 60 + i), `${t.tl.threadCount()} threads, ${shape}`).toEqual(want);
    });
    copies.threaded.forEach((t, i) => expect(t.threads.threadPool()!.calls - before[i]!).toBeGreaterThanOrEqual(2 * shapes.length));
  });
});

import { describe, expect, test } from 'vitest';
import { metrics } from '../../src/index.js';
import { heap, writeF32 } from '../../src/backend/memory.js';
import type { Metric } from '../../src/metrics.js';

/** Feeds batches (targets, predictions, optional weights) to a metric and returns its result. */
function run(metric: Metric, batches: Array<{ t: number[]; p: number[]; predShape: number[]; targetSize: number; w?: number[] }>): number {
  metric.reset();
  for (const b of batches) {
    const batch = b.p.length / b.predShape.reduce((a, c) => a * c, 1);
    const yt = heap().alloc(b.t.length * 4);
    const yp = heap().alloc(b.p.length * 4);
    const w = b.w ? heap().alloc(b.w.length * 4) : 0;
    writeF32(yt, b.t);
    writeF32(yp, b.p);
    if (b.w) writeF32(w, b.w);
    metric.update({ yTrue: yt, yPred: yp, batch, predShape: b.predShape, targetSize: b.targetSize, sampleWeights: w });
    heap().free(yt);
    heap().free(yp);
    if (w) heap().free(w);
  }
  return metric.result();
}

describe('metrics', () => {
  test('sparse categorical accuracy streams over batches', () => {
    const m = metrics.sparseCategoricalAccuracy();
    expect(m.name).toBe('sparse_categorical_accuracy');
    const r = run(m, [
      { t: [0, 2], p: [0.9, 0.05, 0.05, 0.1, 0.2, 0.7], predShape: [3], targetSize: 1 },
      { t: [1], p: [0.5, 0.3, 0.2], predShape: [3], targetSize: 1 },
    ]);
    expect(r).toBeCloseTo(2 / 3, 10);
  });

  test('categorical, binary and top-k accuracy', () => {
    expect(run(metrics.categoricalAccuracy(), [{ t: [0, 1, 1, 0], p: [0.3, 0.7, 0.4, 0.6], predShape: [2], targetSize: 2 }])).toBe(0.5);
    expect(run(metrics.binaryAccuracy(), [{ t: [1, 0, 1, 0], p: [0.9, 0.2, 0.4, 0.6], predShape: [1], targetSize: 1 }])).toBe(0.5);
    expect(run(metrics.binaryAccuracy({ threshold: 0 }), [{ t: [1, 0], p: [0.1, -0.2], predShape: [1], targetSize: 1 }])).toBe(1);
    expect(run(metrics.topKCategoricalAccuracy({ k: 2 }), [{ t: [0, 1, 0, 1, 0, 0], p: [0.5, 0.3, 0.2, 0.1, 0.2, 0.7], predShape: [3], targetSize: 3 }])).toBe(0.5);
  });

  test('mse, mae with sample weights', () => {
    expect(run(metrics.meanSquaredError(), [{ t: [0, 0, 1, 1], p: [1, 1, 1, 1], predShape: [2], targetSize: 2, w: [1, 3] }])).toBeCloseTo(0.25, 10);
    expect(run(metrics.meanAbsoluteError(), [{ t: [0, 2], p: [1, 1], predShape: [1], targetSize: 1 }])).toBe(1);
  });

  test('precision, recall and AUC', () => {
    const b = [{ t: [1, 1, 0, 0], p: [0.9, 0.4, 0.6, 0.1], predShape: [1], targetSize: 1 }];
    expect(run(metrics.precision(), b)).toBe(0.5);
    expect(run(metrics.recall(), b)).toBe(0.5);
    expect(run(metrics.auc(), b)).toBeCloseTo(0.75, 2);
    expect(run(metrics.auc(), [{ t: [1, 0, 1, 0], p: [0.9, 0.1, 0.8, 0.3], predShape: [1], targetSize: 1 }])).toBeCloseTo(1, 3);
  });

  test('thresholds: used by precision and recall, and validated with the metric named', () => {
    const b = [{ t: [1, 1, 0, 0], p: [0.9, 0.4, 0.6, 0.1], predShape: [1], targetSize: 1 }];
    expect(run(metrics.precision({ threshold: 0.3 }), b)).toBeCloseTo(2 / 3, 12);
    expect(run(metrics.recall({ threshold: 0.3 }), b)).toBe(1);
    expect(() => metrics.binaryAccuracy({ threshold: Number.NaN })).toThrow('metrics.binaryAccuracy: threshold must be a finite number, got NaN');
    expect(() => metrics.precision({ threshold: '0.5' as unknown as number })).toThrow('metrics.precision: threshold must be a finite number, got 0.5');
    expect(() => metrics.recall({ threshold: Infinity })).toThrow('metrics.recall: threshold must be a finite number, got Infinity');
  });

  test('mean squared error sums exact squares', () => {
    // (3 - 0)^2 + (0.1 - 0)^2 in f32 then f64, as d * d: no pow rounding.
    const d = Math.fround(0.1);
    expect(run(metrics.meanSquaredError(), [{ t: [0, 0], p: [3, 0.1], predShape: [2], targetSize: 2 }])).toBe((9 + d * d) / 2);
  });

  test('accuracy is resolved from the loss like Keras and keeps its name', () => {
    const ctx = { fromLogits: false, predSize: 10, targetSize: 1 };
    expect(metrics.getMetric('accuracy', { ...ctx, lossName: 'sparseCategoricalCrossentropy' }).name).toBe('accuracy');
    const sparse = metrics.getMetric('accuracy', { ...ctx, lossName: 'sparseCategoricalCrossentropy' });
    expect(run(sparse, [{ t: [1], p: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0], predShape: [10], targetSize: 1 }])).toBe(1);
    const cat = metrics.getMetric('acc', { lossName: 'categoricalCrossentropy', fromLogits: false, predSize: 3, targetSize: 3 });
    expect(run(cat, [{ t: [0, 0, 1], p: [0.1, 0.2, 0.7], predShape: [3], targetSize: 3 }])).toBe(1);
    const bin = metrics.getMetric('accuracy', { lossName: 'binaryCrossentropy', fromLogits: true, predSize: 1, targetSize: 1 });
    expect(run(bin, [{ t: [1, 0], p: [0.2, -0.3], predShape: [1], targetSize: 1 }])).toBe(1);
    expect(() => metrics.getMetric('f1', { ...ctx, lossName: 'x' })).toThrow(/unknown metric "f1"; valid names: accuracy, binaryAccuracy/);
  });

  test('rootMeanSquaredError is sqrt of the mean squared error over every value (course: 0.612, Keras RootMeanSquaredError)', () => {
    const m = metrics.rootMeanSquaredError();
    expect(m.name).toBe('root_mean_squared_error');
    // Errors 0, 0.5 | 0.5, 1 over two batches: sqrt(0.375), not the mean of per-sample roots (0.5).
    const r = run(m, [
      { t: [1, 2], p: [1, 2.5], predShape: [1], targetSize: 1 },
      { t: [3, 4], p: [2.5, 5], predShape: [1], targetSize: 1 },
    ]);
    expect(r).toBeCloseTo(Math.sqrt(0.375), 10);
    expect(run(m, [{ t: [0, 0], p: [1, 3], predShape: [1], targetSize: 1, w: [3, 1] }])).toBeCloseTo(Math.sqrt(12 / 4), 10);
    const byName = metrics.getMetric('rmse', { lossName: 'meanSquaredError', fromLogits: false, predSize: 1, targetSize: 1 });
    expect(byName.name).toBe('rmse');
  });

  test('auc: unknown keys and unbounded numThresholds are refused (issue 15)', () => {
    expect(() => metrics.auc({ numThreshold: 3 } as never)).toThrow("metrics.auc: unknown option 'numThreshold' (did you mean 'numThresholds'?)");
    expect(() => metrics.auc({ numThresholds: 1e12 })).toThrow(/metrics.auc: numThresholds must be an integer in \[3, 1000000\] \(Keras's default is 200/);
    expect(() => metrics.auc({ numThresholds: 2n as never })).toThrow(/got "2n"/);
    expect(() => metrics.auc({ numThresholds: null as never })).toThrow(/numThresholds must be an integer in \[3, 1000000\].*got null/);
    expect(metrics.auc({ numThresholds: 1e6 }).name).toBe('auc');
  });
});


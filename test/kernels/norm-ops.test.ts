import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { ops, tensor, Tensor } from '../../src/api.js';
import { batchNormBackwardPtr, batchNormInferenceBackwardPtr, batchNormInferenceForwardPtr, batchNormTrainForwardPtr } from '../../src/ops/norm.js';
import { heap, scratch } from '../../src/backend/memory.js';
import { expectClose, fromWasm, randomArray, toWasm } from '../util.js';

interface Case {
  name: string;
  kind: 'batchNorm' | 'layerNorm';
  mode: 'train' | 'inference';
  shape: number[];
  momentum?: number;
  epsilon: number;
  x: number[]; gamma: number[]; beta: number[]; y: number[];
  movingMean?: number[]; movingVar?: number[]; movingMeanAfter?: number[]; movingVarAfter?: number[];
  dy: number[]; dx: number[]; dgamma: number[]; dbeta: number[];
}

const fixture = JSON.parse(readFileSync('test/fixtures/norm/norm.json', 'utf8')) as { format: number; cases: Case[] };
const t = (v: number[], shape?: number[]) => tensor(Float32Array.from(v), shape ?? [v.length]);

describe('PyTorch fixtures (test/fixtures/norm/norm.json, scripts/fixtures/norm.py)', () => {
  test('the fixture has format 1 and every kind of case', () => {
    expect(fixture.format).toBe(1);
    expect(new Set(fixture.cases.map((c) => `${c.kind}/${c.mode}`))).toEqual(new Set(['batchNorm/train', 'batchNorm/inference', 'layerNorm/train']));
  });

  test.each(fixture.cases.filter((c) => c.kind === 'batchNorm' && c.mode === 'train').map((c) => [c.name, c] as const))('%s', (_, c) => {
    const x = t(c.x, c.shape);
    const params = { gamma: t(c.gamma), beta: t(c.beta), epsilon: c.epsilon };
    const r = ops.batchNormalizationTraining(x, { ...params, movingMean: t(c.movingMean!), movingVariance: t(c.movingVar!), momentum: c.momentum! });
    expectClose(r.y.data, c.y, `${c.name} y`, 2e-5, 2e-5);
    expectClose(r.movingMean.data, c.movingMeanAfter!, `${c.name} moving mean (Keras momentum ${c.momentum})`, 1e-5, 1e-6);
    expectClose(r.movingVariance.data, c.movingVarAfter!, `${c.name} moving variance (unbiased)`, 1e-5, 1e-6);
    const g = ops.batchNormalizationGrad(t(c.dy, c.shape), x, params);
    expectClose(g.dx.data, c.dx, `${c.name} dx`, 1e-4, 1e-4);
    expectClose(g.dgamma.data, c.dgamma, `${c.name} dgamma`, 1e-4, 1e-4);
    expectClose(g.dbeta.data, c.dbeta, `${c.name} dbeta`, 1e-5, 1e-5);
  });

  test.each(fixture.cases.filter((c) => c.kind === 'batchNorm' && c.mode === 'inference').map((c) => [c.name, c] as const))('%s', (_, c) => {
    const x = t(c.x, c.shape);
    const y = ops.batchNormalization(x, { mean: t(c.movingMean!), variance: t(c.movingVar!), gamma: t(c.gamma), beta: t(c.beta), epsilon: c.epsilon });
    expectClose(y.data, c.y, `${c.name} y`, 2e-5, 2e-5);
    const channels = c.shape[c.shape.length - 1]!;
    const rows = c.x.length / channels;
    const p = {
      x: toWasm(c.x), y: toWasm(new Float32Array(c.x.length)), gamma: toWasm(c.gamma), beta: toWasm(c.beta), mm: toWasm(c.movingMean!), mv: toWasm(c.movingVar!),
      dy: toWasm(c.dy), dx: toWasm(new Float32Array(c.x.length)), dgamma: toWasm(new Float32Array(channels)), dbeta: toWasm(new Float32Array(channels)),
    };
    try {
      batchNormInferenceForwardPtr({ y: p.y, x: p.x, gamma: p.gamma, beta: p.beta, movingMean: p.mm, movingVar: p.mv, rows, channels, epsilon: c.epsilon });
      expectClose(fromWasm(p.y, c.x.length), c.y, `${c.name} pointer y`, 2e-5, 2e-5);
      batchNormInferenceBackwardPtr({ dx: p.dx, dgamma: p.dgamma, dbeta: p.dbeta, dy: p.dy, x: p.x, gamma: p.gamma, movingMean: p.mm, movingVar: p.mv, rows, channels, epsilon: c.epsilon });
      expectClose(fromWasm(p.dx, c.x.length), c.dx, `${c.name} dx (eval mode)`, 1e-5, 1e-5);
      expectClose(fromWasm(p.dgamma, channels), c.dgamma, `${c.name} dgamma (eval mode)`, 1e-4, 1e-4);
      expectClose(fromWasm(p.dbeta, channels), c.dbeta, `${c.name} dbeta (eval mode)`, 1e-5, 1e-5);
    } finally {
      for (const ptr of Object.values(p)) heap().free(ptr);
    }
  });

  test.each(fixture.cases.filter((c) => c.kind === 'layerNorm').map((c) => [c.name, c] as const))('%s', (_, c) => {
    const x = t(c.x, c.shape);
    const params = { gamma: t(c.gamma), beta: t(c.beta), epsilon: c.epsilon };
    expectClose(ops.layerNormalization(x, params).data, c.y, `${c.name} y`, 2e-5, 2e-5);
    const g = ops.layerNormalizationGrad(t(c.dy, c.shape), x, params);
    expectClose(g.dx.data, c.dx, `${c.name} dx`, 1e-4, 1e-4);
    expectClose(g.dgamma.data, c.dgamma, `${c.name} dgamma`, 1e-4, 1e-4);
    expectClose(g.dbeta.data, c.dbeta, `${c.name} dbeta`, 1e-5, 1e-5);
  });
});

describe('batch-norm pointer functions and the scratch arena', () => {
  test('each call releases its scratch, and the arena stops growing after the first step', () => {
    const rows = 7;
    const channels = 5;
    const x = randomArray(rows * channels, 3);
    const p = {
      x: toWasm(x), y: toWasm(new Float32Array(rows * channels)), gamma: toWasm(new Float32Array(channels).fill(1)), beta: toWasm(new Float32Array(channels)),
      mm: toWasm(new Float32Array(channels)), mv: toWasm(new Float32Array(channels).fill(1)), sm: toWasm(new Float32Array(channels)), si: toWasm(new Float32Array(channels)),
      dy: toWasm(randomArray(rows * channels, 4)), dx: toWasm(new Float32Array(rows * channels)), dgamma: toWasm(new Float32Array(channels)), dbeta: toWasm(new Float32Array(channels)),
    };
    const step = () => {
      batchNormTrainForwardPtr({ y: p.y, x: p.x, gamma: p.gamma, beta: p.beta, movingMean: p.mm, movingVar: p.mv, saveMean: p.sm, saveInvStd: p.si, rows, channels });
      batchNormBackwardPtr({ dx: p.dx, dgamma: p.dgamma, dbeta: p.dbeta, dy: p.dy, x: p.x, gamma: p.gamma, saveMean: p.sm, saveInvStd: p.si, rows, channels });
      batchNormInferenceForwardPtr({ y: p.y, x: p.x, gamma: p.gamma, beta: p.beta, movingMean: p.mm, movingVar: p.mv, rows, channels });
      batchNormInferenceBackwardPtr({ dx: p.dx, dgamma: p.dgamma, dbeta: p.dbeta, dy: p.dy, x: p.x, gamma: p.gamma, movingMean: p.mm, movingVar: p.mv, rows, channels });
    };
    try {
      const mark = scratch().mark();
      step();
      expect(scratch().mark(), 'scratch position after one step').toBe(mark);
      const reserved = scratch().reservedBytes;
      for (let i = 0; i < 3; i++) step();
      expect(scratch().mark()).toBe(mark);
      expect(scratch().reservedBytes, 'arena size after more identical steps').toBe(reserved);
      // The backward ran 4 times with the same dy: dbeta holds 4 * (column sums of dy) from
      // the training backward and as much again from the inference backward.
      const dy = fromWasm(p.dy, rows * channels);
      const sums = Array.from({ length: channels }, (_, c) => Array.from({ length: rows }, (_, r) => dy[r * channels + c]!).reduce((a, b) => a + b, 0));
      expectClose(fromWasm(p.dbeta, channels), sums.map((v) => 8 * v), 'dbeta accumulated over 8 backward calls', 1e-5, 1e-5);
    } finally {
      for (const ptr of Object.values(p)) heap().free(ptr);
    }
  });
});

describe('ops.batchNormalization* and ops.layerNormalization*', () => {
  test('use Keras defaults: gamma 1, beta 0, epsilon 1e-3, moving mean 0 and variance 1, momentum 0.99', () => {
    const x = tensor(randomArray(4 * 3, 1, -2, 2), [4, 3]);
    const r = ops.batchNormalizationTraining(x);
    const explicit = ops.batchNormalizationTraining(x, {
      gamma: tensor([1, 1, 1]), beta: tensor([0, 0, 0]), epsilon: 1e-3, movingMean: tensor([0, 0, 0]), movingVariance: tensor([1, 1, 1]), momentum: 0.99,
    });
    expect(Array.from(r.y.data)).toEqual(Array.from(explicit.y.data));
    expect(Array.from(r.movingVariance.data)).toEqual(Array.from(explicit.movingVariance.data));
    expectClose(r.movingMean.data, Array.from(r.mean.data, (m) => 0.01 * m), 'moving mean after one step', 1e-6, 1e-7);
    // The batch variance is biased; normalised columns have mean 0 and variance var / (var + eps).
    for (let c = 0; c < 3; c++) {
      const col = [0, 1, 2, 3].map((i) => r.y.data[i * 3 + c]!);
      const v = col.reduce((s, y) => s + y * y, 0) / 4;
      expect(v).toBeCloseTo(r.variance.data[c]! / (r.variance.data[c]! + 1e-3), 5);
    }
    const ln = ops.layerNormalization(tensor([1, 2, 3, 4]));
    expectClose(ln.data, [-1.3411, -0.4470, 0.4470, 1.3411], 'layer norm of [1, 2, 3, 4]', 1e-4, 1e-4);
  });

  test('return new tensors and leave the inputs unchanged', () => {
    const x = tensor(randomArray(10, 2), [5, 2]);
    const before = Array.from(x.data);
    const mm = tensor([0.5, -0.5]);
    const r = ops.batchNormalizationTraining(x, { movingMean: mm });
    expect(Array.from(x.data)).toEqual(before);
    expect(Array.from(mm.data)).toEqual([0.5, -0.5]);
    expect(r.y).toBeInstanceOf(Tensor);
    expect(r.y.shape).toEqual([5, 2]);
  });

  test('reject bad input with errors that name the op, the expectation and the value', () => {
    const x = tensor(randomArray(12, 3), [2, 2, 3]);
    expect(() => ops.batchNormalization(x, null as never)).toThrow(/batchNormalization: params \{ mean, variance \} must be an object, got null/);
    expect(() => ops.batchNormalizationTraining(x, null as never)).toThrow(/batchNormalizationTraining: params must be an object, got null/);
    expect(() => ops.layerNormalization(x, 0.001 as never)).toThrow(/layerNormalization: params must be an object, got 0.001/);
    expect(() => ops.batchNormalizationGrad(x, x, null as never)).toThrow(/batchNormalizationGrad: params must be an object, got null/);
    expect(() => ops.batchNormalizationTraining(tensor([1, 2, 3]))).toThrow(/batchNormalizationTraining: x: expected rank 2 or 3 .* got shape \[3\]/);
    expect(() => ops.batchNormalizationTraining(x, { gamma: tensor([1, 2]) })).toThrow(/batchNormalizationTraining: gamma must have shape \[3\] \(the channels of x\), got \[2\]/);
    expect(() => ops.batchNormalizationTraining(x, { momentum: 1.5 })).toThrow(/batchNormalizationTraining: momentum must be a number in \[0, 1\], got 1.5/);
    expect(() => ops.batchNormalizationTraining(x, { epsilon: 0 })).toThrow(/batchNormalizationTraining: epsilon must be a positive number, got 0/);
    expect(() => ops.batchNormalizationTraining(tensor(new Float32Array(0), [0, 3]))).toThrow(/has no rows/);
    expect(() => ops.batchNormalization(x, {} as never)).toThrow(/batchNormalization: params.mean is required/);
    expect(() => ops.batchNormalizationGrad(tensor(randomArray(6, 1), [2, 3]), x)).toThrow(/batchNormalizationGrad: dy \[2, 3\] must have the shape of x \[2, 2, 3\]/);
    expect(() => ops.layerNormalization(tensor(new Float32Array(0), [2, 0]))).toThrow(/layerNormalization: x \[2, 0\] has no channels/);
    expect(() => ops.layerNormalizationGrad(x, x, { gamma: [1, 2, 3] as never })).toThrow(/layerNormalizationGrad: gamma must be a Tensor/);
  });
});

import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { movingUpdate, normBackward, normForward, normStats, type NormStats } from '../reference/norm.js';
import { expectClose, fromWasm, k, randomArray, toWasm } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import {
  batchNormBackwardPtr, batchNormInferenceBackwardPtr, batchNormInferenceForwardPtr, batchNormTrainForwardPtr,
  layerNormBackwardPtr, layerNormForwardPtr,
} from '../../src/ops/norm.js';

const ROWS = [1, 2, 3, 17, 64];
const CHANNELS = [1, 3, 4, 5, 8, 13, 33];
const EPS = 1e-3;

/** Copies arrays into fresh heap blocks, runs fn with their offsets, frees them. */
function inWasm<T>(arrays: Record<string, ArrayLike<number>>, fn: (p: Record<string, number>) => T): T {
  const p: Record<string, number> = {};
  for (const [name, a] of Object.entries(arrays)) p[name] = toWasm(a);
  try {
    return fn(p);
  } finally {
    for (const ptr of Object.values(p)) heap().free(ptr);
  }
}

/** Test data: an offset and a scale per channel so that statistics are not trivially 0/1. */
function data(rows: number, channels: number, seed: number): Record<string, Float32Array> {
  const x = randomArray(rows * channels, seed, -1, 1).map((v, i) => 3 * (i % channels) - 2 + v * (1 + (i % channels)));
  return {
    x,
    gamma: randomArray(channels, seed + 1, 0.5, 1.5),
    beta: randomArray(channels, seed + 2, -0.5, 0.5),
    dy: randomArray(rows * channels, seed + 3),
    dx: randomArray(rows * channels, seed + 4), // nonzero: backward accumulates
    dgamma: randomArray(channels, seed + 5),
    dbeta: randomArray(channels, seed + 6),
    movingMean: randomArray(channels, seed + 7),
    movingVar: randomArray(channels, seed + 8, 0.5, 2),
  };
}

const plus = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, i) => v + b[i]!);

describe('f32_batch_norm_train_forward and f32_batch_norm_backward', () => {
  test.each(ROWS)('match the f64 reference for rows=%i and every channel count', (rows) => {
    for (const channels of CHANNELS) {
      const d = data(rows, channels, rows * 100 + channels);
      const what = `rows=${rows} channels=${channels}`;
      const stats = normStats(d.x!, rows, channels, 'batch');
      const moving = movingUpdate(d.movingMean!, d.movingVar!, stats, rows, 0.9);
      const y = normForward(d.x!, d.gamma!, d.beta!, stats, rows, channels, 'batch', EPS);
      const grads = normBackward(d.dy!, d.x!, d.gamma!, stats, rows, channels, 'batch', EPS, true);
      const n = rows * channels;
      inWasm({ ...d, y: new Float32Array(n), saveMean: new Float32Array(channels), saveInvStd: new Float32Array(channels) }, (p) => {
        batchNormTrainForwardPtr({ y: p.y!, x: p.x!, gamma: p.gamma!, beta: p.beta!, movingMean: p.movingMean!, movingVar: p.movingVar!, saveMean: p.saveMean!, saveInvStd: p.saveInvStd!, rows, channels, momentum: 0.9, epsilon: EPS });
        expectClose(fromWasm(p.y!, n), y, `f32_batch_norm_train_forward y ${what}`, 2e-5, 2e-5);
        expectClose(fromWasm(p.saveMean!, channels), stats.mean, `saveMean ${what}`, 1e-5, 1e-5);
        expectClose(fromWasm(p.saveInvStd!, channels), Array.from(stats.variance, (v) => 1 / Math.sqrt(v + EPS)), `saveInvStd ${what}`, 2e-5, 1e-5);
        expectClose(fromWasm(p.movingMean!, channels), moving.mean, `movingMean ${what}`, 1e-5, 1e-5);
        expectClose(fromWasm(p.movingVar!, channels), moving.variance, `movingVar ${what}`, 2e-5, 1e-5);
        batchNormBackwardPtr({ dx: p.dx!, dgamma: p.dgamma!, dbeta: p.dbeta!, dy: p.dy!, x: p.x!, gamma: p.gamma!, saveMean: p.saveMean!, saveInvStd: p.saveInvStd!, rows, channels });
        expectClose(fromWasm(p.dx!, n), plus(d.dx!, grads.dx), `f32_batch_norm_backward dx ${what}`, 1e-4, 1e-4);
        expectClose(fromWasm(p.dgamma!, channels), plus(d.dgamma!, grads.dgamma), `dgamma ${what}`, 1e-4, 1e-4);
        expectClose(fromWasm(p.dbeta!, channels), plus(d.dbeta!, grads.dbeta), `dbeta ${what}`, 1e-5, 1e-5);
      });
    }
  });

  test('runs in place (y = x)', () => {
    const rows = 5, channels = 7;
    const d = data(rows, channels, 3);
    const want = normForward(d.x!, d.gamma!, d.beta!, normStats(d.x!, rows, channels, 'batch'), rows, channels, 'batch', EPS);
    inWasm({ ...d, saveMean: new Float32Array(channels), saveInvStd: new Float32Array(channels) }, (p) => {
      batchNormTrainForwardPtr({ y: p.x!, x: p.x!, gamma: p.gamma!, beta: p.beta!, movingMean: p.movingMean!, movingVar: p.movingVar!, saveMean: p.saveMean!, saveInvStd: p.saveInvStd!, rows, channels });
      expectClose(fromWasm(p.x!, rows * channels), want, 'in place', 2e-5, 2e-5);
    });
  });

  test('moving statistics follow Keras momentum and converge to the data statistics', () => {
    const rows = 32, channels = 3;
    const d = data(rows, channels, 9);
    const stats = normStats(d.x!, rows, channels, 'batch');
    inWasm({ ...d, y: new Float32Array(rows * channels), saveMean: new Float32Array(channels), saveInvStd: new Float32Array(channels), mm: new Float32Array(channels), mv: new Float32Array(channels).fill(1) }, (p) => {
      // Default momentum 0.99: one step moves 1 % of the way.
      batchNormTrainForwardPtr({ y: p.y!, x: p.x!, gamma: p.gamma!, beta: p.beta!, movingMean: p.mm!, movingVar: p.mv!, saveMean: p.saveMean!, saveInvStd: p.saveInvStd!, rows, channels });
      expectClose(fromWasm(p.mm!, channels), Array.from(stats.mean, (m) => 0.01 * m), 'one step of momentum 0.99', 1e-5, 1e-6);
      expectClose(fromWasm(p.mv!, channels), Array.from(stats.variance, (v) => 0.99 + 0.01 * v * rows / (rows - 1)), 'unbiased moving variance', 1e-5, 1e-6);
      for (let step = 0; step < 2000; step++) {
        batchNormTrainForwardPtr({ y: p.y!, x: p.x!, gamma: p.gamma!, beta: p.beta!, movingMean: p.mm!, movingVar: p.mv!, saveMean: p.saveMean!, saveInvStd: p.saveInvStd!, rows, channels });
      }
      expectClose(fromWasm(p.mm!, channels), stats.mean, 'moving mean after 2001 steps', 1e-4, 1e-4);
      expectClose(fromWasm(p.mv!, channels), Array.from(stats.variance, (v) => v * rows / (rows - 1)), 'moving variance after 2001 steps', 1e-4, 1e-4);
    });
  });
});

describe('f32_batch_norm_inference_forward and f32_batch_norm_inference_backward', () => {
  test.each(ROWS)('match the f64 reference with the moving statistics, rows=%i', (rows) => {
    for (const channels of CHANNELS) {
      const d = data(rows, channels, rows * 7 + channels);
      const what = `rows=${rows} channels=${channels}`;
      const stats: NormStats = { mean: Float64Array.from(d.movingMean!), variance: Float64Array.from(d.movingVar!) };
      const n = rows * channels;
      const y = normForward(d.x!, d.gamma!, d.beta!, stats, rows, channels, 'batch', EPS);
      const grads = normBackward(d.dy!, d.x!, d.gamma!, stats, rows, channels, 'batch', EPS, false);
      inWasm({ ...d, y: new Float32Array(n) }, (p) => {
        batchNormInferenceForwardPtr({ y: p.y!, x: p.x!, gamma: p.gamma!, beta: p.beta!, movingMean: p.movingMean!, movingVar: p.movingVar!, rows, channels });
        expectClose(fromWasm(p.y!, n), y, `f32_batch_norm_inference_forward ${what}`, 2e-5, 2e-5);
        batchNormInferenceBackwardPtr({ dx: p.dx!, dgamma: p.dgamma!, dbeta: p.dbeta!, dy: p.dy!, x: p.x!, gamma: p.gamma!, movingMean: p.movingMean!, movingVar: p.movingVar!, rows, channels });
        expectClose(fromWasm(p.dx!, n), plus(d.dx!, grads.dx), `f32_batch_norm_inference_backward dx ${what}`, 1e-5, 1e-5);
        expectClose(fromWasm(p.dgamma!, channels), plus(d.dgamma!, grads.dgamma), `dgamma ${what}`, 1e-4, 1e-4);
        expectClose(fromWasm(p.dbeta!, channels), plus(d.dbeta!, grads.dbeta), `dbeta ${what}`, 1e-5, 1e-5);
      });
    }
  });
});

describe('f32_layer_norm_forward and f32_layer_norm_backward', () => {
  test.each(ROWS)('match the f64 reference for rows=%i and every channel count', (rows) => {
    for (const channels of CHANNELS) {
      const d = data(rows, channels, rows * 31 + channels);
      const what = `rows=${rows} channels=${channels}`;
      const stats = normStats(d.x!, rows, channels, 'layer');
      const n = rows * channels;
      const y = normForward(d.x!, d.gamma!, d.beta!, stats, rows, channels, 'layer', EPS);
      const grads = normBackward(d.dy!, d.x!, d.gamma!, stats, rows, channels, 'layer', EPS, true);
      inWasm({ ...d, y: new Float32Array(n), saveMean: new Float32Array(rows), saveInvStd: new Float32Array(rows) }, (p) => {
        layerNormForwardPtr({ y: p.y!, x: p.x!, gamma: p.gamma!, beta: p.beta!, saveMean: p.saveMean!, saveInvStd: p.saveInvStd!, rows, channels });
        expectClose(fromWasm(p.y!, n), y, `f32_layer_norm_forward ${what}`, 2e-5, 2e-5);
        expectClose(fromWasm(p.saveMean!, rows), stats.mean, `saveMean ${what}`, 1e-5, 1e-5);
        layerNormBackwardPtr({ dx: p.dx!, dgamma: p.dgamma!, dbeta: p.dbeta!, dy: p.dy!, x: p.x!, gamma: p.gamma!, saveMean: p.saveMean!, saveInvStd: p.saveInvStd!, rows, channels });
        expectClose(fromWasm(p.dx!, n), plus(d.dx!, grads.dx), `f32_layer_norm_backward dx ${what}`, 1e-4, 1e-4);
        expectClose(fromWasm(p.dgamma!, channels), plus(d.dgamma!, grads.dgamma), `dgamma ${what}`, 1e-4, 1e-4);
        expectClose(fromWasm(p.dbeta!, channels), plus(d.dbeta!, grads.dbeta), `dbeta ${what}`, 1e-5, 1e-5);
      });
    }
  });
});

describe('reference backward (test/reference/norm.ts)', () => {
  /** Central differences in f64 of L = sum(w * y) with respect to every input. */
  test.each([
    ['batch', true, 3, 5],
    ['batch', true, 17, 3],
    ['batch', false, 4, 5],
    ['layer', true, 3, 5],
    ['layer', true, 2, 13],
  ] as const)('%s norm (batch statistics: %s) matches central finite differences, rows=%i channels=%i', (axis, batchStats, rows, channels) => {
    const d = data(rows, channels, 5);
    const x = Float64Array.from(d.x!), gamma = Float64Array.from(d.gamma!), beta = Float64Array.from(d.beta!);
    const w = Float64Array.from(d.dy!);
    const fixed: NormStats = { mean: Float64Array.from(d.movingMean!), variance: Float64Array.from(d.movingVar!) };
    const loss = (xv: Float64Array, gv: Float64Array, bv: Float64Array) => {
      const stats = batchStats ? normStats(xv, rows, channels, axis) : fixed;
      return normForward(xv, gv, bv, stats, rows, channels, axis, EPS).reduce((s, y, i) => s + y * w[i]!, 0);
    };
    const grads = normBackward(w, x, gamma, batchStats ? normStats(x, rows, channels, axis) : fixed, rows, channels, axis, EPS, batchStats);
    const h = 1e-5;
    const numeric = (v: Float64Array, f: () => number) =>
      Array.from(v, (_, i) => {
        const keep = v[i]!;
        v[i] = keep + h;
        const up = f();
        v[i] = keep - h;
        const down = f();
        v[i] = keep;
        return (up - down) / (2 * h);
      });
    const f = () => loss(x, gamma, beta);
    expectClose(grads.dx, numeric(x, f), `${axis} dx`, 1e-6, 1e-6);
    expectClose(grads.dgamma, numeric(gamma, f), `${axis} dgamma`, 1e-6, 1e-6);
    expectClose(grads.dbeta, numeric(beta, f), `${axis} dbeta`, 1e-6, 1e-6);
  });
});

test('f32_batch_norm_scratch_bytes is 12 bytes per channel', () => {
  expect(k().f32_batch_norm_scratch_bytes!(33)).toBe(396);
});

test('f32_batch_norm_train_statistics, f32_batch_norm_normalize, f32_batch_norm_backward_sums and f32_batch_norm_backward_rows in parts (f32_batch_norm_split_units) give the bits of the whole kernels', () => {
  const w = k();
  const bits = (p: number, n: number) => Array.from(new Uint32Array(fromWasm(p, n).buffer));
  for (const rows of [1, 3, 17, 65]) {
    for (const channels of [1, 3, 5, 7, 17, 33, 65]) {
      const d = data(rows, channels, rows * 100 + channels);
      const n = rows * channels;
      const zeros = new Float32Array(channels);
      const run = (parts: number) => inWasm({ ...d, y: new Float32Array(n), sm: zeros, si: zeros, work: new Float32Array(3 * channels) }, (p) => {
        const units = [0, 1].map((pass) => w.f32_batch_norm_split_units!(pass, rows, channels));
        expect(units).toEqual([Math.ceil(channels / 16), rows]);
        if (parts === 0) {
          w.f32_batch_norm_train_forward!(p.y!, p.sm!, p.si!, p.movingMean!, p.movingVar!, p.x!, p.gamma!, p.beta!, rows, channels, 0.9, EPS);
          w.f32_batch_norm_backward!(p.dx!, p.dgamma!, p.dbeta!, p.dy!, p.x!, p.gamma!, p.sm!, p.si!, rows, channels, p.work!);
        } else {
          // The halves in order, each part after the other: what the threads run, on one thread.
          for (let i = 0; i < parts; i++) w.f32_batch_norm_train_statistics!(p.sm!, p.si!, p.movingMean!, p.movingVar!, p.x!, rows, channels, 0.9, EPS, i, parts);
          for (let i = 0; i < parts; i++) w.f32_batch_norm_normalize!(p.y!, p.x!, p.sm!, p.si!, p.gamma!, p.beta!, rows, channels, i, parts);
          for (let i = 0; i < parts; i++) w.f32_batch_norm_backward_sums!(p.dgamma!, p.dbeta!, p.dy!, p.x!, p.sm!, p.si!, rows, channels, p.work!, i, parts);
          for (let i = 0; i < parts; i++) w.f32_batch_norm_backward_rows!(p.dx!, p.dy!, p.x!, p.gamma!, p.sm!, p.si!, rows, channels, p.work!, i, parts);
        }
        return ['y', 'sm', 'si', 'movingMean', 'movingVar', 'dx', 'dgamma', 'dbeta'].map((name) => bits(p[name]!, name === 'y' || name === 'dx' ? n : channels));
      });
      const whole = run(0);
      for (const parts of [1, 2, 3, 5]) expect(run(parts), `rows ${rows}, channels ${channels}, ${parts} parts`).toEqual(whole);
    }
  }
});

test('every export of assembly/norm.ts is a wasm function named by a describe or test in this file', () => {
  const exported = [...readFileSync('assembly/norm.ts', 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]!);
  const named = [...readFileSync('test/kernels/norm.test.ts', 'utf8').matchAll(/^(?:describe|test)\('([^']+)'/gm)].map((m) => m[1]!).join(' ');
  expect(exported.length).toBe(12);
  for (const symbol of exported) {
    expect(typeof k()[symbol], symbol).toBe('function');
    expect(named, `nothing names ${symbol}`).toMatch(new RegExp(`\\b${symbol}\\b`));
  }
});

test('batch norm statistics stay accurate over 12544 rows with a large offset (64x14x14 x 3 channels)', () => {
  const rows = 64 * 14 * 14, channels = 3;
  const x = randomArray(rows * channels, 77, -1, 1).map((v, i) => 100 * (i % channels) + 50 + v);
  const stats = normStats(x, rows, channels, 'batch');
  inWasm({ x, y: new Float32Array(rows * channels), gamma: new Float32Array(channels).fill(1), beta: new Float32Array(channels), mm: new Float32Array(channels), mv: new Float32Array(channels), sm: new Float32Array(channels), si: new Float32Array(channels) }, (p) => {
    batchNormTrainForwardPtr({ y: p.y!, x: p.x!, gamma: p.gamma!, beta: p.beta!, movingMean: p.mm!, movingVar: p.mv!, saveMean: p.sm!, saveInvStd: p.si!, rows, channels, momentum: 0 });
    expectClose(fromWasm(p.sm!, channels), stats.mean, 'mean over 12544 rows (1 ulp)', 1.2e-7, 0);
    expectClose(fromWasm(p.si!, channels), Array.from(stats.variance, (v) => 1 / Math.sqrt(v + EPS)), 'invStd over 12544 rows', 1e-5, 0);
    const ones = new Float32Array(channels).fill(1);
    expectClose(fromWasm(p.y!, rows * channels), normForward(x, ones, new Float32Array(channels), stats, rows, channels, 'batch', EPS), 'y over 12544 rows', 0, 3e-5);
  });
});

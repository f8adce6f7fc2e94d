import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lossRef } from '../reference/loss.js';
import { numericGradient } from '../reference/activation.js';
import { expectClose, fromWasm, randomArray, toWasm, k } from '../util.js';
import { heap } from '../../src/backend/memory.js';
import { LOSS_SHAPE } from '../../src/kernels/loss.js';
import { allocStruct, freeStructs, writeStruct } from '../../src/kernels/structs.js';

/** A LossShape struct (the kernels' sample geometry and parameters); free with freeStructs. */
function lossShape(positions: number, width: number, a: number, b: number): number {
  const p = allocStruct(LOSS_SHAPE.bytes, 'loss test');
  writeStruct(p, LOSS_SHAPE, { positions, width, a, b });
  return p;
}

type Cfg = Record<string, number | boolean>;
/** What the targets and predictions of a row look like, so tests stay away from clips and kinks. */
type Data = 'real' | 'positive' | 'binary' | 'prob' | 'logits' | 'onehot' | 'soft' | 'sparse' | 'pm1' | 'distance' | 'pair';

/**
 * The manifest of assembly/loss.ts: every loss kernel with the loss name of its reference, the
 * options it is tested with, the kernel's (a, b) for them, and the data it is tested on.
 */
export const LOSS_KERNELS: Array<{ symbol: string; name: string; config: Cfg; a?: number; b?: number; target: Data; pred: Data }> = [
  { symbol: 'f32_mse_loss__simd', name: 'meanSquaredError', config: {}, target: 'real', pred: 'real' },
  { symbol: 'f32_mae_loss__simd', name: 'meanAbsoluteError', config: {}, target: 'real', pred: 'real' },
  { symbol: 'f32_rmse_loss__simd', name: 'rootMeanSquaredError', config: {}, target: 'real', pred: 'real' },
  { symbol: 'f32_mbe_loss__simd', name: 'meanBiasError', config: {}, target: 'real', pred: 'real' },
  { symbol: 'f32_huber_loss__simd', name: 'huber', config: { delta: 0.7 }, a: 0.7, target: 'real', pred: 'real' },
  { symbol: 'f32_smooth_l1_loss__simd', name: 'smoothL1', config: { beta: 0.6 }, a: 0.6, target: 'real', pred: 'real' },
  { symbol: 'f32_log_cosh_loss__simd', name: 'logCosh', config: {}, target: 'real', pred: 'real' },
  { symbol: 'f32_msle_loss__simd', name: 'meanSquaredLogarithmicError', config: {}, target: 'positive', pred: 'positive' },
  { symbol: 'f32_mape_loss__simd', name: 'meanAbsolutePercentageError', config: {}, target: 'positive', pred: 'positive' },
  { symbol: 'f32_poisson_loss__simd', name: 'poisson', config: {}, target: 'positive', pred: 'positive' },
  { symbol: 'f32_quantile_loss__simd', name: 'quantile', config: { q: 0.8 }, a: 0.8, target: 'real', pred: 'real' },
  { symbol: 'f32_hinge_loss__simd', name: 'hinge', config: {}, a: 0, target: 'pm1', pred: 'real' },
  { symbol: 'f32_perceptron_loss__simd', name: 'perceptron', config: {}, a: 1, target: 'binary', pred: 'real' },
  { symbol: 'f32_squared_hinge_loss__simd', name: 'squaredHinge', config: {}, a: 1, target: 'binary', pred: 'real' },
  { symbol: 'f32_contrastive_loss__simd', name: 'contrastive', config: { margin: 1.2 }, a: 1.2, target: 'binary', pred: 'distance' },
  { symbol: 'f32_bce_loss__simd', name: 'binaryCrossentropy', config: { fromLogits: false, labelSmoothing: 0.1, posWeight: 2 }, a: 2, b: 0.1, target: 'soft', pred: 'prob' },
  { symbol: 'f32_bce_logits_loss__simd', name: 'binaryCrossentropy', config: { fromLogits: true, labelSmoothing: 0.2, posWeight: 0.5 }, a: 0.5, b: 0.2, target: 'binary', pred: 'logits' },
  { symbol: 'f32_kld_loss__simd', name: 'kullbackLeiblerDivergence', config: {}, target: 'prob', pred: 'prob' },
  { symbol: 'f32_cce_loss__simd', name: 'categoricalCrossentropy', config: { fromLogits: false, labelSmoothing: 0.1 }, b: 0.1, target: 'soft', pred: 'prob' },
  { symbol: 'f32_cce_logits_loss__simd', name: 'categoricalCrossentropy', config: { fromLogits: true, labelSmoothing: 0.1 }, b: 0.1, target: 'onehot', pred: 'logits' },
  { symbol: 'f32_sparse_cce_loss__simd', name: 'sparseCategoricalCrossentropy', config: { fromLogits: false }, target: 'sparse', pred: 'prob' },
  { symbol: 'f32_sparse_cce_logits_loss__simd', name: 'sparseCategoricalCrossentropy', config: { fromLogits: true }, target: 'sparse', pred: 'logits' },
  { symbol: 'f32_sparse_cce_logits_narrow_loss__simd', name: 'sparseCategoricalCrossentropy', config: { fromLogits: true }, target: 'sparse', pred: 'logits' },
  { symbol: 'f32_categorical_hinge_loss__simd', name: 'categoricalHinge', config: {}, target: 'onehot', pred: 'real' },
  { symbol: 'f32_multiclass_hinge_loss__simd', name: 'multiclassHinge', config: { margin: 1 }, a: 1, target: 'sparse', pred: 'real' },
  { symbol: 'f32_triplet_margin_loss__simd', name: 'tripletMargin', config: { margin: 1.5 }, a: 1.5, target: 'real', pred: 'real' },
  { symbol: 'f32_margin_ranking_loss__simd', name: 'marginRanking', config: { margin: 0.3 }, a: 0.3, target: 'pm1', pred: 'pair' },
  { symbol: 'f32_dice_loss__simd', name: 'dice', config: { smooth: 1 }, a: 1, target: 'binary', pred: 'prob' },
];
/** Label checks, tested in test/losses. */
const CHECKS = ['f32_sparse_labels_check', 'f32_labels_are_binary'];

test('every exported f32_* kernel of assembly/loss.ts has a manifest row', () => {
  const exported = [...readFileSync('assembly/loss.ts', 'utf8').matchAll(/^export function (f32_\w+)/gm)].map((m) => m[1]!).sort();
  expect(exported).toEqual([...LOSS_KERNELS.map((r) => r.symbol), ...CHECKS].sort());
  for (const symbol of exported) expect(typeof k()[symbol], symbol).toBe('function');
});

function generate(kind: Data, rows: number, width: number, seed: number): Float32Array {
  const n = rows * width;
  const u = randomArray(n, seed, 0, 1);
  switch (kind) {
    case 'real': return randomArray(n, seed, -2, 2);
    case 'positive': return randomArray(n, seed, 0.1, 3);
    case 'binary': return u.map((v) => (v < 0.5 ? 0 : 1));
    case 'pm1': return u.map((v) => (v < 0.5 ? -1 : 1));
    case 'prob': return randomArray(n, seed, 0.02, 0.98);
    case 'logits': return randomArray(n, seed, -5, 5);
    case 'distance': return randomArray(n, seed, 0, 2);
    case 'pair': return randomArray(n, seed, -1, 1);
    case 'onehot': return Float32Array.from({ length: n }, (_, i) => (i % width === Math.floor(u[i - (i % width)]! * width) ? 1 : 0));
    case 'soft': {
      const out = randomArray(n, seed, 0.05, 1);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < width; c++) s += out[r * width + c]!;
        for (let c = 0; c < width; c++) out[r * width + c]! /= s;
      }
      return out;
    }
    case 'sparse': return randomArray(rows, seed, 0, 1).map((v) => Math.floor(v * width));
  }
}

/** Geometry of a sample shape for a loss's layout (as the TS Loss computes it). */
function geometry(name: string, sampleShape: number[]): { positions: number; width: number; targetPerRow: boolean } {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  if (name === 'rootMeanSquaredError' || name === 'dice' || name === 'tripletMargin') return { positions: 1, width: size, targetPerRow: false };
  const width = sampleShape[sampleShape.length - 1]!;
  const targetPerRow = name === 'sparseCategoricalCrossentropy' || name === 'multiclassHinge' || name === 'marginRanking';
  return { positions: size / width, width, targetPerRow };
}

// [6, 3] and [9, 7]: rows narrower than 8 in runs of 4 and a remainder (what the narrow sparse
// crossentropy kernel is for; it is also correct on any other shape).
const SHAPES: number[][] = [[1], [2], [3], [5], [7], [3, 5], [6, 3], [9, 7], [17], [2, 33], [65]];

describe.each(LOSS_KERNELS.map((r) => [r.symbol, r] as const))('%s', (symbol, row) => {
  const shapes = row.name === 'marginRanking' ? [[2], [3, 2]] : row.name === 'tripletMargin' ? [[3], [3, 5], [3, 17], [99]]
    : row.name.includes('ategorical') || row.name.includes('multiclass') ? SHAPES.filter((s) => s[s.length - 1]! > 1) : SHAPES;
  test.each(shapes.map((s) => [JSON.stringify(s), s] as const))('value, per-sample values and gradient match the f64 reference for sample %s', (_label, sampleShape) => {
    const batch = 3;
    const { positions, width, targetPerRow } = geometry(row.name, sampleShape);
    const rows = batch * positions;
    const yTrue = generate(row.target, rows, targetPerRow ? 1 : width, 7 + width);
    const yTrueSparse = row.target === 'sparse' ? generate('sparse', rows, width, 7 + width) : yTrue;
    const t = row.target === 'sparse' ? yTrueSparse : yTrue;
    let yPred = generate(row.pred, rows, width, 8 + width);
    if (row.name === 'tripletMargin') yPred = randomArray(rows * width, 8 + width, -0.5, 0.5);
    const weights = Float32Array.from([0.5, 2, 1]);
    for (const withWeights of [false, true]) {
      const w = withWeights ? weights : undefined;
      const want = lossRef(row.name, row.config, t, yPred, batch, sampleShape, w);
      const dpred0 = randomArray(yPred.length, 3);
      const ptrs = [toWasm(t), toWasm(yPred), toWasm(dpred0), toWasm(new Float32Array(batch)), withWeights ? toWasm(weights) : 0];
      const [pt, pp, pd, ps, pw] = ptrs as [number, number, number, number, number];
      const shape = lossShape(positions, width, row.a ?? 0, row.b ?? 0);
      try {
        const value = k()[symbol]!(ps, pd, pt, pp, pw, batch, shape);
        const what = `${symbol} sample ${JSON.stringify(sampleShape)} weights=${withWeights}`;
        expectClose([value], [want.value], `${what} value`, 2e-5, 1e-6);
        expectClose(fromWasm(ps, batch), want.perSample, `${what} per-sample`, 2e-5, 1e-6);
        // Gradient: central differences of the f64 reference value, added to what dpred held.
        const numeric = numericGradient((p) => lossRef(row.name, row.config, t, p, batch, sampleShape, w).value, yPred, 1e-6);
        expectClose(fromWasm(pd, yPred.length), numeric.map((g, i) => g + dpred0[i]!), `${what} gradient`, 1e-4, 2e-5);
        // dpred = 0 skips the gradient and gives the same value.
        expect(k()[symbol]!(0, 0, pt, pp, pw, batch, shape)).toBe(value);
      } finally {
        for (const p of ptrs) if (p) heap().free(p);
        freeStructs(heap(), [shape]);
      }
    }
  });
});

describe('f32_sparse_cce_logits_narrow_loss__simd', () => {
  test('an invalid label inside a group of four rows is skipped, the other rows still count', () => {
    const width = 3;
    const logits = randomArray(8 * width, 4, -2, 2);
    const labels = Float32Array.from([0, 1, 7, 2, 1, 0, 2, 1]); // row 2 is out of range
    const valid = Array.from(labels).map((v) => (v < width ? v : 0));
    const want = lossRef('sparseCategoricalCrossentropy', { fromLogits: true }, valid, logits, 1, [8, width]).perSample[0]! * 8;
    const skipped = lossRef('sparseCategoricalCrossentropy', { fromLogits: true }, [0], logits.subarray(2 * width, 3 * width), 1, [width]).value;
    const pt = toWasm(labels), pp = toWasm(logits), pd = toWasm(new Float32Array(logits.length));
    const shape = lossShape(8, width, 0, 0);
    try {
      const value = k().f32_sparse_cce_logits_narrow_loss__simd!(0, pd, pt, pp, 0, 1, shape);
      expect(value * 8).toBeCloseTo(want - skipped, 4);
      expect(Array.from(fromWasm(pd, 3 * width).subarray(2 * width))).toEqual([0, 0, 0]);
    } finally {
      for (const p of [pt, pp, pd]) heap().free(p);
      freeStructs(heap(), [shape]);
    }
  });
});

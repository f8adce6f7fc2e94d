// f64 references for assembly/loss.ts, written from the formulas (Keras / PyTorch docs), naive on
// purpose: per-row losses, the layouts, and the reduction (mean over samples of weighted
// per-sample losses, divided by batch).

type Cfg = Record<string, number | boolean>;
const EPS = 1e-7;
const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
const mean = (a: number[]) => sum(a) / a.length;
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const logSumExp = (x: number[]) => { const m = Math.max(...x); return m + Math.log(sum(x.map((v) => Math.exp(v - m)))); };
const hingeLabels = (t: number[], all: number[]) => (all.every((v) => v === 0 || v === 1) ? t.map((v) => 2 * v - 1) : t);

type Layout = 'lastAxis' | 'sample' | 'sparse' | 'ranking' | 'triplet';
/** A row loss: targets (a row, or one label for sparse layouts), predictions, options, all targets (hinge conversion). */
type RowFn = (t: number[], p: number[], c: Cfg, allTargets: number[]) => number;

const ew = (f: (t: number, p: number, c: Cfg) => number): RowFn => (t, p, c) => mean(p.map((pv, i) => f(t[i]!, pv, c)));

export const LOSS_REF: Record<string, { layout: Layout; row: RowFn }> = {
  meanSquaredError: { layout: 'lastAxis', row: ew((t, p) => (p - t) ** 2) },
  meanAbsoluteError: { layout: 'lastAxis', row: ew((t, p) => Math.abs(p - t)) },
  rootMeanSquaredError: { layout: 'sample', row: (t, p) => Math.sqrt(mean(p.map((v, i) => (v - t[i]!) ** 2))) },
  meanBiasError: { layout: 'lastAxis', row: ew((t, p) => t - p) },
  huber: { layout: 'lastAxis', row: ew((t, p, c) => { const d = Math.abs(p - t); const k = c.delta as number; return d <= k ? 0.5 * d * d : k * (d - 0.5 * k); }) },
  smoothL1: { layout: 'lastAxis', row: ew((t, p, c) => { const d = Math.abs(p - t); const b = c.beta as number; return d < b ? 0.5 * d * d / b : d - 0.5 * b; }) },
  logCosh: { layout: 'lastAxis', row: ew((t, p) => Math.log(Math.cosh(p - t))) },
  meanSquaredLogarithmicError: { layout: 'lastAxis', row: ew((t, p) => (Math.log1p(Math.max(p, EPS)) - Math.log1p(Math.max(t, EPS))) ** 2) },
  meanAbsolutePercentageError: { layout: 'lastAxis', row: ew((t, p) => 100 * Math.abs(t - p) / Math.max(Math.abs(t), EPS)) },
  poisson: { layout: 'lastAxis', row: ew((t, p) => p - t * Math.log(p + EPS)) },
  quantile: { layout: 'lastAxis', row: ew((t, p, c) => { const q = c.q as number; const d = t - p; return Math.max(q * d, (q - 1) * d); }) },
  binaryCrossentropy: {
    layout: 'lastAxis',
    row: ew((t, p, c) => {
      const s = c.labelSmoothing as number;
      const w = c.posWeight as number;
      const ts = t * (1 - s) + 0.5 * s;
      if (c.fromLogits) return (1 - ts) * p + (1 + (w - 1) * ts) * softplus(-p);
      const pc = clip(p, EPS, 1 - EPS);
      return -(w * ts * Math.log(pc) + (1 - ts) * Math.log(1 - pc));
    }),
  },
  categoricalCrossentropy: {
    layout: 'lastAxis',
    row: (t, p, c) => {
      const s = c.labelSmoothing as number;
      const ts = t.map((v) => v * (1 - s) + s / t.length);
      if (c.fromLogits) { const lse = logSumExp(p); return sum(ts.map((v, i) => v * (lse - p[i]!))); }
      const total = sum(p);
      return -sum(ts.map((v, i) => v * Math.log(clip(p[i]! / total, EPS, 1 - EPS))));
    },
  },
  sparseCategoricalCrossentropy: {
    layout: 'sparse',
    row: (t, p, c) => {
      const y = t[0]!;
      if (c.fromLogits) return logSumExp(p) - p[y]!;
      return -Math.log(clip(p[y]! / sum(p), EPS, 1 - EPS));
    },
  },
  kullbackLeiblerDivergence: {
    layout: 'lastAxis',
    row: (t, p) => sum(t.map((v, i) => { const tc = clip(v, EPS, 1); return tc * Math.log(tc / clip(p[i]!, EPS, 1)); })),
  },
  hinge: { layout: 'lastAxis', row: (t, p, _c, all) => mean(hingeLabels(t, all).map((v, i) => Math.max(0, 1 - v * p[i]!))) },
  perceptron: { layout: 'lastAxis', row: (t, p, _c, all) => mean(hingeLabels(t, all).map((v, i) => Math.max(0, -v * p[i]!))) },
  squaredHinge: { layout: 'lastAxis', row: (t, p, _c, all) => mean(hingeLabels(t, all).map((v, i) => Math.max(0, 1 - v * p[i]!) ** 2)) },
  categoricalHinge: {
    layout: 'lastAxis',
    row: (t, p) => Math.max(0, Math.max(...p.map((v, i) => (1 - t[i]!) * v)) - sum(p.map((v, i) => t[i]! * v)) + 1),
  },
  multiclassHinge: {
    layout: 'sparse',
    row: (t, p, c) => { const y = t[0]!; return sum(p.map((v, j) => (j === y ? 0 : Math.max(0, v - p[y]! + (c.margin as number))))); },
  },
  contrastive: { layout: 'lastAxis', row: ew((t, d, c) => t * d * d + (1 - t) * Math.max((c.margin as number) - d, 0) ** 2) },
  tripletMargin: {
    layout: 'triplet',
    row: (_t, p, c) => {
      const D = p.length / 3;
      const dist = (o: number) => Math.sqrt(sum(Array.from({ length: D }, (_, i) => (p[i]! - p[o + i]! + 1e-6) ** 2)));
      return Math.max(0, dist(D) - dist(2 * D) + (c.margin as number));
    },
  },
  marginRanking: { layout: 'ranking', row: (t, p, c) => Math.max(0, -t[0]! * (p[0]! - p[1]!) + (c.margin as number)) },
  dice: {
    layout: 'sample',
    row: (t, p, c) => {
      const s = c.smooth as number;
      return 1 - (2 * sum(t.map((v, i) => v * p[i]!)) + s) / (sum(t) + sum(p) + s + EPS);
    },
  },
};
LOSS_REF.pixelwiseCrossentropy = LOSS_REF.sparseCategoricalCrossentropy!;

/** Reference evaluation: per-sample losses and the reported value (sum of w * l over batch, / batch). */
export function lossRef(name: string, config: Cfg, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, batch: number,
  sampleShape: readonly number[], weights?: ArrayLike<number>): { value: number; perSample: number[] } {
  const { layout, row } = LOSS_REF[name]!;
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const width = layout === 'sample' || layout === 'triplet' ? size : (sampleShape[sampleShape.length - 1] ?? 1);
  const positions = size / width;
  const sparse = layout === 'sparse' || layout === 'ranking';
  const allTargets = Array.from(yTrue);
  const perSample: number[] = [];
  for (let s = 0; s < batch; s++) {
    const rows: number[] = [];
    for (let q = 0; q < positions; q++) {
      const r = s * positions + q;
      const p = Array.from(yPred).slice(r * width, (r + 1) * width);
      const t = sparse ? [allTargets[r]!] : layout === 'triplet' ? [] : allTargets.slice(r * width, (r + 1) * width);
      rows.push(row(t, p, config, allTargets));
    }
    perSample.push(mean(rows));
  }
  // RMSE is taken over the batch: sqrt(sum_s w_s mse_s / batch), per-sample values are each sample's RMSE.
  const weighted = (v: number[]) => sum(v.map((l, s) => (weights ? weights[s]! : 1) * l)) / batch;
  const value = name === 'rootMeanSquaredError' ? Math.sqrt(weighted(perSample.map((l) => l * l))) : weighted(perSample);
  return { value, perSample };
}

// Streaming metrics (Keras names and semantics): each metric accumulates over the batches of an
// epoch (`update`), reports its value (`result`) and starts over (`reset`). They read predictions
// and targets in place in wasm memory and allocate nothing per batch.
import { f32 } from './backend/memory.js';
import { ValueError, checkOptions, showValue } from './core/errors.js';
import { sizeOf } from './core/tensor.js';

/** One batch as a metric sees it: byte offsets of targets and predictions in wasm memory. */
export interface MetricCall {
  /** Targets: `batch` samples of `targetSize` floats (class indices for sparse targets). */
  yTrue: number;
  /** Predictions: `batch` samples of `predShape`. */
  yPred: number;
  batch: number;
  /** Shape of one prediction, e.g. `[10]`. */
  predShape: readonly number[];
  /** Floats per target sample. */
  targetSize: number;
  /** Per-sample weights (`batch` floats) or 0. */
  sampleWeights: number;
}

/** A streaming metric, as passed to `compile({ metrics })`. */
export interface Metric {
  /** The name logs use (`accuracy`, `val_accuracy`, ...). */
  readonly name: string;
  /** Starts over (fit calls it at the start of every epoch and of every evaluation). */
  reset(): void;
  /** Accumulates one batch, reading it in place in wasm memory; must not allocate (runs every step). */
  update(call: MetricCall): void;
  /** The value over every batch since the last `reset`. */
  result(): number;
}

/** How a metric scores one sample: returns a score (usually 0 or 1) from the flat views. */
type SampleScore = (mem: Float32Array, t: number, p: number, predSize: number, targetSize: number) => number;

/** Weighted mean of a per-sample score. */
class MeanMetric implements Metric {
  private total = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly score: SampleScore,
    private readonly check?: (call: MetricCall) => void,
  ) {}
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  update(call: MetricCall): void {
    this.check?.(call);
    const mem = f32();
    const predSize = sizeOf(call.predShape);
    const t0 = call.yTrue >>> 2;
    const p0 = call.yPred >>> 2;
    const w0 = call.sampleWeights >>> 2;
    for (let i = 0; i < call.batch; i++) {
      const w = call.sampleWeights === 0 ? 1 : mem[w0 + i]!;
      this.total += w * this.score(mem, t0 + i * call.targetSize, p0 + i * predSize, predSize, call.targetSize);
      this.count += w;
    }
  }
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }
}

function argmax(mem: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (mem[start + j]! > mem[start + best]!) best = j;
  return best;
}

/** The `threshold` option (default 0.5): a finite number, or a ValueError naming the metric. */
function thresholdOption(options: { threshold?: number }, who: string): number {
  const t = options.threshold ?? 0.5;
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new ValueError(`metrics.${who}: threshold must be a finite number, got ${String(t)}`);
  return t;
}

/** Fraction of elements where (pred > threshold) equals (target > 0.5). */
export function binaryAccuracy(options: { threshold?: number; name?: string } = {}): Metric {
  const threshold = thresholdOption(options, 'binaryAccuracy');
  return new MeanMetric(options.name ?? 'binary_accuracy', (mem, t, p, n) => {
    let hit = 0;
    for (let j = 0; j < n; j++) hit += (mem[p + j]! > threshold) === (mem[t + j]! > 0.5) ? 1 : 0;
    return hit / n;
  });
}

/** Fraction of samples whose predicted class (argmax) is the one-hot target's argmax. */
export function categoricalAccuracy(options: { name?: string } = {}): Metric {
  return new MeanMetric(options.name ?? 'categorical_accuracy', (mem, t, p, n) => (argmax(mem, p, n) === argmax(mem, t, n) ? 1 : 0));
}

/** Fraction of samples whose predicted class (argmax) equals the integer label. */
export function sparseCategoricalAccuracy(options: { name?: string } = {}): Metric {
  return new MeanMetric(options.name ?? 'sparse_categorical_accuracy', (mem, t, p, n) => (argmax(mem, p, n) === Math.round(mem[t]!) ? 1 : 0));
}

/** Fraction of samples whose target class (one-hot, or a label with `sparse`) is among the k largest predictions. */
export function topKCategoricalAccuracy(options: { k?: number; sparse?: boolean; name?: string } = {}): Metric {
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`metrics.topKCategoricalAccuracy: k must be a positive integer, got ${String(k)}`);
  return new MeanMetric(options.name ?? (options.sparse ? 'sparse_top_k_categorical_accuracy' : 'top_k_categorical_accuracy'), (mem, t, p, n) => {
    const label = options.sparse ? Math.round(mem[t]!) : argmax(mem, t, n);
    const target = mem[p + label]!;
    let above = 0;
    for (let j = 0; j < n; j++) if (mem[p + j]! > target) above++;
    return above < k ? 1 : 0;
  });
}

/** Mean over samples of the mean squared error over each sample. */
export function meanSquaredError(options: { name?: string } = {}): Metric {
  return new MeanMetric(options.name ?? 'mean_squared_error', (mem, t, p, n) => {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const d = mem[p + j]! - mem[t + j]!;
      s += d * d; // not the host's ** (pow is not bit-specified across engines)
    }
    return s / n;
  });
}

/** Mean over samples of the mean absolute error over each sample. */
export function meanAbsoluteError(options: { name?: string } = {}): Metric {
  return new MeanMetric(options.name ?? 'mean_absolute_error', (mem, t, p, n) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(mem[p + j]! - mem[t + j]!);
    return s / n;
  });
}

/**
 * Root mean squared error over every value since the last reset (Keras's RootMeanSquaredError,
 * the course's RMSE): sqrt(sum w (yPred - yTrue)^2 / sum w), not a mean of per-sample roots.
 */
export function rootMeanSquaredError(options: { name?: string } = {}): Metric {
  let total = 0;
  let count = 0;
  return {
    name: options.name ?? 'root_mean_squared_error',
    reset(): void {
      total = count = 0;
    },
    update(call: MetricCall): void {
      const mem = f32();
      const n = sizeOf(call.predShape);
      for (let i = 0; i < call.batch; i++) {
        const w = call.sampleWeights === 0 ? 1 : mem[(call.sampleWeights >>> 2) + i]!;
        const t = (call.yTrue >>> 2) + i * call.targetSize;
        const p = (call.yPred >>> 2) + i * n;
        let s = 0;
        for (let j = 0; j < n; j++) {
          const d = mem[p + j]! - mem[t + j]!;
          s += d * d;
        }
        total += w * s;
        count += w * n;
      }
    },
    result(): number {
      return count === 0 ? 0 : Math.sqrt(total / count);
    },
  };
}

/** Counts of a binary confusion matrix at a threshold (precision and recall). */
class Confusion implements Metric {
  private tp = 0;
  private fp = 0;
  private fn = 0;
  constructor(
    readonly name: string,
    private readonly kind: 'precision' | 'recall',
    private readonly threshold: number,
  ) {}
  reset(): void {
    this.tp = this.fp = this.fn = 0;
  }
  update(call: MetricCall): void {
    const mem = f32();
    const n = call.batch * sizeOf(call.predShape);
    const t0 = call.yTrue >>> 2;
    const p0 = call.yPred >>> 2;
    for (let i = 0; i < n; i++) {
      const pred = mem[p0 + i]! > this.threshold;
      const truth = mem[t0 + i]! > 0.5;
      if (pred && truth) this.tp++;
      else if (pred) this.fp++;
      else if (truth) this.fn++;
    }
  }
  result(): number {
    const denom = this.kind === 'precision' ? this.tp + this.fp : this.tp + this.fn;
    return denom === 0 ? 0 : this.tp / denom;
  }
}

/** tp / (tp + fp) of binary predictions at `threshold` (default 0.5). */
export function precision(options: { threshold?: number; name?: string } = {}): Metric {
  return new Confusion(options.name ?? 'precision', 'precision', thresholdOption(options, 'precision'));
}

/** tp / (tp + fn) of binary predictions at `threshold` (default 0.5). */
export function recall(options: { threshold?: number; name?: string } = {}): Metric {
  return new Confusion(options.name ?? 'recall', 'recall', thresholdOption(options, 'recall'));
}

/** The most thresholds metrics.auc accepts: 16 MB of counters; far beyond what float32 predictions resolve. */
const MAX_AUC_THRESHOLDS = 1_000_000;

/**
 * Area under the ROC curve of binary predictions, by Keras's method: `numThresholds` (default 200)
 * evenly spaced thresholds in [0, 1], trapezoid rule over the (fpr, tpr) points.
 */
export function auc(options: { numThresholds?: number; name?: string } = {}): Metric {
  checkOptions('metrics.auc', options, 'options', ['numThresholds', 'name']);
  const m: unknown = options.numThresholds === undefined ? 200 : options.numThresholds;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 3 || m > MAX_AUC_THRESHOLDS) {
    throw new ValueError(
      `metrics.auc: numThresholds must be an integer in [3, ${MAX_AUC_THRESHOLDS}] (Keras's default is 200; ` +
        `each threshold keeps two float64 counters and result() walks them all), got ${showValue(m)}`,
    );
  }
  const pos = new Float64Array(m);
  const neg = new Float64Array(m);
  return {
    name: options.name ?? 'auc',
    reset(): void {
      pos.fill(0);
      neg.fill(0);
    },
    update(call: MetricCall): void {
      const mem = f32();
      const n = call.batch * sizeOf(call.predShape);
      for (let i = 0; i < n; i++) {
        const p = Math.min(1, Math.max(0, mem[(call.yPred >>> 2) + i]!));
        // Bucket b: the largest threshold index with p > t_b, t_b = b / (m - 1), t_0 = -ε (Keras).
        const top = Math.max(0, Math.min(m - 1, Math.ceil(p * (m - 1)) - 1));
        const hist = mem[(call.yTrue >>> 2) + i]! > 0.5 ? pos : neg;
        hist[top]! += 1;
      }
    },
    result(): number {
      return rocArea(pos, neg, m);
    },
  };
}

/** Trapezoid area under the ROC points of the thresholds, from the highest threshold down. */
function rocArea(pos: Float64Array, neg: Float64Array, m: number): number {
  let p = 0;
  let n = 0;
  for (let b = 0; b < m; b++) {
    p += pos[b]!;
    n += neg[b]!;
  }
  return p === 0 || n === 0 ? 0 : areaFromCounts(pos, neg, p, n, m);
}

function areaFromCounts(pos: Float64Array, neg: Float64Array, totalPos: number, totalNeg: number, m: number): number {
  let area = 0;
  let tp = 0;
  let fp = 0;
  let prevTpr = 0;
  let prevFpr = 0;
  for (let b = m - 1; b >= 0; b--) {
    tp += pos[b]!;
    fp += neg[b]!;
    const tpr = tp / totalPos;
    const fpr = fp / totalNeg;
    area += ((fpr - prevFpr) * (tpr + prevTpr)) / 2;
    prevTpr = tpr;
    prevFpr = fpr;
  }
  return area;
}

/** Names `compile({ metrics })` accepts, mapped to factories (`accuracy` is resolved by the loss). */
const REGISTRY: Record<string, (name: string) => Metric> = {
  binaryAccuracy: (name) => binaryAccuracy({ name }),
  binary_accuracy: (name) => binaryAccuracy({ name }),
  categoricalAccuracy: (name) => categoricalAccuracy({ name }),
  categorical_accuracy: (name) => categoricalAccuracy({ name }),
  sparseCategoricalAccuracy: (name) => sparseCategoricalAccuracy({ name }),
  sparse_categorical_accuracy: (name) => sparseCategoricalAccuracy({ name }),
  topKCategoricalAccuracy: (name) => topKCategoricalAccuracy({ name }),
  top_k_categorical_accuracy: (name) => topKCategoricalAccuracy({ name }),
  meanSquaredError: (name) => meanSquaredError({ name }),
  mean_squared_error: (name) => meanSquaredError({ name }),
  mse: (name) => meanSquaredError({ name }),
  meanAbsoluteError: (name) => meanAbsoluteError({ name }),
  mean_absolute_error: (name) => meanAbsoluteError({ name }),
  mae: (name) => meanAbsoluteError({ name }),
  rootMeanSquaredError: (name) => rootMeanSquaredError({ name }),
  root_mean_squared_error: (name) => rootMeanSquaredError({ name }),
  rmse: (name) => rootMeanSquaredError({ name }),
  precision: (name) => precision({ name }),
  recall: (name) => recall({ name }),
  auc: (name) => auc({ name }),
};

/** What `accuracy` means for a loss, as Keras decides it. */
export interface AccuracyContext {
  /** The compiled loss's registered name. */
  lossName: string;
  /** Whether the loss takes logits (binary accuracy then thresholds at 0). */
  fromLogits: boolean;
  /** Floats per prediction and per target sample. */
  predSize: number;
  targetSize: number;
}

/**
 * Resolves a metric object or name. `'accuracy'`/`'acc'` picks binary, categorical or sparse
 * categorical accuracy from the loss (and the shapes) like Keras, keeping the name `accuracy`.
 */
export function getMetric(spec: Metric | string, context: AccuracyContext): Metric {
  if (typeof spec === 'object' && spec !== null && typeof (spec as Metric).update === 'function') return spec;
  if (typeof spec !== 'string') throw new ValueError(`compile: metrics must be names or metric objects, got ${String(spec)}`);
  if (spec === 'accuracy' || spec === 'acc') {
    const loss = context.lossName.toLowerCase();
    if (loss.includes('sparse') || (context.targetSize === 1 && context.predSize > 1)) return sparseCategoricalAccuracy({ name: spec });
    if (loss.includes('binary') || loss.includes('hinge') || context.predSize === 1) {
      return binaryAccuracy({ name: spec, threshold: context.fromLogits ? 0 : 0.5 });
    }
    return categoricalAccuracy({ name: spec });
  }
  const make = Object.hasOwn(REGISTRY, spec) ? REGISTRY[spec] : undefined;
  if (make === undefined) throw new ValueError(`compile: unknown metric ${JSON.stringify(spec)}; valid names: accuracy, ${Object.keys(REGISTRY).join(', ')}`);
  return make(spec);
}

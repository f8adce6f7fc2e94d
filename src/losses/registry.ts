// Every loss as a `Loss` object over one fused wasm kernel (assembly/loss.ts), the factories
// (`losses.meanSquaredError()`, ...) and `get(name, config)`.
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { checkFloats, pointerChecksEnabled } from '../kernels/bounds.js';
import { LossShapeBinding, labelsAreBinary, lossKernels, sparseLabelsCheck, type LossKernelName } from '../kernels/loss.js';
import { f32 } from '../backend/memory.js';
import type { Loss, LossCall } from './loss.js';
import { sizeOf } from '../core/tensor.js';

/**
 * How a loss reads its sample:
 * - `lastAxis`: rows along the last axis (regression, binary and categorical losses), target = pred shape;
 * - `sample`: the whole sample is one row (rootMeanSquaredError, dice), target = pred shape;
 * - `sparse`: rows of classes along the last axis, one class index per row as target;
 * - `ranking`: rows of (x1, x2) pairs along the last axis (size 2), one label in {1, -1} per row;
 * - `triplet`: the sample holds anchor | positive | negative; the target (one value) is ignored.
 */
type Layout = 'lastAxis' | 'sample' | 'sparse' | 'ranking' | 'triplet';

type Config = Record<string, number | boolean>;

interface LossDefinition {
  /** Its kernel: a key of src/kernels/loss.ts's table (assembly/loss.ts f32_<key>_loss__simd). */
  stem: (c: Config) => LossKernelName;
  layout: Layout;
  /** Options and their defaults. */
  defaults: Config;
  /** The kernel's (a, b) hyper-parameters from the options. */
  params?: (c: Config) => [number, number];
  /** Throws on an invalid option value. */
  check?: (c: Config, name: string) => void;
  /** Hinge losses: labels all in {0, 1} are mapped to {-1, 1} (a = 1), as Keras does. */
  hingeLabels?: boolean;
  /** Sample rank the loss requires (pixelwise crossentropy: [H, W, C]). */
  sampleRank?: number;
}

const positive = (key: string) => (c: Config, name: string): void => {
  const v = c[key] as number;
  if (!(v > 0) || !Number.isFinite(v)) throw new ValueError(`${name}: ${key} must be a positive number, got ${v}`);
};
const nonNegative = (key: string) => (c: Config, name: string): void => {
  const v = c[key] as number;
  if (!(v >= 0) || !Number.isFinite(v)) throw new ValueError(`${name}: ${key} must be a finite number >= 0, got ${v}`);
};
const unit = (key: string, open: boolean) => (c: Config, name: string): void => {
  const v = c[key] as number;
  const ok = open ? v > 0 && v < 1 : v >= 0 && v <= 1;
  if (!ok) throw new ValueError(`${name}: ${key} must be in ${open ? '(0, 1)' : '[0, 1]'}, got ${v}`);
};
const all = (...checks: Array<(c: Config, name: string) => void>) => (c: Config, name: string): void => {
  for (const check of checks) check(c, name);
};
const fixed = (stem: LossKernelName) => () => stem;
const logits = (prob: LossKernelName, fromLogits: LossKernelName) => (c: Config) => (c.fromLogits ? fromLogits : prob);

/** The registry, by camelCase name. */
const DEFINITIONS: Record<LossName, LossDefinition> = {
  meanSquaredError: { stem: fixed('mse'), layout: 'lastAxis', defaults: {} },
  meanAbsoluteError: { stem: fixed('mae'), layout: 'lastAxis', defaults: {} },
  rootMeanSquaredError: { stem: fixed('rmse'), layout: 'sample', defaults: {} },
  meanBiasError: { stem: fixed('mbe'), layout: 'lastAxis', defaults: {} },
  huber: { stem: fixed('huber'), layout: 'lastAxis', defaults: { delta: 1 }, params: (c) => [c.delta as number, 0], check: positive('delta') },
  smoothL1: { stem: fixed('smooth_l1'), layout: 'lastAxis', defaults: { beta: 1 }, params: (c) => [c.beta as number, 0], check: positive('beta') },
  logCosh: { stem: fixed('log_cosh'), layout: 'lastAxis', defaults: {} },
  meanSquaredLogarithmicError: { stem: fixed('msle'), layout: 'lastAxis', defaults: {} },
  meanAbsolutePercentageError: { stem: fixed('mape'), layout: 'lastAxis', defaults: {} },
  poisson: { stem: fixed('poisson'), layout: 'lastAxis', defaults: {} },
  quantile: { stem: fixed('quantile'), layout: 'lastAxis', defaults: { q: 0.5 }, params: (c) => [c.q as number, 0], check: unit('q', true) },
  binaryCrossentropy: {
    stem: logits('bce', 'bce_logits'), layout: 'lastAxis',
    defaults: { fromLogits: false, labelSmoothing: 0, posWeight: 1 },
    params: (c) => [c.posWeight as number, c.labelSmoothing as number],
    check: all(unit('labelSmoothing', false), positive('posWeight')),
  },
  categoricalCrossentropy: {
    stem: logits('cce', 'cce_logits'), layout: 'lastAxis', defaults: { fromLogits: false, labelSmoothing: 0 },
    params: (c) => [0, c.labelSmoothing as number], check: unit('labelSmoothing', false),
  },
  sparseCategoricalCrossentropy: { stem: logits('sparse_cce', 'sparse_cce_logits'), layout: 'sparse', defaults: { fromLogits: false } },
  pixelwiseCrossentropy: { stem: logits('sparse_cce', 'sparse_cce_logits'), layout: 'sparse', defaults: { fromLogits: false }, sampleRank: 3 },
  kullbackLeiblerDivergence: { stem: fixed('kld'), layout: 'lastAxis', defaults: {} },
  hinge: { stem: fixed('hinge'), layout: 'lastAxis', defaults: {}, hingeLabels: true },
  perceptron: { stem: fixed('perceptron'), layout: 'lastAxis', defaults: {}, hingeLabels: true },
  squaredHinge: { stem: fixed('squared_hinge'), layout: 'lastAxis', defaults: {}, hingeLabels: true },
  categoricalHinge: { stem: fixed('categorical_hinge'), layout: 'lastAxis', defaults: {} },
  multiclassHinge: { stem: fixed('multiclass_hinge'), layout: 'sparse', defaults: { margin: 1 }, params: (c) => [c.margin as number, 0], check: nonNegative('margin') },
  contrastive: { stem: fixed('contrastive'), layout: 'lastAxis', defaults: { margin: 1 }, params: (c) => [c.margin as number, 0], check: nonNegative('margin') },
  tripletMargin: { stem: fixed('triplet_margin'), layout: 'triplet', defaults: { margin: 1 }, params: (c) => [c.margin as number, 0], check: nonNegative('margin') },
  marginRanking: { stem: fixed('margin_ranking'), layout: 'ranking', defaults: { margin: 0 }, params: (c) => [c.margin as number, 0], check: nonNegative('margin') },
  dice: { stem: fixed('dice'), layout: 'sample', defaults: { smooth: 0 }, params: (c) => [c.smooth as number, 0], check: nonNegative('smooth') },
};

/** Every registered loss name (the keys of the definition table below, which `satisfies` checks). */
export type LossName =
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'rootMeanSquaredError'
  | 'meanBiasError'
  | 'huber'
  | 'smoothL1'
  | 'logCosh'
  | 'meanSquaredLogarithmicError'
  | 'meanAbsolutePercentageError'
  | 'poisson'
  | 'quantile'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'pixelwiseCrossentropy'
  | 'kullbackLeiblerDivergence'
  | 'hinge'
  | 'perceptron'
  | 'squaredHinge'
  | 'categoricalHinge'
  | 'multiclassHinge'
  | 'contrastive'
  | 'tripletMargin'
  | 'marginRanking'
  | 'dice';

/** The registered loss names, in a stable order. */
export const LOSS_NAMES = Object.keys(DEFINITIONS) as LossName[];

/** Keras's short names, accepted by `get` (snake_case forms of every name are accepted too). */
const ALIASES: Record<string, LossName> = {
  mse: 'meanSquaredError', mae: 'meanAbsoluteError', rmse: 'rootMeanSquaredError', mape: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError', kld: 'kullbackLeiblerDivergence', kl: 'kullbackLeiblerDivergence', logcosh: 'logCosh',
  klDivergence: 'kullbackLeiblerDivergence', // Keras 3's kl_divergence
};

function readConfig(name: LossName, def: LossDefinition, config: object | undefined): Config {
  if (config !== undefined && (config === null || typeof config !== 'object')) {
    throw new ValueError(`${name}: options must be an object, got ${config === null ? 'null' : typeof config}`);
  }
  const out: Config = { ...def.defaults };
  for (const [key, value] of Object.entries(config ?? {})) {
    if (value === undefined) continue;
    if (!(key in def.defaults)) {
      const valid = Object.keys(def.defaults);
      throw new ValueError(`${name}: unknown option '${key}'; ${valid.length ? `valid options are ${valid.join(', ')}` : 'it takes no options'}`);
    }
    const want = typeof def.defaults[key];
    if (typeof value !== want || (want === 'number' && !Number.isFinite(value))) {
      throw new ValueError(`${name}: option '${key}' must be a ${want === 'number' ? 'finite number' : want}, got ${String(value)}`);
    }
    out[key] = value as number | boolean;
  }
  def.check?.(out, name);
  return out;
}

/** A loss computed by one fused wasm kernel. */
class KernelLoss implements Loss {
  private readonly def: LossDefinition;
  private readonly kernel: LossKernelName;
  private readonly a: number;
  private readonly b: number;
  private readonly shape: LossShapeBinding;

  constructor(readonly name: LossName, private readonly config: Config) {
    this.def = DEFINITIONS[name];
    this.shape = new LossShapeBinding(name);
    this.kernel = this.def.stem(config);
    [this.a, this.b] = this.def.params?.(config) ?? [0, 0];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.config };
  }

  targetSampleShape(predSampleShape: readonly number[]): number[] {
    this.checkSampleShape(predSampleShape);
    switch (this.def.layout) {
      case 'sparse':
      case 'ranking':
        return predSampleShape.slice(0, -1);
      case 'triplet':
        return [];
      default:
        return [...predSampleShape];
    }
  }

  /** Rows per sample and row width for this sample shape. */
  private geometry(sampleShape: readonly number[]): [positions: number, width: number] {
    this.checkSampleShape(sampleShape);
    const size = sizeOf(sampleShape);
    const layout = this.def.layout;
    if (layout === 'sample' || layout === 'triplet') return [1, size];
    const width = sampleShape.length === 0 ? 1 : sampleShape[sampleShape.length - 1]!;
    return [width === 0 ? 0 : size / width, width];
  }

  private checkSampleShape(sampleShape: readonly number[]): void {
    if (!Array.isArray(sampleShape) || sampleShape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new ShapeError(`${this.name}: sampleShape must be an array of non-negative integers, got ${String(sampleShape)}`);
    }
    const layout = this.def.layout;
    const rank = sampleShape.length;
    const last = sampleShape[rank - 1];
    if ((layout === 'sparse' || layout === 'ranking') && (rank === 0 || last === 0)) {
      throw new ShapeError(`${this.name}: predictions need a class axis, got sample shape ${formatShape(sampleShape)}`);
    }
    if (this.def.sampleRank !== undefined && rank !== this.def.sampleRank) {
      throw new ShapeError(`${this.name}: expected predictions [batch, height, width, classes], got sample shape ${formatShape(sampleShape)}`);
    }
    if (layout === 'ranking' && last !== 2) {
      throw new ShapeError(`${this.name}: the last axis of the predictions holds the pair (x1, x2) and must be 2, got sample shape ${formatShape(sampleShape)}`);
    }
    if (layout === 'triplet' && sizeOf(sampleShape) % 3 !== 0) {
      throw new ShapeError(`${this.name}: a sample holds anchor | positive | negative, so its size must be a multiple of 3, got sample shape ${formatShape(sampleShape)}`);
    }
  }

  /** The last sample shape seen and its geometry: a training loop passes the same array every step. */
  private lastShape: readonly number[] | undefined;
  private lastPositions = 0;
  private lastWidth = 0;

  compute(call: LossCall): number {
    const { batch } = call;
    if (!Number.isSafeInteger(batch) || batch < 0) throw new ValueError(`${this.name}: batch must be a non-negative integer, got ${batch}`);
    if (call.sampleShape !== this.lastShape) {
      [this.lastPositions, this.lastWidth] = this.geometry(call.sampleShape);
      this.lastShape = call.sampleShape;
    }
    const positions = this.lastPositions;
    const width = this.lastWidth;
    if (batch === 0 || positions === 0) return 0;
    const layout = this.def.layout;
    if (pointerChecksEnabled()) this.checkBuffers(call, batch * positions * width, layout === 'sparse' || layout === 'ranking' ? batch * positions : layout === 'triplet' ? 0 : batch * positions * width);
    if (layout === 'sparse') this.checkLabels(call.yTrue, batch * positions, width, positions);
    const a = this.def.hingeLabels ? labelsAreBinary(call.yTrue, batch * positions * width) : this.a;
    // Narrow rows in runs (pixelwise segmentation with a few classes): four rows per SIMD vector.
    const kernel = this.kernel === 'sparse_cce_logits' && width < 8 && positions >= 4 ? 'sparse_cce_logits_narrow' : this.kernel;
    const shape = this.shape.bind(positions, width, a, this.b);
    return lossKernels()[kernel](call.sampleLosses ?? 0, call.dPred, call.yTrue, call.yPred, call.sampleWeights ?? 0, batch, shape);
  }

  private checkBuffers(call: LossCall, predFloats: number, targetFloats: number): void {
    checkFloats(this.name, 'yPred', call.yPred, predFloats);
    checkFloats(this.name, 'yTrue', call.yTrue, targetFloats);
    if (call.dPred !== 0) checkFloats(this.name, 'dPred', call.dPred, predFloats);
    if (call.sampleWeights) checkFloats(this.name, 'sampleWeights', call.sampleWeights, call.batch);
    if (call.sampleLosses) checkFloats(this.name, 'sampleLosses', call.sampleLosses, call.batch);
  }

  private checkLabels(labels: number, rows: number, classes: number, positions: number): void {
    const bad = sparseLabelsCheck(labels, rows, classes);
    if (bad < 0) return;
    const value = f32()[(labels >>> 2) + bad];
    const where = positions === 1 ? `row ${bad}` : `row ${bad} (sample ${Math.floor(bad / positions)}, position ${bad % positions})`;
    throw new ValueError(`${this.name}: label ${value} at ${where} is not a class index; expected an integer in [0, ${classes - 1}]`);
  }
}

/** Options of the crossentropies. */
export interface CrossentropyOptions {
  /** Predictions are logits (unnormalised scores): the stable fused log-sum-exp / log-sigmoid form. */
  fromLogits?: boolean;
  /** Mix the targets with the uniform distribution: t (1 - s) + s / classes (s / 2 for binary). */
  labelSmoothing?: number;
}

/** Options of binaryCrossentropy. */
export interface BinaryCrossentropyOptions extends CrossentropyOptions {
  /** Weight of the positive term (PyTorch's `pos_weight`): -(w t log p + (1 - t) log(1 - p)). Default 1. */
  posWeight?: number;
}

/** Mean of (yPred - yTrue)^2 over the last axis. */
export const meanSquaredError = (): Loss => new KernelLoss('meanSquaredError', {});
/** Mean of |yPred - yTrue| over the last axis. */
export const meanAbsoluteError = (): Loss => new KernelLoss('meanAbsoluteError', {});
/**
 * sqrt(mean((yTrue - yPred)^2)) over the whole batch, as the course and Keras's
 * RootMeanSquaredError define it (with sample weights: sqrt(sum_s w_s mse_s / batch)); the
 * per-sample losses are each sample's own RMSE.
 */
export const rootMeanSquaredError = (): Loss => new KernelLoss('rootMeanSquaredError', {});
/** Mean of (yTrue - yPred) over the last axis (the course's MBE = sum(y - yhat) / n): positive when predictions are too low. */
export const meanBiasError = (): Loss => new KernelLoss('meanBiasError', {});
/** Huber: d^2 / 2 for |d| <= delta, delta (|d| - delta / 2) beyond; delta defaults to 1 (Keras). */
export const huber = (options: { delta?: number } = {}): Loss => new KernelLoss('huber', readConfig('huber', DEFINITIONS.huber, options));
/** Smooth L1 (PyTorch): d^2 / (2 beta) for |d| < beta, |d| - beta / 2 beyond; beta defaults to 1. */
export const smoothL1 = (options: { beta?: number } = {}): Loss => new KernelLoss('smoothL1', readConfig('smoothL1', DEFINITIONS.smoothL1, options));
/** Mean of log(cosh(yPred - yTrue)) over the last axis, without overflow. */
export const logCosh = (): Loss => new KernelLoss('logCosh', {});
/** Mean of (log(1 + max(yPred, eps)) - log(1 + max(yTrue, eps)))^2 over the last axis (Keras). */
export const meanSquaredLogarithmicError = (): Loss => new KernelLoss('meanSquaredLogarithmicError', {});
/** Mean of 100 |yTrue - yPred| / max(|yTrue|, eps) over the last axis (Keras). */
export const meanAbsolutePercentageError = (): Loss => new KernelLoss('meanAbsolutePercentageError', {});
/** Mean of yPred - yTrue log(yPred + eps) over the last axis (Keras). */
export const poisson = (): Loss => new KernelLoss('poisson', {});
/** Pinball loss for quantile q in (0, 1): max(q d, (q - 1) d) with d = yTrue - yPred; q defaults to 0.5. */
export const quantile = (options: { q?: number } = {}): Loss => new KernelLoss('quantile', readConfig('quantile', DEFINITIONS.quantile, options));
/**
 * Binary crossentropy, averaged over the last axis (Keras). Probabilities are clipped to
 * [1e-7, 1 - 1e-7] (clipped entries get no gradient); `fromLogits` uses the stable log-sigmoid form.
 */
export const binaryCrossentropy = (options: BinaryCrossentropyOptions = {}): Loss =>
  new KernelLoss('binaryCrossentropy', readConfig('binaryCrossentropy', DEFINITIONS.binaryCrossentropy, options));
/**
 * Categorical crossentropy with one-hot (or soft) targets, summed over classes. Probabilities are
 * divided by their sum, then clipped to [1e-7, 1 - 1e-7] (Keras 3); `fromLogits` is one fused
 * log-sum-exp kernel.
 */
export const categoricalCrossentropy = (options: CrossentropyOptions = {}): Loss =>
  new KernelLoss('categoricalCrossentropy', readConfig('categoricalCrossentropy', DEFINITIONS.categoricalCrossentropy, options));
/**
 * Crossentropy with integer class labels (stored as floats, one per row of the last axis). Works on
 * any rank (pixelwise on [N, H, W, C] with labels [N, H, W], averaged over pixels per sample).
 * A label that is not an integer in [0, classes) throws, naming the row.
 */
export const sparseCategoricalCrossentropy = (options: { fromLogits?: boolean } = {}): Loss =>
  new KernelLoss('sparseCategoricalCrossentropy', readConfig('sparseCategoricalCrossentropy', DEFINITIONS.sparseCategoricalCrossentropy, options));
/** Sparse crossentropy over every pixel of [N, H, W, C] predictions with labels [N, H, W], averaged over pixels per sample. */
export const pixelwiseCrossentropy = (options: { fromLogits?: boolean } = {}): Loss =>
  new KernelLoss('pixelwiseCrossentropy', readConfig('pixelwiseCrossentropy', DEFINITIONS.pixelwiseCrossentropy, options));
/** Sum over the last axis of t log(t / p), both clipped to [1e-7, 1] (Keras). */
export const kullbackLeiblerDivergence = (): Loss => new KernelLoss('kullbackLeiblerDivergence', {});
/** Mean of max(0, 1 - t p) over the last axis; labels in {0, 1} are mapped to {-1, 1} (Keras). */
export const hinge = (): Loss => new KernelLoss('hinge', {});
/**
 * The perceptron criterion: mean of max(0, -t p) over the last axis, gradient -t on a mistake
 * (t p <= 0); labels in {0, 1} are mapped to {-1, 1}. On a linear `dense({ units: 1 })` with SGD
 * and batch size 1 each update is the perceptron rule w += lr t x on a misclassified sample.
 */
export const perceptron = (): Loss => new KernelLoss('perceptron', {});
/** Mean of max(0, 1 - t p)^2 over the last axis; labels in {0, 1} are mapped to {-1, 1} (Keras). */
export const squaredHinge = (): Loss => new KernelLoss('squaredHinge', {});
/** Keras's categorical hinge: max(0, max((1 - t) p) - sum(t p) + 1) with one-hot targets. */
export const categoricalHinge = (): Loss => new KernelLoss('categoricalHinge', {});
/**
 * Multiclass SVM hinge (Weston-Watkins) with integer labels: sum over j != y of
 * max(0, s_j - s_y + margin); margin defaults to 1.
 */
export const multiclassHinge = (options: { margin?: number } = {}): Loss =>
  new KernelLoss('multiclassHinge', readConfig('multiclassHinge', DEFINITIONS.multiclassHinge, options));
/** Contrastive loss on distances d with labels 1 (similar) / 0: t d^2 + (1 - t) max(margin - d, 0)^2. */
export const contrastive = (options: { margin?: number } = {}): Loss =>
  new KernelLoss('contrastive', readConfig('contrastive', DEFINITIONS.contrastive, options));
/**
 * Triplet margin loss (PyTorch, p = 2): each sample of yPred holds anchor | positive | negative
 * embeddings (e.g. shape [3, D]); max(0, |a - p| - |a - n| + margin). yTrue is ignored (one value per sample).
 */
export const tripletMargin = (options: { margin?: number } = {}): Loss =>
  new KernelLoss('tripletMargin', readConfig('tripletMargin', DEFINITIONS.tripletMargin, options));
/** Margin ranking (PyTorch): yPred rows are pairs (x1, x2), yTrue y in {1, -1}: max(0, -y (x1 - x2) + margin). */
export const marginRanking = (options: { margin?: number } = {}): Loss =>
  new KernelLoss('marginRanking', readConfig('marginRanking', DEFINITIONS.marginRanking, options));
/** Soft Dice loss on probabilities, per sample: 1 - (2 sum(t p) + smooth) / (sum t + sum p + smooth + 1e-7). */
export const dice = (options: { smooth?: number } = {}): Loss => new KernelLoss('dice', readConfig('dice', DEFINITIONS.dice, options));

/**
 * A loss by name (camelCase, or a Keras short name such as 'mse') with its options, or the given
 * Loss object itself. Unknown names throw a ValueError listing the valid ones.
 */
export function get(nameOrLoss: string | Loss, config?: Record<string, unknown>): Loss {
  if (typeof nameOrLoss === 'object' && nameOrLoss !== null && typeof nameOrLoss.compute === 'function') {
    if (config !== undefined) throw new ValueError(`losses.get: options are only accepted with a loss name, got a ${nameOrLoss.name} object and options`);
    return nameOrLoss;
  }
  if (typeof nameOrLoss !== 'string') throw new ValueError(`losses.get: expected a loss name or a Loss object, got ${nameOrLoss === null ? 'null' : typeof nameOrLoss}`);
  // Keras's snake_case names ('categorical_crossentropy') are the camelCase ones.
  const camel = nameOrLoss.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const name = [nameOrLoss, camel].map((n) => (Object.hasOwn(DEFINITIONS, n) ? n : Object.hasOwn(ALIASES, n) ? ALIASES[n] : undefined)).find((n) => n !== undefined) as LossName | undefined;
  if (name === undefined) {
    throw new ValueError(`losses.get: unknown loss '${nameOrLoss}'; valid names are ${LOSS_NAMES.join(', ')} or their snake_case forms (aliases: ${Object.keys(ALIASES).join(', ')})`);
  }
  return new KernelLoss(name, readConfig(name, DEFINITIONS[name], config));
}

// Hyperparameter search: every combination of a grid (gridSearch) or a seeded sample of a space
// (randomSearch). Each trial builds a fresh compiled model from its parameters, fits it with the
// same seed, and is scored by the best epoch value of a monitored metric ('val_loss' by default),
// as Keras Tuner scores trials.
import { ValueError } from './core/errors.js';
import { given, optionsSchema } from './core/options.js';
import { Rng, StreamPurpose, streamId } from './random.js';
import type { Tensor } from './core/tensor.js';
import { wasmMath } from './augment/kernels.js';

/** A hyperparameter value. */
export type ParamValue = number | string | boolean;

/** A continuous range for `randomSearch`: uniform, or log-uniform with `log: true`; `integer` rounds down. */
export interface ParamRange {
  min: number;
  max: number;
  log?: boolean;
  integer?: boolean;
}

/** Grid: each name lists its candidate values. */
export type GridSpace = Record<string, readonly ParamValue[]>;
/** Random search: candidate lists or ranges. */
export type RandomSpace = Record<string, readonly ParamValue[] | ParamRange>;

/** The parameters of one trial. */
export type Params = Record<string, ParamValue>;

/**
 * What a search needs from a model: Keras's `fit` returning a History. (`options?: never` lets
 * any model's own fit-options type satisfy it; the search passes a `TrialFitOptions`.)
 */
export interface TunableModel {
  fit(x: Tensor | readonly Tensor[], y: Tensor, options?: never): Promise<{ history: Record<string, number[]> }>;
}

/** Options passed to `fit` for a trial (tensorlane's FitOptions; any keys are forwarded). */
export interface TrialFitOptions {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validationData?: readonly [Tensor | readonly Tensor[], Tensor];
  callbacks?: readonly unknown[];
  seed?: number;
  verbose?: 0 | 1 | 2;
  [option: string]: unknown;
}

/** Identifies a trial to `build`. */
export interface TrialInfo {
  /** 0-based trial number, in the order trials run. */
  index: number;
  /** The search's seed (also passed to every `fit`). */
  seed: number;
}

/** One finished trial. */
export interface TrialResult {
  index: number;
  params: Params;
  /** Best epoch value of the metric (min or max by `mode`); NaN if it was never finite. */
  score: number;
  /** Epoch (0-based) of that value. */
  bestEpoch: number;
  /** Epochs actually run (early stopping ends trials sooner). */
  epochs: number;
  /** The full History of the trial. */
  history: Record<string, number[]>;
}

/** What a search returns. */
export interface SearchResult<M extends TunableModel = TunableModel> {
  /** Every trial, best first (ties keep the order they ran in; NaN scores last). */
  trials: TrialResult[];
  best: TrialResult;
  bestParams: Params;
  /** The trained model of the best trial. */
  bestModel: M;
}

/** Options shared by `gridSearch` and `randomSearch`. */
export interface SearchOptions<M extends TunableModel> {
  /** Builds and compiles a fresh model for the parameters (e.g. learningRate, dropout). */
  build: (params: Params, trial: TrialInfo) => M | Promise<M>;
  /**
   * Fit options, or a function of the parameters returning them. A `batchSize` or `epochs`
   * parameter is passed to `fit` unless these options set it. `verbose` defaults to 0.
   */
  fit?: TrialFitOptions | ((params: Params) => TrialFitOptions);
  /** Training data, and validation data unless the fit options give `validationSplit`. */
  data: { x: Tensor | readonly Tensor[]; y: Tensor; validationData?: readonly [Tensor | readonly Tensor[], Tensor] };
  /** The History key to score by (default 'val_loss'). */
  metric?: string;
  /** 'min' or 'max'; default 'max' for metrics naming accuracy, else 'min' (Keras's 'auto'). */
  mode?: 'min' | 'max';
  /** Seed passed to every fit (same shuffling and initialisation across trials) and, for randomSearch, of the draws. Default 0. */
  seed?: number;
  /** Fresh callbacks for each trial, e.g. `() => [callbacks.earlyStopping({ patience: 2 })]`. */
  callbacks?: () => readonly unknown[];
  /** Called after each trial with its result, its number and the number of trials. */
  onTrial?: (trial: TrialResult, done: number, total: number) => void | Promise<void>;
}

// The search's values are checked in runSearch and checkSpace (their messages name the trial
// context); the schema rejects non-objects and unknown keys.
const searchFields = {
  build: given<SearchOptions<TunableModel>['build']>(),
  fit: given<NonNullable<SearchOptions<TunableModel>['fit']>>(),
  data: given<SearchOptions<TunableModel>['data']>(),
  metric: given<string>(),
  mode: given<'min' | 'max'>(),
  seed: given<number>(),
  callbacks: given<() => readonly unknown[]>(),
  onTrial: given<NonNullable<SearchOptions<TunableModel>['onTrial']>>(),
  space: given<GridSpace>(),
};
const gridSchema = optionsSchema<SearchOptions<TunableModel> & { space: GridSpace }>()(searchFields);
const randomSchema = optionsSchema<SearchOptions<TunableModel> & { space: RandomSpace; trials: number }>()({ ...searchFields, space: given<RandomSpace>(), trials: given<number>() });

/**
 * Trains every combination of `space` (the first name varies slowest) and returns the trials
 * sorted by the validation metric, with the best parameters and model.
 *
 * ```ts
 * const result = await tuning.gridSearch({
 *   space: { learningRate: [1e-3, 1e-2], batchSize: [32, 64], dropout: [0, 0.25] },
 *   build: ({ learningRate, dropout }) => makeModel(learningRate as number, dropout as number),
 *   fit: { epochs: 5 },
 *   data: { x, y, validationData: [xVal, yVal] },
 *   onTrial: (t, done, total) => console.log(`${done}/${total}`, t.params, t.score),
 * });
 * ```
 */
export async function gridSearch<M extends TunableModel>(options: SearchOptions<M> & { space: GridSpace }): Promise<SearchResult<M>> {
  const who = 'tuning.gridSearch';
  const names = checkSpace(gridSchema.parse(who, options).space, who, false);
  const total = gridSize(options.space, names);
  if (total > MAX_GRID) throw new ValueError(`${who}: the grid has ${total} combinations (more than ${MAX_GRID}); use tuning.randomSearch with a trial budget`);
  const combos = gridOf(options.space, names);
  return runSearch(options, combos, who);
}

/**
 * Trains `trials` parameter sets drawn from `space` with a seeded generator: lists are sampled
 * uniformly, ranges uniformly or log-uniformly. When every entry is a list, distinct grid points
 * are drawn (without replacement) until the grid is exhausted.
 */
export async function randomSearch<M extends TunableModel>(options: SearchOptions<M> & { space: RandomSpace; trials: number }): Promise<SearchResult<M>> {
  const who = 'tuning.randomSearch';
  const names = checkSpace(randomSchema.parse(who, options).space, who, true);
  const budget = options.trials;
  if (!Number.isSafeInteger(budget) || budget < 1) throw new ValueError(`${who}: trials must be a positive integer, got ${budget}`);
  const rng = new Rng(checkSeed(options.seed, who), streamId(StreamPurpose.search));
  const space = options.space;
  let combos: Params[];
  const lists = names.every((name) => Array.isArray(space[name]));
  if (lists && gridSize(space as GridSpace, names) <= MAX_GRID) {
    combos = rng.shuffle(gridOf(space as GridSpace, names)).slice(0, budget);
  } else {
    // Independent draws; for a (huge) grid of lists, repeats are redrawn a bounded number of times.
    const seen = new Set<string>();
    combos = [];
    for (let attempt = 0; combos.length < budget && attempt < budget * 20; attempt++) {
      const params: Params = {};
      for (const name of names) params[name] = drawParam(space[name]!, rng);
      const key = JSON.stringify(params);
      if (lists && seen.has(key)) continue;
      seen.add(key);
      combos.push(params);
    }
  }
  return runSearch(options, combos, who);
}

/** Grids larger than this are not enumerated (gridSearch refuses them; randomSearch samples). */
const MAX_GRID = 100_000;

function gridSize(space: GridSpace, names: readonly string[]): number {
  return names.reduce((n, name) => n * space[name]!.length, 1);
}

function drawParam(spec: readonly ParamValue[] | ParamRange, rng: Rng): ParamValue {
  if (Array.isArray(spec)) return spec[rng.int(spec.length)]!;
  const { min, max, log = false, integer = false } = spec as ParamRange;
  let v = log ? wasmMath.exp(rng.uniform(wasmMath.log(min), wasmMath.log(max))) : rng.uniform(min, max);
  if (integer) v = Math.min(Math.floor(v), Math.floor(max));
  return v;
}

function checkSeed(seed: unknown, who: string): number {
  const s = seed ?? 0;
  if (!Number.isSafeInteger(s) || (s as number) < 0) throw new ValueError(`${who}: seed must be a non-negative integer, got ${String(seed)}`);
  return s as number;
}

function checkSpace(space: unknown, who: string, ranges: boolean): string[] {
  if (space === null || typeof space !== 'object' || Array.isArray(space)) {
    throw new ValueError(`${who}: space must be an object of parameter names to candidate lists, got ${Array.isArray(space) ? 'an array' : space === null ? 'null' : typeof space}`);
  }
  const names = Object.keys(space);
  if (names.length === 0) throw new ValueError(`${who}: space has no parameters`);
  for (const name of names) {
    const spec = (space as Record<string, unknown>)[name];
    if (Array.isArray(spec)) {
      if (spec.length === 0) throw new ValueError(`${who}: space.${name} is an empty list`);
      for (const v of spec) {
        if (!['number', 'string', 'boolean'].includes(typeof v)) throw new ValueError(`${who}: space.${name} holds ${typeof v}; expected numbers, strings or booleans`);
      }
    } else if (ranges && isRange(spec)) {
      const { min, max, log } = spec;
      if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max) || (log && !(min > 0))) {
        throw new ValueError(`${who}: space.${name} must have finite min <= max${log ? ' and min > 0 for log' : ''}, got ${JSON.stringify(spec)}`);
      }
    } else {
      throw new ValueError(`${who}: space.${name} must be a list of values${ranges ? ' or { min, max, log?, integer? }' : ''}, got ${JSON.stringify(spec)}`);
    }
  }
  return names;
}

function isRange(v: unknown): v is ParamRange {
  return v !== null && typeof v === 'object' && 'min' in v && 'max' in v;
}

/** Every combination, the first name varying slowest. */
function gridOf(space: GridSpace, names: readonly string[]): Params[] {
  let combos: Params[] = [{}];
  for (const name of names) combos = combos.flatMap((c) => space[name]!.map((v) => ({ ...c, [name]: v })));
  return combos;
}

/** Keras's 'auto': metrics about accuracy (or AUC, precision, recall) are maximised. */
function autoMode(metric: string): 'min' | 'max' {
  return /acc|auc|precision|recall/i.test(metric) ? 'max' : 'min';
}

async function runSearch<M extends TunableModel>(options: SearchOptions<M>, combos: Params[], who: string): Promise<SearchResult<M>> {
  if (typeof options.build !== 'function') throw new ValueError(`${who}: build must be a function (params) => compiled model, got ${typeof options.build}`);
  if (options.fit !== undefined && typeof options.fit !== 'function' && (typeof options.fit !== 'object' || options.fit === null)) {
    throw new ValueError(`${who}: fit must be fit options or a function (params) => options, got ${options.fit === null ? 'null' : typeof options.fit}`);
  }
  const { data } = options;
  if (data === null || typeof data !== 'object' || data.x === undefined || data.y === undefined) {
    throw new ValueError(`${who}: data must be { x, y, validationData? }`);
  }
  for (const hook of ['callbacks', 'onTrial'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') {
      throw new ValueError(`${who}: ${hook} must be a function, got ${String(options[hook])}`);
    }
  }
  const metric = options.metric ?? 'val_loss';
  if (typeof metric !== 'string' || metric === '') throw new ValueError(`${who}: metric must be a History key such as 'val_loss', got ${String(metric)}`);
  const mode = options.mode ?? autoMode(metric);
  if (mode !== 'min' && mode !== 'max') throw new ValueError(`${who}: mode must be 'min' or 'max', got ${String(mode)}`);
  const seed = checkSeed(options.seed, who);
  const results: TrialResult[] = [];
  let bestModel: M | undefined;
  let best: TrialResult | undefined;
  for (let index = 0; index < combos.length; index++) {
    const params = combos[index]!;
    const fitOptions = trialFitOptions(options, params, seed);
    if (metric.startsWith('val_') && fitOptions.validationData === undefined && fitOptions.validationSplit === undefined) {
      throw new ValueError(`${who}: metric '${metric}' needs data.validationData or a validationSplit fit option`);
    }
    const model = await options.build(params, { index, seed });
    if (model === null || typeof model !== 'object' || typeof model.fit !== 'function') {
      throw new ValueError(`${who}: build returned ${model === null ? 'null' : typeof model} for ${JSON.stringify(params)}; expected a compiled model`);
    }
    const history = (await model.fit(data.x, data.y, fitOptions as never)).history;
    const values = history[metric];
    if (!Array.isArray(values)) {
      throw new ValueError(`${who}: the History has no '${metric}'; it has ${Object.keys(history).join(', ') || 'nothing'}`);
    }
    const result = scoreTrial(index, params, history, values, mode);
    results.push(result);
    if (best === undefined || better(result, best, mode)) {
      best = result;
      bestModel = model;
    }
    await options.onTrial?.(result, index + 1, combos.length);
  }
  const trials = [...results].sort((a, b) => (better(a, b, mode) ? -1 : better(b, a, mode) ? 1 : a.index - b.index));
  return { trials, best: best!, bestParams: best!.params, bestModel: bestModel! };
}

function trialFitOptions(options: SearchOptions<TunableModel>, params: Params, seed: number): TrialFitOptions {
  const base = typeof options.fit === 'function' ? options.fit(params) : { ...(options.fit ?? {}) };
  const fit: TrialFitOptions = { verbose: 0, seed, ...base };
  for (const key of ['batchSize', 'epochs'] as const) {
    if (fit[key] === undefined && typeof params[key] === 'number') fit[key] = params[key] as number;
  }
  if (fit.validationData === undefined && options.data.validationData !== undefined) fit.validationData = options.data.validationData;
  const extra = options.callbacks?.() ?? [];
  if (extra.length > 0) fit.callbacks = [...(fit.callbacks ?? []), ...extra];
  return fit;
}

function scoreTrial(index: number, params: Params, history: Record<string, number[]>, values: number[], mode: 'min' | 'max'): TrialResult {
  let score = NaN;
  let bestEpoch = -1;
  values.forEach((v, epoch) => {
    if (!Number.isFinite(v)) return;
    if (bestEpoch < 0 || (mode === 'min' ? v < score : v > score)) {
      score = v;
      bestEpoch = epoch;
    }
  });
  return { index, params, score, bestEpoch, epochs: values.length, history };
}

/** Strictly better score (NaN is worse than anything). */
function better(a: TrialResult, b: TrialResult, mode: 'min' | 'max'): boolean {
  if (Number.isNaN(a.score)) return false;
  if (Number.isNaN(b.score)) return true;
  return mode === 'min' ? a.score < b.score : a.score > b.score;
}

// Value vocabularies shared by TF.js's layers format (Keras's Python names) and tensorlane
// (camelCase): config keys, activation names, initializers and regularizers, both directions.
import { ModelFormatError } from '../../model/format.js';

/** Thrown (as ModelFormatError) with the function name in front. */
export function formatError(who: string, message: string): never {
  throw new ModelFormatError(`${who}: ${message}`);
}

/** `kernel_size` -> `kernelSize`. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `kernelSize` -> `kernel_size`. */
export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * tensorlane activation name -> Keras/TF.js identifier (only those TF.js can deserialize: TF.js
 * 4.22 writes 'gelu_new' but cannot read it back, so geluTanh is import-only).
 */
const ACTIVATION_TO_KERAS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', selu: 'selu', sigmoid: 'sigmoid',
  hardSigmoid: 'hard_sigmoid', softmax: 'softmax', logSoftmax: 'log_softmax', softplus: 'softplus',
  softsign: 'softsign', tanh: 'tanh', swish: 'swish', silu: 'swish', mish: 'mish', gelu: 'gelu',
};

/** Keras/TF.js identifier (either spelling) -> tensorlane activation name. */
const ACTIVATION_FROM_KERAS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', selu: 'selu', sigmoid: 'sigmoid',
  hard_sigmoid: 'hardSigmoid', hardSigmoid: 'hardSigmoid', softmax: 'softmax', log_softmax: 'logSoftmax', logSoftmax: 'logSoftmax',
  softplus: 'softplus', softsign: 'softsign', tanh: 'tanh', swish: 'swish', silu: 'swish', mish: 'mish',
  gelu: 'gelu', gelu_new: 'geluTanh',
};

/** A tensorlane activation option as a Keras identifier; throws for one TF.js cannot express. */
export function activationToKeras(value: unknown, who: string): string {
  if (value === undefined || value === null) return 'linear';
  const name = typeof value === 'string' ? value : (value as { name?: unknown }).name;
  const alpha = typeof value === 'object' ? (value as { alpha?: unknown }).alpha : undefined;
  const keras = typeof name === 'string' && Object.hasOwn(ACTIVATION_TO_KERAS, name) ? ACTIVATION_TO_KERAS[name] : undefined;
  // A fused elu keeps TF.js's fixed alpha 1 only.
  if (keras === undefined || (name === 'elu' && alpha !== undefined && alpha !== 1)) {
    formatError(who, `activation ${JSON.stringify(value)} has no TF.js equivalent as a fused activation (TF.js knows ${Object.values(ACTIVATION_TO_KERAS).join(', ')}; use a separate leakyRelu/elu layer)`);
  }
  return keras;
}

/** A Keras activation identifier as a tensorlane activation name. */
export function activationFromKeras(value: unknown, who: string): string {
  if (value === undefined || value === null) return 'linear';
  const name = typeof value === 'object' ? (value as { class_name?: unknown }).class_name : value;
  const tl = typeof name === 'string' && Object.hasOwn(ACTIVATION_FROM_KERAS, name) ? ACTIVATION_FROM_KERAS[name] : undefined;
  if (tl === undefined) formatError(who, `unsupported activation ${JSON.stringify(value)}; supported: ${Object.keys(ACTIVATION_FROM_KERAS).join(', ')}`);
  return tl;
}

/** tensorlane initializer name -> [Keras class name, tensorlane config key -> Keras key]. */
const INITIALIZERS: Record<string, [string, Record<string, string>]> = {
  zeros: ['Zeros', {}], ones: ['Ones', {}], constant: ['Constant', { value: 'value' }],
  randomUniform: ['RandomUniform', { minval: 'minval', maxval: 'maxval' }],
  randomNormal: ['RandomNormal', { mean: 'mean', stddev: 'stddev' }],
  truncatedNormal: ['TruncatedNormal', { mean: 'mean', stddev: 'stddev' }],
  glorotUniform: ['GlorotUniform', {}], glorotNormal: ['GlorotNormal', {}], heUniform: ['HeUniform', {}], heNormal: ['HeNormal', {}],
  lecunUniform: ['LeCunUniform', {}], lecunNormal: ['LeCunNormal', {}], orthogonal: ['Orthogonal', { gain: 'gain' }],
};
const FAN_MODES: Record<string, string> = { fanIn: 'fan_in', fanOut: 'fan_out', fanAvg: 'fan_avg' };
// TF.js's 'normal' is a truncated normal; it has no untruncated one.
const DISTRIBUTIONS: Record<string, string> = { uniform: 'uniform', truncatedNormal: 'normal' };
const DISTRIBUTIONS_FROM_KERAS: Record<string, string> = { uniform: 'uniform', normal: 'truncatedNormal', truncated_normal: 'truncatedNormal', untruncated_normal: 'untruncatedNormal' };

function invert(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k]));
}

/**
 * A tensorlane initializer (name, `{ name, config }`) as a Keras `{ class_name, config }`, or
 * undefined when TF.js has no such initializer (the key is then left out: the weights travel
 * with the model, so the initializer only matters for re-initialisation).
 */
export function initializerToKeras(value: unknown): unknown {
  const spec = typeof value === 'string' ? { name: value, config: {} } : (value as { name?: unknown; config?: Record<string, unknown> } | null);
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') return undefined;
  const cfg = spec.config ?? {};
  if (spec.name === 'varianceScaling') {
    const distribution = DISTRIBUTIONS[String(cfg.distribution ?? 'truncatedNormal')];
    if (distribution === undefined) return undefined;
    return { class_name: 'VarianceScaling', config: { scale: cfg.scale ?? 1, mode: FAN_MODES[String(cfg.mode ?? 'fanIn')] ?? 'fan_in', distribution, seed: null } };
  }
  const entry = INITIALIZERS[spec.name];
  if (entry === undefined) return undefined;
  const config: Record<string, unknown> = {};
  for (const [tl, keras] of Object.entries(entry[1])) if (cfg[tl] !== undefined) config[keras] = cfg[tl];
  if (entry[0] !== 'Zeros' && entry[0] !== 'Ones' && entry[0] !== 'Constant') config.seed = null;
  return { class_name: entry[0], config };
}

const INITIALIZER_CLASSES = Object.fromEntries(Object.entries(INITIALIZERS).map(([tl, [keras, keys]]) => [keras, [tl, invert(keys)] as const]));

/** A Keras initializer `{ class_name, config }` as a tensorlane `{ name, config }`, or undefined for one tensorlane lacks. */
export function initializerFromKeras(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const { class_name: cls, config = {} } = value as { class_name?: unknown; config?: Record<string, unknown> };
  if (cls === 'VarianceScaling') {
    const mode = invert(FAN_MODES)[String(config.mode)];
    const distribution = DISTRIBUTIONS_FROM_KERAS[String(config.distribution)];
    if (mode === undefined || distribution === undefined || typeof config.scale !== 'number') return undefined;
    return { name: 'varianceScaling', config: { scale: config.scale, mode, distribution } };
  }
  const entry = typeof cls === 'string' ? INITIALIZER_CLASSES[cls] : undefined;
  if (entry === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [keras, tl] of Object.entries(entry[1])) if (typeof config[keras] === 'number') out[tl] = config[keras];
  return { name: entry[0], config: out };
}

/** A tensorlane regulariser (`'l2'`, `{ name, config: { l1, l2 } }`) as Keras's L1L2. */
export function regularizerToKeras(value: unknown, who: string): unknown {
  if (value === undefined || value === null) return null;
  const spec = typeof value === 'string' ? { name: value, config: {} } : (value as { name?: unknown; config?: { l1?: number; l2?: number } });
  const defaults: Record<string, { l1: number; l2: number }> = { l1: { l1: 0.01, l2: 0 }, l2: { l1: 0, l2: 0.01 }, l1l2: { l1: 0.01, l2: 0.01 } };
  const base = typeof spec.name === 'string' ? defaults[spec.name] : undefined;
  if (base === undefined) formatError(who, `regularizer ${JSON.stringify(value)} has no TF.js equivalent (expected l1, l2 or l1l2)`);
  const c = spec.config ?? {};
  // tensorlane's saved l1/l2 configs hold both coefficients; a bare name uses its defaults.
  return { class_name: 'L1L2', config: { l1: c.l1 ?? (spec.name === 'l2' ? 0 : base.l1), l2: c.l2 ?? (spec.name === 'l1' ? 0 : base.l2) } };
}

/** Keras's L1L2 as a tensorlane l1l2 regulariser. */
export function regularizerFromKeras(value: unknown, who: string): unknown {
  if (value === undefined || value === null) return undefined;
  const { class_name: cls, config = {} } = value as { class_name?: unknown; config?: { l1?: unknown; l2?: unknown } };
  if (cls !== 'L1L2' && cls !== 'L1' && cls !== 'L2') formatError(who, `unsupported regularizer ${JSON.stringify(value)} (expected L1L2, L1 or L2)`);
  const l1 = typeof config.l1 === 'number' ? config.l1 : 0;
  const l2 = typeof config.l2 === 'number' ? config.l2 : 0;
  return { name: 'l1l2', config: { l1, l2 } };
}

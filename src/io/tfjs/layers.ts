// Layer configs between TF.js's layers format (Keras class names, snake_case keys) and tensorlane
// (the same class names, camelCase keys). Weights need no conversion: both use Keras's layouts.
import {
  Activation, Add, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, Conv2DTranspose, Cropping2D, Dense, DepthwiseConv2D,
  Dropout, Flatten, GaussianNoise, GlobalAveragePooling2D, GlobalMaxPooling2D, GRU, LayerNormalization, LSTM, MaxPooling2D, PReLU,
  Reshape, SimpleRNN, UpSampling2D, ZeroPadding2D,
} from '../../layers/index.js';
import type { Shape } from '../../core/tensor.js';
import { ModelFormatError } from '../../model/format.js';
import { completeSequenceLayer, SEQUENCE_LAYERS, type KerasLayer, type TranslatedLayer } from './sequence.js';
import {
  activationFromKeras, activationToKeras, camelToSnake, formatError, initializerFromKeras, initializerToKeras,
  regularizerFromKeras, regularizerToKeras, snakeToCamel,
} from './values.js';

export type { KerasLayer } from './sequence.js';

/** Layer classes with the same name and weights in both libraries, with their accepted options. */
const SHARED: Record<string, { options?: readonly string[] | undefined }> = {
  Dense, Conv2D, DepthwiseConv2D, Conv2DTranspose, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D,
  BatchNormalization, LayerNormalization, Dropout, GaussianNoise, Flatten, Reshape, Activation, PReLU, Add, Concatenate,
  ZeroPadding2D, Cropping2D, UpSampling2D, SimpleRNN, LSTM, GRU,
};

/** Keras activation layers that become a tensorlane Activation layer. */
const ACTIVATION_LAYERS = ['ReLU', 'LeakyReLU', 'ELU', 'Softmax'];

/** The layer types `io.fromTfjs` reads (besides InputLayer). */
export const TFJS_LAYER_TYPES: readonly string[] = [...Object.keys(SHARED), ...ACTIVATION_LAYERS, ...Object.keys(SEQUENCE_LAYERS)];

const RECURRENT = ['SimpleRNN', 'LSTM', 'GRU'];

/** Options TF.js would fill with a different default than tensorlane's, so they are always written. */
const TO_KERAS_DEFAULTS: Record<string, Record<string, unknown>> = {
  Conv2D: { padding: 'valid', strides: 1, dilationRate: 1 },
  DepthwiseConv2D: { padding: 'valid', strides: 1, dilationRate: 1, depthMultiplier: 1 },
  Conv2DTranspose: { padding: 'valid', strides: 1 },
  MaxPooling2D: { poolSize: 2, padding: 'valid' },
  AveragePooling2D: { poolSize: 2, padding: 'valid' },
  UpSampling2D: { size: 2 },
  ZeroPadding2D: { padding: 1 },
  Cropping2D: { cropping: 0 },
  LSTM: { recurrentActivation: 'sigmoid' },
  GRU: { recurrentActivation: 'sigmoid', resetAfter: true },
};

const PAIRS = new Set(['kernelSize', 'strides', 'poolSize', 'dilationRate', 'size']);

function pair(v: unknown): unknown {
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * A tensorlane layer (class name and JSON-friendly `getConfig()`) as a TF.js layer config.
 * Throws naming the layer for a type or option TF.js cannot express.
 */
export function layerToKeras(className: string, config: Record<string, unknown>, who: string): KerasLayer {
  const at = `${who}: layer "${String(config.name)}" (${className})`;
  if (className === 'Activation') {
    const a = config.activation as string | { name?: string; alpha?: number };
    const name = typeof a === 'string' ? a : a?.name;
    const alpha = typeof a === 'object' ? a.alpha : undefined;
    const base = { name: config.name, trainable: config.trainable };
    if (name === 'leakyRelu') return { class_name: 'LeakyReLU', config: { ...base, alpha: alpha ?? 0.2 } };
    // TF.js's ELU layer refuses any alpha but 1 (NotImplementedError), so only that one exports.
    if (name === 'elu' && alpha !== undefined && alpha !== 1) formatError(at, `elu alpha ${alpha} cannot be loaded by TF.js (its ELU layer supports alpha 1 only)`);
  }
  if (!Object.hasOwn(SHARED, className)) throw new ModelFormatError(`${at} has no TF.js layers equivalent; exportable types: ${Object.keys(SHARED).join(', ')}`);
  const full: Record<string, unknown> = { ...TO_KERAS_DEFAULTS[className], ...config };
  if ((className === 'MaxPooling2D' || className === 'AveragePooling2D') && full.strides === undefined) full.strides = full.poolSize;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(full)) {
    if (value === undefined) continue;
    if (key === 'inputShape') {
      out.batch_input_shape = [null, ...(value as number[])];
    } else if (key.endsWith('Initializer')) {
      const init = initializerToKeras(value);
      if (init !== undefined) out[camelToSnake(key)] = init;
    } else if (key.endsWith('Regularizer')) {
      out[camelToSnake(key)] = regularizerToKeras(value, at);
    } else if (key === 'activation' || key === 'recurrentActivation') {
      out[camelToSnake(key)] = activationToKeras(value, at);
    } else if (key === 'padding' && className !== 'ZeroPadding2D' && value !== 'valid' && value !== 'same') {
      formatError(at, `explicit padding ${JSON.stringify(value)} has no TF.js equivalent (TF.js takes 'valid' or 'same'; put a zeroPadding2d layer in front)`);
    } else if (key === 'dataFormat') {
      out.data_format = 'channels_last';
    } else {
      out[camelToSnake(key)] = PAIRS.has(key) ? pair(value) : value;
    }
  }
  return { class_name: className, config: out };
}

/**
 * Options that tensorlane does not model: any value but these defaults changes the layer's outputs
 * or training. The recurrent options are modelled by the recurrent layers (and `dropout` by
 * MultiHeadAttention), so only other layers must leave them at their defaults.
 */
const MUST_BE_DEFAULT: Array<[key: string, ok: (v: unknown) => boolean, expected: string]> = [
  ['activity_regularizer', (v) => v == null, 'null'],
  ['return_state', (v) => v == null || v === false, 'false'],
  ['go_backwards', (v) => v == null || v === false, 'false'],
  ['stateful', (v) => v == null || v === false, 'false'],
  ['dropout', (v) => v == null || v === 0, '0'],
  ['recurrent_dropout', (v) => v == null || v === 0, '0'],
  ['embeddings_constraint', (v) => v == null, 'null'],
  ['noise_shape', (v) => v == null, 'null'],
  ['groups', (v) => v == null || v === 1, '1'],
  ['output_padding', (v) => v == null, 'null'],
  ['keepdims', (v) => v == null || v === false, 'false'],
  ['data_format', (v) => v == null || v === 'channels_last', "'channels_last' (NHWC)"],
  ['interpolation', (v) => v == null || v === 'nearest', "'nearest'"],
];

/** Keras's axis (counting the batch as 0; a number or a one-entry list) must be the last one. */
function lastAxis(value: unknown, rank: number, at: string): number {
  const a = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (a === undefined || a === null || a === -1 || a === rank) return -1;
  return formatError(at, `axis ${JSON.stringify(value)} is not supported (only the last axis, ${rank} or -1)`);
}

/** Keys of MUST_BE_DEFAULT that `cls` models itself. */
function modelledHere(cls: string, key: string): boolean {
  if (RECURRENT.includes(cls)) return ['return_state', 'go_backwards', 'stateful', 'dropout', 'recurrent_dropout'].includes(key);
  return cls === 'MultiHeadAttention' && key === 'dropout';
}

/**
 * A TF.js layer config as a tensorlane `{ className, config }` for `layers.fromConfig`, given the
 * per-sample shapes of its inputs and the model's fixed batch size, if any (`batch_input_shape[0]`,
 * which a stateful recurrent layer needs). Throws naming the layer for a type or option
 * tensorlane lacks.
 */
export function layerFromKeras(layer: KerasLayer, inputShapes: readonly Shape[], who: string, batch?: number): TranslatedLayer {
  const cls = layer.class_name;
  const cfg = layer.config;
  const at = `${who}: layer "${String(cfg.name)}" (${cls})`;
  const rank = inputShapes[0]?.length ?? 0;
  const base: Record<string, unknown> = {};
  if (typeof cfg.name === 'string') base.name = cfg.name;
  if (typeof cfg.trainable === 'boolean') base.trainable = cfg.trainable;
  if (cls === 'ReLU') {
    if ((cfg.negative_slope ?? 0) !== 0 || (cfg.threshold ?? 0) !== 0) formatError(at, 'negative_slope and threshold must be 0');
    const max = cfg.max_value ?? null;
    if (max !== null && max !== 6) formatError(at, `max_value ${JSON.stringify(max)} is not supported (null or 6)`);
    return { className: 'Activation', config: { ...base, activation: max === 6 ? 'relu6' : 'relu' } };
  }
  if (cls === 'LeakyReLU') return { className: 'Activation', config: { ...base, activation: { name: 'leakyRelu', alpha: cfg.alpha ?? cfg.negative_slope ?? 0.3 } } };
  if (cls === 'ELU') return { className: 'Activation', config: { ...base, activation: { name: 'elu', alpha: cfg.alpha ?? 1 } } };
  if (cls === 'Softmax') {
    lastAxis(cfg.axis, rank, at);
    return { className: 'Activation', config: { ...base, activation: 'softmax' } };
  }
  const known = Object.hasOwn(SHARED, cls) ? SHARED[cls] : Object.hasOwn(SEQUENCE_LAYERS, cls) ? SEQUENCE_LAYERS[cls] : undefined;
  if (known === undefined) throw new ModelFormatError(`${at} is not supported; supported types: ${TFJS_LAYER_TYPES.join(', ')}`);
  for (const [key, ok, expected] of MUST_BE_DEFAULT) {
    if (!ok(cfg[key]) && !modelledHere(cls, key)) formatError(at, `${key} ${JSON.stringify(cfg[key])} is not supported (expected ${expected})`);
  }
  for (const [key, value] of Object.entries(cfg)) {
    if (key.endsWith('_constraint') && value != null) formatError(at, `${key} is not supported (tensorlane has no weight constraints)`);
  }
  const options = new Set(known.options ?? []);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(cfg)) {
    const name = snakeToCamel(key);
    if (value === null || !options.has(name)) continue;
    if (name.endsWith('Initializer')) {
      const init = initializerFromKeras(value);
      if (init !== undefined) out[name] = init;
    } else if (name.endsWith('Regularizer')) {
      out[name] = regularizerFromKeras(value, at);
    } else if (name === 'activation' || name === 'recurrentActivation') {
      out[name] = activationFromKeras(value, at);
    } else if (name === 'axis' && cls !== 'Concatenate') {
      out[name] = lastAxis(value, rank, at);
    } else if (name === 'dataFormat') {
      out[name] = 'channelsLast';
    } else {
      out[name] = value;
    }
  }
  // TF.js leaves these out when they are its own defaults, which differ from tensorlane's.
  if ((cls === 'LSTM' || cls === 'GRU') && cfg.recurrent_activation === undefined) out.recurrentActivation = 'hardSigmoid';
  // TF.js's GRU is the original one (reset_after false, bias [3 * units]); Keras writes the key.
  if (cls === 'GRU') out.resetAfter = cfg.reset_after === true;
  if (RECURRENT.includes(cls) && cfg.stateful === true) {
    if (batch === undefined) formatError(at, 'stateful true needs a fixed batch size, but the model input has batch_input_shape [null, ...]');
    out.batchInputShape = [batch, ...(inputShapes[0] ?? [])];
  }
  completeSequenceLayer(cls, cfg, out, inputShapes, at, (inner, shapes) => layerFromKeras(inner, shapes, who, batch));
  return { className: cls, config: out };
}

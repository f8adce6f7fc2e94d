// Free helpers for layer implementations: the options every layer accepts and the option-name
// check, default layer names, per-sample shape checks and formatting, and one-call wrappers over
// the memory kernels for buffers given by pointer.
import { f32 } from '../backend/memory.js';
import { fill } from '../kernels/memory.js';
import { accumulate } from '../kernels/graph.js';
import { ShapeError, ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import type { RegularizerLike } from '../regularizers.js';
import type { InitializerLike } from '../initializers.js';

/** Options every layer accepts. */
export interface BaseLayerConfig {
  /** Unique within a model; default `<type>_<n>` with a process-wide counter per type. */
  name?: string;
  /** False freezes the layer's weights (no gradient, no update). Default true. */
  trainable?: boolean;
  /** Per-sample input shape (no batch axis), for the first layer of a Sequential model. */
  inputShape?: readonly number[];
  /** Keras's batchInputShape: the input shape with a leading batch size (or null). */
  batchInputShape?: readonly (number | null)[];
  /** A penalty on the layer's output added to the loss (Keras's activity_regularizer): regulariser(output) / batch size. */
  activityRegularizer?: RegularizerLike;
}

/** The option names every layer accepts (`BaseLayerConfig`). */
export const BASE_LAYER_OPTIONS: readonly string[] = ['name', 'trainable', 'inputShape', 'batchInputShape', 'activityRegularizer'] satisfies readonly (keyof BaseLayerConfig)[];

type OwnOptions<C> = Exclude<keyof C, keyof BaseLayerConfig> & string;

/**
 * The option names of a layer config beyond `BaseLayerConfig`, for a layer class's static
 * `options` list; the compiler rejects a list that misses or misspells one of the config's keys:
 * `static readonly options = layerOptions<DenseConfig>()('units', 'activation', ...)`.
 */
export function layerOptions<C extends BaseLayerConfig>() {
  return <const K extends readonly OwnOptions<C>[]>(...keys: K & ([OwnOptions<C>] extends [K[number]] ? unknown : { missing: Exclude<OwnOptions<C>, K[number]> })): readonly string[] => keys;
}

/** Throws naming the layer type, the unknown key(s) and the accepted ones (Keras: "Unrecognized keyword arguments"). */
export function checkOptionNames(config: object, options: readonly string[] | undefined, who: string): void {
  if (options === undefined) return;
  const unknown = Object.keys(config).filter((key) => !BASE_LAYER_OPTIONS.includes(key) && !options.includes(key));
  if (unknown.length === 0) return;
  const names = unknown.map((key) => `'${key}'`).join(', ');
  throw new ValueError(`${who}: unknown option${unknown.length > 1 ? 's' : ''} ${names}; expected one of ${[...options, ...BASE_LAYER_OPTIONS].join(', ')}`);
}

const nameCounters = new Map<string, number>();

/** `dense` -> `dense_1`, `dense_2`, ... (a process-wide counter per prefix). */
export function uniqueName(prefix: string): string {
  const n = (nameCounters.get(prefix) ?? 0) + 1;
  nameCounters.set(prefix, n);
  return `${prefix}_${n}`;
}

/** Throws unless `shape` is a list of positive integers (a per-sample shape). */
export function checkSampleShape(shape: readonly number[], who: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
    throw new ShapeError(`${who}: expected a list of positive integers (the shape of one sample, without the batch axis), got ${JSON.stringify(shape)}`);
  }
}

/** `[*, 28, 28, 1]`: a per-sample shape as the error messages show it. */
export function formatSample(shape: Shape): string {
  return shape.length === 0 ? '[*]' : `[*, ${shape.join(', ')}]`;
}

/** Fills n floats at ptr with a value (one kernel call). */
export function fillPtr(ptr: number, value: number, n: number): void {
  fill(ptr, value, n);
}

/** dst += src over n floats (one kernel call). */
export function accumulatePtr(dst: number, src: number, n: number): void {
  accumulate(dst, src, n);
}

/** A JS view of n floats at ptr, valid until memory next grows; never keep it. */
export function viewF32(ptr: number, n: number): Float32Array {
  return f32().subarray(ptr >>> 2, (ptr >>> 2) + n);
}

/** Options of `addWeight` (Keras's `add_weight`). */
export interface AddWeightOptions {
  /** Default 'glorotUniform'. */
  initializer?: InitializerLike;
  regularizer?: RegularizerLike;
  /** Default true; false for statistics the optimizer must not touch. */
  trainable?: boolean;
}

export function isWeightOptions(v: unknown): v is AddWeightOptions {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === 'initializer' || k === 'regularizer' || k === 'trainable');
}

/** How an unexpected operand is named in errors: its type, or the class of an object. */
export function describeOperand(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array (length ${v.length})`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v === 'number' ? `the number ${v}` : typeof v;
}

/** Boolean options of the layers (useBias of dense and conv, center/scale of the norms, ...), checked for every layer. */
const BOOLEAN_OPTIONS = ['useBias', 'center', 'scale'] as const;

/** Checks the options every layer accepts (name, trainable, booleans, input shapes); returns the layer's name. */
export function checkBaseConfig(config: BaseLayerConfig, defaultPrefix: string): string {
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name === '')) {
    throw new ValueError(`${defaultPrefix}: name must be a non-empty string, got ${String(config.name)}`);
  }
  const name = config.name ?? uniqueName(defaultPrefix);
  if (config.trainable !== undefined && typeof config.trainable !== 'boolean') throw new ValueError(`${name}: trainable must be a boolean, got ${String(config.trainable)}`);
  // Booleans must be booleans: useBias 'false' is truthy and would keep the bias.
  for (const flag of BOOLEAN_OPTIONS) {
    const v = (config as Record<string, unknown>)[flag];
    if (v !== undefined && typeof v !== 'boolean') throw new ValueError(`${name}: ${flag} must be true or false, got ${typeof v === 'string' ? `'${v}'` : String(v)}`);
  }
  if (config.inputShape !== undefined) checkSampleShape(config.inputShape, `${name}: inputShape`);
  if (config.batchInputShape !== undefined) {
    if (!Array.isArray(config.batchInputShape) || config.batchInputShape.length < 2) {
      throw new ShapeError(`${name}: batchInputShape must be [batch or null, ...sample shape], got ${JSON.stringify(config.batchInputShape)}`);
    }
    checkSampleShape(config.batchInputShape.slice(1) as number[], `${name}: batchInputShape (after the batch size)`);
  }
  return name;
}

/** True when the layer computes its output with a traced `call` (a custom layer). */
export function hasCall(layer: object): boolean {
  return typeof (layer as { call?: unknown }).call === 'function';
}

/** Throws unless exactly one input of rank in `ranks`; returns its shape. */
export function singleInput(layer: { readonly name: string }, inputShapes: readonly Shape[], ranks?: readonly number[], what = ''): Shape {
  if (inputShapes.length !== 1) throw new ValueError(`${layer.name}: expects 1 input, got ${inputShapes.length}`);
  const s = inputShapes[0]!;
  if (ranks !== undefined && !ranks.includes(s.length + 1)) {
    throw new ShapeError(`${layer.name}: expected input of rank ${ranks.join(' or ')}${what}, got ${formatSample(s)}`);
  }
  return s;
}

/** The one mask that `inputs` carry (undefined when none does); throws naming `who` when they carry different ones. */
export function commonMask<T extends { readonly mask: T | undefined }>(inputs: readonly T[], who: string): T | undefined {
  const masks = [...new Set(inputs.map((t) => t.mask).filter((m): m is T => m !== undefined))];
  if (masks.length > 1) throw new ValueError(`${who}: its inputs carry different masks; only merge layers combine masks`);
  return masks[0];
}

/** The mask `x` carries, checked to hold one value per step of `x` ([*, time] for x [*, time, ...]); undefined when none. */
export function stepMask<T extends { readonly mask: T | undefined; readonly shape: Shape; toString(): string }>(x: T, who: string): T | undefined {
  const mask = x.mask;
  if (mask !== undefined && (mask.shape.length !== 1 || mask.shape[0] !== x.shape[0])) {
    throw new ShapeError(`${who}: the mask of its input must be [*, ${String(x.shape[0])}] (one value per step of ${x.toString()}), got ${mask.toString()}`);
  }
  return mask;
}

/**
 * Built-in layers whose output keeps its input's mask (Keras's `supports_masking`): they work per
 * step and keep the time axis. Layers that consume or change it decide for themselves (recurrent,
 * bidirectional, attention, masking); every other layer drops it.
 */
export const KEEPS_MASK: ReadonlySet<string> = new Set([
  'Dense', 'Activation', 'PReLU', 'Dropout', 'GaussianNoise', 'LayerNormalization', 'BatchNormalization',
  'TimeDistributed', 'PositionalEmbedding', 'SinusoidalPositionEncoding', 'Add', 'Concatenate',
]);

// Free helpers for layer implementations: the options every layer accepts and the option-name
// check, default layer names, per-sample shape checks and formatting, and one-call wrappers over
// the memory kernels for buffers given by pointer.
import { f32 } from '../backend/memory.js';
import { fill } from '../kernels/memory.js';
import { accumulate } from '../kernels/graph.js';
import { ShapeError, ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import type { RegularizerLike } from '../regularizers.js';

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

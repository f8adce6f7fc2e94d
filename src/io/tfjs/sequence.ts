// TF.js / Keras sequence layers read by `io.fromTfjs` (import only): Embedding, Conv1D, the 1-D
// pools, UpSampling1D, RepeatVector, MultiHeadAttention and the Bidirectional / TimeDistributed
// wrappers, whose Keras configs need more than the generic snake_case -> camelCase translation
// (one-entry lists for 1-D sizes, the wrapped layer's config, Keras-only options that must keep
// their defaults).
import {
  AveragePooling1D, Bidirectional, Conv1D, Embedding, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D, MultiHeadAttention,
  RepeatVector, TimeDistributed, UpSampling1D,
} from '../../layers/index.js';
import type { Shape } from '../../core/tensor.js';
import { formatError } from './values.js';

/** A layer as TF.js's model.json holds it. */
export interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
}

/** A tensorlane `{ className, config }` for `layers.fromConfig`. */
export interface TranslatedLayer {
  className: string;
  config: Record<string, unknown>;
}

/** Translates a wrapped layer (a wrapper's `layer`) for its per-sample input shape. */
export type TranslateInner = (inner: KerasLayer, inputShapes: readonly Shape[]) => TranslatedLayer;

/** The sequence layer classes `io.fromTfjs` reads, with their accepted options. */
export const SEQUENCE_LAYERS: Record<string, { options?: readonly string[] | undefined }> = {
  Embedding, Conv1D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, UpSampling1D, RepeatVector,
  MultiHeadAttention, Bidirectional, TimeDistributed,
};

/** Keras writes 1-D sizes as one-entry lists (`kernel_size: [3]`). */
const ONE_D_SIZES = ['kernelSize', 'strides', 'dilationRate', 'poolSize', 'size'];

function single(value: unknown, key: string, at: string): unknown {
  if (!Array.isArray(value)) return value;
  if (value.length !== 1) formatError(at, `${key} ${JSON.stringify(value)} must be one number for a 1-D layer`);
  return value[0];
}

/**
 * Completes `out` (the generic translation of `cfg`) for a sequence layer: 1-D sizes, Embedding's
 * `mask_zero`, MultiHeadAttention's options, and the wrapped layer of Bidirectional and
 * TimeDistributed. Throws naming the layer (`at`) for what tensorlane cannot represent.
 */
export function completeSequenceLayer(cls: string, cfg: Record<string, unknown>, out: Record<string, unknown>, inputShapes: readonly Shape[], at: string, translate: TranslateInner): void {
  if (!Object.hasOwn(SEQUENCE_LAYERS, cls)) return;
  for (const key of ONE_D_SIZES) if (out[key] !== undefined) out[key] = single(out[key], key, at);
  if (cls === 'Embedding' && cfg.mask_zero === true) out.maskZero = true;
  if (cls === 'MultiHeadAttention') {
    const axes = cfg.attention_axes;
    const rank = (inputShapes[0]?.length ?? 0) + 1;
    if (axes != null && !(Array.isArray(axes) && axes.length === 1 && (axes[0] === 1 || axes[0] === 1 - rank))) {
      formatError(at, `attention_axes ${JSON.stringify(axes)} is not supported (attention over the time axis of [batch, time, features]: null or [1])`);
    }
  }
  if (cls === 'Bidirectional' || cls === 'TimeDistributed') {
    const inner = cfg.layer as KerasLayer | undefined;
    if (inner === null || typeof inner !== 'object' || typeof inner.class_name !== 'string' || inner.config === null || typeof inner.config !== 'object') {
      formatError(at, `needs layer: { class_name, config } (the wrapped layer), got ${JSON.stringify(inner)?.slice(0, 200)}`);
    }
    const shape = inputShapes[0] ?? [];
    out.layer = translate(inner, [cls === 'TimeDistributed' ? shape.slice(1) : shape]);
  }
  if (cls === 'Bidirectional') {
    if (cfg.merge_mode === null) formatError(at, 'merge_mode null (the two directions as two outputs) is not supported; use concat, sum, mul or ave');
    const back = cfg.backward_layer as KerasLayer | undefined;
    const inner = cfg.layer as KerasLayer;
    if (back != null && (back.class_name !== inner.class_name || back.config?.units !== inner.config.units || back.config?.return_sequences !== inner.config.return_sequences)) {
      formatError(at, 'a backward_layer other than the mirror of layer is not supported (tensorlane runs a copy of layer backwards)');
    }
  }
}

/**
 * The candidate manifest names of a tensorlane weight `<layer>/<weight>`: Bidirectional's
 * `forward/...` and `backward/...` are Keras's `forward_<wrapped>/...` and `backward_<wrapped>/...`.
 */
export function kerasWeightNames(className: string, layerName: string, weightName: string, wrappedName: string | undefined): string[] {
  const names = [`${layerName}/${weightName}`];
  if (className === 'Bidirectional' && wrappedName !== undefined) {
    const m = /^(forward|backward)\/(.*)$/.exec(weightName);
    if (m !== null) names.push(`${layerName}/${m[1]}_${wrappedName}/${m[2]}`);
  }
  return names;
}

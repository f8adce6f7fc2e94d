// `layers.*`: one factory per layer (Keras names in camelCase), and the registry io uses to
// rebuild layers from their saved class name and config.
import { ValueError } from '../core/errors.js';
import { Activation, PReLU, type ActivationConfig, type PReLUConfig } from './activations.js';
import { Dense, Flatten, Input, InputLayer, Reshape, type DenseConfig, type InputConfig, type ReshapeConfig } from './core.js';
import type { Layer } from './layer.js';
import { checkOptionNames, type BaseLayerConfig } from './layer-helpers.js';
import { Add, Concatenate, type ConcatenateConfig } from './merge.js';
import { Conv2D, Conv2DTranspose, DepthwiseConv2D, type Conv2DConfig, type Conv2DTransposeConfig, type DepthwiseConv2DConfig } from './conv.js';
import {
  AveragePooling2D, Cropping2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, UpSampling2D, ZeroPadding2D,
  type Cropping2DConfig, type Pooling2DConfig, type UpSampling2DConfig, type ZeroPadding2DConfig,
} from './pooling.js';
import { BatchNormalization, LayerNormalization, type BatchNormalizationConfig, type LayerNormalizationConfig } from './normalization.js';
import { Dropout, GaussianNoise, type DropoutConfig, type GaussianNoiseConfig } from './regularization.js';
import { GRU, LSTM, SimpleRNN, type GRUConfig, type LSTMConfig } from './recurrent.js';
import type { RecurrentConfig } from './recurrent-base.js';

export { SymbolicTensor, Weight, Layer as BaseLayer, type OutputSpec, type TracedCall } from './layer.js';
export type { TraceRecord } from './trace.js';
export { Layer, type CallOptions, type AddWeightOptions } from './custom.js';
export type { BaseLayerConfig } from './layer-helpers.js';
export type { ActivationStage, CallContext, NodeIO, Slot, StateRequest } from './node-io.js';
export type { GraphNode } from './layer.js';
export { Activation, PReLU, Dense, Flatten, Input, InputLayer, Reshape, Add, Concatenate, Conv2D, Conv2DTranspose, DepthwiseConv2D };
export { AveragePooling2D, Cropping2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, UpSampling2D, ZeroPadding2D };
export { BatchNormalization, LayerNormalization, Dropout, GaussianNoise };
export { SimpleRNN, LSTM, GRU, type RecurrentConfig, type LSTMConfig, type GRUConfig };
export type { ActivationConfig, PReLUConfig, DenseConfig, InputConfig, ReshapeConfig, ConcatenateConfig, Conv2DConfig, Conv2DTransposeConfig, DepthwiseConv2DConfig };
export type { NormConfig } from './normalization.js';
export type { Cropping2DConfig, Pooling2DConfig, UpSampling2DConfig, ZeroPadding2DConfig, BatchNormalizationConfig, LayerNormalizationConfig, DropoutConfig, GaussianNoiseConfig };

/** Densely connected layer: `activation(x·kernel + bias)`. */
export const dense = (config: DenseConfig): Dense => new Dense(config);
/** Flattens each sample. */
export const flatten = (config: BaseLayerConfig = {}): Flatten => new Flatten(config);
/** Reshapes each sample to `targetShape`. */
export const reshape = (config: ReshapeConfig): Reshape => new Reshape(config);
/** An input layer (for Sequential); functional models use `Input({ shape })`. */
export const input = (config: InputConfig): InputLayer => new InputLayer(config);
/** Applies an activation (`'relu'`, `'softmax'`, ...). */
export const activation = (config: ActivationConfig): Activation => new Activation(config);
/** ReLU. */
export const relu = (config: BaseLayerConfig = {}): Activation => new Activation({ ...config, activation: 'relu' }, 're_lu');
/** Leaky ReLU with slope `alpha` (Keras default 0.3) for negative inputs. */
export const leakyRelu = (config: BaseLayerConfig & { alpha?: number } = {}): Activation => alphaActivation(config, 'leakyRelu', 0.3, 'leaky_re_lu');
/** ELU with `alpha` (default 1). */
export const elu = (config: BaseLayerConfig & { alpha?: number } = {}): Activation => alphaActivation(config, 'elu', 1, 'elu');

/** An Activation layer for an activation with an `alpha` option; unknown options name `alpha` among the accepted ones. */
function alphaActivation(config: BaseLayerConfig & { alpha?: number }, name: 'leakyRelu' | 'elu', alphaDefault: number, prefix: string): Activation {
  if (config !== null && typeof config === 'object') checkOptionNames(config, ['alpha'], prefix);
  const { alpha = alphaDefault, ...rest } = config ?? {};
  return new Activation({ ...rest, activation: { name, alpha } as never }, prefix);
}
/** Softmax over the last axis. */
export const softmax = (config: BaseLayerConfig = {}): Activation => new Activation({ ...config, activation: 'softmax' }, 'softmax');
/** Parametric ReLU with learned slopes. */
export const prelu = (config: PReLUConfig = {}): PReLU => new PReLU(config);
/** Elementwise sum of inputs (residual connections). */
export const add = (config: BaseLayerConfig = {}): Add => new Add(config);
/** Concatenation along an axis (default the last: channels). */
export const concatenate = (config: ConcatenateConfig = {}): Concatenate => new Concatenate(config);

/** 2-D convolution (NHWC, kernel [kh, kw, inC, filters]). */
export const conv2d = (config: Conv2DConfig): Conv2D => new Conv2D(config);
/** Depthwise 2-D convolution (kernel [kh, kw, inC, depthMultiplier]). */
export const depthwiseConv2d = (config: DepthwiseConv2DConfig): DepthwiseConv2D => new DepthwiseConv2D(config);
/** Transposed 2-D convolution (kernel [kh, kw, filters, inC]). */
export const conv2dTranspose = (config: Conv2DTransposeConfig): Conv2DTranspose => new Conv2DTranspose(config);
/** Max pooling over windows (default 2x2, stride = window). */
export const maxPooling2d = (config: Pooling2DConfig = {}): MaxPooling2D => new MaxPooling2D(config);
/** Average pooling over windows. */
export const averagePooling2d = (config: Pooling2DConfig = {}): AveragePooling2D => new AveragePooling2D(config);
/** Mean over height and width. */
export const globalAveragePooling2d = (config: BaseLayerConfig = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(config);
/** Max over height and width. */
export const globalMaxPooling2d = (config: BaseLayerConfig = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(config);
/** Nearest-neighbour upsampling. */
export const upSampling2d = (config: UpSampling2DConfig = {}): UpSampling2D => new UpSampling2D(config);
/** Zero padding around images. */
export const zeroPadding2d = (config: ZeroPadding2DConfig = {}): ZeroPadding2D => new ZeroPadding2D(config);
/** Cropping at image borders. */
export const cropping2d = (config: Cropping2DConfig = {}): Cropping2D => new Cropping2D(config);
/** Batch normalisation over the channels. */
export const batchNormalization = (config: BatchNormalizationConfig = {}): BatchNormalization => new BatchNormalization(config);
/** Layer normalisation over the last axis. */
export const layerNormalization = (config: LayerNormalizationConfig = {}): LayerNormalization => new LayerNormalization(config);
/** Inverted dropout (training only). */
export const dropout = (config: DropoutConfig): Dropout => new Dropout(config);
/** Additive Gaussian noise (training only). */
export const gaussianNoise = (config: GaussianNoiseConfig): GaussianNoise => new GaussianNoise(config);
/** Fully connected RNN over [batch, time, features]: h_t = activation(x_t·kernel + h_{t-1}·recurrent_kernel + bias). */
export const simpleRnn = (config: RecurrentConfig): SimpleRNN => new SimpleRNN(config);
/** Long short-term memory over [batch, time, features] (Keras gate order i, f, c, o). */
export const lstm = (config: LSTMConfig): LSTM => new LSTM(config);
/** Gated recurrent unit over [batch, time, features] (Keras gate order z, r, h; resetAfter only). */
export const gru = (config: GRUConfig): GRU => new GRU(config);

/** Constructors by saved class name. */
const CLASSES: Record<string, (config: Record<string, unknown>) => Layer> = {
  InputLayer: (c) => new InputLayer(c as unknown as InputConfig),
  Dense: (c) => new Dense(c as unknown as DenseConfig),
  Flatten: (c) => new Flatten(c),
  Reshape: (c) => new Reshape(c as unknown as ReshapeConfig),
  Activation: (c) => new Activation(c as unknown as ActivationConfig),
  PReLU: (c) => new PReLU(c),
  Add: (c) => new Add(c),
  Concatenate: (c) => new Concatenate(c),
  Conv2D: (c) => new Conv2D(c as unknown as Conv2DConfig),
  DepthwiseConv2D: (c) => new DepthwiseConv2D(c as unknown as DepthwiseConv2DConfig),
  Conv2DTranspose: (c) => new Conv2DTranspose(c as unknown as Conv2DTransposeConfig),
  MaxPooling2D: (c) => new MaxPooling2D(c),
  AveragePooling2D: (c) => new AveragePooling2D(c),
  GlobalAveragePooling2D: (c) => new GlobalAveragePooling2D(c),
  GlobalMaxPooling2D: (c) => new GlobalMaxPooling2D(c),
  UpSampling2D: (c) => new UpSampling2D(c),
  ZeroPadding2D: (c) => new ZeroPadding2D(c),
  Cropping2D: (c) => new Cropping2D(c),
  BatchNormalization: (c) => new BatchNormalization(c),
  LayerNormalization: (c) => new LayerNormalization(c),
  Dropout: (c) => new Dropout(c as unknown as DropoutConfig),
  GaussianNoise: (c) => new GaussianNoise(c as unknown as GaussianNoiseConfig),
  SimpleRNN: (c) => new SimpleRNN(c as unknown as RecurrentConfig),
  LSTM: (c) => new LSTM(c as unknown as LSTMConfig),
  GRU: (c) => new GRU(c as unknown as GRUConfig),
};

/** A layer class whose constructor takes its saved config (a custom layer). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any config type: the saved config is passed back as is
export type LayerClass = (new (config: any) => Layer) & { className?: string };

/**
 * Registers a layer class so io can rebuild saved models that use it: `registerLayer(MyLayer)`
 * (saved under the class's static `className`, or its name), or `registerLayer(name, make)`.
 */
export function registerLayer(cls: LayerClass): void;
export function registerLayer(className: string, make: (config: Record<string, unknown>) => Layer): void;
export function registerLayer(classOrName: string | LayerClass, maker?: (config: Record<string, unknown>) => Layer): void {
  if (typeof classOrName === 'function') {
    const cls = classOrName;
    registerLayer(cls.className ?? cls.name, (c) => new cls(c));
    return;
  }
  const className = classOrName;
  const make = maker!;
  if (typeof className !== 'string' || className === '') throw new ValueError(`layers.registerLayer: className must be a non-empty string (or a layer class), got ${JSON.stringify(className)}`);
  if (typeof make !== 'function') throw new ValueError(`layers.registerLayer: make must be a function (config) => Layer, got ${make === null ? 'null' : typeof make}`);
  CLASSES[className] = make;
}

/** Rebuilds a layer from its class name and `getConfig()`. */
export function fromConfig(className: string, config: Record<string, unknown>): Layer {
  const make = Object.hasOwn(CLASSES, className) ? CLASSES[className] : undefined;
  if (make === undefined) throw new ValueError(`layers.fromConfig: unknown layer class ${JSON.stringify(className)}; known: ${Object.keys(CLASSES).join(', ')}`);
  return make(config);
}

// Sequence layers (issue 12): factories, exports and their io registry rows.
import { Embedding, type EmbeddingConfig } from './embedding.js';
import { Conv1D, type Conv1DConfig } from './conv1d.js';
import {
  AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D, RepeatVector, UpSampling1D,
  type Pooling1DConfig, type RepeatVectorConfig, type UpSampling1DConfig,
} from './pooling1d.js';
export { Embedding, Conv1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D, RepeatVector, UpSampling1D };
export type { EmbeddingConfig, Conv1DConfig, Pooling1DConfig, RepeatVectorConfig, UpSampling1DConfig };
/** Integer ids (as float32) -> rows of a learned [inputDim, outputDim] table: [*, time] -> [*, time, outputDim]. */
export const embedding = (config: EmbeddingConfig): Embedding => new Embedding(config);
/** 1-D convolution over [batch, steps, channels] (kernel [k, inC, filters]; padding 'valid', 'same' or 'causal'). */
export const conv1d = (config: Conv1DConfig): Conv1D => new Conv1D(config);
/** Max pooling over windows of steps (default 2, stride = window). */
export const maxPooling1d = (config: Pooling1DConfig = {}): MaxPooling1D => new MaxPooling1D(config);
/** Average pooling over windows of steps. */
export const averagePooling1d = (config: Pooling1DConfig = {}): AveragePooling1D => new AveragePooling1D(config);
/** Mean over the steps: [*, steps, c] -> [*, c]. */
export const globalAveragePooling1d = (config: BaseLayerConfig = {}): GlobalAveragePooling1D => new GlobalAveragePooling1D(config);
/** Max over the steps: [*, steps, c] -> [*, c]. */
export const globalMaxPooling1d = (config: BaseLayerConfig = {}): GlobalMaxPooling1D => new GlobalMaxPooling1D(config);
/** Repeats each step `size` times. */
export const upSampling1d = (config: UpSampling1DConfig = {}): UpSampling1D => new UpSampling1D(config);
/** Repeats a vector n times: [*, features] -> [*, n, features]. */
export const repeatVector = (config: RepeatVectorConfig): RepeatVector => new RepeatVector(config);
registerLayer('Embedding', (c) => new Embedding(c as unknown as EmbeddingConfig));
registerLayer('Conv1D', (c) => new Conv1D(c as unknown as Conv1DConfig));
registerLayer('MaxPooling1D', (c) => new MaxPooling1D(c));
registerLayer('AveragePooling1D', (c) => new AveragePooling1D(c));
registerLayer('GlobalAveragePooling1D', (c) => new GlobalAveragePooling1D(c));
registerLayer('GlobalMaxPooling1D', (c) => new GlobalMaxPooling1D(c));
registerLayer('UpSampling1D', (c) => new UpSampling1D(c));
registerLayer('RepeatVector', (c) => new RepeatVector(c as unknown as RepeatVectorConfig));

// Attention and position layers (issue 12): factories, exports and their io registry rows.
import { MultiHeadAttention, type MultiHeadAttentionCallOptions, type MultiHeadAttentionConfig } from './attention.js';
export { MultiHeadAttention };
export type { MultiHeadAttentionConfig, MultiHeadAttentionCallOptions };
/**
 * Keras's MultiHeadAttention: call `apply([query, value])` or `apply([query, value, key])` with
 * optional `{ attentionMask, useCausalMask }`; [*, Tq, Dq] -> [*, Tq, outputShape ?? Dq].
 */
export const multiHeadAttention = (config: MultiHeadAttentionConfig): MultiHeadAttention => new MultiHeadAttention(config);
registerLayer('MultiHeadAttention', (c) => new MultiHeadAttention(c as unknown as MultiHeadAttentionConfig));
import { PositionalEmbedding, SinusoidalPositionEncoding, type PositionalEmbeddingConfig, type SinusoidalPositionEncodingConfig } from './position.js';
export { PositionalEmbedding, SinusoidalPositionEncoding };
export type { PositionalEmbeddingConfig, SinusoidalPositionEncodingConfig };
/** Learned position embeddings [sequenceLength, features] added to a [*, time, features] input (time <= sequenceLength). */
export const positionalEmbedding = (config: PositionalEmbeddingConfig): PositionalEmbedding => new PositionalEmbedding(config);
/** The fixed sin/cos position encoding ("Attention Is All You Need") added to a [*, time, features] input. */
export const sinusoidalPositionEncoding = (config: SinusoidalPositionEncodingConfig = {}): SinusoidalPositionEncoding => new SinusoidalPositionEncoding(config);
registerLayer('PositionalEmbedding', (c) => new PositionalEmbedding(c as unknown as PositionalEmbeddingConfig));
registerLayer('SinusoidalPositionEncoding', (c) => new SinusoidalPositionEncoding(c));
// Recurrent wrappers (issue 12).
import { Bidirectional, type BidirectionalConfig, type MergeMode } from './bidirectional.js';
import { TimeDistributed } from './time-distributed.js';
export { Bidirectional, TimeDistributed, type BidirectionalConfig, type MergeMode };
/** Runs a recurrent layer forwards and a copy (own weights) backwards; merges with `mergeMode` (default 'concat'). */
export const bidirectional = (layer: Layer, config: BidirectionalConfig = {}): Bidirectional => new Bidirectional(layer, config);
/** Applies `layer` to every time step of [batch, time, ...] with shared weights. */
export const timeDistributed = (layer: Layer, config: BaseLayerConfig = {}): TimeDistributed => new TimeDistributed(layer, config);

/** The wrapped layer of a saved wrapper config (`{ layer: { className, config }, ...options }`). */
function wrapped(c: Record<string, unknown>, who: string): { inner: Layer; rest: Record<string, unknown> } {
  const { layer, ...rest } = c;
  const spec = layer as { className?: unknown; config?: unknown } | undefined;
  if (spec === null || typeof spec !== 'object' || typeof spec.className !== 'string' || spec.config === null || typeof spec.config !== 'object') {
    throw new ValueError(`layers.fromConfig: ${who} needs layer: { className, config }, got ${JSON.stringify(layer)}`);
  }
  return { inner: fromConfig(spec.className, spec.config as Record<string, unknown>), rest };
}
registerLayer('Bidirectional', (c) => {
  const { inner, rest } = wrapped(c, 'Bidirectional');
  return new Bidirectional(inner, rest);
});
registerLayer('TimeDistributed', (c) => {
  const { inner, rest } = wrapped(c, 'TimeDistributed');
  return new TimeDistributed(inner, rest);
});

// Masking (issue 12): the masking layer; `embedding`'s `maskZero` is the other source of masks.
import { Masking, type MaskingConfig } from './masking.js';
export { Masking, type MaskingConfig };
/** Marks steps whose features all equal `maskValue` (default 0) as padding: the output carries a mask that recurrent layers, attention, global pooling and losses honour. */
export const masking = (config: MaskingConfig = {}): Masking => new Masking(config);
registerLayer('Masking', (c) => new Masking(c));

// `layers.*`: one factory per layer (Keras names in camelCase), and the registry io uses to
// rebuild layers from their saved class name and config.
import { ValueError } from '../errors.js';
import { Activation, PReLU, type ActivationConfig, type PReLUConfig } from './activations.js';
import { Dense, Flatten, Input, InputLayer, Reshape, type DenseConfig, type InputConfig, type ReshapeConfig } from './core.js';
import type { BaseLayerConfig, Layer } from './layer.js';
import { Add, Concatenate, type ConcatenateConfig } from './merge.js';

export { Layer, SymbolicTensor, Weight, type BaseLayerConfig, type CallContext, type NodeIO, type Slot } from './layer.js';
export { Activation, PReLU, Dense, Flatten, Input, InputLayer, Reshape, Add, Concatenate };
export type { ActivationConfig, PReLUConfig, DenseConfig, InputConfig, ReshapeConfig, ConcatenateConfig };

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
export const leakyRelu = (config: BaseLayerConfig & { alpha?: number } = {}): Activation =>
  new Activation({ ...config, activation: { name: 'leakyRelu', alpha: config.alpha ?? 0.3 } as never }, 'leaky_re_lu');
/** ELU with `alpha` (default 1). */
export const elu = (config: BaseLayerConfig & { alpha?: number } = {}): Activation =>
  new Activation({ ...config, activation: { name: 'elu', alpha: config.alpha ?? 1 } as never }, 'elu');
/** Softmax over the last axis. */
export const softmax = (config: BaseLayerConfig = {}): Activation => new Activation({ ...config, activation: 'softmax' }, 'softmax');
/** Parametric ReLU with learned slopes. */
export const prelu = (config: PReLUConfig = {}): PReLU => new PReLU(config);
/** Elementwise sum of inputs (residual connections). */
export const add = (config: BaseLayerConfig = {}): Add => new Add(config);
/** Concatenation along an axis (default the last: channels). */
export const concatenate = (config: ConcatenateConfig = {}): Concatenate => new Concatenate(config);

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
};

/** Registers a layer class for io (custom layers). */
export function registerLayer(className: string, make: (config: Record<string, unknown>) => Layer): void {
  CLASSES[className] = make;
}

/** Rebuilds a layer from its class name and `getConfig()`. */
export function fromConfig(className: string, config: Record<string, unknown>): Layer {
  const make = Object.hasOwn(CLASSES, className) ? CLASSES[className] : undefined;
  if (make === undefined) throw new ValueError(`layers.fromConfig: unknown layer class ${JSON.stringify(className)}; known: ${Object.keys(CLASSES).join(', ')}`);
  return make(config);
}

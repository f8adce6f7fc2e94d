// Sequential: a Model whose graph is a chain of layers, rebuilt whenever a layer is added or
// popped. Without an input shape on the first layer, the graph is built from the first data.
import { ValueError, formatShape } from '../core/errors.js';
import { given, optionsSchema, text } from '../core/options.js';
import { Input, InputLayer } from '../layers/core.js';
import { Layer, type SymbolicTensor } from '../layers/layer.js';
import { checkSampleShape } from '../layers/layer-helpers.js';
import type { Shape } from '../core/tensor.js';
import { buildGraph, type Graph } from './graph.js';
import { Model } from './model.js';

/** Options of `new Sequential(layers, options)`. */
export interface SequentialOptions {
  name?: string;
  /** Seeds initialisation, shuffling and dropout. */
  seed?: number;
}

const sequentialSchema = optionsSchema<SequentialOptions>()({ name: text(), seed: given<number>() });

/** A linear stack of layers: `new Sequential([layers.dense({ units: 10, inputShape: [784] })])`. */
export class Sequential extends Model {
  private readonly stack: Layer[] = [];
  private inputShape: Shape | undefined;

  constructor(layers: readonly Layer[] = [], options: SequentialOptions = {}) {
    super({ inputs: undefined as unknown as SymbolicTensor, outputs: undefined as unknown as SymbolicTensor, ...sequentialSchema.parse('Sequential', options) }, 'sequential');
    if (!Array.isArray(layers)) throw new ValueError(`${this.name}: expected an array of layers, got ${typeof layers}`);
    for (const layer of layers) this.add(layer);
  }

  protected override get isSequential(): boolean {
    return true;
  }

  /** The stacked layers (an `input` layer given first is not listed). */
  override get layers(): Layer[] {
    this.live('layers');
    return [...this.stack];
  }

  /** Appends a layer; the graph is rebuilt (shape errors name the layer). */
  add(layer: Layer): void {
    this.live('add');
    if (!(layer instanceof Layer)) throw new ValueError(`${this.name}.add: expected a layer (e.g. layers.dense({ units: 10 })), got ${layer === null ? 'null' : typeof layer}`);
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputShape !== undefined) throw new ValueError(`${this.name}.add: an input layer can only come first`);
      this.inputShape = layer.shape;
      return;
    }
    if (this.stack.includes(layer)) throw new ValueError(`${this.name}.add: ${layer.name} is already in the model`);
    if (this.stack.length === 0 && this.inputShape === undefined) this.inputShape = layer.declaredInputShape;
    this.stack.push(layer);
    try {
      this.rebuild();
    } catch (err) {
      this.stack.pop();
      this.rebuild();
      throw err;
    }
  }

  /** Removes and returns the last layer (to replace a head for transfer learning). */
  pop(): Layer {
    this.live('pop');
    const layer = this.stack.pop();
    if (layer === undefined) throw new ValueError(`${this.name}.pop: the model has no layers`);
    this.rebuild();
    return layer;
  }

  /** Builds the graph for a per-sample input shape (Keras's `model.build`), if none was given. */
  build(inputShape: readonly number[]): void {
    this.live('build');
    checkSampleShape(inputShape, `${this.name}.build: inputShape`);
    if (this.inputShape !== undefined && formatShape(this.inputShape) !== formatShape(inputShape)) {
      throw new ValueError(`${this.name}.build: the model already has input shape ${formatShape(this.inputShape)}, got ${formatShape(inputShape)}`);
    }
    this.inputShape = [...inputShape];
    this.rebuild();
  }

  protected override requireGraph(who: string, sampleShape?: Shape): Graph {
    if (this.graph === undefined && sampleShape !== undefined && this.stack.length > 0 && this.inputShape === undefined) {
      this.build(sampleShape);
    }
    if (this.stack.length === 0) throw new ValueError(`${this.name}.${who}: the model has no layers; add some first`);
    return super.requireGraph(who);
  }

  private rebuild(): void {
    if (this.inputShape === undefined || this.stack.length === 0) {
      this.graph = undefined;
    } else {
      let t = Input({ shape: this.inputShape });
      const input = t;
      for (const layer of this.stack) t = layer.apply(t);
      this.graph = buildGraph([input], t, this.name);
      if (this.explicitSeed) this.ensureInitialized();
    }
    this.invalidate();
  }
}

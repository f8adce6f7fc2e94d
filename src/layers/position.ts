// Position information for attention models, added to a [batch, time, features] input: a learned
// table (keras_hub's PositionEmbedding, here added to its input as in TokenAndPositionEmbedding)
// and the fixed sinusoidal encoding of "Attention Is All You Need" (keras_hub's
// SinePositionEncoding, also added to its input).
import { writeF32 } from '../backend/memory.js';
import { cos, pow } from '../core/math.js';
import { ShapeError, ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import type { InitializerLike } from '../initializers.js';
import { copy } from '../kernels/memory.js';
import { accumulate, biasBackward } from '../kernels/graph.js';
import type { RegularizerLike } from '../regularizers.js';
import { Layer, singleInput } from './layer.js';
import { layerOptions, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import { positiveInt } from './positive-int.js';
import type { CallContext, NodeIO } from './node-io.js';

/** y[b] = x[b] + table[0 .. time) for every sample b; the table is time * features floats. */
function addTableForward(io: NodeIO, ctx: CallContext, table: number): void {
  const size = io.output.size;
  copy(io.z, io.inputs[0]!.ptr, ctx.batch * size);
  for (let b = 0; b < ctx.batch; b++) accumulate(io.z + b * size * 4, table, size);
}

/** dx += dy; dTable += Σ_b dy[b] (when dTable != 0). */
function addTableBackward(io: NodeIO, ctx: CallContext, dTable: number): void {
  const size = io.output.size;
  const x = io.inputs[0]!;
  if (x.grad !== 0) accumulate(x.grad, io.dz, ctx.batch * size);
  if (dTable !== 0) biasBackward(dTable, io.dz, ctx.batch, size);
}

/** [*, time, features] with time >= 1; returns the shape. */
function sequenceInput(layer: Layer, inputShapes: readonly Shape[]): Shape {
  return singleInput(layer, inputShapes, [3], ' [batch, time, features]');
}

/** Options of `layers.positionalEmbedding`. */
export interface PositionalEmbeddingConfig extends BaseLayerConfig {
  /** The longest sequence: the table has this many rows; inputs may be shorter. */
  sequenceLength: number;
  /** Features per position; default (and must equal) the input's last axis. */
  outputDim?: number;
  /** Default glorotUniform (keras_hub's default). */
  initializer?: InitializerLike;
  regularizer?: RegularizerLike;
}

/**
 * Learned position embeddings added to the input: [*, time, features] -> x + embeddings[0 .. time),
 * with `embeddings` [sequenceLength, features] (keras_hub's PositionEmbedding weight layout).
 */
export class PositionalEmbedding extends Layer<PositionalEmbeddingConfig> {
  readonly className = 'PositionalEmbedding';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<PositionalEmbeddingConfig>()('sequenceLength', 'outputDim', 'initializer', 'regularizer');
  constructor(config: PositionalEmbeddingConfig) {
    super(config, 'positional_embedding');
    positiveInt(this.name, 'sequenceLength', config.sequenceLength);
    if (config.outputDim !== undefined) positiveInt(this.name, 'outputDim', config.outputDim);
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = sequenceInput(this, inputShapes);
    if (s[0]! > this.config.sequenceLength) throw new ShapeError(`${this.name}: input has ${s[0]} steps but sequenceLength is ${this.config.sequenceLength}, got ${formatSample(s)}`);
    const dim = this.config.outputDim ?? this.inputShapes?.[0]?.[1];
    if (dim !== undefined && s[1] !== dim) throw new ShapeError(`${this.name}: expected input [*, time, ${dim}] (outputDim), got ${formatSample(s)}`);
    return s;
  }

  protected override build([input]: readonly Shape[]): void {
    this.addWeight('embeddings', [this.config.sequenceLength, input![1]!], this.config.initializer ?? 'glorotUniform', { regularizer: this.config.regularizer });
  }

  forward(io: NodeIO, ctx: CallContext): void {
    addTableForward(io, ctx, this.weights[0]!.ptr);
  }

  backward(io: NodeIO, ctx: CallContext): void {
    addTableBackward(io, ctx, io.weightGrads[0] ?? 0);
  }
}

/** Options of `layers.sinusoidalPositionEncoding`. */
export interface SinusoidalPositionEncodingConfig extends BaseLayerConfig {
  /** Longest wavelength of the encoding; default 10000. */
  maxWavelength?: number;
}

/**
 * The fixed sinusoidal position encoding, added to the input: feature 2i of position p is
 * sin(p / maxWavelength^(2i / features)), feature 2i + 1 its cosine (keras_hub's
 * SinePositionEncoding). No weights; computed once per build with deterministic JS math.
 */
export class SinusoidalPositionEncoding extends Layer<SinusoidalPositionEncodingConfig> {
  readonly className = 'SinusoidalPositionEncoding';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<SinusoidalPositionEncodingConfig>()('maxWavelength');
  private table = 0;
  constructor(config: SinusoidalPositionEncodingConfig = {}) {
    super(config, 'sinusoidal_position_encoding');
    const w = config.maxWavelength ?? 10000;
    if (typeof w !== 'number' || !Number.isFinite(w) || !(w > 1)) throw new ValueError(`${this.name}: maxWavelength must be a finite number > 1, got ${String(w)}`);
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return sequenceInput(this, inputShapes);
  }

  protected override build([input]: readonly Shape[]): void {
    const [time, dim] = input as [number, number];
    this.table = this.allocOwned(time * dim);
    writeF32(this.table, sinusoidalTable(time, dim, this.config.maxWavelength ?? 10000));
  }

  forward(io: NodeIO, ctx: CallContext): void {
    addTableForward(io, ctx, this.table);
  }

  backward(io: NodeIO, ctx: CallContext): void {
    addTableBackward(io, ctx, 0);
  }
}

/** [time, dim] encoding: sin at even features, cos at odd ones (keras_hub's interleaving). */
export function sinusoidalTable(time: number, dim: number, maxWavelength: number): Float32Array {
  const out = new Float32Array(time * dim);
  for (let i = 0; i < dim; i++) {
    const inverse = pow(maxWavelength, -(i - (i % 2)) / dim);
    for (let p = 0; p < time; p++) {
      const angle = p * inverse;
      // sin(a) = cos(a - π/2): the deterministic cos of core/math (no host Math.sin).
      out[p * dim + i] = i % 2 === 0 ? cos(angle - Math.PI / 2) : cos(angle);
    }
  }
  return out;
}

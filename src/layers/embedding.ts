// Embedding: integer ids (float32 values) -> rows of a learned [inputDim, outputDim] table
// (Keras layout). Gather forward and scatter-add backward are wasm kernels; the forward kernel
// validates the ids as it reads them, so a bad id costs nothing until it occurs.
import { readF32 } from '../backend/memory.js';
import { ShapeError, ValueError } from '../core/errors.js';
import type { InitializerLike } from '../initializers.js';
import { embeddingBackward, embeddingForward } from '../kernels/embedding.js';
import type { RegularizerLike } from '../regularizers.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import { positiveInt } from './positive-int.js';
import { Layer, type OutputSpec, type SymbolicTensor } from './layer.js';
import { layerOptions, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO } from './node-io.js';
import { writeNonZero } from './masking.js';

/** Options of `layers.embedding` (Keras names). */
export interface EmbeddingConfig extends BaseLayerConfig {
  /** Vocabulary size: ids must be integers in [0, inputDim). */
  inputDim: number;
  /** Width of each embedding vector. */
  outputDim: number;
  /** Default Keras's 'uniform': randomUniform in [-0.05, 0.05]. */
  embeddingsInitializer?: InitializerLike;
  embeddingsRegularizer?: RegularizerLike;
  /**
   * Id 0 is padding (Keras's `mask_zero`): the output carries a mask (1 where the id is not 0) that
   * recurrent layers, attention, global pooling and the loss use to skip padded steps. Id 0 still
   * has a row, so `inputDim` is the vocabulary size + 1.
   */
  maskZero?: boolean;
}

const KERAS_UNIFORM: InitializerLike = { name: 'randomUniform', config: { minval: -0.05, maxval: 0.05 } };


/** Looks up a row of `embeddings` ([inputDim, outputDim]) per id: [*, ...ids] -> [*, ...ids, outputDim]. */
export class Embedding extends Layer<EmbeddingConfig> {
  readonly className = 'Embedding';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<EmbeddingConfig>()('inputDim', 'outputDim', 'embeddingsInitializer', 'embeddingsRegularizer', 'maskZero');
  constructor(config: EmbeddingConfig) {
    super(config, 'embedding');
    positiveInt(this.name, 'inputDim', config.inputDim);
    positiveInt(this.name, 'outputDim', config.outputDim);
    if (config.maskZero !== undefined && typeof config.maskZero !== 'boolean') throw new ValueError(`${this.name}: maskZero must be true or false, got ${String(config.maskZero)}`);
  }

  /** With `maskZero`, a second output: the mask (ids != 0), which `apply` attaches to the first as `.mask`. */
  override computeOutputSpecs(inputShapes: readonly Shape[]): OutputSpec[] {
    const out = [{ shape: this.computeOutputShape(inputShapes) }];
    return this.config.maskZero === true ? [...out, { shape: [...inputShapes[0]!] }] : out;
  }

  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    const outputs = super.applyAll(inputs);
    if (outputs.length > 1) outputs[0]!.mask = outputs[1];
    return outputs;
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length !== 1) throw new ValueError(`${this.name}: expects 1 input, got ${inputShapes.length}`);
    const s = inputShapes[0]!;
    if (s.length === 0) throw new ShapeError(`${this.name}: expected ids of rank >= 2 such as [batch, time], got ${formatSample(s)}`);
    return [...s, this.config.outputDim];
  }

  protected override build(): void {
    this.addWeight('embeddings', [this.config.inputDim, this.config.outputDim], this.config.embeddingsInitializer ?? KERAS_UNIFORM, { regularizer: this.config.embeddingsRegularizer });
  }

  forward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    const n = ctx.batch * x.size;
    const bad = embeddingForward(io.z, x.ptr, this.weights[0]!.ptr, n, this.config.outputDim, this.config.inputDim);
    if (bad >= 0) this.throwBadId(x.ptr, x.shape, bad);
    const mask = io.outputs[1];
    if (mask !== undefined) writeNonZero(mask.ptr, x.ptr, n);
  }

  /** Ids get no gradient (they are indices); the table gets dy scattered into its rows. */
  backward(io: NodeIO, ctx: CallContext): void {
    const dw = io.weightGrads[0] ?? 0;
    if (dw === 0) return;
    const x = io.inputs[0]!;
    embeddingBackward(dw, io.dz, x.ptr, ctx.batch * x.size, this.config.outputDim);
  }

  private throwBadId(ids: number, sampleShape: Shape, index: number): never {
    const id = readF32(ids + index * 4, 1)[0]!;
    const per = sizeOf(sampleShape);
    const at = [Math.floor(index / per)];
    let rest = index % per;
    for (let a = 0; a < sampleShape.length; a++) {
      const stride = sizeOf(sampleShape.slice(a + 1));
      at.push(Math.floor(rest / stride));
      rest %= stride;
    }
    throw new ValueError(`${this.name}: id ${id} at [${at.join(', ')}] is not an integer in [0, ${this.config.inputDim}) (inputDim ${this.config.inputDim})`);
  }
}

// Core layers: input, dense, flatten, reshape.
import { biasBackward } from '../kernels/graph.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { runGemm, runGemmPacked } from '../ops/gemm-call.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import type { InitializerLike } from '../initializers.js';
import type { RegularizerLike } from '../regularizers.js';
import { activationStage, type ActivationLike } from './activations.js';
import { Layer, singleInput, GraphNode, SymbolicTensor } from './layer.js';
import { PackedGemmB } from './prepack.js';
import { layerOptions, checkSampleShape, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { ActivationStage, CallContext, NodeIO } from './node-io.js';

/** Options of `layers.input` / `Input()`. */
export interface InputConfig extends BaseLayerConfig {
  /** Per-sample shape, without the batch axis: `[28, 28, 1]`. */
  shape?: readonly number[];
}

/** The source of a functional graph: holds the batch copied in by fit/predict. */
export class InputLayer extends Layer<InputConfig> {
  readonly className = 'InputLayer';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<InputConfig>()('shape');
  readonly shape: Shape;
  constructor(config: InputConfig) {
    super(config, 'input');
    const shape = config.shape ?? this.declaredInputShape;
    if (shape === undefined) throw new ValueError(`${this.name}: pass { shape: [...] }, the shape of one sample without the batch axis`);
    checkSampleShape(shape, `${this.name}: shape`);
    this.shape = [...shape];
    this.config.shape = this.shape;
    delete this.config.inputShape;
    delete this.config.batchInputShape;
    this.ensureBuilt([]);
  }
  override get inputCount(): number {
    return 0;
  }
  computeOutputShape(): Shape {
    return this.shape;
  }
  /** The symbolic tensor this input produces (a new graph source). */
  output(): SymbolicTensor {
    return new GraphNode(this, [], this.shape).output;
  }
  forward(): void {}
  backward(): void {}
}

/** Creates a symbolic input for a functional model: `Input({ shape: [28, 28, 1] })`. */
export function Input(config: InputConfig): SymbolicTensor {
  return new InputLayer(config).output();
}

/** Options of `layers.dense`. */
export interface DenseConfig extends BaseLayerConfig {
  units: number;
  activation?: ActivationLike;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike;
  biasRegularizer?: RegularizerLike;
}

/** y = activation(x·W + b) over the last axis; kernel [inUnits, units], bias [units]. */
export class Dense extends Layer<DenseConfig> {
  readonly className = 'Dense';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<DenseConfig>()('units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer');
  private readonly stage: ActivationStage | undefined;
  /** The kernel packed for inference (repacked when the weights change). */
  private readonly packed = new PackedGemmB((floats) => this.allocOwned(floats));
  constructor(config: DenseConfig) {
    super(config, 'dense');
    if (!Number.isSafeInteger(config.units) || config.units <= 0) throw new ValueError(`${this.name}: units must be a positive integer, got ${String(config.units)}`);
    this.stage = activationStage(config.activation, this.name);
  }
  override get activation(): ActivationStage | undefined {
    return this.stage;
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes);
    if (s.length < 1) throw new ShapeError(`${this.name}: expected input of rank >= 2 ([batch, features]), got ${formatSample(s)}`);
    if (this.inputShapes !== undefined) {
      const inDim = this.inputShapes[0]![this.inputShapes[0]!.length - 1];
      if (s[s.length - 1] !== inDim) throw new ShapeError(`${this.name}: expected input [*, ${inDim}], got ${formatSample(s)}`);
    }
    return [...s.slice(0, -1), this.config.units];
  }
  protected override build([input]: readonly Shape[]): void {
    const inDim = input![input!.length - 1]!;
    this.addWeight('kernel', [inDim, this.config.units], this.config.kernelInitializer ?? 'glorotUniform', { regularizer: this.config.kernelRegularizer });
    if (this.config.useBias ?? true) {
      this.addWeight('bias', [this.config.units], this.config.biasInitializer ?? 'zeros', { regularizer: this.config.biasRegularizer });
    }
  }
  forward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    const k = x.shape[x.shape.length - 1]!;
    const n = this.config.units;
    const m = (ctx.batch * x.size) / k;
    const bias = this.weights[1]?.ptr ?? 0;
    const packed = ctx.training ? 0 : this.packed.get(this.weights[0]!.ptr, n, false, k, n);
    if (packed !== 0) runGemmPacked(m, n, k, x.ptr, packed, io.z, bias);
    else runGemm(m, n, k, x.ptr, this.weights[0]!.ptr, io.z, false, false, false, bias);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    const k = x.shape[x.shape.length - 1]!;
    const n = this.config.units;
    const m = (ctx.batch * x.size) / k;
    const dW = io.weightGrads[0] ?? 0;
    const db = io.weightGrads[1] ?? 0;
    if (dW !== 0) runGemm(k, n, m, x.ptr, io.dz, dW, true, false, true, 0);
    if (db !== 0) biasBackward(db, io.dz, m, n);
    if (x.grad !== 0) runGemm(m, k, n, io.dz, this.weights[0]!.ptr, x.grad, false, true, true, 0);
  }
}

/** Flattens each sample to one axis (no copy: the output is the input buffer). */
export class Flatten extends Layer<BaseLayerConfig> {
  readonly className = 'Flatten';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BaseLayerConfig>()();
  constructor(config: BaseLayerConfig = {}) {
    super(config, 'flatten');
  }
  override get aliasesInput(): 'output' {
    return 'output';
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return [sizeOf(singleInput(this, inputShapes))];
  }
  forward(): void {}
  backward(): void {}
}

/** Options of `layers.reshape`. */
export interface ReshapeConfig extends BaseLayerConfig {
  /** Per-sample target shape; one entry may be -1 (inferred). */
  targetShape: readonly number[];
}

/** Reshapes each sample (no copy: the output is the input buffer). */
export class Reshape extends Layer<ReshapeConfig> {
  readonly className = 'Reshape';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<ReshapeConfig>()('targetShape');
  constructor(config: ReshapeConfig) {
    super(config, 'reshape');
    const t = config.targetShape;
    if (!Array.isArray(t) || t.some((d) => !Number.isSafeInteger(d) || (d <= 0 && d !== -1)) || t.filter((d) => d === -1).length > 1) {
      throw new ValueError(`${this.name}: targetShape must be positive integers with at most one -1, got ${JSON.stringify(t)}`);
    }
  }
  override get aliasesInput(): 'output' {
    return 'output';
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes);
    const total = sizeOf(s);
    const t = this.config.targetShape;
    const known = t.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const out = t.map((d) => (d === -1 ? total / known : d));
    if (sizeOf(out) !== total || out.some((d) => !Number.isInteger(d))) {
      throw new ShapeError(`${this.name}: cannot reshape ${formatSample(s)} (${total} values per sample) to ${formatSample(t)}`);
    }
    return out;
  }
  forward(): void {}
  backward(): void {}
}

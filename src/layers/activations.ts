// The activation stage fused into layers (`activation: 'relu'` on Dense, Conv2D, ...) and the
// standalone activation layers (activation, relu, leakyRelu, prelu, elu, softmax).
import { resolveActivation, activationForwardPtr, activationBackwardPtr, preluForwardPtr, preluBackwardPtr } from '../ops/activation.js';
import { ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import { Layer, singleInput } from './layer.js';
import { layerOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { ActivationStage, CallContext, NodeIO } from './node-io.js';
import type { InitializerLike } from '../initializers.js';
import type { RegularizerLike } from '../regularizers.js';

/** An activation name (`'relu'`, `'softmax'`, ...) or spec accepted by `resolveActivation`. */
export type ActivationLike = Parameters<typeof resolveActivation>[0];

type Spec = ReturnType<typeof resolveActivation>;

class Stage implements ActivationStage {
  constructor(
    readonly name: string,
    private readonly spec: Spec,
  ) {}
  forward(y: number, z: number, n: number, lastDim: number): void {
    activationForwardPtr(this.spec, y, z, n, lastDim);
  }
  backward(dz: number, dy: number, z: number, y: number, n: number, lastDim: number): void {
    activationBackwardPtr(this.spec, dz, dy, z, y, n, lastDim);
  }
}

/** The fused stage for an `activation` option, or undefined for none/`'linear'`. */
export function activationStage(spec: ActivationLike | null | undefined, who: string): ActivationStage | undefined {
  if (spec === undefined || spec === null || spec === 'linear') return undefined;
  let resolved: Spec;
  try {
    resolved = resolveActivation(spec);
  } catch (err) {
    throw new ValueError(`${who}: ${(err as Error).message}`);
  }
  return new Stage(typeof spec === 'string' ? spec : String((spec as { name?: unknown }).name ?? 'custom'), resolved);
}

/** Options of `layers.activation`. */
export interface ActivationConfig extends BaseLayerConfig {
  activation: ActivationLike;
}

/** Applies an activation function elementwise (softmax over the last axis). */
export class Activation extends Layer<ActivationConfig> {
  readonly className = 'Activation';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<ActivationConfig>()('activation');
  private readonly stage: ActivationStage | undefined;
  constructor(config: ActivationConfig, prefix = 'activation') {
    super(config, prefix);
    if (config.activation === undefined) throw new ValueError(`${this.name}: the activation option is required (e.g. 'relu')`);
    this.stage = activationStage(config.activation, this.name);
  }
  override get activation(): ActivationStage | undefined {
    return this.stage;
  }
  /** The fused stage reads the input directly: z is the input, dz its gradient. */
  override get aliasesInput(): 'preActivation' {
    return 'preActivation';
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return singleInput(this, inputShapes);
  }
  forward(): void {}
  backward(): void {}
}

/** Options of `layers.prelu`. */
export interface PReLUConfig extends BaseLayerConfig {
  alphaInitializer?: InitializerLike;
  alphaRegularizer?: RegularizerLike;
  /** Axes (1-based, batch = 0) along which alpha is shared, e.g. [1, 2] for images: one alpha per channel. */
  sharedAxes?: number[];
}

/** Parametric ReLU: y = x for x > 0, alpha·x otherwise, with a learned alpha per (unshared) position. */
export class PReLU extends Layer<PReLUConfig> {
  readonly className = 'PReLU';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<PReLUConfig>()('alphaInitializer', 'alphaRegularizer', 'sharedAxes');
  constructor(config: PReLUConfig = {}) {
    super(config, 'p_re_lu');
  }
  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return singleInput(this, inputShapes);
  }
  private alphaShape(input: Shape): number[] {
    const shared = this.config.sharedAxes ?? [];
    for (const a of shared) {
      if (!Number.isInteger(a) || a < 1 || a > input.length) throw new ValueError(`${this.name}: sharedAxes entries must be in 1..${input.length}, got ${a}`);
    }
    return input.map((d, i) => (shared.includes(i + 1) ? 1 : d));
  }
  protected override build(inputShapes: readonly Shape[]): void {
    const shape = this.alphaShape(inputShapes[0]!);
    // Only trailing sharing patterns map onto the kernel's (rows, alphaSize) layout.
    const firstUnshared = shape.findIndex((d) => d !== 1);
    if (firstUnshared >= 0 && shape.slice(firstUnshared).some((d, i) => d !== inputShapes[0]![firstUnshared + i])) {
      throw new ValueError(`${this.name}: sharedAxes must be leading axes (e.g. [1, 2] for NHWC images), got ${JSON.stringify(this.config.sharedAxes)}`);
    }
    this.addWeight('alpha', shape, this.config.alphaInitializer ?? 'zeros', { regularizer: this.config.alphaRegularizer });
  }
  forward(io: NodeIO, ctx: CallContext): void {
    const alpha = this.weights[0]!;
    preluForwardPtr(io.z, io.inputs[0]!.ptr, alpha.ptr, ctx.batch * io.output.size, alpha.size);
  }
  backward(io: NodeIO, ctx: CallContext): void {
    const alpha = this.weights[0]!;
    const x = io.inputs[0]!;
    // The kernel always writes both gradients: unneeded ones go to the plan's sink.
    preluBackwardPtr(x.grad || io.sink, io.weightGrads[0] || io.sink, io.dz, x.ptr, alpha.ptr, ctx.batch * x.size, alpha.size);
  }
}


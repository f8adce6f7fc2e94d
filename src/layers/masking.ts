// Where masks come from (Keras): `layers.masking` marks the steps whose features all equal
// `maskValue` as padding, and an `embedding` with `maskZero` marks id 0. Both compute the mask in
// their own forward as a second output of their node; `apply` attaches it to the first output as
// `.mask`, and the layers that consume masks take it from there (see `Layer.consumesMask`).
import { f32 } from '../backend/memory.js';
import { ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import { Layer, singleInput, type OutputSpec, type SymbolicTensor } from './layer.js';
import { layerOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO } from './node-io.js';

/** mask[i] = 1 where ids[i] is not 0, else 0 (n floats). */
export function writeNonZero(mask: number, ids: number, n: number): void {
  const m = f32();
  const M = mask >>> 2, X = ids >>> 2;
  for (let i = 0; i < n; i++) m[M + i] = m[X + i] !== 0 ? 1 : 0;
}

/** Options of `layers.masking`. */
export interface MaskingConfig extends BaseLayerConfig {
  /** A step whose every feature equals this value is padding (default 0). */
  maskValue?: number;
}

/**
 * Keras's Masking: [*, time, features] -> the same, with padded steps (every feature equal to
 * `maskValue`) set to 0 and a mask ([*, time], 1 for a real step) attached to the output, so the
 * recurrent layers, attention, global pooling and the loss downstream skip those steps.
 */
export class Masking extends Layer<MaskingConfig> {
  readonly className = 'Masking';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<MaskingConfig>()('maskValue');
  private readonly maskValue: number;
  constructor(config: MaskingConfig = {}) {
    super(config, 'masking');
    this.maskValue = config.maskValue ?? 0;
    if (typeof this.maskValue !== 'number' || !Number.isFinite(this.maskValue)) throw new ValueError(`${this.name}: maskValue must be a finite number, got ${String(config.maskValue)}`);
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    return singleInput(this, inputShapes, [3], ' [batch, time, features]');
  }

  /** The output, then the mask [*, time]. */
  override computeOutputSpecs(inputShapes: readonly Shape[]): OutputSpec[] {
    const shape = this.computeOutputShape(inputShapes);
    return [{ shape }, { shape: [shape[0]!] }];
  }

  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    const outputs = super.applyAll(inputs);
    outputs[0]!.mask = outputs[1];
    return outputs;
  }

  /** Its own mask replaces any the input had. */
  override get passesMask(): boolean {
    return false;
  }

  forward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!, [T, F] = x.shape as [number, number];
    const m = f32();
    const X = x.ptr >>> 2, Y = io.z >>> 2, M = io.outputs[1]!.ptr >>> 2, v = this.maskValue;
    for (let r = 0; r < ctx.batch * T; r++) {
      let keep = 0;
      for (let f = 0; f < F; f++) if (m[X + r * F + f] !== v) keep = 1;
      m[M + r] = keep;
      for (let f = 0; f < F; f++) m[Y + r * F + f] = keep === 1 ? m[X + r * F + f]! : 0;
    }
  }

  backward(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    const F = x.shape[1]!, m = f32();
    const DX = x.grad >>> 2, DY = io.dz >>> 2, M = io.outputs[1]!.ptr >>> 2;
    for (let r = 0; r < ctx.batch * x.shape[0]!; r++) for (let f = 0; f < F; f++) m[DX + r * F + f] = m[DX + r * F + f]! + m[DY + r * F + f]! * m[M + r]!;
  }
}

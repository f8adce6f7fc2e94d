// The machinery shared by the recurrent layers (recurrent.ts: simpleRnn, lstm, gru): options,
// weights, shapes, plan buffers, the input projection and the weight/input gradients.
//
// Input [batch, time, features]; initial state zeros. Forward: one GEMM projects the inputs of all
// time steps (x·kernel + bias, batch-major [b, T, G·u]); then per step one GEMM h_{t-1}·recurrent
// and elementwise gate math. Per-step values are saved time-major ([T, b, ...]) in plan buffers so
// each step's slice is contiguous for the activation kernels. Backward runs through time, then
// one GEMM each for dKernel, dRecurrent and dx over all steps. Nothing is allocated per step: the
// gate arithmetic reads and writes one `f32()` view of wasm memory (plain f32 products and sums;
// every transcendental goes through the activation kernels).
import { f32 } from '../backend/memory.js';
import { copy } from '../kernels/memory.js';
import { biasBackward } from '../kernels/graph.js';
import { ShapeError, ValueError } from '../core/errors.js';
import { gemm, type GemmCall } from '../ops/matmul.js';
import { resolveActivation, type ActivationSpec } from '../ops/activation.js';
import type { Shape } from '../core/tensor.js';
import type { InitializerLike } from '../initializers.js';
import type { RegularizerLike } from '../regularizers.js';
import type { ActivationLike } from './activations.js';
import { Layer, singleInput } from './layer.js';
import { fillPtr, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO, StateRequest } from './node-io.js';

/** Options shared by `layers.simpleRnn`, `layers.lstm` and `layers.gru`. */
export interface RecurrentConfig extends BaseLayerConfig {
  /** Size of the hidden state. */
  units: number;
  /** Activation of the candidate / output (default `'tanh'`). */
  activation?: ActivationLike;
  /** Default true. */
  useBias?: boolean;
  /** True: output every step `[batch, time, units]`; false (default): the last `[batch, units]`. */
  returnSequences?: boolean;
  kernelInitializer?: InitializerLike;
  recurrentInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike;
  recurrentRegularizer?: RegularizerLike;
  biasRegularizer?: RegularizerLike;
}

/** One GEMM call object reused by every recurrent step (gemm reads it synchronously). */
const call: GemmCall = { m: 0, n: 0, k: 0, a: 0, b: 0, c: 0 };

function runGemm(m: number, n: number, k: number, a: number, lda: number, b: number, c: number, ldc: number, transposeA: boolean, transposeB: boolean, accumulate: boolean, bias: number): void {
  call.m = m;
  call.n = n;
  call.k = k;
  call.a = a;
  call.b = b;
  call.c = c;
  call.lda = lda;
  call.ldc = ldc;
  call.transposeA = transposeA;
  call.transposeB = transposeB;
  call.accumulate = accumulate;
  call.bias = bias;
  gemm(call);
}

export function resolveFor(layer: string, a: ActivationLike | undefined, fallback: ActivationLike): ActivationSpec {
  let spec: ActivationSpec;
  try {
    spec = resolveActivation(a ?? fallback);
  } catch (err) {
    throw new ValueError(`${layer}: ${(err as Error).message}`);
  }
  // Gates run one activation call over all gate columns at once, so only elementwise
  // activations fit; a row-wise one would mix the gates.
  if (spec.name === 'softmax' || spec.name === 'logSoftmax') {
    throw new ValueError(`${layer}: activation '${spec.name}' works over rows, not elementwise; recurrent layers take elementwise activations (tanh, sigmoid, relu, ...)`);
  }
  return spec;
}

export const COMMON = ['units', 'activation', 'useBias', 'returnSequences', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer'] as const;

/** Geometry of one call: batch, steps, features, units, gate width. */
export interface Dims {
  b: number;
  T: number;
  F: number;
  u: number;
  g: number;
}

/**
 * Shared machinery of the recurrent layers: weights, shapes, buffers, the input projection and
 * the weight/input gradients; subclasses implement the per-step cell forward and backward.
 */
export abstract class RecurrentBase<C extends RecurrentConfig> extends Layer<C> {
  protected readonly act: ActivationSpec;
  private readonly dims: Dims = { b: 0, T: 0, F: 0, u: 0, g: 0 };
  constructor(config: C, prefix: string, protected readonly gates: number) {
    super(config, prefix);
    if (!Number.isSafeInteger(config.units) || config.units <= 0) throw new ValueError(`${this.name}: units must be a positive integer, got ${String(config.units)}`);
    if (config.returnSequences !== undefined && typeof config.returnSequences !== 'boolean') throw new ValueError(`${this.name}: returnSequences must be a boolean, got ${String(config.returnSequences)}`);
    if (config.useBias !== undefined && typeof config.useBias !== 'boolean') throw new ValueError(`${this.name}: useBias must be a boolean, got ${String(config.useBias)}`);
    this.act = resolveFor(this.name, config.activation, 'tanh');
  }

  /** Rows of the bias weight: 1, or 2 for GRU (input and recurrent biases). */
  protected get biasRows(): number {
    return 1;
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = singleInput(this, inputShapes, [3], ' ([batch, time, features])');
    if (this.inputShapes !== undefined) {
      const f = this.inputShapes[0]![1];
      if (s[1] !== f) throw new ShapeError(`${this.name}: expected input [*, time, ${f}], got ${formatSample(s)}`);
    }
    return this.config.returnSequences ? [s[0]!, this.config.units] : [this.config.units];
  }

  protected override build([input]: readonly Shape[]): void {
    const gu = this.gates * this.config.units;
    this.addWeight('kernel', [input![1]!, gu], this.config.kernelInitializer ?? 'glorotUniform', { regularizer: this.config.kernelRegularizer });
    this.addWeight('recurrent_kernel', [this.config.units, gu], this.config.recurrentInitializer ?? 'orthogonal', { regularizer: this.config.recurrentRegularizer });
    if (this.config.useBias ?? true) {
      this.addWeight('bias', this.biasRows === 1 ? [gu] : [this.biasRows, gu], this.config.biasInitializer ?? 'zeros', { regularizer: this.config.biasRegularizer });
    }
  }

  /** Extra per-step buffers of the cell, in floats per [b, ...] slice, by name. */
  protected abstract cellBuffers(T: number): Record<string, number>;

  override stateRequests(inputs: readonly Shape[], _output: Shape, maxBatch: number): Record<string, StateRequest> {
    const T = inputs[0]![0]!, u = this.config.units, gu = this.gates * u, B = maxBatch;
    const out: Record<string, StateRequest> = {
      xp: { floats: B * T * gu }, // input projection (batch-major); dXP in backward
      p: { floats: B * T * gu }, // gate pre-activations, time-major
      a: { floats: B * T * gu }, // act(p), time-major
      h: { floats: B * (T + 1) * u }, // states, slot 0 = zeros
      dp: { floats: B * T * gu },
      dh: { floats: B * u },
      da1: { floats: B * gu },
      da2: { floats: B * gu },
    };
    for (const [name, perStep] of Object.entries(this.cellBuffers(T))) out[name] = { floats: B * perStep };
    return out;
  }

  private setDims(io: NodeIO, ctx: CallContext): Dims {
    const x = io.inputs[0]!;
    const d = this.dims;
    d.b = ctx.batch;
    d.T = x.shape[0]!;
    d.F = x.shape[1]!;
    d.u = this.config.units;
    d.g = this.gates * d.u;
    return d;
  }

  forward(io: NodeIO, ctx: CallContext): void {
    const d = this.setDims(io, ctx);
    const { b, T, F, u, g } = d;
    const x = io.inputs[0]!;
    const bias = this.weights[2]?.ptr ?? 0;
    runGemm(b * T, g, F, x.ptr, F, this.weights[0]!.ptr, io.state.xp!, g, false, false, false, bias);
    fillPtr(io.state.h!, 0, b * u);
    this.beginForward(io, d);
    for (let t = 0; t < T; t++) this.stepForward(io, d, t);
    // Output: every state (batch-major) or the last one.
    const m = f32();
    const h = io.state.h! >>> 2, z = io.z >>> 2;
    if (this.config.returnSequences) {
      for (let i = 0; i < b; i++) for (let t = 0; t < T; t++) for (let j = 0; j < u; j++) m[z + (i * T + t) * u + j] = m[h + ((t + 1) * b + i) * u + j]!;
    } else {
      copy(io.z, io.state.h! + T * b * u * 4, b * u);
    }
  }

  backward(io: NodeIO, ctx: CallContext): void {
    const d = this.setDims(io, ctx);
    const { b, T, F, u, g } = d;
    const x = io.inputs[0]!;
    fillPtr(io.state.dh!, 0, b * u);
    this.beginBackward(io, d);
    const m = f32();
    const dz = io.dz >>> 2, dh = io.state.dh! >>> 2;
    for (let t = T - 1; t >= 0; t--) {
      // dh (carried from step t+1) += the output's gradient at step t.
      if (this.config.returnSequences) {
        for (let i = 0; i < b; i++) for (let j = 0; j < u; j++) m[dh + i * u + j] = m[dh + i * u + j]! + m[dz + (i * T + t) * u + j]!;
      } else if (t === T - 1) {
        for (let i = 0; i < b * u; i++) m[dh + i] = m[dh + i]! + m[dz + i]!;
      }
      this.stepBackward(io, d, t);
    }
    // dXP (batch-major) from dp (time-major).
    const dp = io.state.dp! >>> 2, dxp = io.state.xp! >>> 2;
    for (let t = 0; t < T; t++) for (let i = 0; i < b; i++) for (let j = 0; j < g; j++) m[dxp + (i * T + t) * g + j] = m[dp + (t * b + i) * g + j]!;
    const dW = io.weightGrads[0] ?? 0, dU = io.weightGrads[1] ?? 0, db = io.weightGrads[2] ?? 0;
    if (dW !== 0) runGemm(F, g, b * T, x.ptr, F, io.state.xp!, dW, g, true, false, true, 0);
    if (db !== 0) biasBackward(db, io.state.xp!, b * T, g);
    if (x.grad !== 0) runGemm(b * T, F, g, io.state.xp!, g, this.weights[0]!.ptr, x.grad, F, false, true, true, 0);
    // dU += Σ_t h_{t-1}ᵀ · d(recurrent pre-activation)_t, one GEMM over all steps.
    if (dU !== 0) runGemm(u, g, T * b, io.state.h!, u, this.recurrentGrad(io), dU, g, true, false, true, 0);
    this.endBackward(io, d);
  }

  /** Gradient of the recurrent pre-activation h·U (time-major): dp, or GRU's own buffer. */
  protected recurrentGrad(io: NodeIO): number {
    return io.state.dp!;
  }
  /** Bias gradients beyond the input bias (GRU's recurrent bias). */
  protected endBackward(_io: NodeIO, _d: Dims): void {}
  protected beginForward(_io: NodeIO, _d: Dims): void {}
  protected beginBackward(_io: NodeIO, _d: Dims): void {}
  /** Step t: reads h slot t (h_{t-1}), writes p/a slices t and h slot t+1. */
  protected abstract stepForward(io: NodeIO, d: Dims, t: number): void;
  /** Step t: reads dh (gradient of h_t), writes dp slice t and leaves dh = gradient of h_{t-1}. */
  protected abstract stepBackward(io: NodeIO, d: Dims, t: number): void;

  /** p_t = h_{t-1}·U (+ xp_t, batch-major rows at step t). */
  protected recurrentPreact(io: NodeIO, d: Dims, t: number, dst: number, bias: number, addInput: boolean): void {
    const { b, T, u, g } = d;
    runGemm(b, g, u, io.state.h! + t * b * u * 4, u, this.weights[1]!.ptr, dst, g, false, false, false, bias);
    if (!addInput) return;
    const m = f32();
    const p = dst >>> 2, xp = io.state.xp! >>> 2;
    for (let i = 0; i < b; i++) for (let j = 0; j < g; j++) m[p + i * g + j] = m[p + i * g + j]! + m[xp + (i * T + t) * g + j]!;
  }

  /** dh_{t-1} = dh_direct + dRecurrentPreact_t · Uᵀ (overwrites dh with dh_direct first). */
  protected propagateState(io: NodeIO, d: Dims, dRec: number): void {
    runGemm(d.b, d.u, d.g, dRec, d.g, this.weights[1]!.ptr, io.state.dh!, d.u, false, true, true, 0);
  }
}

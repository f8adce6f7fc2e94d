// Recurrent layers: simpleRnn, lstm, gru (Keras semantics, weights in Keras layout and gate order).
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
import { ShapeError, ValueError } from '../errors.js';
import { gemm, type GemmCall } from '../ops/matmul.js';
import { activationBackwardPtr, activationForwardPtr, resolveActivation, type ActivationSpec } from '../ops/activation.js';
import type { Shape } from '../tensor.js';
import type { InitializerLike } from '../initializers.js';
import type { RegularizerLike } from '../regularizers.js';
import type { Rng } from '../random.js';
import type { ActivationLike } from './activations.js';
import { Layer, singleInput } from './layer.js';
import { fillPtr, formatSample, layerOptions, type BaseLayerConfig } from './layer-helpers.js';
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

/** Options of `layers.lstm`. */
export interface LSTMConfig extends RecurrentConfig {
  /** Activation of the i, f, o gates (default `'sigmoid'`). */
  recurrentActivation?: ActivationLike;
  /** Initialise the forget gate's bias to 1 (default true, as Keras). */
  unitForgetBias?: boolean;
}

/** Options of `layers.gru`. */
export interface GRUConfig extends RecurrentConfig {
  /** Activation of the z, r gates (default `'sigmoid'`). */
  recurrentActivation?: ActivationLike;
  /** Only `true` (Keras 2's default, cuDNN-compatible: reset gate applied after the matmul). */
  resetAfter?: boolean;
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

function resolveFor(layer: string, a: ActivationLike | undefined, fallback: ActivationLike): ActivationSpec {
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

const COMMON = ['units', 'activation', 'useBias', 'returnSequences', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer'] as const;

/** Geometry of one call: batch, steps, features, units, gate width. */
interface Dims {
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
abstract class RecurrentBase<C extends RecurrentConfig> extends Layer<C> {
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

/** h_t = activation(x_t·kernel + h_{t-1}·recurrent_kernel + bias). */
export class SimpleRNN extends RecurrentBase<RecurrentConfig> {
  readonly className = 'SimpleRNN';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<RecurrentConfig>()(...COMMON);
  constructor(config: RecurrentConfig) {
    super(config, 'simple_rnn', 1);
  }
  protected cellBuffers(): Record<string, number> {
    return {};
  }
  protected stepForward(io: NodeIO, d: Dims, t: number): void {
    const n = d.b * d.g, off = t * n * 4;
    this.recurrentPreact(io, d, t, io.state.p! + off, 0, true);
    activationForwardPtr(this.act, io.state.a! + off, io.state.p! + off, n, d.u);
    copy(io.state.h! + (t + 1) * d.b * d.u * 4, io.state.a! + off, n);
  }
  protected stepBackward(io: NodeIO, d: Dims, t: number): void {
    const n = d.b * d.g, off = t * n * 4;
    fillPtr(io.state.dp! + off, 0, n);
    activationBackwardPtr(this.act, io.state.dp! + off, io.state.dh!, io.state.p! + off, io.state.a! + off, n, d.u);
    fillPtr(io.state.dh!, 0, d.b * d.u);
    this.propagateState(io, d, io.state.dp! + off);
  }
}

/** Keras LSTM: gates i, f, c, o; c_t = f c_{t-1} + i act(c̃); h_t = o act(c_t). */
export class LSTM extends RecurrentBase<LSTMConfig> {
  readonly className = 'LSTM';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<LSTMConfig>()(...COMMON, 'recurrentActivation', 'unitForgetBias');
  private readonly rec: ActivationSpec;
  constructor(config: LSTMConfig) {
    super(config, 'lstm', 4);
    if (config.unitForgetBias !== undefined && typeof config.unitForgetBias !== 'boolean') throw new ValueError(`${this.name}: unitForgetBias must be a boolean, got ${String(config.unitForgetBias)}`);
    this.rec = resolveFor(this.name, config.recurrentActivation, 'sigmoid');
  }
  /** Keras's unitForgetBias: the forget gate's bias starts at 1. */
  override initializeWeights(rng: Rng): void {
    super.initializeWeights(rng);
    const bias = this.weights[2];
    if (bias !== undefined && (this.config.unitForgetBias ?? true)) fillPtr(bias.ptr + this.config.units * 4, 1, this.config.units);
  }
  protected cellBuffers(T: number): Record<string, number> {
    const u = this.config.units;
    // s: rec(p); c: cell states (slot 0 zeros); tc: act(c); dc: running cell gradient; tmp.
    return { s: T * 4 * u, c: (T + 1) * u, tc: T * u, dc: u, tmp: u };
  }
  protected override beginForward(io: NodeIO, d: Dims): void {
    fillPtr(io.state.c!, 0, d.b * d.u);
  }
  protected override beginBackward(io: NodeIO, d: Dims): void {
    fillPtr(io.state.dc!, 0, d.b * d.u);
  }
  protected stepForward(io: NodeIO, d: Dims, t: number): void {
    const { b, u, g } = d;
    const n = b * g, off = t * n * 4, s = io.state;
    this.recurrentPreact(io, d, t, s.p! + off, 0, true);
    activationForwardPtr(this.rec, s.s! + off, s.p! + off, n, g);
    activationForwardPtr(this.act, s.a! + off, s.p! + off, n, g);
    const m = f32();
    const S = (s.s! + off) >>> 2, A = (s.a! + off) >>> 2, cp = (s.c! >>> 2) + t * b * u, c = cp + b * u;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        const r = i * g + j;
        m[c + i * u + j] = m[S + u + r]! * m[cp + i * u + j]! + m[S + r]! * m[A + 2 * u + r]!;
      }
    }
    const tc = s.tc! + t * b * u * 4;
    activationForwardPtr(this.act, tc, s.c! + (t + 1) * b * u * 4, b * u, u);
    const TC = tc >>> 2, h = (s.h! >>> 2) + (t + 1) * b * u;
    for (let i = 0; i < b; i++) for (let j = 0; j < u; j++) m[h + i * u + j] = m[S + i * g + 3 * u + j]! * m[TC + i * u + j]!;
  }
  protected stepBackward(io: NodeIO, d: Dims, t: number): void {
    const { b, u, g } = d;
    const n = b * g, off = t * n * 4, s = io.state;
    const tcPtr = s.tc! + t * b * u * 4, cPtr = s.c! + (t + 1) * b * u * 4;
    let m = f32();
    const S = (s.s! + off) >>> 2, A = (s.a! + off) >>> 2, TC = tcPtr >>> 2, cp = (s.c! >>> 2) + t * b * u;
    const dh = s.dh! >>> 2, dc = s.dc! >>> 2, tmp = s.tmp! >>> 2, d1 = s.da1! >>> 2, d2 = s.da2! >>> 2;
    // dc += act'(c) · dh · o
    for (let i = 0; i < b; i++) for (let j = 0; j < u; j++) m[tmp + i * u + j] = m[dh + i * u + j]! * m[S + i * g + 3 * u + j]!;
    activationBackwardPtr(this.act, s.dc!, s.tmp!, cPtr, tcPtr, b * u, u);
    m = f32();
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        const r = i * g + j, q = i * u + j, dcv = m[dc + q]!;
        m[d1 + r] = dcv * m[A + 2 * u + r]!; // di
        m[d1 + u + r] = dcv * m[cp + q]!; // df
        m[d1 + 2 * u + r] = 0;
        m[d1 + 3 * u + r] = m[dh + q]! * m[TC + q]!; // do
        m[d2 + r] = 0;
        m[d2 + u + r] = 0;
        m[d2 + 2 * u + r] = dcv * m[S + r]!; // dc̃
        m[d2 + 3 * u + r] = 0;
        m[dc + q] = dcv * m[S + u + r]!; // carried to c_{t-1}
      }
    }
    fillPtr(s.dp! + off, 0, n);
    activationBackwardPtr(this.rec, s.dp! + off, s.da1!, s.p! + off, s.s! + off, n, g);
    activationBackwardPtr(this.act, s.dp! + off, s.da2!, s.p! + off, s.a! + off, n, g);
    fillPtr(s.dh!, 0, b * u);
    this.propagateState(io, d, s.dp! + off);
  }
}

/** Keras GRU with resetAfter: gates z, r, h; h̃ = act(x_h + r (h·U_h + b_rh)); h_t = z h_{t-1} + (1 - z) h̃. */
export class GRU extends RecurrentBase<GRUConfig> {
  readonly className = 'GRU';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<GRUConfig>()(...COMMON, 'recurrentActivation', 'resetAfter');
  private readonly rec: ActivationSpec;
  constructor(config: GRUConfig) {
    super(config, 'gru', 3);
    if (config.resetAfter !== undefined && config.resetAfter !== true) {
      throw new ValueError(`${this.name}: only resetAfter: true is supported (Keras 2's default, reset gate applied after the matmul), got ${String(config.resetAfter)}`);
    }
    this.rec = resolveFor(this.name, config.recurrentActivation, 'sigmoid');
  }
  protected override get biasRows(): number {
    return 2;
  }
  protected cellBuffers(T: number): Record<string, number> {
    const g = 3 * this.config.units;
    // s: rec(p); rp: h·U + b_rec (time-major); drp: its gradient.
    return { s: T * g, rp: T * g, drp: T * g };
  }
  protected override recurrentGrad(io: NodeIO): number {
    return io.state.drp!;
  }
  protected override endBackward(io: NodeIO, d: Dims): void {
    const db = io.weightGrads[2] ?? 0;
    if (db !== 0) biasBackward(db + d.g * 4, io.state.drp!, d.T * d.b, d.g);
  }
  protected stepForward(io: NodeIO, d: Dims, t: number): void {
    const { b, T, u, g } = d;
    const n = b * g, off = t * n * 4, s = io.state;
    const bias = this.weights[2] === undefined ? 0 : this.weights[2].ptr + g * 4;
    this.recurrentPreact(io, d, t, s.rp! + off, bias, false);
    let m = f32();
    const P = (s.p! + off) >>> 2, RP = (s.rp! + off) >>> 2, XP = s.xp! >>> 2;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < 2 * u; j++) m[P + i * g + j] = m[XP + (i * T + t) * g + j]! + m[RP + i * g + j]!;
      for (let j = 2 * u; j < g; j++) m[P + i * g + j] = 0;
    }
    activationForwardPtr(this.rec, s.s! + off, s.p! + off, n, g);
    m = f32();
    const S = (s.s! + off) >>> 2;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        const r = i * g + j;
        m[P + 2 * u + r] = m[XP + (i * T + t) * g + 2 * u + j]! + m[S + u + r]! * m[RP + 2 * u + r]!;
      }
    }
    activationForwardPtr(this.act, s.a! + off, s.p! + off, n, g);
    m = f32();
    const A = (s.a! + off) >>> 2, hp = (s.h! >>> 2) + t * b * u, h = hp + b * u;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        const r = i * g + j, q = i * u + j, z = m[S + r]!;
        m[h + q] = z * m[hp + q]! + (1 - z) * m[A + 2 * u + r]!;
      }
    }
  }
  protected stepBackward(io: NodeIO, d: Dims, t: number): void {
    const { b, u, g } = d;
    const n = b * g, off = t * n * 4, s = io.state;
    let m = f32();
    const S = (s.s! + off) >>> 2, A = (s.a! + off) >>> 2, RP = (s.rp! + off) >>> 2, hp = (s.h! >>> 2) + t * b * u;
    const dh = s.dh! >>> 2, d1 = s.da1! >>> 2, d2 = s.da2! >>> 2, DP = (s.dp! + off) >>> 2, DRP = (s.drp! + off) >>> 2;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        const r = i * g + j, q = i * u + j, z = m[S + r]!, dhv = m[dh + q]!;
        m[d1 + r] = dhv * (m[hp + q]! - m[A + 2 * u + r]!); // dz
        m[d1 + u + r] = 0;
        m[d1 + 2 * u + r] = 0;
        m[d2 + r] = 0;
        m[d2 + u + r] = 0;
        m[d2 + 2 * u + r] = dhv * (1 - z); // dh̃
        m[dh + q] = dhv * z; // direct path to h_{t-1}
      }
    }
    fillPtr(s.dp! + off, 0, n);
    activationBackwardPtr(this.act, s.dp! + off, s.da2!, s.p! + off, s.a! + off, n, g);
    m = f32();
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        const r = i * g + j, dph = m[DP + 2 * u + r]!;
        m[d1 + u + r] = dph * m[RP + 2 * u + r]!; // dr
        m[DRP + 2 * u + r] = dph * m[S + u + r]!;
      }
    }
    // dp's h chunk is final; the z, r chunks get rec'(p)·d1 (d1's h chunk is 0).
    activationBackwardPtr(this.rec, s.dp! + off, s.da1!, s.p! + off, s.s! + off, n, g);
    m = f32();
    for (let i = 0; i < b; i++) for (let j = 0; j < 2 * u; j++) m[DRP + i * g + j] = m[DP + i * g + j]!;
    this.propagateState(io, d, s.drp! + off);
  }
}

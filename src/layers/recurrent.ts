// Recurrent layers: simpleRnn, lstm, gru (Keras semantics, weights in Keras layout and gate order).
// Each class is one cell: its per-step forward and backward through time; the shared projection,
// buffers and gradients (and the design notes) are in recurrent-base.ts.
import { f32 } from '../backend/memory.js';
import { copy } from '../kernels/memory.js';
import { biasBackward } from '../kernels/graph.js';
import { ValueError } from '../core/errors.js';
import { activationBackwardPtr, activationForwardPtr, type ActivationSpec } from '../ops/activation.js';
import type { Rng } from '../random.js';
import type { ActivationLike } from './activations.js';
import { fillPtr, layerOptions } from './layer-helpers.js';
import type { NodeIO } from './node-io.js';
import { COMMON, RecurrentBase, resolveFor, runGemm, type Dims, type RecurrentConfig } from './recurrent-base.js';

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
  /**
   * True (default, Keras 2+ and cuDNN): the reset gate scales h·U_h + b_rh after the matmul, bias
   * [2, 3·units]. False (original GRU, Keras 1 / TF1): it scales the state before the matmul,
   * h̃ = act(x·W_h + (r ⊙ h)·U_h + b_h), bias [3·units].
   */
  resetAfter?: boolean;
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
  override get stateCount(): number {
    return 2;
  }
  protected override cellStates(io: NodeIO): number {
    return io.state.c!;
  }
  protected override cellStateGrad(io: NodeIO): number {
    return io.state.dc!;
  }
  protected override beginForward(io: NodeIO, d: Dims): void {
    this.initialState(io, d, 1, io.state.c!);
  }
  protected override endForward(io: NodeIO, d: Dims): void {
    this.finalState(io, 1, io.state.c! + d.T * d.b * d.u * 4, d);
  }
  protected override beginBackward(io: NodeIO, d: Dims): void {
    fillPtr(io.state.dc!, 0, d.b * d.u);
    this.finalStateGrad(io, d, 1, io.state.dc!);
  }
  protected override endBackward(io: NodeIO, d: Dims): void {
    this.initialStateGrad(io, d, 1, io.state.dc!);
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

/**
 * Keras GRU, gates z, r, h; h_t = z h_{t-1} + (1 - z) h̃. resetAfter (default):
 * h̃ = act(x_h + r (h·U_h + b_rh)); resetAfter false: h̃ = act(x_h + (r h)·U_h).
 */
export class GRU extends RecurrentBase<GRUConfig> {
  readonly className = 'GRU';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<GRUConfig>()(...COMMON, 'recurrentActivation', 'resetAfter');
  private readonly rec: ActivationSpec;
  private readonly resetAfter: boolean;
  constructor(config: GRUConfig) {
    super(config, 'gru', 3);
    if (config.resetAfter !== undefined && typeof config.resetAfter !== 'boolean') throw new ValueError(`${this.name}: resetAfter must be a boolean, got ${String(config.resetAfter)}`);
    this.resetAfter = config.resetAfter ?? true;
    this.rec = resolveFor(this.name, config.recurrentActivation, 'sigmoid');
  }
  protected override get biasRows(): number {
    return this.resetAfter ? 2 : 1;
  }
  protected cellBuffers(T: number): Record<string, number> {
    const g = 3 * this.config.units, u = this.config.units;
    // s: rec(p); rp: h·U (+ b_rec) (time-major); drp: its gradient; before-reset: rh = r·h per step, drh.
    return this.resetAfter ? { s: T * g, rp: T * g, drp: T * g } : { s: T * g, rp: T * g, rh: T * u, drh: u };
  }
  protected override recurrentGrad(io: NodeIO): number {
    return io.state.drp!;
  }
  protected override recurrentWeightGrad(io: NodeIO, d: Dims, dU: number): void {
    if (this.resetAfter) {
      super.recurrentWeightGrad(io, d, dU);
      return;
    }
    // dU_zr += h̃ᵀ·dp_zr and dU_h += (r h)ᵀ·dp_h over all steps.
    const { u, g, T, b } = d, s = io.state;
    runGemm(u, 2 * u, T * b, this.dropState ? s.hm! : s.h!, u, s.dp!, dU, g, true, false, true, 0, g);
    runGemm(u, u, T * b, s.rh!, u, s.dp! + 2 * u * 4, dU + 2 * u * 4, g, true, false, true, 0, g);
  }
  protected override endBackward(io: NodeIO, d: Dims): void {
    const db = io.weightGrads[2] ?? 0;
    if (db !== 0 && this.resetAfter) biasBackward(db + d.g * 4, io.state.drp!, d.T * d.b, d.g);
  }
  protected stepForward(io: NodeIO, d: Dims, t: number): void {
    const { b, T, u, g } = d;
    const n = b * g, off = t * n * 4, s = io.state, tx = this.timeAt(d, t);
    const hin = this.recurrentInput(io, d, t);
    if (this.resetAfter) {
      const bias = this.weights[2] === undefined ? 0 : this.weights[2].ptr + g * 4;
      runGemm(b, g, u, hin, u, this.weights[1]!.ptr, s.rp! + off, g, false, false, false, bias);
    } else {
      runGemm(b, 2 * u, u, hin, u, this.weights[1]!.ptr, s.rp! + off, g, false, false, false, 0, g);
    }
    let m = f32();
    const P = (s.p! + off) >>> 2, RP = (s.rp! + off) >>> 2, XP = s.xp! >>> 2;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < 2 * u; j++) m[P + i * g + j] = m[XP + (i * T + tx) * g + j]! + m[RP + i * g + j]!;
      for (let j = 2 * u; j < g; j++) m[P + i * g + j] = 0;
    }
    activationForwardPtr(this.rec, s.s! + off, s.p! + off, n, g);
    m = f32();
    const S = (s.s! + off) >>> 2;
    if (this.resetAfter) {
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < u; j++) {
          const r = i * g + j;
          m[P + 2 * u + r] = m[XP + (i * T + tx) * g + 2 * u + j]! + m[S + u + r]! * m[RP + 2 * u + r]!;
        }
      }
    } else {
      // rh = r ⊙ h̃_{t-1}; p_h = x_h + rh·U_h.
      const rh = s.rh! + t * b * u * 4, RH = rh >>> 2, H = hin >>> 2;
      for (let i = 0; i < b; i++) for (let j = 0; j < u; j++) m[RH + i * u + j] = m[S + i * g + u + j]! * m[H + i * u + j]!;
      runGemm(b, u, u, rh, u, this.weights[1]!.ptr + 2 * u * 4, s.p! + off + 2 * u * 4, g, false, false, false, 0, g);
      m = f32();
      for (let i = 0; i < b; i++) for (let j = 0; j < u; j++) m[P + i * g + 2 * u + j] = m[P + i * g + 2 * u + j]! + m[XP + (i * T + tx) * g + 2 * u + j]!;
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
    const S = (s.s! + off) >>> 2, A = (s.a! + off) >>> 2, hp = (s.h! >>> 2) + t * b * u;
    const dh = s.dh! >>> 2, d1 = s.da1! >>> 2, d2 = s.da2! >>> 2;
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
    if (this.resetAfter) this.resetAfterBackward(io, d, t);
    else this.resetBeforeBackward(io, d, t);
  }
  /** resetAfter: dr = dp_h · rp_h; d(h·U + b_rec) = [dp_z, dp_r, dp_h · r]. */
  private resetAfterBackward(io: NodeIO, d: Dims, t: number): void {
    const { b, u, g } = d;
    const n = b * g, off = t * n * 4, s = io.state;
    let m = f32();
    const S = (s.s! + off) >>> 2, RP = (s.rp! + off) >>> 2, d1 = s.da1! >>> 2, DP = (s.dp! + off) >>> 2, DRP = (s.drp! + off) >>> 2;
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
  /** resetAfter false: d(rh) = dp_h·U_hᵀ; dr = d(rh)·h̃; dh̃ = d(rh)·r + dp_zr·U_zrᵀ. */
  private resetBeforeBackward(io: NodeIO, d: Dims, t: number): void {
    const { b, u, g } = d;
    const n = b * g, off = t * n * 4, s = io.state, U = this.weights[1]!.ptr;
    runGemm(b, u, u, s.dp! + off + 2 * u * 4, g, U + 2 * u * 4, s.drh!, u, false, true, false, 0, g);
    let m = f32();
    const hin = this.dropState ? s.hm! + t * b * u * 4 : s.h! + t * b * u * 4;
    const S = (s.s! + off) >>> 2, H = hin >>> 2, DRH = s.drh! >>> 2, d1 = s.da1! >>> 2;
    // The state gradient through rh goes to dh directly, or to dhm before the dropout mask.
    const target = this.dropState ? s.dhm! : s.dh!, DT = target >>> 2, keep = this.dropState ? 0 : 1;
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        const q = i * u + j, drh = m[DRH + q]!;
        m[d1 + i * g + u + j] = drh * m[H + q]!; // dr
        m[DT + q] = keep * m[DT + q]! + drh * m[S + i * g + u + j]!;
      }
    }
    activationBackwardPtr(this.rec, s.dp! + off, s.da1!, s.p! + off, s.s! + off, n, g);
    runGemm(b, u, 2 * u, s.dp! + off, g, U, target, u, false, true, true, 0, g);
    if (this.dropState) this.foldMaskedStateGrad(io, d);
  }
}

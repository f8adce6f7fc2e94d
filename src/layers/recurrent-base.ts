// The machinery shared by the recurrent layers (recurrent.ts: simpleRnn, lstm, gru): weights,
// shapes, plan buffers, the input projection, initial / carried states, dropout masks and the
// weight/input gradients (options and their checks: recurrent-config.ts).
//
// Input [batch, time, features] (+ initial states [batch, units] each); the initial state is the
// state input, a stateful layer's carried state, or zeros. Forward: one GEMM projects the inputs of all
// time steps (x·kernel + bias, batch-major [b, T, G·u]); then per step one GEMM h_{t-1}·recurrent
// and elementwise gate math. Per-step values are saved time-major ([T, b, ...]) in plan buffers so
// each step's slice is contiguous for the activation kernels. Backward runs through time, then
// one GEMM each for dKernel, dRecurrent and dx over all steps. Nothing is allocated per step: the
// gate arithmetic reads and writes one `f32()` view of wasm memory (plain f32 products and sums;
// every transcendental goes through the activation kernels).
import { f32, writeF32 } from '../backend/memory.js';
import { copy } from '../kernels/memory.js';
import { biasBackward } from '../kernels/graph.js';
import { ShapeError, ValueError, formatShape } from '../core/errors.js';
import { runGemm as runGemmCall } from '../ops/gemm-call.js';
import type { ActivationSpec } from '../ops/activation.js';
import { dropoutForwardPtr, type DropoutForwardCall } from '../ops/random.js';
import { Tensor, type Shape } from '../core/tensor.js';
import type { GraphNode } from './layer.js';
import { RecurrentLayer } from './recurrent-layer.js';
import { accumulatePtr, fillPtr } from './layer-helpers.js';
import type { CallContext, NodeIO, StateRequest } from './node-io.js';
import { checkRecurrentConfig, resolveFor, type RecurrentConfig } from './recurrent-config.js';
import { holdMaskedStates, restoreMaskedGrads, setAsideMaskedGrads, type MaskedRun } from './recurrent-mask.js';

export { COMMON, resolveFor, type RecurrentConfig } from './recurrent-config.js';

/** One GEMM on pointers; leading dimensions given explicitly (ldb: B's row stride, default packed). */
export function runGemm(m: number, n: number, k: number, a: number, lda: number, b: number, c: number, ldc: number, transposeA: boolean, transposeB: boolean, accumulate: boolean, bias: number, ldb = 0): void {
  runGemmCall(m, n, k, a, b, c, transposeA, transposeB, accumulate, bias, lda, ldc, ldb);
}

/** Geometry of one call: batch, steps, features, units, gate width. */
export interface Dims {
  b: number;
  T: number;
  F: number;
  u: number;
  g: number;
}

/**
 * Shared machinery of the recurrent layers: weights, shapes, buffers, the input projection,
 * initial states (inputs, carried state or zeros), dropout masks and the weight/input gradients;
 * subclasses implement the per-step cell forward and backward.
 */
export abstract class RecurrentBase<C extends RecurrentConfig> extends RecurrentLayer<C> {
  protected readonly act: ActivationSpec;
  private readonly dims: Dims = { b: 0, T: 0, F: 0, u: 0, g: 0 };
  /** True while the current forward/backward applies the input / recurrent dropout masks. */
  protected dropInput = false;
  protected dropState = false;
  /** Carried states of a stateful layer (layer-owned, `statefulBatch` samples each), by state index. */
  private carried: number[] = [];
  /** Mask draws of the input and recurrent dropout, each with its rate set once (no float per step). */
  private readonly inputMaskCall: DropoutForwardCall;
  private readonly stateMaskCall: DropoutForwardCall;
  /** Whether the config asks for input / recurrent dropout (read per step without touching the float rates). */
  private readonly hasInputDropout: boolean;
  private readonly hasStateDropout: boolean;
  /** This call's geometry for the masked-step helpers (recurrent-mask.ts), reused every step. */
  private readonly masked: MaskedRun = { b: 0, T: 0, u: 0, mask: 0 };

  constructor(config: C, prefix: string, protected readonly gates: number) {
    super(config, prefix);
    checkRecurrentConfig(config, this.name);
    this.act = resolveFor(this.name, config.activation, 'tanh');
    this.hasInputDropout = (config.dropout ?? 0) > 0;
    this.hasStateDropout = (config.recurrentDropout ?? 0) > 0;
    const rng = undefined as unknown as DropoutForwardCall['rng'];
    this.inputMaskCall = { y: 0, x: 0, mask: 0, n: 0, rate: config.dropout ?? 0, rng };
    this.stateMaskCall = { y: 0, x: 0, mask: 0, n: 0, rate: config.recurrentDropout ?? 0, rng };
  }

  /** Rows of the bias weight: 1, or 2 for GRU (input and recurrent biases). */
  protected get biasRows(): number {
    return 1;
  }

  protected override build([input]: readonly Shape[]): void {
    const gu = this.gates * this.config.units, p = this.weightPrefix;
    this.addWeight(`${p}kernel`, [input![1]!, gu], this.config.kernelInitializer ?? 'glorotUniform', { regularizer: this.config.kernelRegularizer });
    this.addWeight(`${p}recurrent_kernel`, [this.config.units, gu], this.config.recurrentInitializer ?? 'orthogonal', { regularizer: this.config.recurrentRegularizer });
    if (this.config.useBias ?? true) {
      this.addWeight(`${p}bias`, this.biasRows === 1 ? [gu] : [this.biasRows, gu], this.config.biasInitializer ?? 'zeros', { regularizer: this.config.biasRegularizer });
    }
    if (this.stateful) {
      const n = (this.config.batchInputShape![0] as number) * this.config.units;
      this.carried = Array.from({ length: this.stateCount }, () => this.allocOwned(n));
      for (const p of this.carried) fillPtr(p, 0, n);
    }
  }

  /**
   * Zeroes the carried states of a stateful layer (Keras's `reset_states()`), or sets them to
   * `states` ([batch, units] each: h, and c for LSTM).
   */
  resetStates(states?: readonly Tensor[]): void {
    if (!this.stateful) throw new ValueError(`${this.name}: resetStates() is for stateful layers (stateful: true)`);
    if (!this.built) throw new ValueError(`${this.name}: resetStates() needs the layer built (called on an input) first`);
    const batch = this.config.batchInputShape![0] as number, u = this.config.units;
    if (states === undefined) {
      for (const p of this.carried) fillPtr(p, 0, batch * u);
      return;
    }
    if (!Array.isArray(states) || states.length !== this.stateCount) throw new ValueError(`${this.name}.resetStates: expected ${this.stateCount} state tensor(s) [${batch}, ${u}], got ${Array.isArray(states) ? states.length : String(states)}`);
    states.forEach((t, k) => {
      if (!(t instanceof Tensor) || t.shape.length !== 2 || t.shape[0] !== batch || t.shape[1] !== u) {
        throw new ShapeError(`${this.name}.resetStates: state ${k} must be a Tensor [${batch}, ${u}], got ${t instanceof Tensor ? formatShape(t.shape) : String(t)}`);
      }
    });
    states.forEach((t, k) => writeF32(this.carried[k]!, t.data));
  }

  /** Extra per-step buffers of the cell, in floats per [b, ...] slice, by name. */
  protected abstract cellBuffers(T: number): Record<string, number>;

  override stateRequests(inputs: readonly Shape[], _output: Shape, maxBatch: number, node?: GraphNode): Record<string, StateRequest> {
    const T = inputs[0]![0]!, F = inputs[0]![1]!, u = this.config.units, gu = this.gates * u, B = maxBatch;
    const out: Record<string, StateRequest> = {
      xp: { floats: B * T * gu }, // input projection (batch-major); dXP in backward
      p: { floats: B * T * gu }, // gate pre-activations, time-major
      a: { floats: B * T * gu }, // act(p), time-major
      h: { floats: B * (T + 1) * u }, // states, slot 0 = the initial state
      dp: { floats: B * T * gu },
      dh: { floats: B * u },
      da1: { floats: B * gu },
      da2: { floats: B * gu },
    };
    // Dropout: masks [b, F] / [b, u], the masked inputs (dx before the mask in backward) and the
    // masked states entering the recurrent matmul (dhm: their gradient at one step).
    if ((this.config.dropout ?? 0) > 0) Object.assign(out, { xmask: { floats: B * F }, xd: { floats: B * T * F } });
    if ((this.config.recurrentDropout ?? 0) > 0) Object.assign(out, { hmask: { floats: B * u }, hm: { floats: B * T * u }, dhm: { floats: B * u } });
    for (const [name, perStep] of Object.entries(this.cellBuffers(T))) out[name] = { floats: B * perStep };
    if (node?.masked === true) out.msave = { floats: B * 2 * u }; // masked samples' state gradients, set aside per step
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
    this.dropInput = ctx.training && this.hasInputDropout;
    this.dropState = ctx.training && this.hasStateDropout;
    if (this.carried.length > 0 && ctx.batch !== this.config.batchInputShape![0]) {
      throw new ValueError(`${this.name}: a stateful layer carries ${String(this.config.batchInputShape![0])} states (batchInputShape[0]) but got a batch of ${ctx.batch}; use that batch size for fit/predict and a sample count it divides`);
    }
    return d;
  }

  /** The masked-step geometry when this node has a mask, else undefined. */
  private maskedRun(io: NodeIO, d: Dims): MaskedRun | undefined {
    if (io.mask === undefined) return undefined;
    const r = this.masked;
    r.b = d.b;
    r.T = d.T;
    r.u = d.u;
    r.mask = io.mask.ptr;
    return r;
  }

  /** Time index of the input read at processing step t. */
  protected timeAt(d: Dims, t: number): number {
    return this.config.goBackwards === true ? d.T - 1 - t : t;
  }

  /** Fills `mask` (n floats) with a fresh dropout mask of `c`'s rate: 0 or 1/(1-rate), using `ones` (n floats) as scratch. */
  private drawMask(c: DropoutForwardCall, mask: number, ones: number, n: number, ctx: CallContext): void {
    fillPtr(ones, 1, n);
    c.y = ones;
    c.x = ones;
    c.mask = mask;
    c.n = n;
    c.rng = ctx.rng;
    dropoutForwardPtr(c);
  }

  /** Initial state `k` into `dst` ([b, u]): the state input, the carried state, or zeros. */
  protected initialState(io: NodeIO, d: Dims, k: number, dst: number): void {
    const input = io.inputs[1 + k];
    if (input !== undefined) copy(dst, input.ptr, d.b * d.u);
    else if (this.carried[k] !== undefined) copy(dst, this.carried[k]!, d.b * d.u);
    else fillPtr(dst, 0, d.b * d.u);
  }

  /** Final state `k` (at `src`, [b, u]): kept for the next batch when stateful, and output with `returnState`. */
  protected finalState(io: NodeIO, k: number, src: number, d: Dims): void {
    if (this.carried[k] !== undefined) copy(this.carried[k]!, src, d.b * d.u);
    const out = io.outputs[1 + k];
    if (out !== undefined) copy(out.ptr, src, d.b * d.u);
  }

  /** With `returnState`: the gradient of final state `k` joins the running state gradient at `dst`. */
  protected finalStateGrad(io: NodeIO, d: Dims, k: number, dst: number): void {
    const out = io.outputs[1 + k];
    if (out !== undefined && out.grad !== 0) accumulatePtr(dst, out.grad, d.b * d.u);
  }

  /** Gradient of initial state `k` (at `src`, [b, u]) into the state input, if it has one. */
  protected initialStateGrad(io: NodeIO, d: Dims, k: number, src: number): void {
    const input = io.inputs[1 + k];
    if (input !== undefined && input.grad !== 0) accumulatePtr(input.grad, src, d.b * d.u);
  }

  forward(io: NodeIO, ctx: CallContext): void {
    const d = this.setDims(io, ctx);
    const { b, T, F, u, g } = d;
    const s = io.state;
    let x = io.inputs[0]!.ptr;
    if (this.dropInput) {
      this.drawMask(this.inputMaskCall, s.xmask!, s.xd!, b * F, ctx);
      const m = f32();
      const X = x >>> 2, XD = s.xd! >>> 2, M = s.xmask! >>> 2;
      for (let i = 0; i < b; i++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) m[XD + (i * T + t) * F + f] = m[X + (i * T + t) * F + f]! * m[M + i * F + f]!;
      x = s.xd!;
    }
    if (this.dropState) this.drawMask(this.stateMaskCall, s.hmask!, s.dhm!, b * u, ctx);
    const bias = this.weights[2]?.ptr ?? 0;
    runGemm(b * T, g, F, x, F, this.weights[0]!.ptr, s.xp!, g, false, false, false, bias);
    this.initialState(io, d, 0, s.h!);
    this.beginForward(io, d);
    const run = this.maskedRun(io, d), c = this.cellStates(io);
    for (let t = 0; t < T; t++) {
      this.stepForward(io, d, t);
      if (run !== undefined) holdMaskedStates(run, s.h!, c, t, this.timeAt(d, t));
    }
    this.finalState(io, 0, s.h! + T * b * u * 4, d);
    this.endForward(io, d);
    // Output: every state (batch-major, in processing order) or the last one.
    const m = f32();
    const h = s.h! >>> 2, z = io.z >>> 2;
    if (this.config.returnSequences) {
      for (let i = 0; i < b; i++) for (let t = 0; t < T; t++) for (let j = 0; j < u; j++) m[z + (i * T + t) * u + j] = m[h + ((t + 1) * b + i) * u + j]!;
    } else {
      copy(io.z, s.h! + T * b * u * 4, b * u);
    }
  }

  backward(io: NodeIO, ctx: CallContext): void {
    const d = this.setDims(io, ctx);
    const { b, T, F, u, g } = d;
    const x = io.inputs[0]!, s = io.state;
    fillPtr(s.dh!, 0, b * u);
    this.finalStateGrad(io, d, 0, s.dh!);
    this.beginBackward(io, d);
    const run = this.maskedRun(io, d), dc = this.cellStateGrad(io);
    const m = f32();
    const dz = io.dz >>> 2, dh = s.dh! >>> 2;
    for (let t = T - 1; t >= 0; t--) {
      // dh (carried from step t+1) += the output's gradient at step t.
      if (this.config.returnSequences) {
        for (let i = 0; i < b; i++) for (let j = 0; j < u; j++) m[dh + i * u + j] = m[dh + i * u + j]! + m[dz + (i * T + t) * u + j]!;
      } else if (t === T - 1) {
        for (let i = 0; i < b * u; i++) m[dh + i] = m[dh + i]! + m[dz + i]!;
      }
      if (run === undefined) {
        this.stepBackward(io, d, t);
        continue;
      }
      setAsideMaskedGrads(run, s.dh!, dc, s.msave!, this.timeAt(d, t));
      this.stepBackward(io, d, t);
      restoreMaskedGrads(run, s.dh!, dc, s.msave!, this.timeAt(d, t));
    }
    this.initialStateGrad(io, d, 0, s.dh!);
    // dXP (batch-major, at each step's input time) from dp (time-major).
    const dp = s.dp! >>> 2, dxp = s.xp! >>> 2;
    for (let t = 0; t < T; t++) {
      const tx = this.timeAt(d, t);
      for (let i = 0; i < b; i++) for (let j = 0; j < g; j++) m[dxp + (i * T + tx) * g + j] = m[dp + (t * b + i) * g + j]!;
    }
    const dW = io.weightGrads[0] ?? 0, dU = io.weightGrads[1] ?? 0, db = io.weightGrads[2] ?? 0;
    const xin = this.dropInput ? s.xd! : x.ptr;
    if (dW !== 0) runGemm(F, g, b * T, xin, F, s.xp!, dW, g, true, false, true, 0);
    if (db !== 0) biasBackward(db, s.xp!, b * T, g);
    if (x.grad !== 0 && this.dropInput) {
      // d(masked x) into xd (no longer needed), then dx += it · mask (the mask repeats over time).
      runGemm(b * T, F, g, s.xp!, g, this.weights[0]!.ptr, s.xd!, F, false, true, false, 0);
      const mm = f32();
      const DX = x.grad >>> 2, XD = s.xd! >>> 2, M = s.xmask! >>> 2;
      for (let i = 0; i < b; i++) for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) mm[DX + (i * T + t) * F + f] = mm[DX + (i * T + t) * F + f]! + mm[XD + (i * T + t) * F + f]! * mm[M + i * F + f]!;
    } else if (x.grad !== 0) {
      runGemm(b * T, F, g, s.xp!, g, this.weights[0]!.ptr, x.grad, F, false, true, true, 0);
    }
    if (dU !== 0) this.recurrentWeightGrad(io, d, dU);
    this.endBackward(io, d);
  }

  /** dU += Σ_t h̃_{t-1}ᵀ · d(recurrent pre-activation)_t, one GEMM over all steps (h̃: the state as the matmul saw it). */
  protected recurrentWeightGrad(io: NodeIO, d: Dims, dU: number): void {
    runGemm(d.u, d.g, d.T * d.b, this.dropState ? io.state.hm! : io.state.h!, d.u, this.recurrentGrad(io), dU, d.g, true, false, true, 0);
  }

  /** Gradient of the recurrent pre-activation h·U (time-major): dp, or GRU's own buffer. */
  protected recurrentGrad(io: NodeIO): number {
    return io.state.dp!;
  }
  /** Bias gradients beyond the input bias (GRU's recurrent bias), initial-cell-state gradients. */
  protected endBackward(_io: NodeIO, _d: Dims): void {}
  protected beginForward(_io: NodeIO, _d: Dims): void {}
  protected endForward(_io: NodeIO, _d: Dims): void {}
  protected beginBackward(_io: NodeIO, _d: Dims): void {}
  /** Step t: reads h slot t (h_{t-1}), writes p/a slices t and h slot t+1. */
  protected abstract stepForward(io: NodeIO, d: Dims, t: number): void;
  /** Step t: reads dh (gradient of h_t), writes dp slice t and leaves dh = gradient of h_{t-1}. */
  protected abstract stepBackward(io: NodeIO, d: Dims, t: number): void;

  /** h_{t-1} as the recurrent matmul sees it: h slot t, or its masked copy (recurrent dropout). */
  protected recurrentInput(io: NodeIO, d: Dims, t: number): number {
    const n = d.b * d.u, h = io.state.h! + t * n * 4;
    if (!this.dropState) return h;
    const hm = io.state.hm! + t * n * 4;
    const m = f32();
    const H = h >>> 2, HM = hm >>> 2, M = io.state.hmask! >>> 2;
    for (let i = 0; i < n; i++) m[HM + i] = m[H + i]! * m[M + i]!;
    return hm;
  }

  /** p_t = h_{t-1}·U (+ xp at the step's input time, batch-major rows). */
  protected recurrentPreact(io: NodeIO, d: Dims, t: number, dst: number, bias: number, addInput: boolean): void {
    const { b, T, u, g } = d;
    runGemm(b, g, u, this.recurrentInput(io, d, t), u, this.weights[1]!.ptr, dst, g, false, false, false, bias);
    if (!addInput) return;
    const m = f32();
    const p = dst >>> 2, xp = io.state.xp! >>> 2, tx = this.timeAt(d, t);
    for (let i = 0; i < b; i++) for (let j = 0; j < g; j++) m[p + i * g + j] = m[p + i * g + j]! + m[xp + (i * T + tx) * g + j]!;
  }

  /** dh_{t-1} += dRecurrentPreact_t · Uᵀ (through the recurrent dropout mask when it is on). */
  protected propagateState(io: NodeIO, d: Dims, dRec: number): void {
    if (!this.dropState) {
      runGemm(d.b, d.u, d.g, dRec, d.g, this.weights[1]!.ptr, io.state.dh!, d.u, false, true, true, 0);
      return;
    }
    runGemm(d.b, d.u, d.g, dRec, d.g, this.weights[1]!.ptr, io.state.dhm!, d.u, false, true, false, 0);
    this.foldMaskedStateGrad(io, d);
  }

  /** dh += dhm · mask: the gradient of the masked state reaches the state (recurrent dropout). */
  protected foldMaskedStateGrad(io: NodeIO, d: Dims): void {
    const m = f32();
    const DH = io.state.dh! >>> 2, DHM = io.state.dhm! >>> 2, M = io.state.hmask! >>> 2;
    for (let i = 0; i < d.b * d.u; i++) m[DH + i] = m[DH + i]! + m[DHM + i]! * m[M + i]!;
  }
}

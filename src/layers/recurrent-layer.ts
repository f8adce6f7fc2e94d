// The public face of the recurrent layers: their options as getters, the inputs `apply` accepts
// (x, or x with initial states), output shapes (with `returnState`), and how masks flow through
// them. The computation is in recurrent-base.ts and recurrent.ts.
import { ShapeError, ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import { Layer, type OutputSpec, type SymbolicTensor } from './layer.js';
import { formatSample } from './layer-helpers.js';
import type { NodeIO } from './node-io.js';
import type { RecurrentConfig } from './recurrent-config.js';

/** Options, shapes and the apply rules shared by simpleRnn, lstm and gru. */
export abstract class RecurrentLayer<C extends RecurrentConfig> extends Layer<C> {
  /** Inputs of the current call: 1, or 1 + `stateCount` with initial states (set by `apply`). */
  private callInputs = 1;
  /** Prefix of the weight names (`forward/` inside a bidirectional wrapper). */
  protected weightPrefix = '';

  /** States the cell carries: 1 (h), or 2 for LSTM (h, c). */
  get stateCount(): number {
    return 1;
  }

  /** True when the layer keeps its last state between batches (`stateful: true`). */
  get stateful(): boolean {
    return this.config.stateful === true;
  }

  /** True when the sequence is processed from its last step (`goBackwards: true`). */
  get goBackwards(): boolean {
    return this.config.goBackwards === true;
  }

  /** Whether the output is every step `[time, units]` or the last `[units]`. */
  get returnSequences(): boolean {
    return this.config.returnSequences === true;
  }

  /** Units of the hidden state. */
  get units(): number {
    return this.config.units;
  }

  override get inputCount(): number {
    return this.callInputs;
  }

  /** Masked steps (padding) are skipped: the states carry over them (recurrent-mask.ts). */
  override get consumesMask(): boolean {
    return true;
  }

  /** With `returnSequences` the output keeps the input's mask (Keras). */
  override get passesMask(): boolean {
    return this.returnSequences;
  }

  /** The cell state's per-step slots (LSTM's c) and its running gradient, or 0: held over masked steps with h. */
  protected cellStates(_io: NodeIO): number {
    return 0;
  }
  protected cellStateGrad(_io: NodeIO): number {
    return 0;
  }

  /** Accepts x, or [x, h0] / LSTM [x, h0, c0] with initial states ([batch, units] each). */
  protected override checkApplyInputs(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
    const n = Array.isArray(inputs) ? inputs.length : 1;
    const states = this.stateCount === 2 ? '[x, h0, c0]' : '[x, h0]';
    if (n !== 1 && n !== 1 + this.stateCount) throw new ValueError(`${this.name}: expects x or ${states} (initial states), got ${n} inputs`);
    if (n > 1 && this.stateful) throw new ValueError(`${this.name}: a stateful layer starts from its carried state; initial-state inputs are not accepted`);
    this.callInputs = n;
    return super.checkApplyInputs(inputs);
  }

  /** @internal Names the weights `<prefix>kernel` (a wrapper's sub-layers); before build only. */
  setWeightPrefix(prefix: string): void {
    if (this.built) throw new ValueError(`${this.name}: weight names are fixed once the layer is built`);
    this.weightPrefix = prefix;
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    const s = inputShapes[0];
    if (s === undefined || s.length !== 2) {
      throw new ShapeError(`${this.name}: expected input of rank 3 ([batch, time, features]), got ${s === undefined ? 'no input' : formatSample(s)}`);
    }
    if (this.inputShapes !== undefined) {
      const f = this.inputShapes[0]![1];
      if (s[1] !== f) throw new ShapeError(`${this.name}: expected input [*, time, ${f}], got ${formatSample(s)}`);
    }
    const u = this.config.units;
    inputShapes.slice(1).forEach((st, i) => {
      if (st.length !== 1 || st[0] !== u) throw new ShapeError(`${this.name}: initial state ${i} must be [*, ${u}] ([batch, units]), got ${formatSample(st)}`);
    });
    return this.config.returnSequences ? [s[0]!, u] : [u];
  }

  /** With `returnState`: the output, then each final state [*, units] (h; for LSTM h and c), as Keras. */
  override computeOutputSpecs(inputShapes: readonly Shape[]): OutputSpec[] {
    const out: OutputSpec[] = [{ shape: this.computeOutputShape(inputShapes) }];
    if (this.config.returnState === true) for (let k = 0; k < this.stateCount; k++) out.push({ shape: [this.config.units] });
    return out;
  }
}

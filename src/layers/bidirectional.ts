// layers.bidirectional: runs a recurrent layer over the sequence forwards and a copy of it (own
// weights, goBackwards flipped) backwards, and merges the two outputs (Keras's Bidirectional).
//
// The two sub-layers run on the wrapper's input slot with their own output buffers and state,
// taken from the wrapper's plan state (names prefixed `f.` / `b.`); their NodeIOs are built once
// per plan node. A returned sequence of the backward layer is in processing order, so it is
// reversed in time before the merge (as Keras does).
import { f32 } from '../backend/memory.js';
import { ValueError } from '../core/errors.js';
import { sizeOf, type Shape } from '../core/tensor.js';
import type { Rng } from '../random.js';
import { Layer, type GraphNode } from './layer.js';
import { layerOptions, type BaseLayerConfig } from './layer-helpers.js';
import type { CallContext, NodeIO, Slot, StateRequest } from './node-io.js';
import { RecurrentBase } from './recurrent-base.js';
import type { GRU, LSTM, SimpleRNN } from './recurrent.js';

/** How the forward and backward outputs are combined. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

/** Options of `layers.bidirectional` (besides the wrapped layer). */
export interface BidirectionalConfig extends BaseLayerConfig {
  /** Default `'concat'` (output width 2·units); `'sum'`, `'mul'`, `'ave'` keep units. */
  mergeMode?: MergeMode;
}


/** The two directions' views of one plan node. */
interface SubIO {
  forward: NodeIO;
  backward: NodeIO;
}

/** Wraps SimpleRNN / LSTM / GRU: weights are the forward layer's then the backward layer's (Keras order). */
export class Bidirectional extends Layer<BidirectionalConfig> {
  readonly className = 'Bidirectional';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<BidirectionalConfig>()('mergeMode');
  /** The wrapped layer (runs forwards unless it was given goBackwards). */
  readonly forwardLayer: SimpleRNN | LSTM | GRU;
  /** Its copy over the reversed sequence, with its own weights. */
  readonly backwardLayer: SimpleRNN | LSTM | GRU;
  private readonly mode: MergeMode;
  private readonly subIO = new WeakMap<NodeIO, SubIO>();

  constructor(layer: Layer, config: BidirectionalConfig = {}) {
    super(config, 'bidirectional');
    if (!(layer instanceof RecurrentBase)) {
      throw new ValueError(`${this.name}: expected a recurrent layer (layers.simpleRnn, layers.lstm, layers.gru), got ${layer instanceof Layer ? layer.className : String(layer)}`);
    }
    if (layer.built) throw new ValueError(`${this.name}: ${layer.name} is already built; wrap a new layer (its backward copy gets its own weights)`);
    if (layer.stateful) throw new ValueError(`${this.name}: stateful layers are not supported inside bidirectional`);
    this.mode = config.mergeMode ?? 'concat';
    if (!MERGE_MODES.includes(this.mode)) throw new ValueError(`${this.name}: mergeMode must be one of ${MERGE_MODES.join(', ')}, got ${JSON.stringify(config.mergeMode)}`);
    this.forwardLayer = layer as SimpleRNN | LSTM | GRU;
    const make = layer.constructor as new (c: Record<string, unknown>) => SimpleRNN | LSTM | GRU;
    this.backwardLayer = new make({ ...layer.getConfig(), name: `backward_${layer.name}`, goBackwards: !layer.goBackwards });
    this.forwardLayer.setWeightPrefix('forward/');
    this.backwardLayer.setWeightPrefix('backward/');
  }

  /** The saved form: the options plus the wrapped layer's class name and config (Keras's `layer`). */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.forwardLayer.className, config: this.forwardLayer.getConfig() } };
  }

  /** `inputShape` given on the wrapper, or on the wrapped layer (first layer of a Sequential). */
  override get declaredInputShape(): Shape | undefined {
    return super.declaredInputShape ?? this.forwardLayer.declaredInputShape;
  }

  private get units(): number {
    return this.forwardLayer.units;
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length !== 1) throw new ValueError(`${this.name}: expects 1 input ([batch, time, features]), got ${inputShapes.length}`);
    const s = this.forwardLayer.computeOutputShape(inputShapes);
    return this.mode === 'concat' ? [...s.slice(0, -1), 2 * this.units] : s;
  }

  protected override build(inputShapes: readonly Shape[]): void {
    this.forwardLayer.ensureBuilt(inputShapes);
    this.backwardLayer.ensureBuilt(inputShapes);
    this.weights.push(...this.forwardLayer.weights, ...this.backwardLayer.weights);
  }

  override initializeWeights(rng: Rng): void {
    this.forwardLayer.initializeWeights(rng);
    this.backwardLayer.initializeWeights(rng);
    this.weightsInitialized = true;
  }

  /** Both directions skip masked steps; with `returnSequences` the output keeps the mask. */
  override get consumesMask(): boolean {
    return true;
  }
  override get passesMask(): boolean {
    return this.forwardLayer.returnSequences;
  }

  override stateRequests(inputs: readonly Shape[], _output: Shape, maxBatch: number, node?: GraphNode): Record<string, StateRequest> {
    const inner = this.forwardLayer.computeOutputShape(inputs);
    const n = maxBatch * sizeOf(inner);
    const out: Record<string, StateRequest> = { yf: { floats: n }, yb: { floats: n }, dyf: { floats: n }, dyb: { floats: n } };
    for (const [k, r] of Object.entries(this.forwardLayer.stateRequests(inputs, inner, maxBatch, node))) out[`f.${k}`] = r;
    for (const [k, r] of Object.entries(this.backwardLayer.stateRequests(inputs, inner, maxBatch, node))) out[`b.${k}`] = r;
    return out;
  }

  /** The sub-layers' NodeIOs for this plan node (built on first use, then reused every step). */
  private sub(io: NodeIO): SubIO {
    let s = this.subIO.get(io);
    if (s !== undefined) return s;
    const nf = this.forwardLayer.weights.length;
    const inner = this.forwardLayer.computeOutputShape(io.inputs.map((x) => x.shape));
    const make = (prefix: string, y: number, dy: number, grads: readonly number[]): NodeIO => {
      const state: Record<string, number> = {};
      for (const [k, p] of Object.entries(io.state)) if (k.startsWith(prefix)) state[k.slice(prefix.length)] = p;
      const output: Slot = { ptr: y, grad: dy, shape: inner, size: sizeOf(inner), batched: true };
      return { inputs: io.inputs, mask: io.mask, output, outputs: [output], z: y, dz: dy, weightGrads: grads, state, sink: io.sink };
    };
    s = {
      forward: make('f.', io.state.yf!, io.state.dyf!, io.weightGrads.slice(0, nf)),
      backward: make('b.', io.state.yb!, io.state.dyb!, io.weightGrads.slice(nf)),
    };
    this.subIO.set(io, s);
    return s;
  }

  /** Steps in the output: the sequence length, or 1 for the last state. */
  private outputSteps(io: NodeIO): number {
    return this.forwardLayer.returnSequences ? io.inputs[0]!.shape[0]! : 1;
  }

  forward(io: NodeIO, ctx: CallContext): void {
    const s = this.sub(io);
    this.forwardLayer.forward(s.forward, ctx);
    this.backwardLayer.forward(s.backward, ctx);
    const T = this.outputSteps(io), rows = ctx.batch * T;
    const u = this.units, m = f32();
    const Y = io.z >>> 2, F = io.state.yf! >>> 2, B = io.state.yb! >>> 2;
    for (let r = 0; r < rows; r++) {
      const t = r % T, rb = r - t + (T - 1 - t); // same sample, reversed step
      for (let j = 0; j < u; j++) {
        const f = m[F + r * u + j]!, b = m[B + rb * u + j]!;
        if (this.mode === 'concat') {
          m[Y + r * 2 * u + j] = f;
          m[Y + r * 2 * u + u + j] = b;
        } else {
          m[Y + r * u + j] = this.mode === 'sum' ? f + b : this.mode === 'mul' ? f * b : 0.5 * (f + b);
        }
      }
    }
  }

  backward(io: NodeIO, ctx: CallContext): void {
    const s = this.sub(io);
    const T = this.outputSteps(io), rows = ctx.batch * T;
    const u = this.units, m = f32();
    const DY = io.dz >>> 2, F = io.state.yf! >>> 2, B = io.state.yb! >>> 2, DF = io.state.dyf! >>> 2, DB = io.state.dyb! >>> 2;
    for (let r = 0; r < rows; r++) {
      const t = r % T, rb = r - t + (T - 1 - t);
      for (let j = 0; j < u; j++) {
        if (this.mode === 'concat') {
          m[DF + r * u + j] = m[DY + r * 2 * u + j]!;
          m[DB + rb * u + j] = m[DY + r * 2 * u + u + j]!;
        } else {
          const dy = m[DY + r * u + j]!;
          m[DF + r * u + j] = this.mode === 'sum' ? dy : this.mode === 'mul' ? dy * m[B + rb * u + j]! : 0.5 * dy;
          m[DB + rb * u + j] = this.mode === 'sum' ? dy : this.mode === 'mul' ? dy * m[F + r * u + j]! : 0.5 * dy;
        }
      }
    }
    this.forwardLayer.backward(s.forward, ctx);
    this.backwardLayer.backward(s.backward, ctx);
  }
}

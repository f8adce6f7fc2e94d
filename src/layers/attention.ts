// Multi-head attention (Keras's MultiHeadAttention: weight layout, defaults and call signature).
// Projections are single GEMMs over every position; the per-(sample, head) score and context
// products are strided GEMMs over the projections; the scaled, masked softmax is one fused wasm
// kernel (assembly/attention.ts), forward and backward. The backward is written by hand.
//
// Node inputs are always [query, value, key] or [query, value, key, attentionMask]: `apply`
// fills in key = value and appends the mask, so a saved graph reloads with the same roles. The
// padding mask the value carries (`maskZero`, `masking`) joins the node as its consumed mask
// (`NodeIO.mask`, not saved: the reloaded value carries it again) and reaches the softmax kernel
// as its key mask.
import { heap } from '../backend/memory.js';
import { ShapeError, ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import type { InitializerLike } from '../initializers.js';
import { ATTENTION_SHAPE, attentionSoftmaxBackward, attentionSoftmaxForward } from '../kernels/attention.js';
import { allocStruct, freeStructs, writeStruct } from '../kernels/structs.js';
import { dropoutBackwardPtr, dropoutForwardPtr, type DropoutBackwardCall, type DropoutForwardCall } from '../ops/random.js';
import type { RegularizerLike } from '../regularizers.js';
import { copy } from '../kernels/memory.js';
import { attentionInputs, keyPaddingMask, type MultiHeadAttentionCallOptions } from './attention-call.js';
import { packed, perHead, projectBackward, projectForward, projected, type HeadOperand } from './attention-gemm.js';
import { Layer, type SymbolicTensor } from './layer.js';
import { accumulatePtr, layerOptions, formatSample, type BaseLayerConfig } from './layer-helpers.js';
import type { OutputSpec } from './trace.js';
import { positiveInt } from './positive-int.js';
import type { CallContext, NodeIO, StateRequest } from './node-io.js';

/** Options of `layers.multiHeadAttention` (Keras names). */
export interface MultiHeadAttentionConfig extends BaseLayerConfig {
  numHeads: number;
  /** Size of each head's query and key projections. */
  keyDim: number;
  /** Size of each head's value projection; default keyDim. */
  valueDim?: number;
  /** Dropout rate on the attention probabilities (training only). Default 0. */
  dropout?: number;
  /** Default true. */
  useBias?: boolean;
  /** Last axis of the output; default the query's last axis. */
  outputShape?: number | readonly [number];
  /** Query i attends keys j <= i only (Keras's `use_causal_mask`; may also be given to `apply`). */
  useCausalMask?: boolean;
  /** A second output, the attention probabilities (Keras's `return_attention_scores`; may also be given to `apply`). */
  returnAttentionScores?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike;
  biasRegularizer?: RegularizerLike;
}

export type { MultiHeadAttentionCallOptions } from './attention-call.js';

/** Byte offsets of one node's buffers, as per-head GEMM operands (built once per plan node). */
interface NodeBuffers {
  q: HeadOperand; k: HeadOperand; v: HeadOperand; kT: HeadOperand; vT: HeadOperand;
  probs: HeadOperand; probsT: HeadOperand; dropped: HeadOperand; droppedT: HeadOperand; o: HeadOperand;
  dq: HeadOperand; dk: HeadOperand; dv: HeadOperand; dDropped: HeadOperand; dProbs: HeadOperand;
  dScores: HeadOperand; dScoresT: HeadOperand; dO: HeadOperand;
}

/**
 * Multi-head attention: query [*, Tq, Dq], value [*, Tk, Dv], key [*, Tk, Dk] (default value) ->
 * [*, Tq, outputShape ?? Dq]. Weights in Keras order and layout: query kernel [Dq, heads, keyDim]
 * and bias [heads, keyDim], key kernel [Dk, heads, keyDim] and bias, value kernel
 * [Dv, heads, valueDim] and bias [heads, valueDim], output kernel [heads, valueDim, out] and bias
 * [out]. Scores are scaled by 1 / sqrt(keyDim).
 *
 * Masks, as Keras: a padding mask carried by the value (or key), [*, Tk] from `maskZero` or
 * `masking`, hides the padded keys from every query, combined with `attentionMask` and the causal
 * mask; the output carries the query's mask. Unlike Keras, the query's mask does not also zero
 * the rows of padded queries: those positions attend the valid keys as usual (finite values, no
 * NaN) and are skipped downstream through the output's mask, so outputs at valid positions are
 * the same as Keras's. A query row with no attended key (every key masked) is all zeros
 * (probabilities) and its output is the output bias.
 */
export class MultiHeadAttention extends Layer<MultiHeadAttentionConfig> {
  readonly className = 'MultiHeadAttention';
  /** Accepted options besides the base ones (unknown keys throw). */
  static override readonly options = layerOptions<MultiHeadAttentionConfig>()(
    'numHeads', 'keyDim', 'valueDim', 'dropout', 'useBias', 'outputShape', 'useCausalMask', 'returnAttentionScores',
    'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer',
  );
  private readonly heads: number;
  private readonly keyDim: number;
  private readonly valueDim: number;
  private readonly rate: number;
  private readonly outDim: number | undefined;
  private readonly buffers = new WeakMap<NodeIO, NodeBuffers>();
  private shapeStruct = 0;
  private shapeBatch = -1;
  private shapeNode: NodeIO | undefined;
  private dropCall: (DropoutForwardCall & DropoutBackwardCall) | undefined;

  constructor(config: MultiHeadAttentionConfig) {
    super(config, 'multi_head_attention');
    this.heads = positiveInt(this.name, 'numHeads', config.numHeads);
    this.keyDim = positiveInt(this.name, 'keyDim', config.keyDim);
    this.valueDim = positiveInt(this.name, 'valueDim', config.valueDim ?? config.keyDim);
    const rate = config.dropout ?? 0;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(`${this.name}: dropout must be a number in [0, 1), got ${String(rate)}`);
    this.rate = rate;
    const out = config.outputShape;
    if (out !== undefined) {
      const d = Array.isArray(out) ? (out.length === 1 ? out[0] : undefined) : out;
      if (d === undefined) throw new ValueError(`${this.name}: outputShape must be a positive integer or [integer] (the output's last axis), got ${JSON.stringify(out)}`);
      this.outDim = positiveInt(this.name, 'outputShape', d);
    }
    for (const flag of ['useCausalMask', 'returnAttentionScores'] as const) {
      const v = config[flag];
      if (v !== undefined && typeof v !== 'boolean') throw new ValueError(`${this.name}: ${flag} must be true or false, got ${String(v)}`);
    }
  }

  override get inputCount(): number {
    return -1;
  }

  /**
   * Calls the layer on `[query, value]` or `[query, value, key]` (Keras's order), with an optional
   * `attentionMask` ([*, Tq, Tk] or [*, Tk], 1 = attend) and `useCausalMask`; returns the output
   * (with `returnAttentionScores`, `applyAll` returns the output and the scores). A fourth input
   * in the list is taken as the attention mask (how saved graphs reload).
   */
  override apply(inputs: SymbolicTensor | readonly SymbolicTensor[], options: MultiHeadAttentionCallOptions = {}): SymbolicTensor {
    return this.applyAll(inputs, options)[0]!;
  }

  /** `apply`, returning every output: `[output]`, or `[output, scores]` with `returnAttentionScores`. */
  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[], options: MultiHeadAttentionCallOptions = {}): SymbolicTensor[] {
    return super.applyAll(attentionInputs(this.name, inputs, options, this.config, this.built));
  }

  /** The keys' padding mask: the value's (Keras), consumed by the node; the query's is passed on. */
  protected override consumedMask(inputs: readonly SymbolicTensor[]): SymbolicTensor | undefined {
    return keyPaddingMask(this.name, inputs[1]!, inputs[2]!);
  }

  /** The output keeps the query's time axis, so it carries the query's mask. */
  override get passesMask(): boolean {
    return true;
  }

  /** The query's mask (Keras's MultiHeadAttention.compute_mask): the value's mask is consumed, not passed. */
  protected override mergeMasks(inputs: readonly SymbolicTensor[]): SymbolicTensor | undefined {
    return inputs[0]!.mask;
  }

  private get causal(): boolean {
    return this.config.useCausalMask === true;
  }

  computeOutputShape(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length < 3 || inputShapes.length > 4) {
      throw new ValueError(`${this.name}: expects [query, value, key] plus an optional mask, got ${inputShapes.length} inputs`);
    }
    const [q, v, k, mask] = inputShapes as Shape[];
    const rank3 = (s: Shape, what: string): void => {
      if (s.length !== 2) throw new ShapeError(`${this.name}: expected ${what} of rank 3 [batch, time, features], got ${formatSample(s)}`);
    };
    rank3(q!, 'query');
    rank3(v!, 'value');
    rank3(k!, 'key');
    if (k![0] !== v![0]) throw new ShapeError(`${this.name}: key and value must have the same number of steps, got key ${formatSample(k!)} and value ${formatSample(v!)}`);
    if (mask !== undefined) {
      const full = mask.length === 2 && mask[0] === q![0] && mask[1] === v![0];
      const keys = mask.length === 1 && mask[0] === v![0];
      if (!full && !keys) throw new ShapeError(`${this.name}: attentionMask must be [*, ${q![0]}, ${v![0]}] (queries, keys) or [*, ${v![0]}], got ${formatSample(mask)}`);
    }
    if (this.inputShapes !== undefined) {
      const [bq, bv, bk] = this.inputShapes;
      if (q![1] !== bq![1] || v![1] !== bv![1] || k![1] !== bk![1]) {
        throw new ShapeError(`${this.name}: was built for features query ${bq![1]}, value ${bv![1]}, key ${bk![1]}; got ${q![1]}, ${v![1]}, ${k![1]}`);
      }
    }
    return [q![0]!, this.outDim ?? q![1]!];
  }

  /** The output, then with `returnAttentionScores` the probabilities [*, numHeads, Tq, Tk]. */
  override computeOutputSpecs(inputShapes: readonly Shape[]): OutputSpec[] {
    const out: OutputSpec[] = [{ shape: this.computeOutputShape(inputShapes) }];
    if (this.config.returnAttentionScores === true) out.push({ shape: [this.heads, inputShapes[0]![0]!, inputShapes[1]![0]!] });
    return out;
  }

  protected override build(inputShapes: readonly Shape[]): void {
    const [q, v, k] = inputShapes as Shape[];
    const { heads, keyDim, valueDim } = this;
    const useBias = this.config.useBias ?? true;
    const kernelInit = this.config.kernelInitializer ?? 'glorotUniform';
    const biasInit = this.config.biasInitializer ?? 'zeros';
    const reg = { regularizer: this.config.kernelRegularizer };
    const biasReg = { regularizer: this.config.biasRegularizer };
    const dense = (name: string, kernel: Shape, bias: Shape): void => {
      this.addWeight(`${name}/kernel`, kernel, kernelInit, reg);
      if (useBias) this.addWeight(`${name}/bias`, bias, biasInit, biasReg);
    };
    dense('query', [q![1]!, heads, keyDim], [heads, keyDim]);
    dense('key', [k![1]!, heads, keyDim], [heads, keyDim]);
    dense('value', [v![1]!, heads, valueDim], [heads, valueDim]);
    const out = this.outDim ?? q![1]!;
    dense('attention_output', [heads, valueDim, out], [out]);
    const h = heap();
    this.shapeStruct = allocStruct(ATTENTION_SHAPE.bytes, this.name);
    const ptr = this.shapeStruct;
    this.onDispose({ release: () => freeStructs(h, [ptr]) });
  }

  override stateRequests(inputShapes: readonly Shape[], _output: Shape, maxBatch: number): Record<string, StateRequest> {
    const [q, v] = inputShapes as Shape[];
    const tq = q![0]!;
    const tk = v![0]!;
    const hk = maxBatch * this.heads * this.keyDim;
    const hv = maxBatch * this.heads * this.valueDim;
    const scores = maxBatch * this.heads * tq * tk;
    const requests: Record<string, StateRequest> = {
      q: { floats: hk * tq }, k: { floats: hk * tk }, v: { floats: hv * tk }, probs: { floats: scores }, o: { floats: hv * tq },
      dq: { floats: hk * tq, grad: true }, dk: { floats: hk * tk, grad: true }, dv: { floats: hv * tk, grad: true },
      dProbs: { floats: scores, grad: true }, dScores: { floats: scores, grad: true }, dO: { floats: hv * tq, grad: true },
    };
    if (this.rate > 0) {
      requests.dropped = { floats: scores };
      requests.dropMask = { floats: scores };
      requests.dDropped = { floats: scores, grad: true };
    }
    return requests;
  }

  /** The node's buffers as per-head operands (made once per plan node, then reused every step). */
  private nodeBuffers(io: NodeIO): NodeBuffers {
    const known = this.buffers.get(io);
    if (known !== undefined) return known;
    const s = io.state;
    const tq = io.inputs[0]!.shape[0]!;
    const tk = io.inputs[1]!.shape[0]!;
    const { heads: h, keyDim: dk, valueDim: dv } = this;
    const dropped = this.rate > 0 ? s.dropped! : s.probs!;
    const dDropped = this.rate > 0 ? s.dDropped! : s.dProbs!;
    const made: NodeBuffers = {
      q: projected(s.q!, tq, h, dk), k: projected(s.k!, tk, h, dk), kT: projected(s.k!, tk, h, dk, true),
      v: projected(s.v!, tk, h, dv), vT: projected(s.v!, tk, h, dv, true), o: projected(s.o!, tq, h, dv),
      probs: packed(s.probs!, tq, tk, h), probsT: packed(s.probs!, tq, tk, h, true),
      dropped: packed(dropped, tq, tk, h), droppedT: packed(dropped, tq, tk, h, true),
      dq: projected(s.dq!, tq, h, dk), dk: projected(s.dk!, tk, h, dk), dv: projected(s.dv!, tk, h, dv),
      dDropped: packed(dDropped, tq, tk, h), dProbs: packed(s.dProbs!, tq, tk, h),
      dScores: packed(s.dScores!, tq, tk, h), dScoresT: packed(s.dScores!, tq, tk, h, true),
      dO: projected(s.dO!, tq, h, dv),
    };
    this.buffers.set(io, made);
    return made;
  }

  /** Writes the softmax's struct when the batch size changes (once per plan, and for a short last batch). */
  private softmaxShape(io: NodeIO, batch: number): number {
    if (batch === this.shapeBatch && io === this.shapeNode) return this.shapeStruct;
    const tq = io.inputs[0]!.shape[0]!;
    const tk = io.inputs[1]!.shape[0]!;
    const mask = io.inputs[3];
    const keyMask = mask !== undefined && mask.shape.length === 1;
    writeStruct(this.shapeStruct, ATTENTION_SHAPE, {
      batch, heads: this.heads, tq, tk, scale: 1 / Math.sqrt(this.keyDim), causal: this.causal ? 1 : 0,
      maskBatchStride: mask === undefined ? 0 : mask.size, maskRowStride: keyMask || mask === undefined ? 0 : tk,
    });
    this.shapeBatch = batch;
    this.shapeNode = io;
    return this.shapeStruct;
  }

  private dropout(io: NodeIO, ctx: CallContext, n: number): DropoutForwardCall & DropoutBackwardCall {
    const c = (this.dropCall ??= { y: 0, x: 0, dx: 0, dy: 0, mask: 0, n: 0, rate: 0, rng: ctx.rng });
    c.y = io.state.dropped!;
    c.x = io.state.probs!;
    c.dx = io.state.dProbs!;
    c.dy = io.state.dDropped!;
    c.mask = io.state.dropMask!;
    c.n = n;
    c.rate = this.rate;
    c.rng = ctx.rng;
    return c;
  }

  /** Weight pointers in Keras order: [kernel, bias or 0] for query, key, value, output. */
  private weightPtr(index: number): number {
    const useBias = this.config.useBias ?? true;
    const w = this.weights[useBias ? index : index / 2];
    return index % 2 === 1 && !useBias ? 0 : w!.ptr;
  }

  private gradPtr(io: NodeIO, index: number): number {
    const useBias = this.config.useBias ?? true;
    if (index % 2 === 1 && !useBias) return 0;
    return io.weightGrads[useBias ? index : index / 2] ?? 0;
  }

  forward(io: NodeIO, ctx: CallContext): void {
    const query = io.inputs[0]!;
    const value = io.inputs[1]!;
    const key = io.inputs[2]!;
    const mask = io.inputs[3];
    const b = nodeSizes(io, ctx.batch, this.heads, this.keyDim, this.valueDim);
    const buf = this.nodeBuffers(io);
    const s = io.state;
    projectForward(s.q!, query.ptr, this.weightPtr(0), this.weightPtr(1), b.rowsQ, b.dq, b.hk);
    projectForward(s.k!, key.ptr, this.weightPtr(2), this.weightPtr(3), b.rowsK, b.dk, b.hk);
    projectForward(s.v!, value.ptr, this.weightPtr(4), this.weightPtr(5), b.rowsK, b.dv, b.hv);
    perHead(ctx.batch, this.heads, buf.probs, buf.q, buf.kT, false);
    attentionSoftmaxForward(s.probs!, s.probs!, mask === undefined ? 0 : mask.ptr, io.mask?.ptr ?? 0, this.softmaxShape(io, ctx.batch));
    const dropping = ctx.training && this.rate > 0;
    if (dropping) dropoutForwardPtr(this.dropout(io, ctx, b.scores));
    const scores = io.outputs[1];
    if (scores !== undefined) copy(scores.ptr, s.probs!, b.scores);
    perHead(ctx.batch, this.heads, buf.o, dropping ? buf.dropped : buf.probs, buf.v, false);
    projectForward(io.z, s.o!, this.weightPtr(6), this.weightPtr(7), b.rowsQ, b.hv, io.output.shape[1]!);
  }

  backward(io: NodeIO, ctx: CallContext): void {
    const query = io.inputs[0]!;
    const value = io.inputs[1]!;
    const key = io.inputs[2]!;
    const b = nodeSizes(io, ctx.batch, this.heads, this.keyDim, this.valueDim);
    const buf = this.nodeBuffers(io);
    const s = io.state;
    const batch = ctx.batch;
    const h = this.heads;
    const dropping = ctx.training && this.rate > 0;
    // Every state gradient buffer is zeroed before backward, so each product accumulates into it.
    projectBackward(s.dO!, this.gradPtr(io, 6), this.gradPtr(io, 7), io.dz, s.o!, this.weightPtr(6), b.rowsQ, b.hv, io.output.shape[1]!);
    // Context = P·V: dP = dO·Vᵀ, dV += Pᵀ·dO.
    perHead(batch, h, dropping ? buf.dDropped : buf.dProbs, buf.dO, buf.vT, true);
    perHead(batch, h, buf.dv, dropping ? buf.droppedT : buf.probsT, buf.dO, true);
    if (dropping) dropoutBackwardPtr(this.dropout(io, ctx, b.scores));
    const scores = io.outputs[1];
    if (scores !== undefined && scores.grad !== 0) accumulatePtr(s.dProbs!, scores.grad, b.scores);
    attentionSoftmaxBackward(s.dScores!, s.dProbs!, s.probs!, this.softmaxShape(io, batch));
    // Scores = Q·Kᵀ: dQ += dS·K, dK += dSᵀ·Q.
    perHead(batch, h, buf.dq, buf.dScores, buf.k, true);
    perHead(batch, h, buf.dk, buf.dScoresT, buf.q, true);
    projectBackward(query.grad, this.gradPtr(io, 0), this.gradPtr(io, 1), s.dq!, query.ptr, this.weightPtr(0), b.rowsQ, b.dq, b.hk);
    projectBackward(key.grad, this.gradPtr(io, 2), this.gradPtr(io, 3), s.dk!, key.ptr, this.weightPtr(2), b.rowsK, b.dk, b.hk);
    projectBackward(value.grad, this.gradPtr(io, 4), this.gradPtr(io, 5), s.dv!, value.ptr, this.weightPtr(4), b.rowsK, b.dv, b.hv);
  }
}

/** Sizes of one step (plain numbers in a reused object: nothing allocated per step). */
const sizes = { tq: 0, tk: 0, dq: 0, dk: 0, dv: 0, hk: 0, hv: 0, rowsQ: 0, rowsK: 0, scores: 0 };

function nodeSizes(io: NodeIO, batch: number, heads: number, keyDim: number, valueDim: number): typeof sizes {
  sizes.tq = io.inputs[0]!.shape[0]!;
  sizes.tk = io.inputs[1]!.shape[0]!;
  sizes.dq = io.inputs[0]!.shape[1]!;
  sizes.dv = io.inputs[1]!.shape[1]!;
  sizes.dk = io.inputs[2]!.shape[1]!;
  sizes.hk = heads * keyDim;
  sizes.hv = heads * valueDim;
  sizes.rowsQ = batch * sizes.tq;
  sizes.rowsK = batch * sizes.tk;
  sizes.scores = batch * heads * sizes.tq * sizes.tk;
  return sizes;
}

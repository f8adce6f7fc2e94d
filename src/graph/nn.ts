// Network ops on symbolic tensors through the layers' pointer-level kernels: conv2d, max and
// average pooling, layer normalisation, dropout (reads ctx.training and ctx.rng), and random
// tensors drawn afresh every step from ctx.rng (sampling: a VAE's reparameterisation). Windowed
// ops keep one geometry per node, rebuilt (and the old struct released) when the batch changes.
import { ShapeError, ValueError } from '../core/errors.js';
import type { Shape } from '../core/tensor.js';
import type { OutputSpec, SymbolicTensor } from '../layers/layer.js';
import type { CallContext, NodeIO, StateRequest } from '../layers/node-io.js';
import { stridedCopy } from '../kernels/shape.js';
import { conv2dGeometry, convBackwardBiasPtr, convBackwardFilterPtr, convBackwardInputPtr, convForwardPtr, type ConvGeometry, type ConvOptions } from '../ops/conv.js';
import type { Geometry } from '../ops/geometry.js';
import { layerNormBackwardPtr, layerNormForwardPtr, NORM_DEFAULTS } from '../ops/norm-pointer.js';
import { avgPool2dBackwardPtr, avgPool2dForwardPtr, maxPool2dBackwardPtr, maxPool2dForwardPtr, pool2dGeometry, type PoolGeometry, type Pool2dOptions } from '../ops/pool.js';
import { dropoutBackwardPtr, dropoutForwardPtr, randomNormalPtr, randomUniformPtr } from '../ops/random.js';
import { writeStrided } from '../ops/strided.js';
import { BATCH, Op, fullShape, runtimeShape, runtimeSize, showShape, specOf, where } from './op.js';
import { STRUCT, copyBackward } from './shape.js';

/** The geometry of an image op at batch 1 for shape inference (BATCH stands for one sample); errors also show the symbolic shapes. */
function atOne<G>(shapes: readonly (readonly number[])[], build: (x: number[]) => G): G {
  try {
    return build(shapes[0]!.map((d) => (d === BATCH ? 1 : d)));
  } catch (err) {
    if (err instanceof ShapeError && shapes[0]![0] === BATCH) throw new ShapeError(`${err.message} (symbolic shapes: ${shapes.map(showShape).join(' and ')})`);
    throw err;
  }
}

/** Keeps one geometry per node, releasing the previous one's struct when it is replaced. */
class Geometries<G extends Geometry> {
  private readonly map = new WeakMap<NodeIO, G>();
  set(io: NodeIO, g: G): void {
    this.map.get(io)?.release();
    this.map.set(io, g);
  }
  get(io: NodeIO): G {
    return this.map.get(io)!;
  }
}

// Call objects refilled on every step (the pointer-level functions take objects; nothing is
// allocated per step).
const convCall = { y: 0, x: 0, w: 0, bias: 0 };
const convInput = { dx: 0, dy: 0, w: 0 };
const convFilter = { dw: 0, dy: 0, x: 0 };
const convBias = { db: 0, dy: 0 };
const poolCall = { y: 0, x: 0 };
const poolBack = { dx: 0, dy: 0, x: 0 };
const normCall = { y: 0, x: 0, gamma: 0, beta: 0, rows: 0, channels: 0, epsilon: 0, saveMean: 0, saveInvStd: 0 };
const normBack = { dx: 0, dgamma: 0, dbeta: 0, dy: 0, x: 0, gamma: 0, rows: 0, channels: 0, saveMean: 0, saveInvStd: 0 };
const dropCall = { y: 0, mask: 0, x: 0, n: 0, rate: 0, rng: undefined as unknown as CallContext['rng'] };
const dropBack = { dx: 0, dy: 0, mask: 0, n: 0 };

/** conv2d(x, w[, bias], options): x [*, h, w, inC] NHWC, w [kH, kW, inC, outC]. */
export class Conv2DOp extends Op {
  private readonly geometries = new Geometries<ConvGeometry>();
  constructor(readonly options: ConvOptions) {
    super('conv2d', { ...options });
  }
  private geometry(who: string, x: readonly number[], w: readonly number[]): ConvGeometry {
    if (x.length !== 4) throw new ShapeError(`${who}: x must be [batch, height, width, channels], got ${showShape(x)} (filter ${showShape(w)})`);
    return conv2dGeometry(x, w, this.options, who);
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const x = fullShape(inputs[0]!);
    const w = fullShape(inputs[1]!);
    const out = [x[0]!, ...atOne([x, w], (one) => this.geometry(who, one, w)).outputShape.slice(1)];
    if (inputs.length > 2) {
      const b = fullShape(inputs[2]!);
      if (b.length !== 1 || b[0] !== out[3]) throw new ShapeError(`${who}: bias must be [${out[3]}] (the filter's output channels), got ${showShape(b)}`);
    }
    return [specOf(out, who)];
  }
  protected override setup(io: NodeIO, batch: number): void {
    this.geometries.set(io, this.geometry(this.op, runtimeShape(io.inputs[0]!, batch), runtimeShape(io.inputs[1]!, batch)));
  }
  protected run(io: NodeIO): void {
    const [x, w, b] = io.inputs;
    convCall.y = io.output.ptr;
    convCall.x = x!.ptr;
    convCall.w = w!.ptr;
    convCall.bias = b === undefined ? 0 : b.ptr;
    convForwardPtr(this.geometries.get(io), convCall, this.op);
  }
  protected grad(io: NodeIO): void {
    const g = this.geometries.get(io);
    const [x, w, b] = io.inputs;
    const dy = io.output.grad;
    if (x!.grad !== 0) {
      convInput.dx = x!.grad;
      convInput.dy = dy;
      convInput.w = w!.ptr;
      convBackwardInputPtr(g, convInput, this.op);
    }
    if (w!.grad !== 0) {
      convFilter.dw = w!.grad;
      convFilter.dy = dy;
      convFilter.x = x!.ptr;
      convBackwardFilterPtr(g, convFilter, this.op);
    }
    if (b !== undefined && b.grad !== 0) {
      convBias.db = b.grad;
      convBias.dy = dy;
      convBackwardBiasPtr(g, convBias, this.op);
    }
  }
}

/** maxPool2d / avgPool2d(x, options) on x [*, h, w, c]. */
export class Pool2DOp extends Op {
  private readonly geometries = new Geometries<PoolGeometry>();
  constructor(kind: 'maxPool2d' | 'avgPool2d', readonly options: Pool2dOptions) {
    super(kind, { ...options });
  }
  private geometry(who: string, x: readonly number[]): PoolGeometry {
    if (x.length !== 4) throw new ShapeError(`${who}: x must be [batch, height, width, channels], got ${showShape(x)}`);
    return pool2dGeometry(x, this.options, who);
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const x = fullShape(inputs[0]!);
    return [specOf([x[0]!, ...atOne([x], (one) => this.geometry(who, one)).outputShape.slice(1)], who)];
  }
  protected override setup(io: NodeIO, batch: number): void {
    this.geometries.set(io, this.geometry(this.op, runtimeShape(io.inputs[0]!, batch)));
  }
  protected run(io: NodeIO): void {
    poolCall.y = io.output.ptr;
    poolCall.x = io.inputs[0]!.ptr;
    if (this.op === 'maxPool2d') maxPool2dForwardPtr(this.geometries.get(io), poolCall);
    else avgPool2dForwardPtr(this.geometries.get(io), poolCall);
  }
  protected grad(io: NodeIO): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    poolBack.dx = x.grad;
    poolBack.dy = io.output.grad;
    poolBack.x = x.ptr;
    if (this.op === 'maxPool2d') maxPool2dBackwardPtr(this.geometries.get(io), poolBack);
    else avgPool2dBackwardPtr(this.geometries.get(io), poolBack);
  }
}

/** layerNormalization(x, gamma, beta, epsilon) over the last axis (gamma and beta: [channels]). */
export class LayerNormOp extends Op {
  constructor(readonly epsilon: number = NORM_DEFAULTS.epsilon) {
    super('layerNormalization', { epsilon });
    if (!(typeof epsilon === 'number' && epsilon > 0)) throw new ValueError(`${where('layerNormalization')}: epsilon must be a positive number, got ${String(epsilon)}`);
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    const who = where(this.op);
    const x = fullShape(inputs[0]!);
    const c = x.at(-1);
    for (const p of inputs.slice(1)) {
      const s = fullShape(p);
      if (c === undefined || c === BATCH || s.length !== 1 || s[0] !== c) throw new ShapeError(`${who}: gamma and beta must be [channels] of x ${showShape(x)}, got ${showShape(s)}`);
    }
    return [specOf(x, who)];
  }
  override requests(io: { inputs: readonly SymbolicTensor[] }, maxBatch: number): Record<string, StateRequest> {
    const x = io.inputs[0]!;
    const rows = (x.batched ? maxBatch : 1) * x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return { mean: { floats: rows }, invStd: { floats: rows } };
  }
  private rows(io: NodeIO, batch: number): number {
    return runtimeSize(io.inputs[0]!, batch) / io.inputs[1]!.size;
  }
  protected run(io: NodeIO, ctx: CallContext): void {
    const [x, gamma, beta] = io.inputs;
    normCall.y = io.output.ptr;
    normCall.x = x!.ptr;
    normCall.gamma = gamma!.ptr;
    normCall.beta = beta!.ptr;
    normCall.rows = this.rows(io, ctx.batch);
    normCall.channels = gamma!.size;
    normCall.epsilon = this.epsilon;
    normCall.saveMean = io.state.mean!;
    normCall.saveInvStd = io.state.invStd!;
    layerNormForwardPtr(normCall);
  }
  protected grad(io: NodeIO, ctx: CallContext): void {
    const [x, gamma, beta] = io.inputs;
    if (x!.grad === 0 && gamma!.grad === 0 && beta!.grad === 0) return;
    normBack.dx = x!.grad || io.sink;
    normBack.dgamma = gamma!.grad || io.sink;
    normBack.dbeta = beta!.grad || io.sink;
    normBack.dy = io.output.grad;
    normBack.x = x!.ptr;
    normBack.gamma = gamma!.ptr;
    normBack.rows = this.rows(io, ctx.batch);
    normBack.channels = gamma!.size;
    normBack.saveMean = io.state.mean!;
    normBack.saveInvStd = io.state.invStd!;
    layerNormBackwardPtr(normBack);
  }
}

/** Inverted dropout while training (ctx.training), the identity otherwise. */
export class DropoutOp extends Op {
  constructor(readonly rate: number) {
    super('dropout', { rate });
    if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) throw new ValueError(`${where('dropout')}: rate must be in [0, 1), got ${String(rate)}`);
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    return [specOf(fullShape(inputs[0]!), where(this.op))];
  }
  override requests(io: { inputs: readonly SymbolicTensor[] }, maxBatch: number): Record<string, StateRequest> {
    const x = io.inputs[0]!;
    return { shape: STRUCT, mask: { floats: (x.batched ? maxBatch : 1) * x.shape.reduce((a, b) => a * b, 1) } };
  }
  protected override setup(io: NodeIO, batch: number): void {
    writeStrided(io.state.shape!, { dims: [runtimeSize(io.output, batch)], strides: [[1], [1]] });
  }
  protected run(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (!(ctx.training && this.rate > 0)) {
      stridedCopy(io.output.ptr, x.ptr, io.state.shape!);
      return;
    }
    dropCall.y = io.output.ptr;
    dropCall.mask = io.state.mask!;
    dropCall.x = x.ptr;
    dropCall.n = runtimeSize(x, ctx.batch);
    dropCall.rate = this.rate;
    dropCall.rng = ctx.rng;
    dropoutForwardPtr(dropCall);
  }
  protected grad(io: NodeIO, ctx: CallContext): void {
    const x = io.inputs[0]!;
    if (x.grad === 0) return;
    if (!(ctx.training && this.rate > 0)) {
      copyBackward(x.grad, io.output.grad, io.state.shape!);
      return;
    }
    dropBack.dx = x.grad;
    dropBack.dy = io.output.grad;
    dropBack.mask = io.state.mask!;
    dropBack.n = runtimeSize(x, ctx.batch);
    dropoutBackwardPtr(dropBack);
  }
}

/** A random tensor of the shape of its input (whose values are not read), drawn every step. */
export class RandomOp extends Op {
  constructor(kind: 'randomNormal' | 'randomUniform', readonly a: number, readonly b: number) {
    super(kind, kind === 'randomNormal' ? { mean: a, stddev: b } : { minval: a, maxval: b });
    if (!(Number.isFinite(a) && Number.isFinite(b) && (kind === 'randomNormal' ? b >= 0 : a <= b))) {
      throw new ValueError(`${where(kind)}: ${kind === 'randomNormal' ? `stddev must be >= 0, got mean ${a}, stddev ${b}` : `minval must be <= maxval, got ${a}, ${b}`}`);
    }
  }
  outputSpecs(inputs: readonly SymbolicTensor[]): OutputSpec[] {
    return [specOf(fullShape(inputs[0]!), where(this.op))];
  }
  protected run(io: NodeIO, ctx: CallContext): void {
    const n = runtimeSize(io.output, ctx.batch);
    if (this.op === 'randomNormal') randomNormalPtr(io.output.ptr, n, this.a, this.b, ctx.rng);
    else randomUniformPtr(io.output.ptr, n, this.a, this.b, ctx.rng);
  }
  protected grad(): void {}
}

/** The shape of a symbolic tensor, for the random ops (`ops.randomNormal(ops.shapeOf(mean))`). */
export class SymbolicShape {
  constructor(readonly of: SymbolicTensor) {}
  /** The full shape, `-1` for the batch axis. */
  get shape(): Shape {
    return fullShape(this.of);
  }
}

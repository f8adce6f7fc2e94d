// Rebuilding ops from their saved configs (className 'Op', config.op the op's name and its
// attributes), so saved models whose graphs contain op nodes load again. Weights read by a custom
// layer's call are the layer's, not ops: they are not rebuilt here.
import { ValueError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { ACTIVATION_NAMES, type ActivationName } from '../ops/activation.js';
import type { BinaryOpName, ReduceOpName, UnaryOpName } from '../ops/index.js';
import { get as getLoss } from '../losses/index.js';
import { ActivationOp, SoftmaxOp } from './activation.js';
import { BinaryOp, UnaryOp, WhereOp } from './elementwise.js';
import { GatherOp, OneHotOp } from './gather.js';
import { ConcatOp, SplitOp } from './join.js';
import { LossOp } from './loss-op.js';
import { MatmulOp } from './matmul.js';
import { Conv2DOp, DropoutOp, LayerNormOp, Pool2DOp, RandomOp } from './nn.js';
import type { Op } from './op.js';
import { ReduceOp } from './reduce.js';
import { ReshapeOp, SliceOp, TileOp, TransposeOp } from './shape.js';
import { Constant } from './sources.js';

type OpMaker = (config: Record<string, unknown>) => Op;

const BINARY: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'];
const UNARY: readonly UnaryOpName[] = ['neg', 'abs', 'square', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'clip'];
const REDUCE: readonly ReduceOpName[] = ['sum', 'mean', 'max', 'min', 'variance'];
const ELEMENTWISE_ACTIVATIONS = ACTIVATION_NAMES.filter((k) => k !== 'softmax' && k !== 'logSoftmax');

/** The window options of a conv or pool config: every attribute but the bookkeeping ones. */
function windowOf(c: Record<string, unknown>): Record<string, unknown> {
  const { op: _op, name: _name, trainable: _trainable, ...rest } = c;
  return rest;
}

const MAKERS = new Map<string, OpMaker>([
  ...BINARY.map((k): [string, OpMaker] => [k, () => new BinaryOp(k)]),
  ...UNARY.map((k): [string, OpMaker] => [k, (c) => new UnaryOp(k, Number(c.lo ?? 0), Number(c.hi ?? 0))]),
  ...REDUCE.map((k): [string, OpMaker] => [k, (c) => new ReduceOp(k, (c.axis ?? undefined) as number | number[] | undefined, c.keepDims === true)]),
  ...ELEMENTWISE_ACTIVATIONS.map((k): [string, OpMaker] => [k, (c) => new ActivationOp(k as ActivationName, c.alpha as number | undefined)]),
  ['where', () => new WhereOp()],
  ['constant', (c) => new Constant(new Tensor(Float32Array.from(c.value as number[]), c.shape as number[]))],
  ['loss', (c) => new LossOp(getLoss(c.loss as string, c.config as Record<string, unknown>))],
  ['matmul', (c) => new MatmulOp(c.transposeA === true, c.transposeB === true)],
  ['reshape', (c) => new ReshapeOp('reshape', { shape: c.shape as number[] })],
  ['expandDims', (c) => new ReshapeOp('expandDims', { axis: c.axis as number })],
  ['squeeze', (c) => new ReshapeOp('squeeze', { axis: c.axis as number | number[] | null })],
  ['transpose', (c) => new TransposeOp((c.perm ?? null) as number[] | null)],
  ['slice', (c) => new SliceOp(c.begin as number[], c.size as number[])],
  ['tile', (c) => new TileOp(c.reps as number[])],
  ['concat', (c) => new ConcatOp('concat', c.axis as number)],
  ['stack', (c) => new ConcatOp('stack', c.axis as number)],
  ['split', (c) => new SplitOp(c.sections as number | number[], c.axis as number)],
  ['gather', (c) => new GatherOp(c.axis as number)],
  ['oneHot', (c) => new OneHotOp(c.depth as number)],
  ['softmax', (c) => new SoftmaxOp('softmax', c.axis as number)],
  ['logSoftmax', (c) => new SoftmaxOp('logSoftmax', c.axis as number)],
  ['conv2d', (c) => new Conv2DOp(windowOf(c))],
  ['maxPool2d', (c) => new Pool2DOp('maxPool2d', windowOf(c))],
  ['avgPool2d', (c) => new Pool2DOp('avgPool2d', windowOf(c))],
  ['layerNormalization', (c) => new LayerNormOp(c.epsilon as number)],
  ['dropout', (c) => new DropoutOp(c.rate as number)],
  ['randomNormal', (c) => new RandomOp('randomNormal', c.mean as number, c.stddev as number)],
  ['randomUniform', (c) => new RandomOp('randomUniform', c.minval as number, c.maxval as number)],
]);

/** Registers how to rebuild an op from its config (op families call it for their ops). */
export function registerOp(name: string, make: OpMaker): void {
  MAKERS.set(name, make);
}

/** The names of the ops `opFromConfig` rebuilds, sorted. */
export function opNames(): string[] {
  return [...MAKERS.keys()].sort();
}

/**
 * The op a saved config describes (an op's `getConfig()`). Throws a ValueError naming an unknown
 * op, or a 'weight' op (a weight belongs to its layer and comes back by tracing that layer's call).
 */
export function opFromConfig(config: Record<string, unknown>): Op {
  if (config === null || typeof config !== 'object') throw new ValueError(`ops: expected an op config { op, ... }, got ${String(config)}`);
  const name = config.op;
  if (name === 'weight') throw new ValueError(`ops: op 'weight' (${String(config.weight)}) reads a layer's weight; it is rebuilt by tracing that layer's call, not from its config`);
  const make = typeof name === 'string' ? MAKERS.get(name) : undefined;
  if (make === undefined) throw new ValueError(`ops: cannot rebuild op ${JSON.stringify(name)} from a saved config; known: ${[...MAKERS.keys()].join(', ')}`);
  const op = make(config);
  // The saved graph's nodes refer to ops by name; the op constructors take attributes only, so
  // the saved name is put back here.
  if (typeof config.name === 'string' && config.name !== '') Object.defineProperty(op, 'name', { value: config.name, writable: false, enumerable: true, configurable: false });
  return op;
}

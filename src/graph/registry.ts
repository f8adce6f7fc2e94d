// Rebuilding ops from their saved form (`getConfig()`: className 'Op', config.op the op's name
// and its attributes), so that saved models containing op nodes load. Weights read by a custom
// layer's call are the layer's, not ops: they are not rebuilt here.
import { ValueError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { ActivationName } from '../ops/activation.js';
import { ACTIVATION_NAMES } from '../ops/activation.js';
import type { BinaryOpName, ReduceOpName, UnaryOpName } from '../ops/index.js';
import { ActivationOp, SoftmaxOp } from './activation.js';
import { BinaryOp, UnaryOp, WhereOp } from './elementwise.js';
import { GatherOp, OneHotOp } from './gather.js';
import { ConcatOp, SplitOp } from './join.js';
import { MatmulOp } from './matmul.js';
import { Conv2DOp, DropoutOp, LayerNormOp, Pool2DOp, RandomOp } from './nn.js';
import type { Op, OpConfig } from './op.js';
import { ReduceOp } from './reduce.js';
import { ReshapeOp, SliceOp, TileOp, TransposeOp } from './shape.js';
import { Constant } from './sources.js';

type Attrs = Record<string, unknown>;
const BINARY: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'];
const UNARY: readonly UnaryOpName[] = ['neg', 'abs', 'square', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'clip'];
const REDUCE: readonly ReduceOpName[] = ['sum', 'mean', 'max', 'min', 'variance'];

/** The window options of a conv or pool config: every attribute but the bookkeeping ones. */
function windowOf(c: Attrs): Attrs {
  const { op: _op, name: _name, trainable: _trainable, ...rest } = c;
  return rest;
}

const BUILDERS: Record<string, (c: Attrs) => Op> = {
  where: () => new WhereOp(),
  matmul: (c) => new MatmulOp(c.transposeA === true, c.transposeB === true),
  reshape: (c) => new ReshapeOp('reshape', { shape: c.shape as number[] }),
  expandDims: (c) => new ReshapeOp('expandDims', { axis: c.axis as number }),
  squeeze: (c) => new ReshapeOp('squeeze', { axis: c.axis as number | number[] | null }),
  transpose: (c) => new TransposeOp((c.perm ?? null) as number[] | null),
  slice: (c) => new SliceOp(c.begin as number[], c.size as number[]),
  tile: (c) => new TileOp(c.reps as number[]),
  concat: (c) => new ConcatOp('concat', c.axis as number),
  stack: (c) => new ConcatOp('stack', c.axis as number),
  split: (c) => new SplitOp(c.sections as number | number[], c.axis as number),
  gather: (c) => new GatherOp(c.axis as number),
  oneHot: (c) => new OneHotOp(c.depth as number),
  softmax: (c) => new SoftmaxOp('softmax', c.axis as number),
  logSoftmax: (c) => new SoftmaxOp('logSoftmax', c.axis as number),
  conv2d: (c) => new Conv2DOp(windowOf(c)),
  maxPool2d: (c) => new Pool2DOp('maxPool2d', windowOf(c)),
  avgPool2d: (c) => new Pool2DOp('avgPool2d', windowOf(c)),
  layerNormalization: (c) => new LayerNormOp(c.epsilon as number),
  dropout: (c) => new DropoutOp(c.rate as number),
  randomNormal: (c) => new RandomOp('randomNormal', c.mean as number, c.stddev as number),
  randomUniform: (c) => new RandomOp('randomUniform', c.minval as number, c.maxval as number),
  constant: (c) => new Constant(new Tensor(Float32Array.from(c.value as number[]), c.shape as number[])),
};
for (const k of BINARY) BUILDERS[k] = () => new BinaryOp(k);
for (const k of UNARY) BUILDERS[k] = (c) => (k === 'clip' ? new UnaryOp('clip', c.lo as number, c.hi as number) : new UnaryOp(k));
for (const k of REDUCE) BUILDERS[k] = (c) => new ReduceOp(k, (c.axis ?? undefined) as number | number[] | undefined, c.keepDims === true);
for (const k of ACTIVATION_NAMES) {
  if (k !== 'softmax' && k !== 'logSoftmax') BUILDERS[k] = (c) => new ActivationOp(k as ActivationName, c.alpha as number | undefined);
}

/** The op names `opFromConfig` rebuilds. */
export const OP_NAMES: readonly string[] = Object.keys(BUILDERS).sort();

/**
 * Rebuilds an op from its `getConfig()` (or the `{ className: 'Op', config }` entry of a saved
 * model). Throws a ValueError naming an unknown op, or a 'weight' op (a weight belongs to its layer).
 */
export function opFromConfig(config: OpConfig | { className: string; config: OpConfig }): Op {
  const c = (config !== null && typeof config === 'object' && 'className' in config && 'config' in config ? config.config : config) as Attrs | null;
  if (c === null || typeof c !== 'object' || typeof c.op !== 'string') throw new ValueError(`opFromConfig: expected an op config { op, ... }, got ${JSON.stringify(config)}`);
  if (c.op === 'weight') throw new ValueError(`opFromConfig: op 'weight' (${String(c.weight)}) reads a layer's weight; it is rebuilt by tracing that layer's call, not from its config`);
  const build = Object.hasOwn(BUILDERS, c.op) ? BUILDERS[c.op] : undefined;
  if (build === undefined) throw new ValueError(`opFromConfig: unknown op '${c.op}'; known ops: ${OP_NAMES.join(', ')}`);
  return build(c);
}

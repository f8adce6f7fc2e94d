// Rebuilding ops from their saved configs (className 'Op', config.op the op's name), so saved
// models whose graphs contain op nodes load again.
import { ValueError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import type { BinaryOpName, ReduceOpName, UnaryOpName } from '../ops/index.js';
import { BinaryOp, UnaryOp, WhereOp } from './elementwise.js';
import type { Op } from './op.js';
import { ReduceOp } from './reduce.js';
import { Constant } from './sources.js';
import { LossOp } from './loss-op.js';
import { get as getLoss } from '../losses/index.js';

type OpMaker = (config: Record<string, unknown>) => Op;

const BINARY: readonly BinaryOpName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'];
const UNARY: readonly UnaryOpName[] = ['neg', 'abs', 'square', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'clip'];
const REDUCE: readonly ReduceOpName[] = ['sum', 'mean', 'max', 'min', 'variance'];

const MAKERS = new Map<string, OpMaker>([
  ...BINARY.map((k): [string, OpMaker] => [k, () => new BinaryOp(k)]),
  ...UNARY.map((k): [string, OpMaker] => [k, (c) => new UnaryOp(k, Number(c.lo ?? 0), Number(c.hi ?? 0))]),
  ...REDUCE.map((k): [string, OpMaker] => [k, (c) => new ReduceOp(k, (c.axis ?? undefined) as number | number[] | undefined, c.keepDims === true)]),
  ['where', () => new WhereOp()],
  ['constant', (c) => new Constant(new Tensor(Float32Array.from(c.value as number[]), c.shape as number[]))],
  ['loss', (c) => new LossOp(getLoss(c.loss as string, c.config as Record<string, unknown>))],
]);

/** Registers how to rebuild an op from its config (op families call it for their ops). */
export function registerOp(name: string, make: OpMaker): void {
  MAKERS.set(name, make);
}

/** The op a saved config describes; throws naming the op when it is unknown. */
export function opFromConfig(config: Record<string, unknown>): Op {
  const name = config.op;
  const make = typeof name === 'string' ? MAKERS.get(name) : undefined;
  if (make === undefined) throw new ValueError(`ops: cannot rebuild op ${JSON.stringify(name)} from a saved config; known: ${[...MAKERS.keys()].join(', ')}`);
  return make(config);
}

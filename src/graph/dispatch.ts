// How the public ops choose their route: eager (every operand a Tensor or number: computed now)
// or symbolic (an operand is a SymbolicTensor or a Weight: a node is recorded for the plan).
import { ValueError } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { SymbolicTensor, describeOperand, type Weight } from '../layers/layer.js';
import { where } from './op.js';
import { constantTensor, weightTensor } from './sources.js';

/** What a differentiable op accepts: a tensor (eager), a symbolic tensor, a layer's weight, or a number. */
export type Operand = Tensor | SymbolicTensor | Weight | number;

/** Anything that makes an op symbolic. */
export type Symbolic = SymbolicTensor | Weight;

function isWeight(v: unknown): v is Weight {
  return v !== null && typeof v === 'object' && (v as { isWeight?: unknown }).isWeight === true;
}

/** Whether any operand is symbolic (a SymbolicTensor or a Weight). */
export function anySymbolic(...values: readonly unknown[]): boolean {
  for (const v of values) if (v instanceof SymbolicTensor || isWeight(v)) return true;
  return false;
}

/**
 * An operand as a symbolic tensor: weights and constants become nodes. Anything else throws,
 * naming the op, the operand and (inside a custom layer's call) the layer.
 */
export function toSymbolic(v: unknown, op: string, name: string): SymbolicTensor {
  if (v instanceof SymbolicTensor) return v;
  if (isWeight(v)) return weightTensor(v);
  if (typeof v === 'number') return constantTensor(v);
  if (v instanceof Tensor) return constantTensor(v);
  throw new ValueError(`${where(`ops.${op}`)}: ${name} must be a Tensor, SymbolicTensor, Weight or number, got ${describeOperand(v)}`);
}

/** Throws unless `v` is a SymbolicTensor or Weight or Tensor (no numbers: an op needs a shape). */
export function toSymbolicTensor(v: unknown, op: string, name: string): SymbolicTensor {
  if (typeof v === 'number') throw new ValueError(`${where(`ops.${op}`)}: ${name} must be a Tensor, SymbolicTensor or Weight, got the number ${v}`);
  return toSymbolic(v, op, name);
}

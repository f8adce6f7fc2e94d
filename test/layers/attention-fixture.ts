// The PyTorch 1.13 fixture of multi-head attention (test/fixtures/attention/attention.json, made by
// scripts/fixtures/attention.py): torch.nn.MultiheadAttention cases with weights in Keras layout.
import { readFileSync } from 'node:fs';
import { Input, type SymbolicTensor } from '../../src/index.js';

/** One torch case: inputs, weights, outputs, gradients and per-head attention probabilities. */
export interface AttentionCase {
  config: Record<string, unknown>;
  selfAttention: boolean;
  query: number[];
  queryShape: number[];
  key?: number[];
  keyShape?: number[];
  value?: number[];
  valueShape?: number[];
  mask?: number[];
  weights: number[][];
  y: number[];
  dy: number[];
  dquery: number[];
  dkey?: number[];
  dvalue?: number[];
  dweights: number[][];
  /** [batch, heads, Tq, Tk]. */
  scores: number[];
}

export const attentionFixture = JSON.parse(readFileSync(new URL('../fixtures/attention/attention.json', import.meta.url), 'utf8')) as { cases: Record<string, AttentionCase> };

/** A case's symbolic inputs (query, then value and key unless self-attention, then the mask) with their values and batch shapes. */
export function caseInputs(c: AttentionCase): { inputs: SymbolicTensor[]; call: SymbolicTensor[]; mask: SymbolicTensor | undefined; values: number[][]; shapes: number[][] } {
  const [batch, tq] = c.queryShape as [number, number, number];
  const q = Input({ shape: c.queryShape.slice(1) });
  const inputs = [q];
  const values = [c.query];
  const shapes = [c.queryShape];
  let call = [q, q];
  if (!c.selfAttention) {
    const v = Input({ shape: c.valueShape!.slice(1) });
    const k = Input({ shape: c.keyShape!.slice(1) });
    inputs.push(v, k);
    values.push(c.value!, c.key!);
    shapes.push(c.valueShape!, c.keyShape!);
    call = [q, v, k];
  }
  let mask: SymbolicTensor | undefined;
  if (c.mask !== undefined) {
    const tk = c.mask.length / batch / tq;
    mask = Input({ shape: [tq, tk] });
    inputs.push(mask);
    values.push(c.mask);
    shapes.push([batch, tq, tk]);
  }
  return { inputs, call, mask, values, shapes };
}

// Tensors with no inputs in a traced graph: a layer's weight (read in place, its gradient is the
// weight's gradient buffer) and constants (numbers and eager Tensors captured by a trace).
import { writeF32 } from '../backend/memory.js';
import { Tensor, sizeOf } from '../core/tensor.js';
import type { OutputSpec, SymbolicTensor, Weight } from '../layers/layer.js';
import type { NodeIO, StateRequest } from '../layers/node-io.js';
import { Op } from './op.js';

/** A weight as a symbolic tensor: the plan points the tensor at the weight's memory (no copy, no kernel). */
export class WeightRead extends Op {
  constructor(readonly weight: Weight) {
    super('weight', { weight: weight.name });
  }
  override get readsWeight(): Weight {
    return this.weight;
  }
  outputSpecs(): OutputSpec[] {
    return [{ shape: this.weight.shape, batched: false }];
  }
  protected run(): void {}
  protected grad(): void {}
}

/** A constant tensor (unbatched), written into the plan once. */
export class Constant extends Op {
  private readonly data: Float32Array;
  constructor(readonly value: Tensor) {
    super('constant', { shape: [...value.shape], value: Array.from(value.data) });
    this.data = value.data;
  }
  outputSpecs(): OutputSpec[] {
    return [{ shape: this.value.shape, batched: false }];
  }
  protected override setup(io: NodeIO): void {
    writeF32(io.output.ptr, this.data);
  }
  override requests(): Record<string, StateRequest> {
    return {};
  }
  protected run(): void {}
  protected grad(): void {}
}

/** The symbolic tensor of a weight (a new node per use: reading is free). */
export function weightTensor(w: Weight): SymbolicTensor {
  return new WeightRead(w).record([])[0]!;
}

/** A constant symbolic tensor. */
export function constantTensor(value: Tensor | number): SymbolicTensor {
  const t = typeof value === 'number' ? new Tensor(Float32Array.of(value), []) : value;
  if (sizeOf(t.shape) !== t.data.length) throw new Error('constant: inconsistent tensor');
  return new Constant(t).record([])[0]!;
}

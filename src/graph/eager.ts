// The eager route of the ops that have no tensor-level twin in src/ops: the op's own plan code
// (setup, run) on scratch buffers, so eager and symbolic results are the same kernels and bits.
import { readF32, withScratch, writeF32, f32 } from '../backend/memory.js';
import { Tensor, sizeOf, type Shape } from '../core/tensor.js';
import type { SymbolicTensor } from '../layers/layer.js';
import type { CallContext, NodeIO, Slot } from '../layers/node-io.js';
import { Rng } from '../random.js';
import type { Op } from './op.js';

/** An unbatched stand-in for a symbolic tensor of this full shape (shape inference only reads shape and batched). */
export function shapeOnly(shape: Shape): SymbolicTensor {
  return { shape, batched: false } as unknown as SymbolicTensor;
}

const EAGER_CTX: CallContext = { training: false, batch: 1, rng: new Rng(0) };

/** Runs `op` on tensors now: outputs validated by its `outputSpecs`, computed by its plan code. */
export function evaluate(op: Op, inputs: readonly Tensor[], ctx: CallContext = EAGER_CTX): Tensor[] {
  const fakes = inputs.map((t) => shapeOnly(t.shape));
  const specs = op.outputSpecs(fakes);
  if (op.aliasesInput === 'output') return [new Tensor(Float32Array.from(inputs[0]!.data), specs[0]!.shape)];
  const requests = op.requests({ inputs: fakes, outputs: specs.map((s) => shapeOnly(s.shape)) }, 1);
  return withScratch((alloc) => {
    const slot = (shape: Shape): Slot => ({ ptr: alloc(Math.max(16, sizeOf(shape) * 4)), grad: 0, shape, size: sizeOf(shape), batched: false });
    const ins = inputs.map((t) => {
      const s = slot(t.shape);
      writeF32(s.ptr, t.data);
      return s;
    });
    const outs = specs.map((s) => slot(s.shape));
    const state: Record<string, number> = {};
    for (const [name, r] of Object.entries(requests)) {
      const p = alloc(Math.max(16, r.floats * 4));
      f32().fill(0, p >>> 2, (p >>> 2) + r.floats);
      state[name] = p;
    }
    const io: NodeIO = { inputs: ins, output: outs[0]!, outputs: outs, z: outs[0]!.ptr, dz: 0, weightGrads: [], state, sink: 0 };
    op.forward(io, ctx);
    return outs.map((s) => new Tensor(readF32(s.ptr, s.size), s.shape));
  }, op.op);
}

// Calling a model on new symbolic inputs (Keras's `model(x)` inside another graph): every node is
// applied again to the new tensors, sharing the layers and so the weights.
import { ShapeError, ValueError } from '../core/errors.js';
import { sameShape } from '../core/tensor.js';
import { Op } from '../graph/op.js';
import { SymbolicTensor, describeOperand } from '../layers/layer.js';
import { formatSample } from '../layers/layer-helpers.js';
import type { Graph } from './graph.js';

/** The model's outputs computed from `inputs` (one per model input, same per-sample shapes). */
export function applyGraph(graph: Graph, inputs: SymbolicTensor | readonly SymbolicTensor[], who: string): SymbolicTensor[] {
  const list = inputs instanceof SymbolicTensor ? [inputs] : Array.isArray(inputs) ? [...inputs] : [];
  if (list.length !== graph.inputs.length || !list.every((t) => t instanceof SymbolicTensor)) {
    throw new ValueError(`${who}: expected ${graph.inputs.length} SymbolicTensor input${graph.inputs.length === 1 ? '' : 's'}, got ${describeOperand(inputs)}`);
  }
  const map = new Map<SymbolicTensor, SymbolicTensor>();
  graph.inputs.forEach((t, i) => {
    const given = list[i]!;
    if (!given.batched || !sameShape(given.shape, t.shape)) throw new ShapeError(`${who}: input ${i} must be a batch of ${formatSample(t.shape)}, got ${given.toString()}`);
    map.set(t, given);
  });
  for (const node of graph.nodes) {
    const ins = node.inputs.map((t) => map.get(t)!);
    const outs = node.layer instanceof Op ? node.layer.record(ins) : node.layer.applyAll(ins);
    node.outputs.forEach((t, i) => map.set(t, outs[i]!));
  }
  return graph.outputs.map((t) => map.get(t)!);
}

// Calling a model on new symbolic inputs (Keras's `model(x)` inside another graph): every node is
// applied again to the new tensors, sharing the layers and so the weights.
import { ShapeError, ValueError } from '../core/errors.js';
import { sameShape } from '../core/tensor.js';
import { Op } from '../graph/op.js';
import { SymbolicTensor, describeOperand, type Layer } from '../layers/layer.js';
import { formatSample } from '../layers/layer-helpers.js';
import type { Graph } from './graph.js';
import type { Compiled } from '../train/trainer.js';

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
    const ins = node.dataInputs.map((t) => map.get(t)!);
    const outs = node.layer instanceof Op ? node.layer.record(ins) : node.layer.applyAll(ins);
    node.outputs.forEach((t, i) => map.set(t, outs[i]!));
  }
  return graph.outputs.map((t) => map.get(t)!);
}

/**
 * compile's settings as saved with the model: the optimizer, and the loss and metrics when they
 * are built-in (names or registered objects); a loss written as a function is not saved (the
 * loaded model is then not compiled), nor are metrics per output.
 */
export function savedCompile(c: Compiled): Record<string, unknown> | undefined {
  if (c.heads.length === 0 || c.heads.some((h) => h.loss === undefined)) return undefined;
  const losses = c.heads.map((h) => ({ name: h.loss!.name, config: h.loss!.getConfig() }));
  const metrics = c.heads.length === 1 && Array.isArray(c.spec.metrics) ? (c.spec.metrics as ReadonlyArray<{ name: string } | string>).map((m) => (typeof m === 'string' ? m : m.name)) : [];
  return {
    optimizer: { name: c.optimizer.name, config: c.optimizer.getConfig() },
    loss: losses.length === 1 ? losses[0] : losses,
    ...(c.heads.some((h) => h.weight !== 1) ? { lossWeights: c.heads.map((h) => h.weight) } : {}),
    metrics,
  };
}

/** The architecture as JSON-friendly data: inputs, layer configs, nodes with their inbound tensors, outputs. */
export function graphConfig(graph: Graph, className: string, name: string, seed: number): Record<string, unknown> {
  // A tensor is [layer name, call index] or, for a later output of a layer with several, [name, call, output].
  const index = new Map<SymbolicTensor, [string, number] | [string, number, number]>();
  const nodeCount = new Map<Layer, number>();
  const inputs = graph.inputs.map((t) => {
    index.set(t, [t.node.layer.name, 0]);
    return { name: t.node.layer.name, className: 'InputLayer', config: t.node.layer.getConfig() };
  });
  const nodes = graph.nodes.map((node) => {
    const read = node.layer.readsWeight;
    if (read !== undefined) throw new ValueError(`${name}.save: the model reads the weight ${read.name} with ops outside a layer; compute it inside a custom layer's call() so the saved model can rebuild it`);
    const k = nodeCount.get(node.layer) ?? 0;
    nodeCount.set(node.layer, k + 1);
    node.outputs.forEach((t, i) => index.set(t, i === 0 ? [node.layer.name, k] : [node.layer.name, k, i]));
    return { layer: node.layer.name, inbound: node.dataInputs.map((t) => index.get(t)!) };
  });
  const outputs = graph.outputs.map((t) => index.get(t)!);
  return {
    className,
    name,
    seed,
    inputs,
    layers: graph.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    nodes,
    output: outputs[0],
    ...(outputs.length > 1 ? { outputs } : {}),
  };
}

// A functional graph: the nodes between a model's inputs and its outputs (and its loss terms), in
// topological order.
import { ValueError } from '../core/errors.js';
import { InputLayer } from '../layers/core.js';
import { GraphNode, SymbolicTensor, checkScalarTerm, describeOperand, type Layer } from '../layers/layer.js';
import { checkNotFreed } from './ownership.js';
import type { Tensor } from '../core/tensor.js';
import { activityTerms } from '../layers/activity.js';

/** The resolved topology of a model. */
export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** The first output (single-output models). */
  readonly output: SymbolicTensor;
  /** Loss terms of the whole model: `model.addLoss` terms and activity penalties. */
  readonly losses: readonly SymbolicTensor[];
  /** The `model.addLoss` terms alone. */
  readonly explicitLosses: readonly SymbolicTensor[];
  /** The `model.addMetric` terms: reported in the logs, not trained on. */
  readonly metrics: readonly { name: string; term: SymbolicTensor }[];
  /** Non-input nodes, each after every node it reads from. */
  readonly nodes: readonly GraphNode[];
  /** The nodes that compute only loss terms, in order (after `nodes`). */
  readonly lossNodes: readonly GraphNode[];
  /** Distinct non-input layers in the order they first run (weights follow this order). */
  readonly layers: readonly Layer[];
}

/** Walks back from the outputs (and loss terms) to `inputs`; throws if the graph needs an input it was not given. */
export function buildGraph(
  inputs: readonly SymbolicTensor[],
  outputs: SymbolicTensor | readonly SymbolicTensor[],
  who: string,
  losses: readonly SymbolicTensor[] = [],
  metrics: readonly { name: string; term: SymbolicTensor }[] = [],
): Graph {
  const outs = outputs instanceof SymbolicTensor ? [outputs] : Array.isArray(outputs) ? [...outputs] : [];
  if (outs.length === 0 || !outs.every((t) => t instanceof SymbolicTensor)) {
    throw new ValueError(`${who}: outputs must be a SymbolicTensor (a layer applied to Input(...)) or an array of them, got ${describeOperand(outputs)}`);
  }
  if (outs.some((t) => !t.batched)) throw new ValueError(`${who}: every output must keep the batch axis, got ${outs.find((t) => !t.batched)!.toString()}`);
  if (new Set(outs).size !== outs.length) throw new ValueError(`${who}: the same output is listed twice`);
  for (const t of losses) checkScalarTerm(t, `${who}.addLoss`);
  for (const m of metrics) checkScalarTerm(m.term, `${who}.addMetric`);
  if (inputs.length === 0 || !inputs.every((t) => t instanceof SymbolicTensor && t.node.layer instanceof InputLayer)) {
    throw new ValueError(`${who}: inputs must be one or more tensors made by Input({ shape })`);
  }
  if (new Set(inputs).size !== inputs.length) throw new ValueError(`${who}: the same input is listed twice`);
  let order: GraphNode[] = [];
  const state = new Map<GraphNode, 'visiting' | 'done'>();
  const visit = (node: GraphNode): void => {
    const s = state.get(node);
    if (s === 'done') return;
    if (s === 'visiting') throw new ValueError(`${who}: the graph has a cycle through ${node.layer.name}`);
    state.set(node, 'visiting');
    if (node.layer instanceof InputLayer) {
      if (!inputs.includes(node.output)) {
        throw new ValueError(`${who}: the output depends on ${node.layer.name} (shape [*, ${node.output.shape.join(', ')}]), which is not among the model's inputs`);
      }
    }
    for (const t of node.inputs) visit(t.node);
    state.set(node, 'done');
    if (!(node.layer instanceof InputLayer)) order.push(node);
  };
  // An output's mask is computed with the outputs: the loss and metrics skip its masked steps.
  for (const t of outs) for (const n of t.mask === undefined ? [t.node] : [t.node, t.mask.node]) visit(n);
  const nodes = order;
  // Loss terms (addLoss, and the penalty of each layer with an activityRegularizer) are computed
  // by nodes of their own: not layers of the model (not saved, not in the summary).
  const lossNodes: GraphNode[] = [];
  order = lossNodes;
  const penalties = activityTerms(nodes);
  const allLosses = [...losses, ...penalties];
  for (const t of [...allLosses, ...metrics.map((m) => m.term)]) visit(t.node);
  for (const t of inputs) {
    if (!state.has(t.node)) throw new ValueError(`${who}: input ${t.node.layer.name} is not used to compute the output`);
  }
  const layers: Layer[] = [];
  const names = new Map<string, Layer>();
  for (const node of nodes) {
    if (layers.includes(node.layer)) continue;
    checkNotFreed(node.layer, who);
    const other = names.get(node.layer.name);
    if (other !== undefined) throw new ValueError(`${who}: two different layers are named ${node.layer.name}; layer names must be unique in a model`);
    names.set(node.layer.name, node.layer);
    layers.push(node.layer);
  }
  return { inputs, outputs: outs, output: outs[0]!, losses: allLosses, explicitLosses: losses, metrics, nodes, lossNodes, layers };
}

/** The graph with one more `addLoss` term or `addMetric` entry (names checked). */
export function withTerms(g: Graph, who: string, loss: SymbolicTensor | undefined, metric: { name: string; term: SymbolicTensor } | undefined): Graph {
  if (metric !== undefined && (typeof metric.name !== 'string' || metric.name === '' || metric.name === 'loss' || g.metrics.some((m) => m.name === metric.name))) {
    throw new ValueError(`${who}.addMetric: name must be a new non-empty string other than 'loss', got ${JSON.stringify(metric.name)}`);
  }
  return buildGraph(g.inputs, g.outputs, who, loss === undefined ? g.explicitLosses : [...g.explicitLosses, loss], metric === undefined ? g.metrics : [...g.metrics, metric]);
}

/** Sets every layer's weights from one list in `getWeights()` order (`who` names the caller in errors). */
export function setLayerWeights(layers: readonly Layer[], weights: readonly Tensor[], who: string): void {
  const total = layers.reduce((n, l) => n + l.weights.length, 0);
  if (!Array.isArray(weights) || weights.length !== total) {
    throw new ValueError(`${who}: expected ${total} tensors (as getWeights returns), got ${Array.isArray(weights) ? weights.length : typeof weights}`);
  }
  let at = 0;
  for (const layer of layers) {
    layer.setWeights(weights.slice(at, at + layer.weights.length));
    at += layer.weights.length;
  }
}

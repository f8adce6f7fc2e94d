// Rebuilding a TF.js/Keras topology as tensorlane layers: Sequential stacks and functional graphs
// (Keras 2 / TF.js inbound-node lists, and Keras 3's `{ args }` nodes), one layer at a time so each
// layer's config is translated knowing its input shapes.
import { fromConfig, InputLayer, type Layer, type SymbolicTensor } from '../../layers/index.js';
import { Model } from '../../model/model.js';
import { Sequential } from '../../model/sequential.js';
import { layerFromKeras, type KerasLayer } from './layers.js';
import { formatError } from './values.js';

/** A functional model's topology: layers with their inbound nodes, and the graph's ends. */
export interface KerasGraph {
  class_name: string;
  config: {
    name?: unknown;
    layers?: unknown;
    input_layers?: unknown;
    output_layers?: unknown;
  };
}

type Ref = [layer: string, node: number];

/** The per-sample input shape of a Keras layer config (`batch_input_shape` / `batch_shape`). */
export function kerasInputShape(config: Record<string, unknown>, at: string): number[] {
  const batch = config.batch_input_shape ?? config.batch_shape;
  if (!Array.isArray(batch) || batch.length < 2 || !batch.slice(1).every((d) => Number.isSafeInteger(d) && d > 0)) {
    formatError(at, `needs batch_input_shape [null, ...positive sizes], got ${JSON.stringify(batch)}`);
  }
  return batch.slice(1) as number[];
}

/** Builds one tensorlane layer from a Keras layer and applies it; errors name the layer. */
export function applyKeras(layer: KerasLayer, inputs: readonly SymbolicTensor[], who: string): { layer: Layer; output: SymbolicTensor } {
  if (layer === null || typeof layer !== 'object' || typeof layer.class_name !== 'string' || layer.config === null || typeof layer.config !== 'object') {
    formatError(who, `a layer entry is malformed (expected { class_name, config }): ${JSON.stringify(layer)?.slice(0, 200)}`);
  }
  const { className, config } = layerFromKeras(layer, inputs.map((t) => t.shape), who);
  try {
    const built = fromConfig(className, config);
    return { layer: built, output: built.apply(inputs.length === 1 ? inputs[0]! : inputs) };
  } catch (err) {
    return formatError(`${who}: layer "${String(layer.config.name)}" (${layer.class_name})`, (err as Error).message);
  }
}

export function buildSequential(top: KerasLayer, seed: number | undefined, who: string): Model {
  const list = Array.isArray(top.config) ? (top.config as KerasLayer[]) : (top.config.layers as KerasLayer[]);
  if (!Array.isArray(list) || list.length === 0) formatError(who, 'the Sequential model has no layers');
  const first = list[0]!;
  const hasInput = first?.class_name === 'InputLayer';
  const shape = kerasInputShape(first?.config ?? {}, `${who}: the first layer "${String(first?.config?.name)}"`);
  const input = new InputLayer({ shape, ...(hasInput && typeof first.config.name === 'string' ? { name: first.config.name } : {}) });
  let t = input.output();
  const built: Layer[] = [];
  for (const entry of hasInput ? list.slice(1) : list) {
    const { layer, output } = applyKeras(entry, [t], who);
    built.push(layer);
    t = output;
  }
  const name = Array.isArray(top.config) ? undefined : (top.config.name as string | undefined);
  return new Sequential([input, ...built], { ...(typeof name === 'string' ? { name } : {}), ...(seed === undefined ? {} : { seed }) });
}

/** One `[layer, node, tensor]` reference; tensorlane layers have a single output. */
function ref(r: unknown, at: string): Ref {
  if (!Array.isArray(r) || typeof r[0] !== 'string' || !Number.isSafeInteger(r[1]) || (r[2] !== undefined && !Number.isSafeInteger(r[2]))) {
    formatError(at, `has a malformed tensor reference ${JSON.stringify(r)} (expected [layer name, node index, tensor index])`);
  }
  if ((r[2] ?? 0) !== 0) formatError(at, `reads output ${String(r[2])} of "${r[0]}"; tensorlane layers have one output`);
  return [r[0], r[1] as number];
}

/** The references of one inbound node: Keras 2 / TF.js lists, or Keras 3 `{ args: [keras tensors] }`. */
function inboundRefs(node: unknown, at: string): Ref[] {
  if (Array.isArray(node)) return node.map((r) => ref(r, at));
  const args = (node as { args?: unknown } | null)?.args;
  if (!Array.isArray(args)) formatError(at, `has a malformed inbound node ${JSON.stringify(node)?.slice(0, 200)}`);
  const refs: Ref[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const history = (v as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (history !== undefined) refs.push(ref(history, at));
    }
  };
  walk(args);
  return refs;
}

/** Keras lists `input_layers` as a list of references, or (Keras 3, one input) as one reference. */
function refList(value: unknown, what: string, who: string): Ref[] {
  if (!Array.isArray(value) || value.length === 0) formatError(who, `${what} is missing or empty`);
  const list = typeof value[0] === 'string' ? [value] : value;
  return list.map((r) => ref(r, `${who}: ${what}`));
}

interface Pending {
  entry: KerasLayer;
  name: string;
  nodes: Ref[][];
  done: number;
  layer?: Layer;
}

/** A functional model from a Keras `Model`/`Functional` topology; shared layers keep one instance. */
export function buildFunctional(top: KerasGraph, seed: number | undefined, who: string): Model {
  const cfg = top.config;
  if (!Array.isArray(cfg.layers)) formatError(who, 'the functional model has no layers list');
  const outputs = new Map<string, SymbolicTensor[]>();
  const pending: Pending[] = [];
  (cfg.layers as unknown[]).forEach((raw, i) => {
    const entry = raw as (KerasLayer & { name?: unknown; inbound_nodes?: unknown }) | null;
    if (entry === null || typeof entry !== 'object' || typeof entry.class_name !== 'string' || entry.config === null || typeof entry.config !== 'object') {
      formatError(who, `layer ${i} is malformed (expected { class_name, name, config, inbound_nodes })`);
    }
    const name = entry.name ?? entry.config.name;
    if (typeof name !== 'string' || name === '') formatError(who, `layer ${i} (${entry.class_name}) has no name`);
    if (outputs.has(name) || pending.some((p) => p.name === name)) formatError(who, `two layers are named "${name}"`);
    const at = `${who}: layer "${name}" (${entry.class_name})`;
    if (entry.class_name === 'InputLayer') {
      outputs.set(name, [new InputLayer({ shape: kerasInputShape(entry.config, at), name }).output()]);
      return;
    }
    if (!Array.isArray(entry.inbound_nodes)) formatError(at, 'has no inbound_nodes list');
    pending.push({ entry: { class_name: entry.class_name, config: { ...entry.config, name } }, name, nodes: entry.inbound_nodes.map((n) => inboundRefs(n, at)), done: 0 });
  });
  // Keras lists layers in creation order; a shared layer's later nodes may wait for later layers.
  for (let progress = true; progress; ) {
    progress = false;
    for (const p of pending) {
      for (; p.done < p.nodes.length; p.done++, progress = true) {
        const ins = p.nodes[p.done]!.map(([n, k]) => outputs.get(n)?.[k]);
        if (ins.length === 0) formatError(`${who}: layer "${p.name}"`, `node ${p.done} has no inputs`);
        if (!ins.every((t): t is SymbolicTensor => t !== undefined)) break;
        let out: SymbolicTensor;
        if (p.layer === undefined) ({ layer: p.layer, output: out } = applyKeras(p.entry, ins, who));
        else {
          try {
            out = p.layer.apply(ins.length === 1 ? ins[0]! : ins);
          } catch (err) {
            return formatError(`${who}: layer "${p.name}" (${p.entry.class_name})`, (err as Error).message);
          }
        }
        outputs.set(p.name, [...(outputs.get(p.name) ?? []), out]);
      }
    }
  }
  for (const p of pending) {
    if (p.done < p.nodes.length) {
      const missing = p.nodes[p.done]!.find(([n, k]) => outputs.get(n)?.[k] === undefined)!;
      formatError(`${who}: layer "${p.name}"`, `reads "${missing[0]}" node ${missing[1]}, which no layer produces (or which depends on this layer: a cycle)`);
    }
  }
  const tensor = ([n, k]: Ref, what: string): SymbolicTensor => outputs.get(n)?.[k] ?? formatError(who, `${what} "${n}" node ${k} is not produced by any layer`);
  const inputs = refList(cfg.input_layers, 'input_layers', who).map((r) => tensor(r, 'input'));
  const outs = refList(cfg.output_layers, 'output_layers', who);
  if (outs.length !== 1) formatError(who, `the model has ${outs.length} outputs; tensorlane models have one`);
  return new Model({ inputs, outputs: tensor(outs[0]!, 'output'), ...(typeof cfg.name === 'string' ? { name: cfg.name } : {}), ...(seed === undefined ? {} : { seed }) });
}

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

type Ref = [layer: string, node: number, tensor: number];

/** Keras call arguments that tensorlane keeps in the layer's config (MultiHeadAttention's). */
const CALL_FLAGS = ['use_causal_mask', 'return_attention_scores'];

/** One inbound node: the tensors the layer is called on, in order, and the call's flags. */
interface Inbound {
  refs: Ref[];
  flags: Record<string, boolean>;
}

/** The fixed batch size of a Keras input config (`batch_input_shape[0]` when it is a number). */
export function kerasBatchSize(config: Record<string, unknown> | undefined): number | undefined {
  const batch = config?.batch_input_shape ?? config?.batch_shape;
  return Array.isArray(batch) && Number.isSafeInteger(batch[0]) && (batch[0] as number) > 0 ? (batch[0] as number) : undefined;
}

/** The per-sample input shape of a Keras layer config (`batch_input_shape` / `batch_shape`). */
export function kerasInputShape(config: Record<string, unknown>, at: string): number[] {
  const batch = config.batch_input_shape ?? config.batch_shape;
  if (!Array.isArray(batch) || batch.length < 2 || !batch.slice(1).every((d) => Number.isSafeInteger(d) && d > 0)) {
    formatError(at, `needs batch_input_shape [null, ...positive sizes], got ${JSON.stringify(batch)}`);
  }
  return batch.slice(1) as number[];
}

/** Builds one tensorlane layer from a Keras layer and applies it (every output); errors name the layer. */
export function applyKeras(layer: KerasLayer, inputs: readonly SymbolicTensor[], who: string, batch?: number): { layer: Layer; outputs: SymbolicTensor[] } {
  if (layer === null || typeof layer !== 'object' || typeof layer.class_name !== 'string' || layer.config === null || typeof layer.config !== 'object') {
    formatError(who, `a layer entry is malformed (expected { class_name, config }): ${JSON.stringify(layer)?.slice(0, 200)}`);
  }
  const { className, config } = layerFromKeras(layer, inputs.map((t) => t.shape), who, batch);
  try {
    const built = fromConfig(className, config);
    return { layer: built, outputs: built.applyAll(inputs.length === 1 ? inputs[0]! : inputs) };
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
  const batch = kerasBatchSize(first?.config);
  const input = new InputLayer({ shape, ...(hasInput && typeof first.config.name === 'string' ? { name: first.config.name } : {}) });
  let t = input.output();
  const built: Layer[] = [];
  for (const entry of hasInput ? list.slice(1) : list) {
    const { layer, outputs } = applyKeras(entry, [t], who, batch);
    built.push(layer);
    t = outputs[0]!;
  }
  const name = Array.isArray(top.config) ? undefined : (top.config.name as string | undefined);
  return new Sequential([input, ...built], { ...(typeof name === 'string' ? { name } : {}), ...(seed === undefined ? {} : { seed }) });
}

/** One `[layer, node, tensor]` reference. */
function ref(r: unknown, at: string): Ref {
  if (!Array.isArray(r) || typeof r[0] !== 'string' || !Number.isSafeInteger(r[1]) || (r[2] !== undefined && !Number.isSafeInteger(r[2]))) {
    formatError(at, `has a malformed tensor reference ${JSON.stringify(r)} (expected [layer name, node index, tensor index])`);
  }
  return [r[0], r[1] as number, (r[2] as number | undefined) ?? 0];
}

/** A tensor in a call's keyword arguments: Keras 2's `[layer, node, tensor]`, or Keras 3's keras tensor; else undefined. */
function kwargTensor(v: unknown, at: string): Ref | undefined {
  if (Array.isArray(v) && typeof v[0] === 'string') return ref(v, at);
  const history = (v as { config?: { keras_history?: unknown } } | null)?.config?.keras_history;
  return history === undefined ? undefined : ref(history, at);
}

/**
 * One inbound node: Keras 2 / TF.js lists `[[layer, node, tensor, kwargs], ...]`, or Keras 3
 * `{ args: [keras tensors], kwargs }`. MultiHeadAttention's value, key and attention_mask may come
 * as keyword arguments; they join the tensors as [query, value, key, attentionMask].
 */
function inbound(node: unknown, at: string): Inbound {
  let refs: Ref[];
  let kwargs: Record<string, unknown>;
  if (Array.isArray(node)) {
    refs = node.map((r) => ref(r, at));
    kwargs = (node[0] as unknown[] | undefined)?.[3] as Record<string, unknown> ?? {};
  } else {
    const n = node as { args?: unknown; kwargs?: unknown } | null;
    if (!Array.isArray(n?.args)) formatError(at, `has a malformed inbound node ${JSON.stringify(node)?.slice(0, 200)}`);
    refs = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object') {
        const r = kwargTensor(v, at);
        if (r !== undefined) refs.push(r);
      }
    };
    walk(n.args);
    kwargs = (n.kwargs ?? {}) as Record<string, unknown>;
  }
  if (kwargs === null || typeof kwargs !== 'object') kwargs = {};
  const named = ['value', 'key', 'attention_mask'].map((k) => (kwargs[k] == null ? undefined : kwargTensor(kwargs[k], at)));
  if (named.some((r) => r !== undefined)) {
    const [value, key, mask] = named;
    refs = [refs[0]!, refs[1] ?? value!, refs[2] ?? key ?? refs[1] ?? value!, ...(mask === undefined ? [] : [mask])];
    if (refs.some((r) => r === undefined)) formatError(at, 'has a call without its value tensor');
  }
  const flags: Record<string, boolean> = {};
  for (const k of CALL_FLAGS) if (typeof kwargs[k] === 'boolean') flags[k] = kwargs[k] as boolean;
  return { refs, flags };
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
  nodes: Inbound[];
  done: number;
  layer?: Layer;
}

/** A functional model from a Keras `Model`/`Functional` topology; shared layers keep one instance. */
export function buildFunctional(top: KerasGraph, seed: number | undefined, who: string): Model {
  const cfg = top.config;
  if (!Array.isArray(cfg.layers)) formatError(who, 'the functional model has no layers list');
  // Per layer, per call (node), every output of that call.
  const outputs = new Map<string, SymbolicTensor[][]>();
  let batch: number | undefined;
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
      outputs.set(name, [[new InputLayer({ shape: kerasInputShape(entry.config, at), name }).output()]]);
      batch ??= kerasBatchSize(entry.config);
      return;
    }
    if (!Array.isArray(entry.inbound_nodes)) formatError(at, 'has no inbound_nodes list');
    pending.push({ entry: { class_name: entry.class_name, config: { ...entry.config, name } }, name, nodes: entry.inbound_nodes.map((n) => inbound(n, at)), done: 0 });
  });
  // Keras lists layers in creation order; a shared layer's later nodes may wait for later layers.
  for (let progress = true; progress; ) {
    progress = false;
    for (const p of pending) {
      for (; p.done < p.nodes.length; p.done++, progress = true) {
        const node = p.nodes[p.done]!;
        const ins = node.refs.map(([n, k, i]) => outputs.get(n)?.[k]?.[i]);
        const at = `${who}: layer "${p.name}" (${p.entry.class_name})`;
        if (ins.length === 0) formatError(`${who}: layer "${p.name}"`, `node ${p.done} has no inputs`);
        if (!ins.every((t): t is SymbolicTensor => t !== undefined)) break;
        if (JSON.stringify(node.flags) !== JSON.stringify(p.nodes[0]!.flags)) formatError(at, `node ${p.done} is called with ${JSON.stringify(node.flags)} but node 0 with ${JSON.stringify(p.nodes[0]!.flags)}; a shared layer keeps one setting`);
        let outs: SymbolicTensor[];
        if (p.layer === undefined) ({ layer: p.layer, outputs: outs } = applyKeras({ ...p.entry, config: { ...p.entry.config, ...node.flags } }, ins, who, batch));
        else {
          try {
            outs = p.layer.applyAll(ins.length === 1 ? ins[0]! : ins);
          } catch (err) {
            return formatError(at, (err as Error).message);
          }
        }
        outputs.set(p.name, [...(outputs.get(p.name) ?? []), outs]);
      }
    }
  }
  for (const p of pending) {
    if (p.done < p.nodes.length) {
      const missing = p.nodes[p.done]!.refs.find(([n, k, i]) => outputs.get(n)?.[k]?.[i] === undefined)!;
      const produced = outputs.get(missing[0])?.[missing[1]];
      if (produced !== undefined) formatError(`${who}: layer "${p.name}"`, `reads output ${missing[2]} of "${missing[0]}", which has ${produced.length} output${produced.length === 1 ? '' : 's'}`);
      formatError(`${who}: layer "${p.name}"`, `reads "${missing[0]}" node ${missing[1]}, which no layer produces (or which depends on this layer: a cycle)`);
    }
  }
  const tensor = ([n, k, i]: Ref, what: string): SymbolicTensor => outputs.get(n)?.[k]?.[i] ?? formatError(who, `${what} "${n}" node ${k} output ${i} is not produced by any layer`);
  const inputs = refList(cfg.input_layers, 'input_layers', who).map((r) => tensor(r, 'input'));
  const outs = refList(cfg.output_layers, 'output_layers', who).map((r) => tensor(r, 'output'));
  return new Model({ inputs, outputs: outs.length === 1 ? outs[0]! : outs, ...(typeof cfg.name === 'string' ? { name: cfg.name } : {}), ...(seed === undefined ? {} : { seed }) });
}

// `io.save(model) -> Uint8Array` and `io.load(bytes) -> Promise<Model>`: one self-checking binary
// format (model/format.ts) that works in every runtime (no files, no fetch: bytes in, bytes out).
import { ValueError } from '../core/errors.js';
import { flag, optionsSchema } from '../core/options.js';
import { fromConfig } from '../layers/index.js';
import { Op } from '../graph/op.js';
import { opFromConfig } from '../graph/registry.js';
import { InputLayer } from '../layers/core.js';
import type { Layer, SymbolicTensor } from '../layers/layer.js';
import { Model } from '../model/model.js';
import { Sequential } from '../model/sequential.js';
import { get as getOptimizer } from '../optimizers/index.js';
import { get as getLoss } from '../losses/index.js';
import { Tensor } from '../core/tensor.js';
import { ModelFormatError, decodeModel } from '../model/format.js';

export { ModelFormatError, FORMAT_VERSION, saveModel, type Saveable } from '../model/format.js';
export { crc32 } from '../core/crc32.js';

/** Options of `io.save`. */
export interface SaveOptions {
  /** Save the optimizer's slots and step count too (resume training). Default true. */
  includeOptimizer?: boolean;
}

const saveSchema = optionsSchema<SaveOptions>()({ includeOptimizer: flag(true) });

/** The model as bytes: architecture (JSON), weights (f32), optionally optimizer state; checksummed. */
export function save(model: Model, options: SaveOptions = {}): Uint8Array {
  if (!(model instanceof Model)) throw new ValueError(`io.save: expected a Model or Sequential, got ${model === null ? 'null' : typeof model}`);
  return model.save(saveSchema.parse('io.save', options));
}

function isTensorEntry(e: unknown): e is { name: string; shape: number[]; offset: number } {
  if (e === null || typeof e !== 'object') return false;
  const t = e as { name?: unknown; shape?: unknown; offset?: unknown };
  return typeof t.name === 'string' && Array.isArray(t.shape) && t.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0) && typeof t.offset === 'number';
}

interface NodeEntry {
  layer: string;
  /** [layer, call] or [layer, call, output] of a layer with several outputs. */
  inbound: Array<[string, number] | [string, number, number]>;
}

function fail(message: string): never {
  throw new ModelFormatError(`io.load: ${message}`);
}

/** The optimizer section of the header. */
interface SavedOptimizer {
  iterations: number;
  slots: Array<{ param: string; slot: string }>;
  tensors: unknown[];
}

/**
 * Restores the optimizer state of `opt` onto the compiled `model`, checked against the
 * architecture: every slot names a weight of the model and one of its optimizer's slots, holds
 * exactly that weight's size, and appears once; every slot the optimizer builds for the trainable
 * weights is present; the step count is a non-negative integer. Slots of weights that are not
 * trainable now (saved after freezing layers that had trained) are checked and skipped. Every
 * problem is a ModelFormatError.
 */
function restoreOptimizer(model: Model, opt: SavedOptimizer, weightSizes: ReadonlyMap<string, number>, take: (e: unknown, what: string) => Float32Array): void {
  if (opt === null || typeof opt !== 'object' || !Array.isArray(opt.slots) || !Array.isArray(opt.tensors)) fail('the optimizer state is malformed (expected { iterations, slots: [...], tensors: [...] })');
  if (!Number.isSafeInteger(opt.iterations) || opt.iterations < 0) fail(`the optimizer state's iterations must be a non-negative integer, got ${JSON.stringify(opt.iterations)}`);
  if (opt.slots.length !== opt.tensors.length) fail(`the optimizer state lists ${opt.slots.length} slots but ${opt.tensors.length} tensors`);
  model.prepareOptimizer();
  const built = model.optimizer!.getState().slots; // what the optimizer built for this architecture
  const slotNames = new Set(Object.values(built).flatMap((bySlot) => Object.keys(bySlot)));
  const missing = new Set(Object.entries(built).flatMap(([param, bySlot]) => Object.keys(bySlot).map((slot) => `${param}:${slot}`)));
  const slots: Record<string, Record<string, Float32Array>> = {};
  const seen = new Set<string>();
  opt.slots.forEach((s, i) => {
    const label = `optimizer slot ${i}`;
    if (s === null || typeof s !== 'object' || typeof s.param !== 'string' || typeof s.slot !== 'string') fail(`${label} is malformed: ${JSON.stringify(s)} (expected { param, slot })`);
    const key = `${s.param}:${s.slot}`;
    const size = weightSizes.get(s.param) ?? fail(`${label} belongs to ${s.param}, which is not a weight of this architecture`);
    if (!slotNames.has(s.slot)) fail(`${label}: ${model.optimizer!.name} has no slot ${s.slot} (its slots: ${[...slotNames].join(', ') || 'none'})`);
    if (seen.has(key)) fail(`${label}: ${key} appears twice`);
    seen.add(key);
    const e = opt.tensors[i];
    if (!isTensorEntry(e) || e.name !== key || e.shape.length !== 1 || e.shape[0] !== size) fail(`${label} must be a tensor named ${key} of shape [${size}], got ${JSON.stringify(e)}`);
    const data = take(e, label);
    if (missing.delete(key)) (slots[s.param] ??= {})[s.slot] = data;
  });
  if (missing.size > 0) fail(`the optimizer state lacks ${[...missing].join(', ')}`);
  try {
    model.optimizer!.setState({ iterations: opt.iterations, slots });
  } catch (err) {
    fail(`the optimizer state could not be restored: ${(err as Error).message}`);
  }
}

/** Options of `io.load`. */
export interface LoadOptions {
  /**
   * Restore the saved optimizer, loss, metrics and optimizer state (default true). Pass false for
   * a model saved with a custom loss or optimizer that `losses.get`/`optimizers.get` cannot rebuild,
   * then compile it yourself.
   */
  compile?: boolean;
}

const loadSchema = optionsSchema<LoadOptions>()({ compile: flag(true) });

/**
 * Rebuilds a model from `io.save` bytes: same architecture, weights, compile settings and (if
 * saved) optimizer state. Corrupt or truncated bytes throw a ModelFormatError.
 */
export async function load(bytes: Uint8Array, options: LoadOptions = {}): Promise<Model> {
  const o = loadSchema.parse('io.load', options);
  const { header, floats } = decodeModel(bytes);
  const cfg = header.model as Record<string, unknown> | undefined;
  if (cfg === undefined || typeof cfg !== 'object') fail('the header has no model config');
  const layerCfgs = cfg.layers as Array<{ className: string; config: Record<string, unknown> }>;
  const inputCfgs = cfg.inputs as Array<{ name: string; config: Record<string, unknown> }>;
  const nodes = cfg.nodes as NodeEntry[];
  if (!Array.isArray(layerCfgs) || !Array.isArray(inputCfgs) || !Array.isArray(nodes)) fail('the model config is incomplete');
  let model: Model;
  let layers: Layer[];
  try {
    layers = layerCfgs.map((l) => (l.className === 'Op' ? opFromConfig(l.config) : fromConfig(l.className, l.config)));
    const byName = new Map<string, Layer>(layers.map((l) => [l.name, l]));
    if (cfg.className === 'Sequential') {
      const seq = new Sequential([], { name: cfg.name as string, seed: cfg.seed as number });
      seq.add(new InputLayer(inputCfgs[0]!.config));
      for (const l of layers) seq.add(l);
      model = seq;
    } else {
      // Per layer, the outputs of each call in order.
      const outputs = new Map<string, SymbolicTensor[][]>();
      const inputs = inputCfgs.map((i) => {
        const t = new InputLayer(i.config).output();
        outputs.set(i.name, [[t]]);
        return t;
      });
      const tensorAt = (ref: unknown, reader: string): SymbolicTensor => {
        const [name, k, j = 0] = (Array.isArray(ref) ? ref : []) as [string, number, number?];
        return outputs.get(name)?.[k]?.[j] ?? fail(`${reader} reads ${JSON.stringify(ref)}, which is not defined before it`);
      };
      for (const node of nodes) {
        const layer = byName.get(node.layer) ?? fail(`a node refers to an unknown layer ${node.layer}`);
        const ins = node.inbound.map((ref) => tensorAt(ref, node.layer));
        const outs = layer instanceof Op ? layer.record(ins) : layer.applyAll(ins.length === 1 ? ins[0]! : ins);
        outputs.set(node.layer, [...(outputs.get(node.layer) ?? []), outs]);
      }
      const outRefs = (Array.isArray(cfg.outputs) ? cfg.outputs : [cfg.output]) as unknown[];
      const outs = outRefs.map((ref) => tensorAt(ref, 'the model output'));
      model = new Model({ inputs, outputs: outs.length === 1 ? outs[0]! : outs, name: cfg.name as string, seed: cfg.seed as number });
    }
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    fail(`the saved architecture could not be rebuilt: ${(err as Error).message}`);
  }
  // Weights, checked against the architecture name by name and shape by shape, and laid out
  // back to back from offset 0 as saveModel writes them: a shifted offset or length (even with a
  // recomputed checksum) is refused instead of loading another weight's floats.
  const entries = header.weights as Array<{ name: string; shape: number[]; offset: number }>;
  const expected = model.layers.flatMap((l) => l.weights.map((w) => ({ name: `${l.name}/${w.name}`, shape: w.shape })));
  if (!Array.isArray(entries) || entries.length !== expected.length) fail(`the model needs ${expected.length} weights, the file has ${Array.isArray(entries) ? entries.length : 'none'}`);
  let next = 0; // where the next section must start (in floats)
  const take = (e: unknown, what: string): Float32Array => {
    if (!isTensorEntry(e)) fail(`${what} has a malformed entry: ${JSON.stringify(e)} (expected { name, shape: non-negative integers, offset })`);
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset !== next) fail(`${what} (${e.name}) starts at float ${e.offset}, but the sections before it end at ${next} (shifted or overlapping offsets)`);
    if (e.offset + n > floats.length) fail(`${what} (${e.name}) lies outside the payload (${e.offset} + ${n} > ${floats.length} floats)`);
    next = e.offset + n;
    return floats.slice(e.offset, next);
  };
  const weights = entries.map((e, i) => {
    const want = expected[i]!;
    if (!isTensorEntry(e)) fail(`weight ${i} has a malformed entry: ${JSON.stringify(e)} (expected { name, shape: non-negative integers, offset })`);
    if (e.name !== want.name || e.shape.join(',') !== want.shape.join(',')) {
      fail(`weight ${i} is ${e.name} [${e.shape.join(', ')}] but the architecture needs ${want.name} [${want.shape.join(', ')}]`);
    }
    return new Tensor(take(e, `weight ${i}`), e.shape);
  });
  model.setWeights(weights);
  // Compile settings and optimizer state.
  type SavedLoss = { name: string; config: Record<string, unknown> };
  const compile = cfg.compile as { optimizer: SavedLoss; loss: SavedLoss | SavedLoss[]; lossWeights?: number[]; metrics: string[] } | undefined;
  const opt = header.optimizer as SavedOptimizer | undefined;
  if (compile !== undefined && o.compile) {
    try {
      const loss = Array.isArray(compile.loss) ? compile.loss.map((l) => getLoss(l.name, l.config)) : getLoss(compile.loss.name, compile.loss.config);
      model.compile({ optimizer: getOptimizer(compile.optimizer.name, compile.optimizer.config), loss, lossWeights: compile.lossWeights, metrics: compile.metrics });
      model.adoptOptimizer(); // made here, held by no one else: dispose() may free it
    } catch (err) {
      fail(`the saved compile settings could not be restored (pass { compile: false } to load the model uncompiled): ${(err as Error).message}`);
    }
    if (opt !== undefined) restoreOptimizer(model, opt, new Map(expected.map((w) => [w.name, w.shape.reduce((a, b) => a * b, 1)])), take);
  } else if (opt !== undefined && opt !== null && typeof opt === 'object' && Array.isArray(opt.tensors)) {
    opt.tensors.forEach((e, i) => take(e, `optimizer tensor ${i}`)); // not restored, but its layout is checked all the same
  }
  if (next !== floats.length) fail(`the sections end at float ${next} but the payload holds ${floats.length} floats`);
  return model;
}

export { toTfjs, fromTfjs, loadTfjs, tfjsFiles, saveTfjs, TFJS_LAYER_TYPES, type TfjsArtifacts, type ToTfjsOptions, type FromTfjsOptions, type TfjsWeightSpec, type TfjsWeightsGroup, type TfjsQuantization } from './tfjs/index.js';
export { toOnnx, ONNX_OPSET, type ToOnnxOptions, type ProtobufModule, type ProtobufType } from './onnx/index.js';

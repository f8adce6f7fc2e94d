// `io.save(model) -> Uint8Array` and `io.load(bytes) -> Promise<Model>`: one self-checking binary
// format (model/format.ts) that works in every runtime (no files, no fetch: bytes in, bytes out).
import { ValueError } from '../errors.js';
import { flag, optionsSchema } from '../core/options.js';
import { fromConfig } from '../layers/index.js';
import { InputLayer } from '../layers/core.js';
import type { Layer, SymbolicTensor } from '../layers/layer.js';
import { Model } from '../model/model.js';
import { Sequential } from '../model/sequential.js';
import { get as getOptimizer } from '../optimizers/index.js';
import { get as getLoss } from '../losses/index.js';
import { Tensor } from '../tensor.js';
import { ModelFormatError, decodeModel } from '../model/format.js';

export { ModelFormatError, FORMAT_VERSION, saveModel } from '../model/format.js';
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
  inbound: Array<[string, number]>;
}

function fail(message: string): never {
  throw new ModelFormatError(`io.load: ${message}`);
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
    layers = layerCfgs.map((l) => fromConfig(l.className, l.config));
    const byName = new Map<string, Layer>(layers.map((l) => [l.name, l]));
    if (cfg.className === 'Sequential') {
      const seq = new Sequential([], { name: cfg.name as string, seed: cfg.seed as number });
      seq.add(new InputLayer(inputCfgs[0]!.config));
      for (const l of layers) seq.add(l);
      model = seq;
    } else {
      const outputs = new Map<string, SymbolicTensor[]>();
      const inputs = inputCfgs.map((i) => {
        const t = new InputLayer(i.config).output();
        outputs.set(i.name, [t]);
        return t;
      });
      for (const node of nodes) {
        const layer = byName.get(node.layer) ?? fail(`a node refers to an unknown layer ${node.layer}`);
        const ins = node.inbound.map(([name, k]) => outputs.get(name)?.[k] ?? fail(`${node.layer} reads ${name}[${k}], which is not defined before it`));
        const out = layer.apply(ins.length === 1 ? ins[0]! : ins);
        outputs.set(node.layer, [...(outputs.get(node.layer) ?? []), out]);
      }
      const [outName, outIndex] = cfg.output as [string, number];
      const output = outputs.get(outName)?.[outIndex] ?? fail(`the output ${outName}[${outIndex}] is not defined`);
      model = new Model({ inputs, outputs: output, name: cfg.name as string, seed: cfg.seed as number });
    }
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    fail(`the saved architecture could not be rebuilt: ${(err as Error).message}`);
  }
  // Weights, checked name by name and shape by shape.
  const entries = header.weights as Array<{ name: string; shape: number[]; offset: number }>;
  const expected = model.layers.flatMap((l) => l.weights.map((w) => ({ name: `${l.name}/${w.name}`, shape: w.shape })));
  if (!Array.isArray(entries) || entries.length !== expected.length) fail(`the model needs ${expected.length} weights, the file has ${Array.isArray(entries) ? entries.length : 'none'}`);
  const take = (e: { name: string; shape: number[]; offset: number }): Float32Array => {
    if (!isTensorEntry(e)) fail(`a tensor entry is malformed: ${JSON.stringify(e)} (expected { name, shape: non-negative integers, offset })`);
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset + n > floats.length) fail(`weight ${e.name} lies outside the payload`);
    return floats.slice(e.offset, e.offset + n);
  };
  const weights = entries.map((e, i) => {
    const want = expected[i]!;
    if (!isTensorEntry(e)) fail(`weight ${i} has a malformed entry: ${JSON.stringify(e)} (expected { name, shape: non-negative integers, offset })`);
    if (e.name !== want.name || e.shape.join(',') !== want.shape.join(',')) {
      fail(`weight ${i} is ${e.name} [${e.shape.join(', ')}] but the architecture needs ${want.name} [${want.shape.join(', ')}]`);
    }
    return new Tensor(take(e), e.shape);
  });
  model.setWeights(weights);
  // Compile settings and optimizer state.
  const compile = cfg.compile as { optimizer: { name: string; config: Record<string, unknown> }; loss: { name: string; config: Record<string, unknown> }; metrics: string[] } | undefined;
  if (compile !== undefined && o.compile) {
    try {
      model.compile({ optimizer: getOptimizer(compile.optimizer.name, compile.optimizer.config), loss: getLoss(compile.loss.name, compile.loss.config), metrics: compile.metrics });
    } catch (err) {
      fail(`the saved compile settings could not be restored (pass { compile: false } to load the model uncompiled): ${(err as Error).message}`);
    }
    const opt = header.optimizer as { iterations: number; slots: Array<{ param: string; slot: string }>; tensors: Array<{ name: string; shape: number[]; offset: number }> } | undefined;
    if (opt !== undefined) {
      if (opt === null || typeof opt !== 'object' || !Array.isArray(opt.slots) || !Array.isArray(opt.tensors)) fail('the optimizer state is malformed (expected { iterations, slots: [...], tensors: [...] })');
      model.prepareOptimizer();
      const slots: Record<string, Record<string, Float32Array>> = {};
      opt.slots.forEach(({ param, slot }, i) => {
        (slots[param] ??= {})[slot] = take(opt.tensors[i] ?? fail(`optimizer slot ${param}:${slot} has no data`));
      });
      model.optimizer!.setState({ iterations: opt.iterations, slots });
    }
  }
  return model;
}


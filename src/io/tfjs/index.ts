// `io.toTfjs(model)` / `io.fromTfjs(artifacts)`: TF.js's layers-model format (model.json +
// .bin shards), which TF.js loads with `tf.loadLayersModel` and its converter turns into Keras
// files. Weights move as they are (both libraries use Keras's layouts); configs are translated
// layer by layer (layers.ts). No file or network access happens at import time (DESIGN.md 6).
import { ValueError } from '../../core/errors.js';
import { Model } from '../../model/model.js';
import { Tensor } from '../../core/tensor.js';
import { serializeValue } from '../../model/format.js';
import { layerToKeras, type KerasLayer } from './layers.js';
import { formatError } from './values.js';
import { DEFAULT_SHARD_BYTES, decodeWeights, encodeWeights, weightBytes, type DecodedWeight, type TfjsWeightsGroup } from './weights.js';
import { buildFunctional, buildSequential, type KerasGraph } from './graph.js';
import { kerasWeightNames } from './sequence.js';

export { TFJS_LAYER_TYPES } from './layers.js';
export type { TfjsWeightSpec, TfjsWeightsGroup, TfjsQuantization } from './weights.js';

/** A model in TF.js's layers format: model.json's fields plus the concatenated weight bytes. */
export interface TfjsArtifacts {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  /** Keras's `{ class_name: 'Sequential' | 'Model', config }`. */
  modelTopology: Record<string, unknown>;
  /** One group whose `paths` are the .bin shards that `weightData` splits into. */
  weightsManifest: TfjsWeightsGroup[];
  /** Every weight as little-endian float32, in manifest order. */
  weightData: ArrayBuffer;
}

/** Options of `io.toTfjs`. */
export interface ToTfjsOptions {
  /** Largest .bin shard in bytes (TF.js's default: 4 MiB). */
  shardBytes?: number;
}

/** Options of `io.fromTfjs` and `io.loadTfjs`. */
export interface FromTfjsOptions {
  /** Seed of the rebuilt model (dropout, shuffling); weights come from the artifacts. */
  seed?: number;
}

interface SavedConfig {
  className: string;
  name: string;
  inputs: Array<{ name: string; config: { shape: number[] } }>;
  layers: Array<{ className: string; config: Record<string, unknown> }>;
  nodes: Array<{ layer: string; inbound: Array<[string, number, number?]> }>;
  output: [string, number, number?];
  outputs?: Array<[string, number, number?]>;
}

/**
 * The model in TF.js's layers format. Load it in TF.js with `tf.loadLayersModel(tf.io.fromMemory({
 * modelTopology, weightSpecs: weightsManifest[0].weights, weightData }))`, or write it with
 * `io.tfjsFiles` / `io.saveTfjs` and load the model.json. Throws a ModelFormatError naming the
 * layer for a layer or option TF.js cannot express.
 */
export function toTfjs(model: Model, options: ToTfjsOptions = {}): TfjsArtifacts {
  const who = 'io.toTfjs';
  if (!(model instanceof Model)) throw new ValueError(`${who}: expected a Model or Sequential, got ${model === null ? 'null' : typeof model}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`${who}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 4) throw new ValueError(`${who}: shardBytes must be an integer >= 4, got ${String(shardBytes)}`);
  const cfg = serializeValue(model.toConfig()) as SavedConfig;
  if (cfg.layers.length === 0) throw new ValueError(`${who}: ${cfg.name} has no layers to export`);
  // Input shapes travel on the first layer (Sequential) or on the InputLayers (functional) only.
  const layers = cfg.layers.map((l) => {
    const k = layerToKeras(l.className, l.config, who);
    delete k.config.batch_input_shape;
    return k;
  });
  const inputLayers = cfg.inputs.map((i) => ({ class_name: 'InputLayer', name: i.name, config: { batch_input_shape: [null, ...i.config.shape], dtype: 'float32', sparse: false, name: i.name }, inbound_nodes: [] }));
  let topology: Record<string, unknown>;
  if (cfg.className === 'Sequential') {
    layers[0]!.config = { ...layers[0]!.config, batch_input_shape: inputLayers[0]!.config.batch_input_shape };
    topology = { class_name: 'Sequential', config: { name: cfg.name, layers } };
  } else {
    const graphLayers = layers.map((l, i) => {
      const name = cfg.layers[i]!.config.name as string;
      const nodes = cfg.nodes.filter((n) => n.layer === name).map((n) => n.inbound.map(([from, k, i]) => [from, k, i ?? 0, {}]));
      return { class_name: l.class_name, name, config: l.config, inbound_nodes: nodes };
    });
    topology = {
      class_name: 'Model',
      config: { name: cfg.name, layers: [...inputLayers, ...graphLayers], input_layers: cfg.inputs.map((i) => [i.name, 0, 0]), output_layers: (cfg.outputs ?? [cfg.output]).map(([n, k, i]) => [n, k, i ?? 0]) },
    };
  }
  const values = model.getWeights();
  const names = model.layers.flatMap((l) => l.weights.map((w) => `${l.name}/${w.name}`));
  const { weightsManifest, weightData } = encodeWeights(values.map((t, i) => ({ name: names[i]!, shape: t.shape, data: t.data })), shardBytes);
  return { format: 'layers-model', generatedBy: 'tensorlane', convertedBy: null, modelTopology: { ...topology, backend: 'tensor_flow.js' }, weightsManifest, weightData };
}

/**
 * The files of a TF.js model: `model.json` (UTF-8) and its .bin shards, by file name. Write them
 * into one directory (or serve them) and `tf.loadLayersModel('.../model.json')` reads them.
 */
export function tfjsFiles(artifacts: TfjsArtifacts): Record<string, Uint8Array> {
  const who = 'io.tfjsFiles';
  if (artifacts === null || typeof artifacts !== 'object' || !Array.isArray(artifacts.weightsManifest)) formatError(who, 'expected the result of io.toTfjs');
  const { weightData, ...json } = artifacts;
  const bytes = weightBytes(weightData, who);
  const paths = artifacts.weightsManifest.flatMap((g) => g.paths);
  const files: Record<string, Uint8Array> = { 'model.json': new TextEncoder().encode(JSON.stringify(json)) };
  const shard = Math.ceil(bytes.length / Math.max(1, paths.length));
  paths.forEach((p, i) => {
    files[p] = bytes.slice(i * shard, Math.min(bytes.length, (i + 1) * shard));
  });
  return files;
}

/** Writes `io.toTfjs(model)` as model.json and .bin shards into a directory (Node and Deno; created if missing). */
export async function saveTfjs(model: Model, directory: string, options: ToTfjsOptions = {}): Promise<string[]> {
  if (typeof directory !== 'string' || directory === '') throw new ValueError(`io.saveTfjs: directory must be a non-empty string, got ${JSON.stringify(directory)}`);
  const files = tfjsFiles(toTfjs(model, options));
  const fs = await import('node:fs/promises');
  await fs.mkdir(directory, { recursive: true });
  const written: string[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const path = `${directory.replace(/[\\/]+$/, '')}/${name}`;
    await fs.writeFile(path, bytes);
    written.push(path);
  }
  return written;
}

/** model.json's topology: Keras's converter nests it under `model_config`. */
function topologyOf(artifacts: Record<string, unknown>, who: string): KerasLayer {
  let top = artifacts.modelTopology as Record<string, unknown> | undefined;
  if (top === undefined || top === null || typeof top !== 'object') formatError(who, 'modelTopology is missing (expected model.json\'s { class_name, config })');
  if (top.model_config !== undefined) top = top.model_config as Record<string, unknown>;
  if (typeof top.class_name !== 'string' || top.config === null || typeof top.config !== 'object') formatError(who, 'modelTopology has no class_name and config');
  return top as unknown as KerasLayer;
}

/** A weight's values by the model's name for it, accepting Keras's `:0` suffix and name scopes. */
function findWeight(weights: Map<string, DecodedWeight>, name: string): DecodedWeight | undefined {
  const exact = weights.get(name) ?? weights.get(`${name}:0`);
  if (exact !== undefined) return exact;
  const scoped = [...weights.keys()].filter((k) => k.replace(/:0$/, '').endsWith(`/${name}`));
  return scoped.length === 1 ? weights.get(scoped[0]!) : undefined;
}

/** The first of a weight's candidate names (see `kerasWeightNames`) that the manifest holds. */
function findAnyWeight(weights: Map<string, DecodedWeight>, names: readonly string[]): DecodedWeight | undefined {
  for (const n of names) {
    const found = findWeight(weights, n);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Builds a tensorlane model (Sequential or functional) from TF.js layers-format artifacts:
 * `{ modelTopology, weightsManifest | weightSpecs, weightData }` (model.json's content plus the
 * .bin bytes, or what a TF.js save handler receives). Malformed input, and layers or options
 * tensorlane lacks, throw a ModelFormatError naming what is wrong.
 */
export function fromTfjs(artifacts: Record<string, unknown>, options: FromTfjsOptions = {}): Model {
  const who = 'io.fromTfjs';
  if (artifacts === null || typeof artifacts !== 'object') formatError(who, `expected { modelTopology, weightsManifest, weightData }, got ${artifacts === null ? 'null' : typeof artifacts}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`${who}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const top = topologyOf(artifacts, who);
  const manifest = artifacts.weightsManifest;
  let specs: unknown = artifacts.weightSpecs;
  if (specs === undefined) {
    if (!Array.isArray(manifest)) formatError(who, 'weightsManifest is missing (expected a list of { paths, weights })');
    specs = manifest.flatMap((g: unknown, i: number) => {
      const weights = (g as { weights?: unknown } | null)?.weights;
      return Array.isArray(weights) ? weights : formatError(who, `weightsManifest[${i}] has no weights list`);
    });
  }
  if (artifacts.weightData === undefined) formatError(who, 'weightData is missing (the .bin shards\' bytes)');
  const weights = decodeWeights(specs, weightBytes(artifacts.weightData, who), who);
  let model: Model;
  if (top.class_name === 'Sequential') model = buildSequential(top, options.seed, who);
  else if (top.class_name === 'Model' || top.class_name === 'Functional') model = buildFunctional(top as unknown as KerasGraph, options.seed, who);
  else return formatError(who, `model class ${JSON.stringify(top.class_name)} is not supported (expected Sequential, Model or Functional)`);
  const values = model.layers.flatMap((layer) => layer.weights.map((w) => {
    const name = `${layer.name}/${w.name}`;
    const wrapped = (layer.getConfig().layer as { config?: { name?: unknown } } | undefined)?.config?.name;
    const candidates = kerasWeightNames(layer.className, layer.name, w.name, typeof wrapped === 'string' ? wrapped : undefined);
    const found = findAnyWeight(weights, candidates) ?? formatError(who, `weight ${name} [${w.shape.join(', ')}] is not in the weight manifest`);
    if (found.shape.join(',') !== w.shape.join(',')) formatError(who, `weight ${name} has shape [${found.shape.join(', ')}] in the manifest but the layer needs [${w.shape.join(', ')}]`);
    return new Tensor(found.data, w.shape);
  }));
  model.setWeights(values);
  return model;
}

/**
 * Loads a TF.js layers model from a model.json URL (fetch) or file path (Node/Deno file system,
 * imported only when called); the .bin shards are read next to it.
 */
export async function loadTfjs(pathOrUrl: string | URL, options: FromTfjsOptions = {}): Promise<Model> {
  const who = 'io.loadTfjs';
  const where = pathOrUrl instanceof URL ? pathOrUrl.href : pathOrUrl;
  if (typeof where !== 'string' || where === '') throw new ValueError(`${who}: expected a model.json path or URL, got ${JSON.stringify(pathOrUrl)}`);
  const isUrl = /^(https?|file|data|blob):/i.test(where);
  const read = async (target: string): Promise<Uint8Array> => {
    if (isUrl && !target.startsWith('file:')) {
      const res = await fetch(target);
      if (!res.ok) formatError(who, `GET ${target} answered ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    }
    const fs = await import('node:fs/promises');
    try {
      return new Uint8Array(await fs.readFile(target.startsWith('file:') ? new URL(target) : target));
    } catch (err) {
      return formatError(who, `cannot read ${target}: ${(err as Error).message}`);
    }
  };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(await read(where))) as Record<string, unknown>;
  } catch (err) {
    if ((err as Error).name === 'ModelFormatError') throw err;
    return formatError(who, `${where} is not valid JSON: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || !Array.isArray(json.weightsManifest)) formatError(who, `${where} has no weightsManifest list (is it a TF.js layers model.json?)`);
  const base = where.slice(0, where.search(/[^/\\]*$/));
  const paths = (json.weightsManifest as Array<{ paths?: unknown }>).flatMap((g, i) => (Array.isArray(g?.paths) ? (g.paths as unknown[]) : formatError(who, `weightsManifest[${i}] has no paths list`)));
  const shards = await Promise.all(paths.map((p) => (typeof p === 'string' ? read(base + p) : formatError(who, `a shard path is not a string: ${JSON.stringify(p)}`))));
  return fromTfjs({ ...json, weightData: shards }, options);
}

// `io.toOnnx(model)`: the model as ONNX bytes for inference in onnxruntime (web, node, ...) and
// other ONNX runtimes. The graph is built from the model's public topology (`toConfig()`), its
// layers' configs and weights; protobufjs encodes it against ONNX's schema (schema.ts).
//
// protobufjs is loaded on the first export, not bundled: its reflection build costs about 26 KB
// gzipped, which every user of the default bundle would pay for a feature few call. It is an
// optional peer dependency; pass `{ protobuf }` where a dynamic import cannot reach node_modules.
import { ValueError } from '../../core/errors.js';
import { Model } from '../../model/model.js';
import type { Tensor } from '../../core/tensor.js';
import { OnnxGraph, type Value } from './graph.js';
import { CONVERTERS } from './layers.js';
import { DataType, ONNX_SCHEMA } from './schema.js';

/**
 * The ONNX operator set of the export: 17, the first with LayerNormalization as one op and the
 * last whose ReduceMean/ReduceMax take `axes` as an attribute; onnxruntime has run it since 1.14.
 */
export const ONNX_OPSET = 17;
/** The IR version that introduced opset 17 (ONNX 1.12). */
const IR_VERSION = 8;

/** What `toOnnx` uses of protobufjs (its `light` or full build): `Root.fromJSON` and a type's `verify`/`encode`. */
export interface ProtobufModule {
  Root: { fromJSON(json: object): { lookupType(name: string): ProtobufType } };
}

/** The part of a protobufjs message type the exporter uses. */
export interface ProtobufType {
  verify(message: object): string | null;
  encode(message: object): { finish(): Uint8Array };
}

/** Options of `io.toOnnx`. */
export interface ToOnnxOptions {
  /**
   * The protobufjs module (`import * as protobuf from 'protobufjs/light'`). By default it is
   * imported from node_modules on first use (Node, Deno); pass it in a bundled browser app.
   */
  protobuf?: ProtobufModule;
}

let loading: Promise<ProtobufModule> | undefined;

function loadProtobuf(): Promise<ProtobufModule> {
  // A computed specifier, so bundlers do not require the optional package to build an app that never exports.
  const specifier = ['protobufjs', 'light.js'].join('/');
  loading ??= (import(specifier) as Promise<{ default?: ProtobufModule } & ProtobufModule>).then(
    (m) => m.default ?? m,
    (err: Error) => {
      loading = undefined;
      throw new ValueError(`io.toOnnx: the protobufjs package is needed to write ONNX (npm install protobufjs@7), or pass { protobuf } from import * as protobuf from 'protobufjs/light': ${err.message}`);
    },
  );
  return loading;
}

interface Topology {
  inputs: Array<{ name: string; config: { shape: number[] } }>;
  nodes: Array<{ layer: string; inbound: Array<[string, number]> }>;
  output: [string, number];
}

/** A graph input or output: float32 with a symbolic batch axis. */
function valueInfo(name: string, shape: readonly number[]): object {
  const dim = [{ dimParam: 'batch' }, ...shape.map((d) => ({ dimValue: d }))];
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

/** The ModelProto of `model` as a plain object (what protobufjs encodes). */
function onnxModel(model: Model): object {
  let topology: Topology;
  let weights: Tensor[];
  try {
    topology = model.toConfig() as unknown as Topology;
    weights = model.getWeights(); // also initialises a model that has not run yet
  } catch (err) {
    throw new ValueError(`io.toOnnx: ${(err as Error).message}`);
  }
  const byLayer = new Map<string, Tensor[]>();
  for (const layer of model.layers) byLayer.set(layer.name, weights.splice(0, layer.weights.length));
  const g = new OnnxGraph();
  const values = new Map<string, Value[]>();
  const inputs = topology.inputs.map(({ name, config }) => {
    const v: Value = { name: g.name(name), shape: config.shape, nchw: false };
    values.set(name, [v]);
    return v;
  });
  const [outLayer, outIndex] = topology.output;
  const outputName = g.name(outLayer);
  for (const node of topology.nodes) {
    const layer = model.getLayer(node.layer);
    const convert = Object.hasOwn(CONVERTERS, layer.className) ? CONVERTERS[layer.className] : undefined;
    if (convert === undefined) {
      throw new ValueError(`io.toOnnx: layer ${layer.name} (${layer.className}) has no ONNX export; supported layer types: ${Object.keys(CONVERTERS).join(', ')}`);
    }
    const ins = node.inbound.map(([name, k]) => values.get(name)![k]!);
    const out = layer.computeOutputShape(ins.map((v) => v.shape));
    const w = Object.fromEntries(layer.weights.map((wt, i) => [wt.name, byLayer.get(layer.name)![i]!]));
    const v = convert({ g, layer, config: layer.getConfig(), w, inputs: ins, out });
    values.set(node.layer, [...(values.get(node.layer) ?? []), v]);
  }
  const result = values.get(outLayer)![outIndex]!;
  g.nodes.push({ name: g.name(`${outLayer}/output`), opType: 'Identity', input: [g.nhwc(result)], output: [outputName], attribute: [] });
  return {
    irVersion: IR_VERSION,
    producerName: 'tensorlane',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: { name: model.name, node: g.nodes, initializer: g.initializers, input: inputs.map((v) => valueInfo(v.name, v.shape)), output: [valueInfo(outputName, result.shape)] },
  };
}

/**
 * The model as ONNX bytes (opset 17) for inference: onnxruntime-web, onnxruntime-node and other
 * ONNX runtimes load them and give the same predictions as `model.predict`. Inputs and the output
 * keep tensorlane's shapes (NHWC images) with a free batch axis, named after the input layers and
 * the output layer. Training-only layers (dropout, noise) are left out. A layer without an ONNX
 * equivalent (a custom layer, an activation ONNX's recurrent ops lack) throws naming it.
 */
export async function toOnnx(model: Model, options: ToOnnxOptions = {}): Promise<Uint8Array> {
  if (!(model instanceof Model)) throw new ValueError(`io.toOnnx: expected a Model or Sequential, got ${model === null ? 'null' : typeof model}`);
  if (options === null || typeof options !== 'object') throw new ValueError(`io.toOnnx: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const message = onnxModel(model);
  const protobuf = options.protobuf ?? (await loadProtobuf());
  if (typeof protobuf?.Root?.fromJSON !== 'function') throw new ValueError('io.toOnnx: options.protobuf must be the protobufjs module (with Root.fromJSON)');
  const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  const problem = ModelProto.verify(message);
  if (problem !== null) throw new ValueError(`io.toOnnx: the graph does not fit ONNX's schema (${problem}); this is a bug in the exporter`);
  return ModelProto.encode(message).finish();
}

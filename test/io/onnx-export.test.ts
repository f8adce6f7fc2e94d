// io.toOnnx end to end: the demo's CNN trained briefly (so batch norm holds real statistics) and
// served by onnxruntime-web; the bytes decoded again by protobufjs from a .proto rendition of
// onnx.proto's messages (independent of the exporter's JSON descriptor); the errors.
import { readFileSync } from 'node:fs';
import * as protobuf from 'protobufjs';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';
import { compileFashionCnn, fashionCnn } from '../../examples/shared/fashion-cnn.mjs';
import * as tl from '../../src/index.js';
import { io, layers, Input, Model, Sequential, Tensor, tensor } from '../../src/index.js';
import { permute } from '../../src/io/onnx/graph.js';
import { randomArray } from '../util.js';
import { maxAbsDiff, ort, runOnnx } from './onnx-harness.js';

// The messages and field numbers of github.com/onnx/onnx onnx/onnx.proto that the export writes.
const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1; optional float f = 2; optional int64 i = 3; optional bytes s = 4;
  repeated float floats = 7; repeated int64 ints = 8; repeated bytes strings = 9; optional int32 type = 20;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message NodeProto {
  repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4;
  repeated AttributeProto attribute = 5; optional string domain = 7;
}
message ModelProto {
  optional int64 ir_version = 1; optional string producer_name = 2; optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message GraphProto {
  repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
}
message TensorProto { repeated int64 dims = 1; optional int32 data_type = 2; optional string name = 8; optional bytes raw_data = 9; }
message TensorShapeProto { message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } } repeated Dimension dim = 1; }
message TypeProto { message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; } oneof value { Tensor tensor_type = 1; } }
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
`;

interface Decoded {
  ir_version: number;
  producer_name: string;
  opset_import: Array<{ domain?: string; version: number }>;
  graph: {
    name: string;
    node: Array<{ op_type: string; input: string[]; output: string[]; attribute?: Array<{ name: string; ints?: number[]; i?: number }> }>;
    initializer: Array<{ name: string; dims: number[]; data_type: number; raw_data: Uint8Array }>;
    input: Array<{ name: string; type: { tensor_type: { elem_type: number; shape: { dim: Array<{ dim_value?: number; dim_param?: string }> } } } }>;
    output: Decoded['graph']['input'];
  };
}

function decode(bytes: Uint8Array): Decoded {
  const ModelProto = protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false, arrays: true }) as Decoded;
}

const dims = (v: Decoded['graph']['input'][number]) => v.type.tensor_type.shape.dim.map((d) => d.dim_param ?? d.dim_value);
const floatsOf = (raw: Uint8Array) => new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));

const images = (n: number, seed: number): Tensor => tensor(randomArray(n * 784, seed, 0, 1), [n, 28, 28, 1]);

describe('io.toOnnx: the demo CNN end to end', () => {
  let model: Sequential;
  let bytes: Uint8Array;
  let x: Tensor;
  beforeAll(async () => {
    // The demo's model, with the edge example's narrower convolutions (its types name the built package: cast).
    const built = fashionCnn(tl as never, { filters: [8, 16], name: 'demo_cnn' });
    model = compileFashionCnn(tl as never, built) as unknown as Sequential;
    const labels = tensor(Float32Array.from({ length: 64 }, (_, i) => (i * 7) % 10), [64]);
    await model.fit(images(64, 3), labels, { epochs: 2, batchSize: 16, verbose: 0, seed: 1 });
    bytes = await io.toOnnx(model);
    x = images(16, 9);
  });

  test('onnxruntime-web gives the predictions of model.predict (<= 1e-5) and the same classes', async () => {
    const got = await runOnnx(bytes, [x]);
    const want = model.predict(x);
    expect(got.shape).toEqual([16, 10]);
    const diff = maxAbsDiff(got, want);
    console.log(`io.toOnnx: demo CNN (trained 2 epochs), 16 images: max |onnxruntime-web - predict| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    const argmax = (t: Tensor, i: number) => t.data.subarray(i * 10, i * 10 + 10).reduce((best, v, j, row) => (v > row[best]! ? j : best), 0);
    for (let i = 0; i < 16; i++) expect(argmax(got, i)).toBe(argmax(want, i));
  });

  test('the bytes decode with protobufjs: opset 17, NHWC input with a free batch, one Transpose in and one before flatten', () => {
    const m = decode(bytes);
    expect(m.ir_version).toBe(8);
    expect(m.producer_name).toBe('tensorlane');
    expect(m.opset_import).toEqual([{ domain: '', version: 17 }]);
    expect(m.graph.name).toBe('demo_cnn');
    expect(m.graph.input.map(dims)).toEqual([['batch', 28, 28, 1]]);
    expect(m.graph.output.map(dims)).toEqual([['batch', 10]]);
    expect(m.graph.input[0]!.type.tensor_type.elem_type).toBe(1);
    expect(m.graph.node.map((n) => n.op_type)).toEqual([
      'Transpose', 'Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Conv', 'BatchNormalization', 'Relu', 'MaxPool',
      'Transpose', 'Flatten', 'MatMul', 'Add', 'Identity',
    ]);
    expect(m.graph.node.at(-1)!.output).toEqual([m.graph.output[0]!.name]);
    const conv = m.graph.node[1]!;
    const attr = Object.fromEntries((conv.attribute ?? []).map((a) => [a.name, a.ints ?? a.i]));
    expect(attr).toMatchObject({ kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] });
  });

  test('initializers hold the weights: conv kernels as OIHW, batch norm statistics, dense as [in, out]', () => {
    const m = decode(bytes);
    const init = new Map(m.graph.initializer.map((t) => [t.name, t]));
    const [conv1] = model.layers;
    const kernel = conv1!.getWeights()[0]!;
    const onnxKernel = init.get(m.graph.node[1]!.input[1]!)!;
    expect(onnxKernel.dims).toEqual([8, 1, 3, 3]);
    expect(onnxKernel.data_type).toBe(1);
    expect(Array.from(floatsOf(onnxKernel.raw_data))).toEqual(Array.from(permute(kernel.data, kernel.shape, [3, 2, 0, 1])));
    const bn = model.layers[1]!;
    const [, , movingMean, movingVariance] = bn.getWeights();
    const bnNode = m.graph.node[2]!;
    expect(Array.from(floatsOf(init.get(bnNode.input[3]!)!.raw_data))).toEqual(Array.from(movingMean!.data));
    expect(Array.from(floatsOf(init.get(bnNode.input[4]!)!.raw_data))).toEqual(Array.from(movingVariance!.data));
    expect(init.get(m.graph.node[11]!.input[1]!)!.dims).toEqual([7 * 7 * 16, 10]);
  });

  test("the README's example runs as written and gives model.predict's probabilities", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Exporting to ONNX')))![1]!.replace(/^import .*$/m, '');
    const js = ts.transpileModule(`(async () => {\n${code}\nreturn probs;\n})()`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    const probs = await new Function('ort', 'io', 'model', 'x', `return ${js}`)(await ort(), io, model, x);
    expect(probs.dims).toEqual([16, 10]);
    expect(maxAbsDiff(new Tensor(probs.data as Float32Array, [16, 10]), model.predict(x))).toBeLessThanOrEqual(1e-5);
  });

  test('the export is deterministic, and an explicit protobuf module gives the same bytes', async () => {
    expect(Array.from(await io.toOnnx(model))).toEqual(Array.from(bytes));
    expect(Array.from(await io.toOnnx(model, { protobuf }))).toEqual(Array.from(bytes));
  });
});

/** A custom layer (identity, like flatten) that ONNX export does not know. */
class MyIdentity extends layers.Layer {
  override readonly className = 'MyIdentity';
  constructor() {
    super({ name: 'my_identity' }, 'my_identity');
  }
  override get aliasesInput(): 'output' {
    return 'output';
  }
  override computeOutputShape(shapes: readonly (readonly number[])[]): readonly number[] {
    return shapes[0]!;
  }
  override forward(): void {}
  override backward(): void {}
}

describe('io.toOnnx: errors', () => {
  test('a layer without an ONNX equivalent throws naming the layer and its type', async () => {
    const model = new Sequential([layers.dense({ units: 3, inputShape: [4] }), new MyIdentity(), layers.dense({ units: 2 })]);
    await expect(io.toOnnx(model)).rejects.toThrow(/^io\.toOnnx: layer my_identity \(MyIdentity\) has no ONNX export; supported layer types: Dense, Conv2D, .*LSTM$/);
  });

  test('a recurrent activation that ONNX recurrent ops lack throws naming the layer and the activation', async () => {
    const model = new Sequential([layers.lstm({ units: 3, activation: 'gelu', inputShape: [4, 2], name: 'lstm_gelu' })]);
    await expect(io.toOnnx(model)).rejects.toThrow("io.toOnnx: lstm_gelu (LSTM): activation 'gelu' has no equivalent in ONNX's recurrent ops, which take sigmoid, tanh, relu");
  });

  test('recurrent options the export does not map (goBackwards, stateful, initial states) throw naming the layer', async () => {
    const back = new Sequential([layers.gru({ units: 3, goBackwards: true, inputShape: [4, 2], name: 'gru_back' })]);
    await expect(io.toOnnx(back)).rejects.toThrow('io.toOnnx: gru_back (GRU): goBackwards is not exported (the ONNX graph runs forward from a zero state)');
    const kept = new Sequential([layers.lstm({ units: 3, stateful: true, batchInputShape: [2, 4, 2], name: 'lstm_kept' })]);
    await expect(io.toOnnx(kept)).rejects.toThrow('io.toOnnx: lstm_kept (LSTM): stateful is not exported');
    const x = Input({ shape: [4, 2] }), h0 = Input({ shape: [3] });
    const withState = new Model({ inputs: [x, h0], outputs: layers.simpleRnn({ units: 3, name: 'rnn_h0' }).apply([x, h0]) });
    await expect(io.toOnnx(withState)).rejects.toThrow('io.toOnnx: rnn_h0 (SimpleRNN): initial-state inputs are not exported');
  });

  test('bad arguments: not a model, bad options, a protobuf module that is not one, a model without an input shape', async () => {
    await expect(io.toOnnx(null as never)).rejects.toThrow('io.toOnnx: expected a Model or Sequential, got null');
    await expect(io.toOnnx({} as never)).rejects.toThrow('io.toOnnx: expected a Model or Sequential, got object');
    const model = new Sequential([layers.dense({ units: 2, inputShape: [3] })]);
    await expect(io.toOnnx(model, 7 as never)).rejects.toThrow('io.toOnnx: options must be an object, got number');
    await expect(io.toOnnx(model, { protobuf: {} as never })).rejects.toThrow('io.toOnnx: options.protobuf must be the protobufjs module (with Root.fromJSON)');
    await expect(io.toOnnx(new Sequential([layers.dense({ units: 2 })]))).rejects.toThrow(/^io\.toOnnx: .*no input shape yet/);
  });
});

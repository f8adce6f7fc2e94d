// Malformed TF.js artifacts and what neither side can express: each error names what is wrong
// (the key, the weight, the layer and its type) and is a ModelFormatError.
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { io, layers, Sequential, ValueError } from '../../src/index.js';
import { layerToKeras } from '../../src/io/tfjs/layers.js';
import { tfjsArtifacts } from './tfjs-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Json = Record<string, unknown>;
type Artifacts = Json & { modelTopology: Json; weightsManifest: Array<{ paths: string[]; weights: Array<Json & { name: string; shape: number[] }> }>; weightData: ArrayBuffer };

/** A fresh small model's artifacts, deep-copied so each test can break its own. */
function artifacts(): Artifacts {
  const model = new Sequential([layers.dense({ units: 3, inputShape: [2], name: 'd1' }), layers.dense({ units: 2, name: 'd2' })], { seed: 1 });
  const a = io.toTfjs(model);
  return { ...(JSON.parse(JSON.stringify({ ...a, weightData: undefined })) as Json), weightData: a.weightData } as Artifacts;
}

function seqLayers(a: Artifacts): Array<{ class_name: string; config: Json }> {
  return (a.modelTopology.config as { layers: Array<{ class_name: string; config: Json }> }).layers;
}

function fails(input: unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    io.fromTfjs(input as Json);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(io.ModelFormatError);
  expect((error as Error).message).toMatch(pattern);
}

describe('io.fromTfjs: malformed model.json and weights', () => {
  test('missing keys', () => {
    fails(null, /io.fromTfjs: expected \{ modelTopology, weightsManifest, weightData \}, got null/);
    const a = artifacts();
    fails({ ...a, modelTopology: undefined }, /modelTopology is missing/);
    fails({ ...a, modelTopology: { class_name: 'Sequential' } }, /modelTopology has no class_name and config/);
    fails({ ...a, weightsManifest: undefined }, /weightsManifest is missing/);
    fails({ ...a, weightsManifest: [{ paths: [] }] }, /weightsManifest\[0\] has no weights list/);
    fails({ ...a, weightData: undefined }, /weightData is missing/);
    fails({ ...a, weightData: 'bytes' }, /weightData must be an ArrayBuffer, a typed array or a list of them/);
  });

  test('wrong byte length', () => {
    const a = artifacts();
    fails({ ...a, weightData: a.weightData.slice(0, a.weightData.byteLength - 4) }, /the weight data has 64 bytes but the manifest describes 68 \(truncated/);
    fails({ ...a, weightData: [a.weightData, new Uint8Array(1)] }, /the weight data has 69 bytes but the manifest describes 68/);
  });

  test('unknown dtype, bad quantization, malformed spec', () => {
    const a = artifacts();
    a.weightsManifest[0]!.weights[1]!.dtype = 'string';
    fails(a, /weight 1 \(d1\/bias\): unknown dtype "string" \(expected float32 or int32\)/);
    const b = artifacts();
    b.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'int4' };
    fails(b, /weight 0 \(d1\/kernel\): unknown quantization dtype "int4"/);
    const c = artifacts();
    c.weightsManifest[0]!.weights[0]!.shape = [2, -3];
    fails(c, /weight 0 \(d1\/kernel\): has shape \[2,-3\] \(expected a list of non-negative integers\)/);
    const d = artifacts();
    delete (d.weightsManifest[0]!.weights[2] as Partial<Json>).name;
    fails(d, /weight 2: has no name/);
    const e = artifacts();
    e.weightsManifest[0]!.weights[1]!.name = 'd1/kernel';
    fails(e, /weight 1 \(d1\/kernel\): appears twice in the manifest/);
  });

  test('shape mismatch and missing weights name the weight', () => {
    const a = artifacts();
    // Same byte count, different shape: [2, 3] -> [3, 2].
    a.weightsManifest[0]!.weights[0]!.shape = [3, 2];
    fails(a, /weight d1\/kernel has shape \[3, 2\] in the manifest but the layer needs \[2, 3\]/);
    const b = artifacts();
    b.weightsManifest[0]!.weights[3]!.name = 'd2/offset';
    fails(b, /weight d2\/bias \[2\] is not in the weight manifest/);
    const c = artifacts();
    seqLayers(c)[1]!.config.units = 4;
    fails(c, /weight d2\/kernel has shape \[3, 2\] in the manifest but the layer needs \[3, 4\]/);
  });

  test('topology errors name the layer and its type', () => {
    const a = artifacts();
    fails({ ...a, modelTopology: { ...a.modelTopology, class_name: 'Graph' } }, /model class "Graph" is not supported \(expected Sequential, Model or Functional\)/);
    const b = artifacts();
    delete seqLayers(b)[0]!.config.batch_input_shape;
    fails(b, /the first layer "d1": needs batch_input_shape \[null, ...positive sizes\], got undefined/);
    const c = artifacts();
    seqLayers(c)[1]!.config.units = -2;
    fails(c, /io.fromTfjs: layer "d2" \(Dense\): d2: units must be a positive integer, got -2/);
    const d = artifacts();
    seqLayers(d)[1]!.config.activation = 'exponential';
    fails(d, /layer "d2" \(Dense\): unsupported activation "exponential"/);
    const e = artifacts();
    seqLayers(e)[1]!.config.kernel_constraint = { class_name: 'MaxNorm', config: { max_value: 2 } };
    fails(e, /layer "d2" \(Dense\): kernel_constraint is not supported/);
    const f = artifacts();
    seqLayers(f)[1]!.config.activity_regularizer = { class_name: 'L1L2', config: { l1: 0.1 } };
    fails(f, /layer "d2" \(Dense\): activity_regularizer .* is not supported \(expected null\)/);
    const g = artifacts();
    seqLayers(g).push({ class_name: 'not-an-entry' } as never);
    fails(g, /a layer entry is malformed/);
  });

  test('functional graph errors', () => {
    const input = tf.input({ shape: [3], name: 'in' });
    const h = tf.layers.dense({ units: 2, name: 'h' }).apply(input) as ReturnType<typeof tf.input>;
    const twoOut = tf.model({ inputs: input, outputs: [h, tf.layers.dense({ units: 1, name: 'o' }).apply(h) as ReturnType<typeof tf.input>] });
    return tfjsArtifacts(twoOut).then((saved) => {
      const topo = JSON.parse(JSON.stringify(saved.modelTopology)) as { config: { layers: Array<{ name: string; inbound_nodes: unknown[] }>; output_layers: unknown } };
      topo.config.output_layers = [['h', 0, 0]];
      topo.config.layers[1]!.inbound_nodes = [[['nowhere', 0, 0, {}]]];
      fails({ ...saved, modelTopology: topo }, /layer "h": reads "nowhere" node 0, which no layer produces/);
      topo.config.layers[1]!.inbound_nodes = [[['in', 0, 1, {}]]];
      fails({ ...saved, modelTopology: topo }, /layer "h": reads output 1 of "in", which has 1 output/);
      topo.config.layers[1]!.inbound_nodes = [[['in', 0, 0, {}]]];
      topo.config.layers[2]!.name = 'h';
      fails({ ...saved, modelTopology: topo }, /two layers are named "h"/);
    });
  });

  test('TF.js layers and options tensorlane lacks are refused by name', async () => {
    const conv3d = tf.sequential({ layers: [tf.layers.conv3d({ filters: 2, kernelSize: 2, inputShape: [5, 5, 5, 3], name: 'c3' })] });
    fails(await tfjsArtifacts(conv3d), /layer "c3" \(Conv3D\) is not supported; supported types: Dense, .*Softmax.*MultiHeadAttention/);
    const back = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
    const backArtifacts = await tfjsArtifacts(back);
    (backArtifacts.modelTopology as { config: { layers: Array<{ config: Json }> } }).config.layers[0]!.config.go_backwards = true;
    fails(backArtifacts, /layer "d" \(Dense\): go_backwards true is not supported \(expected false\)/);
    const drop = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 4, outputDim: 2, inputLength: 3, embeddingsConstraint: 'nonNeg', name: 'e' })] });
    fails(await tfjsArtifacts(drop), /layer "e" \(Embedding\): embeddings_constraint .* is not supported \(expected null\)/);
    const bilinear = tf.sequential({ layers: [tf.layers.upSampling2d({ inputShape: [4, 4, 1], interpolation: 'bilinear', name: 'u' })] });
    fails(await tfjsArtifacts(bilinear), /layer "u" \(UpSampling2D\): interpolation "bilinear" is not supported \(expected 'nearest'\)/);
    const axis = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [4, 3], axis: 1, name: 'bn' })] });
    fails(await tfjsArtifacts(axis), /layer "bn" \(BatchNormalization\): axis 1 is not supported \(only the last axis, 2 or -1\)/);
    const relu = tf.sequential({ layers: [tf.layers.reLU({ inputShape: [3], maxValue: 2, name: 'r' })] });
    fails(await tfjsArtifacts(relu), /layer "r" \(ReLU\): max_value 2 is not supported/);
  });
});

describe('io.toTfjs: what TF.js cannot express', () => {
  test('bad arguments', () => {
    expect(() => io.toTfjs({} as never)).toThrow(ValueError);
    expect(() => io.toTfjs({} as never)).toThrow(/io.toTfjs: expected a Model or Sequential, got object/);
    const model = new Sequential([layers.dense({ units: 1, inputShape: [2] })]);
    expect(() => io.toTfjs(model, { shardBytes: 0 })).toThrow(/shardBytes must be an integer >= 4, got 0/);
    expect(() => io.toTfjs(new Sequential([layers.input({ shape: [2] })], { name: 'bare' }))).toThrow(/bare.* has no layers/);
  });

  test('options and layers without a TF.js equivalent name the layer', () => {
    const explicit = new Sequential([layers.conv2d({ filters: 1, kernelSize: 3, padding: [1, 0, 1, 0], inputShape: [4, 4, 1], name: 'cx' })]);
    expect(() => io.toTfjs(explicit)).toThrow(/io.toTfjs: layer "cx" \(Conv2D\): explicit padding \[1,0,1,0\] has no TF.js equivalent/);
    const fused = new Sequential([layers.dense({ units: 2, activation: { name: 'leakyRelu', alpha: 0.1 }, inputShape: [2], name: 'dl' })]);
    expect(() => io.toTfjs(fused)).toThrow(/layer "dl" \(Dense\): activation .*leakyRelu.* has no TF.js equivalent as a fused activation/);
    const elu = new Sequential([layers.dense({ units: 2, inputShape: [2] }), layers.elu({ alpha: 0.5, name: 'e' })]);
    expect(() => io.toTfjs(elu)).toThrow(/layer "e" \(Activation\): elu alpha 0.5 cannot be loaded by TF.js \(its ELU layer supports alpha 1 only\)/);
    expect(() => layerToKeras('MyCustom', { name: 'mine' }, 'io.toTfjs')).toThrow(/io.toTfjs: layer "mine" \(MyCustom\) has no TF.js layers equivalent; exportable types: Dense/);
  });
});

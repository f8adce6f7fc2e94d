// Model exchange with the real TensorFlow.js (cpu backend): every layer type both libraries share,
// both ways. A model trained in tensorlane predicts the same in TF.js, and a model built and trained
// in TF.js predicts the same in tensorlane (max abs difference <= 1e-5). The table is printed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Input, io, layers, Model, optimizers, Sequential, tensor, type Tensor } from '../../src/index.js';
import type { Layer } from '../../src/layers/index.js';
import { randomArray } from '../util.js';
import { tfjsArtifacts, tfjsLoad } from './tfjs-helpers.js';

const TOL = 1e-5;
const rows: Array<{ type: string; toTfjs: number | undefined; fromTfjs: number }> = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  const width = Math.max(...rows.map((r) => r.type.length), 10);
  const lines = rows.map((r) => `${r.type.padEnd(width)} | ${(r.toTfjs?.toExponential(2) ?? '-').padStart(9)} | ${r.fromTfjs.toExponential(2).padStart(9)}`);
  console.log(`TF.js round trips (max abs difference of predictions after training)\n${'layer type'.padEnd(width)} | tl->tfjs  | tfjs->tl\n${lines.join('\n')}`);
});

type TfLayer = NonNullable<NonNullable<Parameters<typeof tf.sequential>[0]>['layers']>[number];
type TfSymbolic = ReturnType<typeof tf.input>;

interface Case {
  type: string;
  input: number[][];
  /** tensorlane graph on the inputs (without the dense head). */
  tl: (xs: ReturnType<typeof Input>[]) => ReturnType<typeof Input>;
  /** The same graph in TF.js. */
  tf: (xs: TfSymbolic[]) => TfSymbolic;
}

/** A chain of layers as a case (Sequential in both libraries). */
function chain(type: string, input: number[], tl: () => Layer[], tfl: () => TfLayer[]): Case & { sequential: [() => Layer[], () => TfLayer[]] } {
  return {
    type, input: [input], sequential: [tl, tfl],
    tl: ([x]) => tl().reduce((t, l) => l.apply(t), x!),
    tf: ([x]) => tfl().reduce((t, l) => l.apply(t) as TfSymbolic, x!),
  };
}

const img = [6, 6, 2];
const act = (name: string, tfName: string): Case => chain(`Activation '${name}'`, [5], () => [layers.dense({ units: 4 }), layers.activation({ activation: name as never })], () => [tf.layers.dense({ units: 4 }), tf.layers.activation({ activation: tfName as never })]);

const CASES: Array<Case & { sequential?: [() => Layer[], () => TfLayer[]]; only?: 'fromTfjs' }> = [
  chain('Dense', [5], () => [layers.dense({ units: 4, activation: 'relu' }), layers.dense({ units: 3, useBias: false, activation: 'tanh' })], () => [tf.layers.dense({ units: 4, activation: 'relu' }), tf.layers.dense({ units: 3, useBias: false, activation: 'tanh' })]),
  chain('Conv2D same, relu', img, () => [layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' })], () => [tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' })]),
  chain('Conv2D strides 2, no bias', img, () => [layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, useBias: false })], () => [tf.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, useBias: false })]),
  // Frozen: TF.js has no gradient for dilated convolutions.
  chain('Conv2D dilation 2 (frozen)', img, () => [layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, activation: 'sigmoid', trainable: false })], () => [tf.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, activation: 'sigmoid', trainable: false })]),
  chain('DepthwiseConv2D', img, () => [layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2 })], () => [tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2 })]),
  chain('Conv2DTranspose', img, () => [layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })], () => [tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })]),
  chain('MaxPooling2D', img, () => [layers.maxPooling2d({ poolSize: 2 })], () => [tf.layers.maxPooling2d({ poolSize: 2 })]),
  chain('AveragePooling2D same', img, () => [layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })], () => [tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })]),
  chain('GlobalAveragePooling2D', img, () => [layers.conv2d({ filters: 3, kernelSize: 3 }), layers.globalAveragePooling2d()], () => [tf.layers.conv2d({ filters: 3, kernelSize: 3 }), tf.layers.globalAveragePooling2d({})]),
  chain('GlobalMaxPooling2D', img, () => [layers.conv2d({ filters: 3, kernelSize: 3 }), layers.globalMaxPooling2d()], () => [tf.layers.conv2d({ filters: 3, kernelSize: 3 }), tf.layers.globalMaxPooling2d({})]),
  chain('BatchNormalization', img, () => [layers.conv2d({ filters: 3, kernelSize: 3 }), layers.batchNormalization({ momentum: 0.5 })], () => [tf.layers.conv2d({ filters: 3, kernelSize: 3 }), tf.layers.batchNormalization({ momentum: 0.5 })]),
  chain('LayerNormalization', [5], () => [layers.dense({ units: 4 }), layers.layerNormalization()], () => [tf.layers.dense({ units: 4 }), tf.layers.layerNormalization()]),
  chain('Dropout', [5], () => [layers.dense({ units: 6 }), layers.dropout({ rate: 0.3 })], () => [tf.layers.dense({ units: 6 }), tf.layers.dropout({ rate: 0.3 })]),
  chain('GaussianNoise', [5], () => [layers.gaussianNoise({ stddev: 0.1 }), layers.dense({ units: 4 })], () => [tf.layers.gaussianNoise({ stddev: 0.1 }), tf.layers.dense({ units: 4 })]),
  chain('Flatten, Reshape', img, () => [layers.flatten(), layers.reshape({ targetShape: [9, 8] }), layers.dense({ units: 2 })], () => [tf.layers.flatten(), tf.layers.reshape({ targetShape: [9, 8] }), tf.layers.dense({ units: 2 })]),
  chain('ZeroPadding2D', img, () => [layers.zeroPadding2d({ padding: [[1, 0], [2, 1]] }), layers.conv2d({ filters: 2, kernelSize: 3 })], () => [tf.layers.zeroPadding2d({ padding: [[1, 0], [2, 1]] }), tf.layers.conv2d({ filters: 2, kernelSize: 3 })]),
  chain('Cropping2D', img, () => [layers.conv2d({ filters: 2, kernelSize: 1 }), layers.cropping2d({ cropping: [[1, 2], [0, 1]] })], () => [tf.layers.conv2d({ filters: 2, kernelSize: 1 }), tf.layers.cropping2D({ cropping: [[1, 2], [0, 1]] })]),
  chain('UpSampling2D', img, () => [layers.conv2d({ filters: 2, kernelSize: 3 }), layers.upSampling2d({ size: [2, 3] })], () => [tf.layers.conv2d({ filters: 2, kernelSize: 3 }), tf.layers.upSampling2d({ size: [2, 3] })]),
  chain('SimpleRNN', [5, 3], () => [layers.simpleRnn({ units: 4, returnSequences: true }), layers.simpleRnn({ units: 3, activation: 'relu' })], () => [tf.layers.simpleRNN({ units: 4, returnSequences: true }), tf.layers.simpleRNN({ units: 3, activation: 'relu' })]),
  chain('LSTM', [5, 3], () => [layers.lstm({ units: 4, returnSequences: true }), layers.lstm({ units: 3, recurrentActivation: 'hardSigmoid' })], () => [tf.layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.lstm({ units: 3 })]),
  chain('ReLU layer', [5], () => [layers.dense({ units: 4 }), layers.relu()], () => [tf.layers.dense({ units: 4 }), tf.layers.reLU()]),
  chain('LeakyReLU layer', [5], () => [layers.dense({ units: 4 }), layers.leakyRelu({ alpha: 0.1 })], () => [tf.layers.dense({ units: 4 }), tf.layers.leakyReLU({ alpha: 0.1 })]),
  chain('ELU layer', [5], () => [layers.dense({ units: 4 }), layers.elu()], () => [tf.layers.dense({ units: 4 }), tf.layers.elu()]),
  chain('Softmax layer', [5], () => [layers.dense({ units: 4 }), layers.softmax()], () => [tf.layers.dense({ units: 4 }), tf.layers.softmax()]),
  chain('PReLU', img, () => [layers.conv2d({ filters: 3, kernelSize: 3 }), layers.prelu({ sharedAxes: [1, 2], alphaInitializer: 'ones' })], () => [tf.layers.conv2d({ filters: 3, kernelSize: 3 }), tf.layers.prelu({ sharedAxes: [1, 2], alphaInitializer: 'ones' })]),
  ...[['relu6', 'relu6'], ['elu', 'elu'], ['selu', 'selu'], ['sigmoid', 'sigmoid'], ['hardSigmoid', 'hardSigmoid'], ['softmax', 'softmax'], ['logSoftmax', 'logSoftmax'], ['softplus', 'softplus'], ['softsign', 'softsign'], ['tanh', 'tanh'], ['swish', 'swish'], ['mish', 'mish'], ['gelu', 'gelu']].map(([a, b]) => act(a!, b!)),
  // TF.js 4.22 writes 'gelu_new' but cannot read it back: import only (io.toTfjs refuses it).
  { ...act('geluTanh', 'gelu_new'), only: 'fromTfjs' },
  {
    type: 'Add (residual block)', input: [img],
    tl: ([x]) => layers.activation({ activation: 'relu' }).apply(layers.add().apply([x!, layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(x!)])),
    tf: ([x]) => tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([x!, tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }).apply(x!) as TfSymbolic])) as TfSymbolic,
  },
  {
    type: 'Concatenate (U-Net skip)', input: [img],
    tl: ([x]) => {
      const c = layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x!);
      const up = layers.upSampling2d().apply(layers.maxPooling2d().apply(c));
      return layers.concatenate().apply([c, up]);
    },
    tf: ([x]) => {
      const c = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x!) as TfSymbolic;
      const up = tf.layers.upSampling2d({}).apply(tf.layers.maxPooling2d({}).apply(c)) as TfSymbolic;
      return tf.layers.concatenate().apply([c, up]) as TfSymbolic;
    },
  },
  {
    type: 'two inputs, shared Dense', input: [[4], [4]],
    tl: ([a, b]) => {
      const shared = layers.dense({ units: 3, activation: 'tanh' });
      return layers.concatenate({ axis: 1 }).apply([shared.apply(a!), shared.apply(b!)]);
    },
    tf: ([a, b]) => {
      const shared = tf.layers.dense({ units: 3, activation: 'tanh' });
      return tf.layers.concatenate({ axis: 1 }).apply([shared.apply(a!) as TfSymbolic, shared.apply(b!) as TfSymbolic]) as TfSymbolic;
    },
  },
];

const N = 16;
function data(shapes: number[][], n: number, seed: number): Float32Array[] {
  return shapes.map((s, i) => randomArray(n * s.reduce((a, b) => a * b, 1), seed + i));
}
const y = randomArray(N * 3, 99);

/** The case's graph with a Dense(3) head (flattened first when needed), in tensorlane. */
function buildTl(c: (typeof CASES)[number]): Model {
  if (c.sequential !== undefined) {
    const model = new Sequential([layers.input({ shape: c.input[0]! }), ...c.sequential[0]()], { seed: 5 });
    if (model.outputShape!.length > 1) model.add(layers.flatten());
    model.add(layers.dense({ units: 3 }));
    return model;
  }
  const xs = c.input.map((shape) => Input({ shape }));
  let out = c.tl(xs);
  if (out.shape.length > 1) out = layers.flatten().apply(out);
  return new Model({ inputs: xs, outputs: layers.dense({ units: 3 }).apply(out), seed: 5 });
}

/** The same in TF.js. */
function buildTf(c: (typeof CASES)[number]): tf.LayersModel {
  if (c.sequential !== undefined) {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: c.input[0]! }), ...c.sequential[1]()] });
    if (model.outputs[0]!.shape.length > 2) model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 3 }));
    return model;
  }
  const xs = c.input.map((shape) => tf.input({ shape }));
  let out = c.tf(xs);
  if (out.shape.length > 2) out = tf.layers.flatten().apply(out) as TfSymbolic;
  return tf.model({ inputs: xs, outputs: tf.layers.dense({ units: 3 }).apply(out) as TfSymbolic });
}

function tlPredict(model: Model, xs: Float32Array[], shapes: number[][], n: number): Float32Array {
  const ts = xs.map((x, i) => tensor(x, [n, ...shapes[i]!]));
  return (model.predict(ts.length === 1 ? ts[0]! : ts) as Tensor).data;
}

function tfPredict(model: tf.LayersModel, xs: Float32Array[], shapes: number[][], n: number): Float32Array {
  const ts = xs.map((x, i) => tf.tensor(x, [n, ...shapes[i]!]));
  const out = model.predict(ts.length === 1 ? ts[0]! : ts) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  tf.dispose([...ts, out]);
  return values;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('io.toTfjs / io.fromTfjs against @tensorflow/tfjs', () => {
  for (const c of CASES) {
    test(`${c.type}: trained in tensorlane -> TF.js, and trained in TF.js -> tensorlane`, async () => {
      const xTrain = data(c.input, N, 1);
      const xTest = data(c.input, 5, 11);
      // tensorlane -> TF.js
      let toTfjs: number | undefined;
      if (c.only === undefined) {
        const model = buildTl(c);
        model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
        const xs = xTrain.map((x, i) => tensor(x, [N, ...c.input[i]!]));
        await model.fit(xs.length === 1 ? xs[0]! : xs, tensor(y, [N, 3]), { epochs: 2, batchSize: 8, verbose: 0 });
        const artifacts = io.toTfjs(model);
        const inTf = await tfjsLoad(artifacts);
        const ours = tlPredict(model, xTest, c.input, 5);
        toTfjs = maxDiff(ours, tfPredict(inTf, xTest, c.input, 5));
        // ... and back, unchanged.
        expect(Array.from(tlPredict(io.fromTfjs(artifacts as never), xTest, c.input, 5))).toEqual(Array.from(ours));
      } else {
        expect(() => io.toTfjs(buildTl(c))).toThrow(/no TF.js equivalent/);
      }
      // TF.js -> tensorlane
      const tfModel = buildTf(c);
      tfModel.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
      const txs = xTrain.map((x, i) => tf.tensor(x, [N, ...c.input[i]!]));
      await tfModel.fit(txs.length === 1 ? txs[0]! : txs, tf.tensor(y, [N, 3]), { epochs: 2, batchSize: 8, verbose: 0 });
      const loaded = io.fromTfjs((await tfjsArtifacts(tfModel)) as never);
      const fromTfjs = maxDiff(tlPredict(loaded, xTest, c.input, 5), tfPredict(tfModel, xTest, c.input, 5));
      tf.dispose(txs);
      rows.push({ type: c.type, toTfjs, fromTfjs });
      if (toTfjs !== undefined) expect(toTfjs).toBeLessThanOrEqual(TOL);
      expect(fromTfjs).toBeLessThanOrEqual(TOL);
    });
  }
});

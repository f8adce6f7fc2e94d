// io.toOnnx, layer by layer: a small model per layer type (and per option that changes the
// ONNX form: padding, strides, layout of the input, returnSequences, ...), every weight random,
// exported, run in onnxruntime-web and compared with model.predict. The table of layer types and
// their largest difference is printed at the end.
import { afterAll, describe, expect, test } from 'vitest';
import { Input, layers, Model, Sequential, tensor, type Tensor } from '../../src/index.js';
import { ACTIVATION_NAMES } from '../../src/ops/activation.js';
import { randomArray } from '../util.js';
import { onnxDiff, randomizeWeights } from './onnx-harness.js';

const BATCH = 3;
const TOLERANCE = 1e-5;
/** Largest difference per layer type, over every case that exercises it. */
const table = new Map<string, { cases: number; diff: number }>();

const input = (shape: number[], seed: number, scale = 1): Tensor => tensor(randomArray(BATCH * shape.reduce((a, b) => a * b, 1), seed, -scale, scale), [BATCH, ...shape]);
const seq = (shape: number[], ...stack: layers.Layer[]) => new Sequential([layers.input({ shape }), ...stack], { seed: 5 });

interface Case {
  name: string;
  /** Layer types the case exercises (the table's rows). */
  covers: string[];
  model: () => Model;
  x: () => Tensor | Tensor[];
}

const conv = (extra: Record<string, unknown> = {}) => layers.conv2d({ filters: 3, kernelSize: 3, ...extra });
const img = (shape: number[] = [7, 7, 2], seed = 11) => () => input(shape, seed);

const CASES: Case[] = [
  { name: 'dense', covers: ['Dense'], model: () => seq([6], layers.dense({ units: 4 })), x: img([6]) },
  { name: 'dense, no bias, relu, on [*, 4, 6]', covers: ['Dense'], model: () => seq([4, 6], layers.dense({ units: 5, useBias: false, activation: 'relu' })), x: img([4, 6]) },
  { name: 'conv2d valid', covers: ['Conv2D'], model: () => seq([7, 7, 2], conv()), x: img() },
  { name: "conv2d 'same', stride 2 on odd size (extra pixel bottom/right)", covers: ['Conv2D'], model: () => seq([7, 8, 2], conv({ padding: 'same', strides: 2, kernelSize: [4, 3] })), x: img([7, 8, 2]) },
  { name: "conv2d 'same', dilation 2, no bias, tanh", covers: ['Conv2D'], model: () => seq([7, 7, 2], conv({ padding: 'same', dilationRate: 2, useBias: false, activation: 'tanh' })), x: img() },
  { name: 'conv2d explicit padding [1, 0, 2, 1], strides [2, 1]', covers: ['Conv2D'], model: () => seq([7, 7, 2], conv({ padding: [1, 0, 2, 1], strides: [2, 1] })), x: img() },
  { name: "depthwiseConv2d depthMultiplier 2, 'same', stride 2", covers: ['DepthwiseConv2D'], model: () => seq([7, 7, 3], layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2 })), x: img([7, 7, 3]) },
  { name: 'depthwiseConv2d valid, relu', covers: ['DepthwiseConv2D'], model: () => seq([6, 6, 2], layers.depthwiseConv2d({ kernelSize: [2, 3], activation: 'relu' })), x: img([6, 6, 2]) },
  { name: 'conv2dTranspose valid, stride 2', covers: ['Conv2DTranspose'], model: () => seq([4, 5, 2], layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2 })), x: img([4, 5, 2]) },
  { name: "conv2dTranspose 'same', stride 2, kernel 3", covers: ['Conv2DTranspose'], model: () => seq([4, 5, 2], layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })), x: img([4, 5, 2]) },
  { name: "conv2dTranspose 'same', stride 3 > kernel 2 (output_padding)", covers: ['Conv2DTranspose'], model: () => seq([3, 4, 2], layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 3, padding: 'same' })), x: img([3, 4, 2]) },
  { name: 'conv2dTranspose explicit padding [1, 0, 0, 1], no bias', covers: ['Conv2DTranspose'], model: () => seq([4, 4, 2], layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: [1, 0, 0, 1], useBias: false })), x: img([4, 4, 2]) },
  { name: 'maxPooling2d 2x2', covers: ['MaxPooling2D'], model: () => seq([6, 6, 2], layers.maxPooling2d()), x: img([6, 6, 2]) },
  { name: "maxPooling2d 3x3 stride 2 'same' on 7x7", covers: ['MaxPooling2D'], model: () => seq([7, 7, 2], layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })), x: img() },
  { name: 'averagePooling2d 2x2 valid on 7x7', covers: ['AveragePooling2D'], model: () => seq([7, 7, 2], layers.averagePooling2d()), x: img() },
  { name: "averagePooling2d 3x3 stride 2 'same' (padded cells not counted)", covers: ['AveragePooling2D'], model: () => seq([7, 6, 2], layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })), x: img([7, 6, 2]) },
  { name: 'globalAveragePooling2d on the input (NHWC)', covers: ['GlobalAveragePooling2D'], model: () => seq([5, 4, 3], layers.globalAveragePooling2d()), x: img([5, 4, 3]) },
  { name: 'globalAveragePooling2d after conv2d (NCHW)', covers: ['GlobalAveragePooling2D', 'Conv2D'], model: () => seq([7, 7, 2], conv(), layers.globalAveragePooling2d()), x: img() },
  { name: 'globalMaxPooling2d on the input (NHWC)', covers: ['GlobalMaxPooling2D'], model: () => seq([7, 7, 2], layers.globalMaxPooling2d()), x: img() },
  { name: 'globalMaxPooling2d after conv2d (NCHW)', covers: ['GlobalMaxPooling2D', 'Conv2D'], model: () => seq([7, 7, 2], conv(), layers.globalMaxPooling2d()), x: img() },
  { name: 'batchNormalization after conv2d (NCHW)', covers: ['BatchNormalization', 'Conv2D'], model: () => seq([7, 7, 2], conv({ useBias: false }), layers.batchNormalization()), x: img() },
  { name: 'batchNormalization on the input image, epsilon 0.01', covers: ['BatchNormalization'], model: () => seq([5, 5, 3], layers.batchNormalization({ epsilon: 0.01 })), x: img([5, 5, 3]) },
  { name: 'batchNormalization on [*, 6], no center, no scale', covers: ['BatchNormalization'], model: () => seq([6], layers.batchNormalization({ center: false, scale: false })), x: img([6]) },
  { name: 'batchNormalization on [*, 4, 6] (folded into Mul, Add)', covers: ['BatchNormalization'], model: () => seq([4, 6], layers.batchNormalization()), x: img([4, 6]) },
  { name: 'layerNormalization on [*, 4, 6]', covers: ['LayerNormalization'], model: () => seq([4, 6], layers.layerNormalization()), x: img([4, 6]) },
  { name: 'layerNormalization after conv2d, no center', covers: ['LayerNormalization'], model: () => seq([7, 7, 2], conv(), layers.layerNormalization({ center: false, epsilon: 1e-5 })), x: img() },
  ...ACTIVATION_NAMES.map((name): Case => ({ name: `activation '${name}' on [*, 9] in [-8, 8]`, covers: ['Activation'], model: () => seq([9], layers.activation({ activation: name })), x: () => input([9], 23, 8) })),
  { name: 'leakyRelu alpha 0.1, elu alpha 0.7 layers', covers: ['Activation'], model: () => seq([9], layers.leakyRelu({ alpha: 0.1 }), layers.elu({ alpha: 0.7 })), x: () => input([9], 29, 4) },
  { name: 'softmax of a conv2d output (NCHW -> last axis)', covers: ['Activation', 'Conv2D'], model: () => seq([7, 7, 2], conv({ activation: 'softmax' })), x: img() },
  { name: 'gelu and swish after conv2d (layout kept)', covers: ['Activation', 'Conv2D'], model: () => seq([7, 7, 2], conv({ activation: 'gelu' }), layers.activation({ activation: 'swish' }), layers.flatten()), x: img() },
  { name: 'prelu on [*, 6]', covers: ['PReLU'], model: () => seq([6], layers.prelu()), x: img([6]) },
  { name: 'prelu sharedAxes [1, 2] after conv2d', covers: ['PReLU'], model: () => seq([7, 7, 2], conv(), layers.prelu({ sharedAxes: [1, 2] })), x: img() },
  { name: 'flatten after conv2d (NHWC order)', covers: ['Flatten', 'Conv2D'], model: () => seq([7, 7, 2], conv(), layers.flatten(), layers.dense({ units: 3 })), x: img() },
  { name: 'reshape [*, 4, 6] -> [*, 3, -1] and of an image', covers: ['Reshape'], model: () => seq([4, 6], layers.reshape({ targetShape: [3, -1] }), layers.reshape({ targetShape: [2, 3, 4] })), x: img([4, 6]) },
  { name: 'reshape of a conv2d output', covers: ['Reshape', 'Conv2D'], model: () => seq([7, 7, 2], conv(), layers.reshape({ targetShape: [5, 15] })), x: img() },
  { name: 'dropout and gaussianNoise (identity in inference)', covers: ['Dropout', 'GaussianNoise'], model: () => seq([6], layers.dropout({ rate: 0.5 }), layers.gaussianNoise({ stddev: 1 }), layers.dense({ units: 2 })), x: img([6]) },
  { name: 'zeroPadding2d [[1, 2], [0, 3]] on the input', covers: ['ZeroPadding2D'], model: () => seq([4, 5, 2], layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] })), x: img([4, 5, 2]) },
  { name: 'zeroPadding2d after conv2d (NCHW)', covers: ['ZeroPadding2D', 'Conv2D'], model: () => seq([7, 7, 2], conv(), layers.zeroPadding2d({ padding: [1, 2] })), x: img() },
  { name: 'cropping2d [[1, 0], [2, 1]] on the input and after conv2d', covers: ['Cropping2D', 'Conv2D'], model: () => seq([7, 7, 2], layers.cropping2d({ cropping: [[1, 0], [2, 1]] }), conv({ padding: 'same' }), layers.cropping2d({ cropping: 1 })), x: img() },
  { name: 'upSampling2d [2, 3] on the input (NHWC)', covers: ['UpSampling2D'], model: () => seq([3, 4, 2], layers.upSampling2d({ size: [2, 3] })), x: img([3, 4, 2]) },
  { name: 'upSampling2d after conv2d (NCHW)', covers: ['UpSampling2D', 'Conv2D'], model: () => seq([7, 7, 2], conv(), layers.upSampling2d()), x: img() },
  {
    name: 'add: residual of a conv2d (NCHW) and the input (NHWC)',
    covers: ['Add', 'Conv2D'],
    model: () => {
      const x = Input({ shape: [6, 6, 3] });
      const y = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x);
      return new Model({ inputs: x, outputs: layers.add().apply([x, y, y]), seed: 3 });
    },
    x: img([6, 6, 3]),
  },
  {
    name: 'concatenate channels of two conv2d outputs (NCHW), then of mixed layouts along height',
    covers: ['Concatenate', 'Conv2D'],
    model: () => {
      const x = Input({ shape: [6, 6, 2] });
      const a = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x);
      const b = layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x);
      const ab = layers.concatenate().apply([a, b]);
      const c = layers.conv2d({ filters: 2, kernelSize: 1 }).apply(ab);
      return new Model({ inputs: x, outputs: layers.concatenate({ axis: 1 }).apply([c, x]), seed: 3 });
    },
    x: img([6, 6, 2]),
  },
  {
    name: 'two inputs: dense of each, concatenate, shared dense layer called twice',
    covers: ['Dense', 'Concatenate'],
    model: () => {
      const a = Input({ shape: [4] });
      const b = Input({ shape: [4] });
      const shared = layers.dense({ units: 3, activation: 'sigmoid' });
      return new Model({ inputs: [a, b], outputs: layers.concatenate().apply([shared.apply(a), shared.apply(b)]), seed: 3 });
    },
    x: () => [input([4], 31), input([4], 37)],
  },
  { name: 'simpleRnn, last state', covers: ['SimpleRNN'], model: () => seq([5, 3], layers.simpleRnn({ units: 4 })), x: img([5, 3]) },
  { name: 'simpleRnn relu, returnSequences, no bias', covers: ['SimpleRNN'], model: () => seq([5, 3], layers.simpleRnn({ units: 4, activation: 'relu', returnSequences: true, useBias: false })), x: img([5, 3]) },
  { name: 'lstm, last state', covers: ['LSTM'], model: () => seq([6, 3], layers.lstm({ units: 5 })), x: img([6, 3]) },
  { name: 'lstm returnSequences, recurrentActivation hardSigmoid, then lstm', covers: ['LSTM'], model: () => seq([6, 3], layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid' }), layers.lstm({ units: 3 })), x: img([6, 3]) },
  { name: 'gru (resetAfter), last state', covers: ['GRU'], model: () => seq([6, 3], layers.gru({ units: 5 })), x: img([6, 3]) },
  { name: 'gru returnSequences, activation relu, no bias', covers: ['GRU'], model: () => seq([6, 3], layers.gru({ units: 4, returnSequences: true, activation: 'relu', useBias: false })), x: img([6, 3]) },
  { name: 'gru resetAfter false (linear_before_reset 0), returnSequences', covers: ['GRU'], model: () => seq([6, 3], layers.gru({ units: 4, resetAfter: false, returnSequences: true })), x: img([6, 3]) },
];

describe('io.toOnnx: each layer type in onnxruntime-web matches model.predict', () => {
  CASES.forEach((c, i) => {
    test(c.name, async () => {
      const model = c.model();
      randomizeWeights(model, 100 + 17 * i);
      const { diff } = await onnxDiff(model, c.x());
      expect(diff, `${c.name}: max |onnxruntime - predict|`).toBeLessThanOrEqual(TOLERANCE);
      for (const type of c.covers) {
        const row = table.get(type) ?? { cases: 0, diff: 0 };
        table.set(type, { cases: row.cases + 1, diff: Math.max(row.diff, diff) });
      }
    });
  });
});

afterAll(() => {
  if (table.size === 0) return;
  const rows = [...table].sort(([a], [b]) => a.localeCompare(b)).map(([type, r]) => `| ${type} | ${r.cases} | ${r.diff.toExponential(2)} |`);
  console.log(['io.toOnnx vs model.predict (onnxruntime-web, wasm):', '| layer type | cases | max abs diff |', '| --- | --- | --- |', ...rows].join('\n'));
});

// Layer configs: an unknown option throws naming the layer type, the key(s) and the accepted keys
// (Keras: "Unrecognized keyword arguments"); what getConfig() writes passes that check, through
// fromConfig and through io.save / io.load, for every built-in layer class.
import { describe, expect, test } from 'vitest';
import { io, layers, Input, Model, tensor, ValueError } from '../../src/index.js';
import type { SymbolicTensor } from '../../src/layers/layer.js';
import { fromConfig } from '../../src/layers/index.js';
import { randomArray } from '../util.js';

const BASE = 'name, trainable, inputShape, batchInputShape, activityRegularizer';

describe('unknown layer options', () => {
  test('dense: a misspelt option throws with the layer type, the key and every accepted key', () => {
    expect(() => layers.dense({ units: 3, activaton: 'relu' } as never)).toThrow(ValueError);
    expect(() => layers.dense({ units: 3, activaton: 'relu' } as never)).toThrow(
      `dense: unknown option 'activaton'; expected one of units, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, ${BASE}`,
    );
  });

  test('several unknown options are all named', () => {
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, stride: 2, padd: 'same' } as never)).toThrow(
      /^conv2d: unknown options 'stride', 'padd'; expected one of filters, kernelSize, strides, padding, /,
    );
  });

  // One typo in one option of each layer family (factory, valid config plus the typo, type, a key it suggests).
  const cases: Array<[string, () => unknown, string, string]> = [
    ['flatten', () => layers.flatten({ nmae: 'f' } as never), 'flatten', 'nmae'],
    ['reshape', () => layers.reshape({ targetShape: [2], targetShap: [2] } as never), 'reshape', 'targetShap'],
    ['input', () => layers.input({ shape: [2], shap: [2] } as never), 'input', 'shap'],
    ['Input', () => Input({ shape: [2], batchSize: 4 } as never), 'input', 'batchSize'],
    ['activation', () => layers.activation({ activation: 'relu', alpha: 1 } as never), 'activation', 'alpha'],
    ['relu', () => layers.relu({ maxValue: 6 } as never), 're_lu', 'maxValue'],
    ['leakyRelu', () => layers.leakyRelu({ alpa: 0.1 } as never), 'leaky_re_lu', 'alpa'],
    ['elu', () => layers.elu({ trainabel: false } as never), 'elu', 'trainabel'],
    ['softmax', () => layers.softmax({ axis: -1 } as never), 'softmax', 'axis'],
    ['prelu', () => layers.prelu({ alphaInitialiser: 'zeros' } as never), 'p_re_lu', 'alphaInitialiser'],
    ['add', () => layers.add({ axis: 1 } as never), 'add', 'axis'],
    ['concatenate', () => layers.concatenate({ axes: 1 } as never), 'concatenate', 'axes'],
    ['depthwiseConv2d', () => layers.depthwiseConv2d({ kernelSize: 3, depthMultipler: 2 } as never), 'depthwise_conv2d', 'depthMultipler'],
    ['conv2dTranspose', () => layers.conv2dTranspose({ filters: 2, kernelSize: 3, outputPading: 1 } as never), 'conv2d_transpose', 'outputPading'],
    ['maxPooling2d', () => layers.maxPooling2d({ poolsize: 2 } as never), 'max_pooling2d', 'poolsize'],
    ['averagePooling2d', () => layers.averagePooling2d({ stride: 2 } as never), 'average_pooling2d', 'stride'],
    ['globalAveragePooling2d', () => layers.globalAveragePooling2d({ keepdims: true } as never), 'global_average_pooling2d', 'keepdims'],
    ['globalMaxPooling2d', () => layers.globalMaxPooling2d({ keepDims: true } as never), 'global_max_pooling2d', 'keepDims'],
    ['upSampling2d', () => layers.upSampling2d({ sizes: 2 } as never), 'up_sampling2d', 'sizes'],
    ['zeroPadding2d', () => layers.zeroPadding2d({ pad: 1 } as never), 'zero_padding2d', 'pad'],
    ['cropping2d', () => layers.cropping2d({ crop: 1 } as never), 'cropping2d', 'crop'],
    ['batchNormalization', () => layers.batchNormalization({ momentun: 0.9 } as never), 'batch_normalization', 'momentun'],
    ['layerNormalization', () => layers.layerNormalization({ momentum: 0.9 } as never), 'layer_normalization', 'momentum'],
    ['dropout', () => layers.dropout({ rate: 0.5, seed: 1 } as never), 'dropout', 'seed'],
    ['gaussianNoise', () => layers.gaussianNoise({ stdev: 0.1 } as never), 'gaussian_noise', 'stdev'],
  ];
  test.each(cases)('%s: a typo throws a ValueError naming the layer and the key', (_, make, type, key) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(new RegExp(`^${type}: unknown option '${key}'; expected one of .*${BASE}$`));
  });

  test('the accepted keys listed are the layer family\'s own', () => {
    expect(() => layers.batchNormalization({ momentun: 0.9 } as never)).toThrow(
      `batch_normalization: unknown option 'momentun'; expected one of axis, epsilon, center, scale, betaInitializer, gammaInitializer, betaRegularizer, gammaRegularizer, momentum, movingMeanInitializer, movingVarianceInitializer, ${BASE}`,
    );
    expect(() => layers.dropout({ rate: 0.5, seed: 1 } as never)).toThrow(`dropout: unknown option 'seed'; expected one of rate, ${BASE}`);
    expect(() => layers.leakyRelu({ alpa: 0.1 } as never)).toThrow(`leaky_re_lu: unknown option 'alpa'; expected one of alpha, ${BASE}`);
    expect(() => layers.elu({ alfa: 1 } as never)).toThrow(`elu: unknown option 'alfa'; expected one of alpha, ${BASE}`);
  });

  test('fromConfig (what io.load calls) checks the keys too', () => {
    expect(() => fromConfig('Dense', { units: 2, activaton: 'relu' })).toThrow(/^dense: unknown option 'activaton'/);
  });
});

/** A functional model with every built-in layer class, most options set away from their defaults. */
function everyLayer(): Model {
  const input = Input({ shape: [8, 8, 2], name: 'image' });
  const ap = <T>(layer: { apply(x: T): unknown }, x: T): SymbolicTensor => layer.apply(x) as SymbolicTensor;
  const c1 = ap(layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', kernelRegularizer: 'l2', biasInitializer: 'ones' }), input);
  const c2 = ap(layers.depthwiseConv2d({ kernelSize: [3, 1], padding: 'same', depthMultiplier: 1, useBias: false }), c1);
  const c3 = ap(layers.conv2dTranspose({ filters: 2, kernelSize: 3, padding: 'same', strides: 1 }), c2);
  const bn = ap(layers.batchNormalization({ momentum: 0.9, epsilon: 0.01 }), c3);
  const pr = ap(layers.prelu({ sharedAxes: [1, 2] }), bn);
  const sum = ap(layers.add({ name: 'residual' }), [pr, c1]);
  const up = ap(layers.upSampling2d({ size: 2 }), ap(layers.maxPooling2d({ poolSize: 2 }), sum));
  const crop = ap(layers.cropping2d({ cropping: 1 }), ap(layers.zeroPadding2d({ padding: 1 }), up));
  const av = ap(layers.gaussianNoise({ stddev: 0.1 }), ap(layers.averagePooling2d({ poolSize: 2, strides: 2 }), crop));
  const pooled = ap(layers.concatenate({ axis: -1 }), [ap(layers.globalAveragePooling2d(), av), ap(layers.globalMaxPooling2d({ trainable: false }), av)]);
  const norm = ap(layers.layerNormalization({ center: false }), ap(layers.reshape({ targetShape: [4, 8] }), ap(layers.flatten(), av)));
  const dense = ap(layers.dense({ units: 4, useBias: false, kernelInitializer: 'glorotNormal' }), ap(layers.flatten(), norm));
  let h = ap(layers.add(), [dense, pooled]);
  h = ap(layers.activation({ activation: 'tanh' }), h);
  h = ap(layers.elu({ alpha: 0.5 }), ap(layers.leakyRelu({ alpha: 0.2 }), ap(layers.relu(), h)));
  h = ap(layers.dropout({ rate: 0.25 }), h);
  const out = ap(layers.softmax(), ap(layers.dense({ units: 3 }), h));
  return new Model({ inputs: input, outputs: out, seed: 7 });
}

const CLASS_NAMES = [
  'InputLayer', 'Dense', 'Flatten', 'Reshape', 'Activation', 'PReLU', 'Add', 'Concatenate', 'Conv2D', 'DepthwiseConv2D',
  'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'UpSampling2D',
  'ZeroPadding2D', 'Cropping2D', 'BatchNormalization', 'LayerNormalization', 'Dropout', 'GaussianNoise',
];

describe('saved configs pass the check', () => {
  test('every layer class round-trips through getConfig() and fromConfig', () => {
    const model = everyLayer();
    const all = [layers.input({ shape: [4, 2], name: 'source' }), ...model.layers]; // model.layers leaves out the input layer
    expect(new Set(all.map((l) => l.className))).toEqual(new Set(CLASS_NAMES));
    for (const layer of all) {
      const config = layer.getConfig();
      const again = fromConfig(layer.className, JSON.parse(JSON.stringify(config)) as Record<string, unknown>);
      expect(again.getConfig(), layer.className).toEqual(config);
    }
    // Layers built with inputShape / batchInputShape (the first layer of a Sequential model) too.
    for (const layer of [layers.dense({ units: 2, inputShape: [3] }), layers.flatten({ batchInputShape: [null, 2, 2] })]) {
      expect(fromConfig(layer.className, layer.getConfig()).getConfig()).toEqual(layer.getConfig());
    }
  });

  test('a model with every layer class round-trips through io.save / io.load', async () => {
    const model = everyLayer();
    const again = await io.load(io.save(model));
    expect(again.layers.map((l) => [l.className, l.getConfig()])).toEqual(model.layers.map((l) => [l.className, l.getConfig()]));
    const x = tensor(randomArray(2 * 128, 5), [2, 8, 8, 2]);
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });
});

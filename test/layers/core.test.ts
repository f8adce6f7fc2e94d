import { describe, expect, test } from 'vitest';
import { layers, Input, Model, Sequential, tensor, ShapeError } from '../../src/index.js';
import { expectClose, randomArray } from '../util.js';
import { gradCheck } from './gradcheck.js';
import { fromConfig as layersFromConfig, registerLayer } from '../../src/layers/index.js';
import { serializeValue } from '../../src/model/format.js';

describe('Dense', () => {
  test('infers output shapes, including over leading axes', () => {
    const d = layers.dense({ units: 4 });
    expect(d.apply(Input({ shape: [3] })).shape).toEqual([4]);
    const e = layers.dense({ units: 5 });
    expect(e.apply(Input({ shape: [2, 3] })).shape).toEqual([2, 5]);
  });

  test('has Keras weight layout and counts parameters', () => {
    const d = layers.dense({ units: 4 });
    d.apply(Input({ shape: [3] }));
    expect(d.weights.map((w) => [w.name, w.shape])).toEqual([['kernel', [3, 4]], ['bias', [4]]]);
    expect(d.countParams()).toBe(16);
    const noBias = layers.dense({ units: 4, useBias: false });
    noBias.apply(Input({ shape: [3] }));
    expect(noBias.countParams()).toBe(12);
  });

  test('a model whose output needs an input it was not given is rejected', () => {
    const d = layers.dense({ units: 2 });
    expect(() => new Model({ inputs: Input({ shape: [3] }), outputs: d.apply(Input({ shape: [3] })) })).toThrow(/depends on input_\d+ .*not among the model's inputs/);
  });

  test('matches finite differences on odd shapes (input, kernel, bias)', () => {
    gradCheck(layers.dense({ units: 5 }), [[3]], { batch: 3 });
    gradCheck(layers.dense({ units: 1 }), [[7]], { batch: 1 });
    gradCheck(layers.dense({ units: 3 }), [[2, 5]], { batch: 2 });
  });

  test('rejects a wrong input size naming the layer and shapes', () => {
    const d = layers.dense({ units: 2, name: 'dense_x' });
    d.apply(Input({ shape: [4] }));
    expect(() => d.apply(Input({ shape: [5] }))).toThrow(/dense_x: expected input \[\*, 4\], got \[\*, 5\]/);
  });

  test('round-trips its config', () => {
    const d = layers.dense({ units: 3, activation: 'relu', useBias: false, name: 'd_cfg' });
    const cfg = d.getConfig();
    expect(cfg).toMatchObject({ units: 3, activation: 'relu', useBias: false, name: 'd_cfg', trainable: true });
    const again = layers.dense(cfg as never);
    expect(again.getConfig()).toEqual(cfg);
  });
});

describe('Flatten and Reshape', () => {
  test('infer shapes and alias their input', () => {
    expect(layers.flatten().apply(Input({ shape: [2, 3, 4] })).shape).toEqual([24]);
    expect(layers.reshape({ targetShape: [4, -1] }).apply(Input({ shape: [2, 6] })).shape).toEqual([4, 3]);
    expect(() => layers.reshape({ targetShape: [5, -1] }).apply(Input({ shape: [2, 6] }))).toThrow(ShapeError);
  });

  test('pass gradients through', () => {
    gradCheck(layers.flatten(), [[2, 3]], { batch: 2 });
    gradCheck(layers.reshape({ targetShape: [3, 2] }), [[6]], { batch: 2 });
  });
});

describe('Sequential', () => {
  test('predict computes x·W + b with the weights set', () => {
    const model = new Sequential([layers.dense({ units: 2, inputShape: [3] })]);
    model.setWeights([tensor([1, 2, 3, 4, 5, 6], [3, 2]), tensor([0.5, -0.5], [2])]);
    const y = model.predict(tensor([1, 0, 0, 0, 1, 1], [2, 3]));
    expect(y.shape).toEqual([2, 2]);
    expectClose(y.data, [1.5, 1.5, 8.5, 9.5], 'predict');
  });

  test('summary lists layers, shapes and parameter totals', () => {
    const model = new Sequential([layers.dense({ units: 8, inputShape: [4], name: 'hidden' }), layers.dense({ units: 3, name: 'out' })], { name: 'mlp' });
    const text = model.summary();
    expect(text).toContain('Model: "mlp"');
    expect(text).toMatch(/hidden \(Dense\)\s+\(None, 8\)\s+40/);
    expect(text).toMatch(/out \(Dense\)\s+\(None, 3\)\s+27/);
    expect(text).toContain('Total params: 67');
    expect(text).toContain('Trainable params: 67');
    expect(text).toContain('Non-trainable params: 0');
  });

  test('predict handles batch sizes that do not divide n', () => {
    const model = new Sequential([layers.dense({ units: 3, inputShape: [5] })], { seed: 3 });
    const x = tensor(randomArray(7 * 5, 2), [7, 5]);
    const all = model.predict(x, { batchSize: 7 });
    const chunked = model.predict(x, { batchSize: 3 });
    expectClose(chunked.data, all.data, 'predict batch 3 vs 7');
  });
});

describe('Add and Concatenate', () => {
  test('add sums inputs and sends the gradient to each', () => {
    gradCheck(layers.add(), [[3], [3], [3]], { batch: 2 });
    expect(() => layers.add().apply([Input({ shape: [3] }), Input({ shape: [4] })])).toThrow(/same shape, got \[\*, 3\] and \[\*, 4\]/);
  });

  test('concatenate joins along the last or an inner axis', () => {
    gradCheck(layers.concatenate(), [[2, 3], [2, 1]], { batch: 2 });
    gradCheck(layers.concatenate({ axis: 1 }), [[2, 3], [1, 3]], { batch: 3 });
    expect(layers.concatenate({ axis: 1 }).apply([Input({ shape: [2, 3] }), Input({ shape: [4, 3] })]).shape).toEqual([6, 3]);
    expect(() => layers.concatenate().apply([Input({ shape: [2, 3] }), Input({ shape: [3, 3] })])).toThrow(/must match on every axis but -1/);
    expect(() => layers.concatenate({ axis: 0 })).toThrow(/0 is the batch axis/);
  });
});

describe('activation layers', () => {
  test('relu, leakyRelu, elu, softmax and prelu match finite differences', () => {
    gradCheck(layers.activation({ activation: 'tanh' }), [[5]], { batch: 2 });
    gradCheck(layers.leakyRelu({ alpha: 0.2 }), [[7]], { batch: 2, eps: 1e-3, atol: 5e-3 });
    gradCheck(layers.elu(), [[4]], { batch: 2, eps: 1e-3, atol: 5e-3 });
    gradCheck(layers.softmax(), [[2, 5]], { batch: 2 });
    gradCheck(layers.prelu(), [[3, 4]], { batch: 2, eps: 1e-3, atol: 5e-3 });
    gradCheck(layers.prelu({ sharedAxes: [1] }), [[3, 4]], { batch: 2, eps: 1e-3, atol: 5e-3 });
    gradCheck(layers.relu(), [[6]], { batch: 2, eps: 1e-3, atol: 5e-3 });
  });

  test('a PReLU right after the input trains without an input gradient', async () => {
    const model = new Sequential([layers.prelu({ inputShape: [3] }), layers.dense({ units: 1 })], { seed: 2 });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const before = model.getWeights()[0]!.data.slice();
    await model.fit(tensor(randomArray(12, 2), [4, 3]), tensor(randomArray(4, 3), [4, 1]), { epochs: 2, verbose: 0 });
    expect(Array.from(model.getWeights()[0]!.data)).not.toEqual(Array.from(before));
  });

  test('dense with softmax activation outputs rows summing to one', () => {
    const model = new Sequential([layers.dense({ units: 4, activation: 'softmax', inputShape: [3] })], { seed: 1 });
    const y = model.predict(tensor(randomArray(6, 1), [2, 3])).data;
    expect(y[0]! + y[1]! + y[2]! + y[3]!).toBeCloseTo(1, 6);
  });

  test('unknown activations list the valid ones', () => {
    expect(() => layers.dense({ units: 2, activation: 'nope' as never, name: 'act_bad' })).toThrow(/act_bad: .*unknown activation 'nope'; valid names are linear/);
  });
});

describe('layer configs', () => {
  const cases: Array<[string, () => import('../../src/layers/layer.js').Layer, number[]]> = [
    ['dense', () => layers.dense({ units: 3, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: 'l2' }), [4]],
    ['conv2d', () => layers.conv2d({ filters: 2, kernelSize: [3, 1], strides: 2, padding: 'same', dilationRate: 1 }), [5, 5, 2]],
    ['depthwiseConv2d', () => layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }), [5, 5, 2]],
    ['conv2dTranspose', () => layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }), [3, 3, 1]],
    ['maxPooling2d', () => layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }), [4, 4, 1]],
    ['averagePooling2d', () => layers.averagePooling2d({ poolSize: 2 }), [4, 4, 1]],
    ['globalAveragePooling2d', () => layers.globalAveragePooling2d(), [4, 4, 3]],
    ['globalMaxPooling2d', () => layers.globalMaxPooling2d(), [4, 4, 3]],
    ['upSampling2d', () => layers.upSampling2d({ size: [2, 3] }), [2, 2, 1]],
    ['zeroPadding2d', () => layers.zeroPadding2d({ padding: [1, 2] }), [2, 2, 1]],
    ['cropping2d', () => layers.cropping2d({ cropping: 1 }), [4, 4, 1]],
    ['flatten', () => layers.flatten(), [2, 3]],
    ['reshape', () => layers.reshape({ targetShape: [3, -1] }), [6]],
    ['dropout', () => layers.dropout({ rate: 0.25 }), [5]],
    ['gaussianNoise', () => layers.gaussianNoise({ stddev: 0.1 }), [5]],
    ['batchNormalization', () => layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, center: false }), [3, 4]],
    ['layerNormalization', () => layers.layerNormalization({ scale: false }), [6]],
    ['activation', () => layers.activation({ activation: 'gelu' }), [3]],
    ['leakyRelu', () => layers.leakyRelu({ alpha: 0.1 }), [3]],
    ['prelu', () => layers.prelu({ sharedAxes: [1] }), [2, 3]],
  ];
  for (const [name, make, shape] of cases) {
    test(`${name} rebuilds from its config with the same output shape and weights`, () => {
      const layer = make();
      const out = layer.apply(Input({ shape }));
      const again = layersFromConfig(layer.className, JSON.parse(JSON.stringify(serializeValue(layer.getConfig()))) as Record<string, unknown>);
      expect(again.getConfig()).toEqual(JSON.parse(JSON.stringify(serializeValue(layer.getConfig()))));
      expect(again.apply(Input({ shape })).shape).toEqual(out.shape);
      expect(again.weights.map((w) => w.shape)).toEqual(layer.weights.map((w) => w.shape));
    });
  }
});

describe('base layer options', () => {
  test('trainable must be a boolean and batchInputShape a batch size plus a sample shape', () => {
    expect(() => layers.dense({ units: 2, trainable: 'no' as never, name: 'd_opts' })).toThrow('d_opts: trainable must be a boolean, got no');
    expect(() => layers.dense({ units: 2, batchInputShape: [8] })).toThrow(/batchInputShape must be \[batch or null, \.\.\.sample shape\], got \[8\]/);
    expect(() => layers.dense({ units: 2, batchInputShape: [null, 0] })).toThrow(/batchInputShape \(after the batch size\): expected a list of positive integers .* got \[0\]/);
    expect(layers.dense({ units: 2, batchInputShape: [null, 3] }).declaredInputShape).toEqual([3]);
    expect(layers.dense({ units: 2, trainable: false }).trainable).toBe(false);
  });

  test('registerLayer validates its arguments and fromConfig then knows the class', () => {
    expect(() => registerLayer('', () => layers.flatten())).toThrow('layers.registerLayer: className must be a non-empty string (or a layer class), got ""');
    expect(() => registerLayer('MyFlatten', null as never)).toThrow('layers.registerLayer: make must be a function (config) => Layer, got null');
    registerLayer('MyFlatten', (c) => layers.flatten(c));
    expect(layersFromConfig('MyFlatten', { name: 'mine' }).name).toBe('mine');
  });
});

describe('layer options that must be exact (issue 15)', () => {
  test("useBias 'false' is refused (it is truthy and kept a bias); so are non-boolean center/scale", () => {
    expect(() => layers.dense({ units: 2, useBias: 'false' as never, name: 'd' })).toThrow("d: useBias must be true or false, got 'false'");
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, useBias: 0 as never, name: 'c' })).toThrow('c: useBias must be true or false, got 0');
    expect(() => layers.batchNormalization({ center: 1 as never, name: 'bn' })).toThrow('bn: center must be true or false, got 1');
    expect(new Sequential([layers.dense({ units: 2, useBias: false, inputShape: [3] })]).layers[0]!.weights).toHaveLength(1);
  });

  test('a weight too large to allocate names the layer, the weight and its shape', () => {
    expect(() => new Sequential([layers.dense({ units: 1e12, inputShape: [3], name: 'huge' })])).toThrow(/^huge\/kernel \[3, 1000000000000\]: cannot (allocate|grow)/);
    expect(() => new Sequential([layers.conv2d({ filters: 1e12, kernelSize: 3, inputShape: [5, 5, 2], name: 'wide' })])).toThrow(/^wide\/kernel \[3, 3, 2, 1000000000000\]: cannot (allocate|grow)/);
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, strides: 2n as never, name: 'c2' })).toThrow('c2: strides must be an integer or [height, width], got "2n"');
  });
});

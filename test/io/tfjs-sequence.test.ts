// io.fromTfjs on sequence models: models built in the real TensorFlow.js (cpu backend) with
// random weights predict the same in tensorlane (recurrent options, GRU reset_after false,
// Conv1D and the 1-D layers, Bidirectional, TimeDistributed, returnState outputs, stateful LSTM),
// and hand-written Keras model.json topologies for what TF.js lacks (MultiHeadAttention with its
// call arguments, Keras 2 and Keras 3 node formats; Embedding mask_zero).
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Input, io, layers, Model, tensor, type Tensor } from '../../src/index.js';
import { layerFromKeras } from '../../src/io/tfjs/layers.js';
import { expectClose, randomArray } from '../util.js';
import { tfjsArtifacts, tfjsLoad } from './tfjs-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** TF.js's model with every weight redrawn in [-0.5, 0.5] (biases too), seeded by position. */
function randomize(model: tf.LayersModel): void {
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomArray(w.size, 100 + i, -0.5, 0.5), w.shape)));
}

/** Loads the TF.js model in tensorlane and compares every output on `inputs` (per-sample shapes). */
async function matches(model: tf.LayersModel, inputs: number[][], batch = 3): Promise<Model> {
  randomize(model);
  const xs = inputs.map((s, i) => randomArray(batch * s.reduce((a, b) => a * b, 1), 7 + i, -1, 1));
  const loaded = io.fromTfjs((await tfjsArtifacts(model)) as never);
  const want = model.predict(xs.map((x, i) => tf.tensor(x, [batch, ...inputs[i]!])));
  const wants = (Array.isArray(want) ? want : [want]).map((t) => t.dataSync());
  const got = loaded.predict(xs.length === 1 ? tensor(xs[0]!, [batch, ...inputs[0]!]) : xs.map((x, i) => tensor(x, [batch, ...inputs[i]!]))) as Tensor | Tensor[];
  const gots = Array.isArray(got) ? got : [got];
  expect(gots).toHaveLength(wants.length);
  gots.forEach((g, i) => expectClose(g.data, wants[i]!, `${model.name} output ${i}`, 1e-4, 1e-5));
  return loaded;
}

describe('io.fromTfjs: recurrent options and sequence layers from TF.js', () => {
  test('LSTM goBackwards with dropout and recurrentDropout (inference), SimpleRNN goBackwards', async () => {
    await matches(tf.sequential({ layers: [
      tf.layers.lstm({ units: 3, returnSequences: true, goBackwards: true, dropout: 0.2, recurrentDropout: 0.3, inputShape: [5, 2] }),
      tf.layers.simpleRNN({ units: 2, goBackwards: true }),
    ] }), [[5, 2]]);
  });

  test("GRU reset_after false (TF.js's GRU)", async () => {
    const loaded = await matches(tf.sequential({ layers: [tf.layers.gru({ units: 3, returnSequences: true, inputShape: [4, 2], name: 'g' })] }), [[4, 2]]);
    expect(loaded.layers[0]!.getConfig()).toMatchObject({ resetAfter: false });
  });

  test('Conv1D (same with dilation, strides), MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, RepeatVector, GlobalAveragePooling1D', async () => {
    await matches(tf.sequential({ layers: [
      tf.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'relu', inputShape: [12, 2] }),
      tf.layers.maxPooling1d({ poolSize: 2 }),
      tf.layers.averagePooling1d({ poolSize: 3, strides: 1, padding: 'same' }),
      tf.layers.conv1d({ filters: 2, kernelSize: 2, strides: 2 }),
      tf.layers.globalMaxPooling1d(),
      tf.layers.repeatVector({ n: 3 }),
      tf.layers.globalAveragePooling1d(),
    ] }), [[12, 2]]);
  });

  test('Embedding, Bidirectional LSTM (concat) and GRU (sum), TimeDistributed Dense', async () => {
    const loaded = await matches(tf.sequential({ layers: [
      tf.layers.conv1d({ filters: 4, kernelSize: 1, inputShape: [5, 3] }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, returnSequences: true, name: 'l' }) as never, name: 'bi' }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, returnSequences: true }) as never, mergeMode: 'sum' }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'tanh' }) }),
    ] }), [[5, 3]]);
    expect(loaded.layers[1]!.getConfig()).toMatchObject({ name: 'bi', layer: { className: 'LSTM', config: { name: 'l', units: 3 } } });
    const ids = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 6, outputDim: 3, inputLength: 4 }), tf.layers.flatten()] });
    randomize(ids);
    const x = [0, 1, 5, 2, 3, 3, 4, 0];
    const got = io.fromTfjs((await tfjsArtifacts(ids)) as never).predict(tensor(Float32Array.from(x), [2, 4])).data;
    expectClose(got, (ids.predict(tf.tensor(x, [2, 4])) as tf.Tensor).dataSync(), 'embedding', 1e-6, 1e-7);
  });

  test('returnState: a functional model reading the states by tensor index, with two outputs', async () => {
    const x = tf.input({ shape: [4, 3], name: 'x' });
    const [seq, , c] = tf.layers.lstm({ units: 2, returnSequences: true, returnState: true, name: 'enc' }).apply(x) as tf.SymbolicTensor[];
    const dec = tf.layers.dense({ units: 2, name: 'head' }).apply(c!) as tf.SymbolicTensor;
    const loaded = await matches(tf.model({ inputs: x, outputs: [seq!, dec] }), [[4, 3]]);
    expect((loaded.predict(tensor(new Float32Array(12), [1, 4, 3])) as unknown as Tensor[]).map((t) => t.shape)).toEqual([[1, 4, 2], [1, 2]]);
  });

  test('io.toTfjs writes the tensor index of later outputs: TF.js reads a returnState model with two outputs', async () => {
    const x = Input({ shape: [4, 3] });
    const [, h, c] = layers.lstm({ units: 2, returnState: true, goBackwards: true }).applyAll(x);
    const model = new Model<Tensor[]>({ inputs: x, outputs: [layers.dense({ units: 2 }).apply(c!), h!], seed: 4 });
    const inTf = await tfjsLoad(io.toTfjs(model as never));
    const data = randomArray(2 * 12, 5);
    const want = model.predict(tensor(data, [2, 4, 3]));
    const got = inTf.predict(tf.tensor(data, [2, 4, 3])) as tf.Tensor[];
    got.forEach((t, i) => expectClose(t.dataSync(), want[i]!.data, `output ${i}`, 1e-5, 1e-6));
  });

  test('stateful LSTM: the state carries over between predict calls as in TF.js', async () => {
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 2, stateful: true, batchInputShape: [3, 4, 2] })] });
    randomize(model);
    const loaded = io.fromTfjs((await tfjsArtifacts(model)) as never);
    for (const seed of [1, 2]) {
      const x = randomArray(3 * 4 * 2, seed);
      expectClose(loaded.predict(tensor(x, [3, 4, 2])).data, (model.predict(tf.tensor(x, [3, 4, 2])) as tf.Tensor).dataSync(), `call ${seed}`, 1e-5, 1e-6);
    }
  });

  test('a stateful layer without a fixed batch size, and a Bidirectional with merge_mode null, are refused by name', () => {
    const lstm = { class_name: 'LSTM', config: { name: 'st', units: 2, stateful: true } };
    expect(() => layerFromKeras(lstm, [[4, 2]], 'io.fromTfjs')).toThrow(/layer "st" \(LSTM\): stateful true needs a fixed batch size/);
    expect(layerFromKeras(lstm, [[4, 2]], 'io.fromTfjs', 3).config).toMatchObject({ stateful: true, batchInputShape: [3, 4, 2] });
    const bi = { class_name: 'Bidirectional', config: { name: 'b', merge_mode: null, layer: { class_name: 'GRU', config: { units: 2 } } } };
    expect(() => layerFromKeras(bi, [[4, 2]], 'io.fromTfjs')).toThrow(/layer "b" \(Bidirectional\): merge_mode null .* is not supported/);
  });

  test('Embedding mask_zero into an LSTM: padded steps are skipped as in TF.js', async () => {
    const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 7, outputDim: 3, maskZero: true, inputLength: 5 }), tf.layers.lstm({ units: 2 })] });
    randomize(model);
    const loaded = io.fromTfjs((await tfjsArtifacts(model)) as never);
    expect(loaded.layers[0]!.getConfig()).toMatchObject({ maskZero: true });
    const x = [3, 1, 4, 0, 0, 2, 6, 5, 3, 0];
    expectClose(loaded.predict(tensor(Float32Array.from(x), [2, 5])).data, (model.predict(tf.tensor(x, [2, 5])) as tf.Tensor).dataSync(), 'masked LSTM', 1e-5, 1e-6);
  });

  test("Embedding mask_zero maps to tensorlane's maskZero", () => {
    const cfg = { class_name: 'Embedding', config: { name: 'e', input_dim: 5, output_dim: 2, mask_zero: true, input_length: 4, embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } } } };
    expect(layerFromKeras(cfg, [[4]], 'io.fromTfjs')).toEqual({ className: 'Embedding', config: { name: 'e', inputDim: 5, outputDim: 2, maskZero: true, embeddingsInitializer: { name: 'randomUniform', config: { minval: -0.05, maxval: 0.05 } } } });
  });
});

/** A Keras functional model.json around one MultiHeadAttention layer `att` on inputs q [3, 4] and v [5, 6]. */
function mhaTopology(node: unknown, config: Record<string, unknown>) {
  const input = (name: string, shape: number[]) => ({ class_name: 'InputLayer', name, config: { batch_input_shape: [null, ...shape], name }, inbound_nodes: [] });
  return {
    class_name: 'Functional',
    config: {
      name: 'mha_model',
      layers: [input('q', [3, 4]), input('v', [5, 6]), input('m', [3, 5]), { class_name: 'MultiHeadAttention', name: 'att', config: { name: 'att', trainable: true, ...config }, inbound_nodes: [node] }],
      input_layers: [['q', 0, 0], ['v', 0, 0], ['m', 0, 0]],
      output_layers: [['att', 0, 0], ['att', 0, 1]],
    },
  };
}

describe('io.fromTfjs: MultiHeadAttention from Keras topologies', () => {
  const kerasConfig = { num_heads: 2, key_dim: 3, value_dim: null, dropout: 0.1, use_bias: true, output_shape: null, attention_axes: null, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };
  const kerasTensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [name, 0, 0] } });
  const nodes = {
    'Keras 2 (value and attention_mask as keyword tensors)': [['q', 0, 0, { value: ['v', 0, 0], attention_mask: ['m', 0, 0], use_causal_mask: true, return_attention_scores: true }]],
    'Keras 3 ({ args, kwargs })': { args: [kerasTensor('q'), kerasTensor('v')], kwargs: { attention_mask: kerasTensor('m'), use_causal_mask: true, return_attention_scores: true } },
  };
  for (const [format, node] of Object.entries(nodes)) {
    test(`${format}: predicts as the same layer built in tensorlane, scores included`, () => {
      const q = Input({ shape: [3, 4] });
      const v = Input({ shape: [5, 6] });
      const m = Input({ shape: [3, 5] });
      const att = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, dropout: 0.1, name: 'att' });
      const model = new Model({ inputs: [q, v, m], outputs: att.applyAll([q, v], { attentionMask: m, useCausalMask: true, returnAttentionScores: true }), seed: 2 });
      const names = att.weights.map((w) => `att/${w.name}`);
      const values = att.getWeights().map((w) => Array.from(w.data));
      const weightData = Float32Array.from(values.flat()).buffer;
      const artifacts = { modelTopology: mhaTopology(node, kerasConfig), weightsManifest: [{ paths: [], weights: att.weights.map((w, i) => ({ name: names[i]!, shape: w.shape, dtype: 'float32' })) }], weightData };
      const loaded = io.fromTfjs(artifacts);
      expect(loaded.layers[0]!.getConfig()).toMatchObject({ numHeads: 2, keyDim: 3, dropout: 0.1, useCausalMask: true, returnAttentionScores: true });
      const xs = [tensor(randomArray(2 * 12, 1), [2, 3, 4]), tensor(randomArray(2 * 30, 2), [2, 5, 6]), tensor(Float32Array.from({ length: 30 }, (_, i) => (i % 4 === 3 ? 0 : 1)), [2, 3, 5])];
      const want = model.predict(xs) as unknown as Tensor[];
      const got = loaded.predict(xs) as unknown as Tensor[];
      expect(got.map((t) => t.shape)).toEqual([[2, 3, 4], [2, 2, 3, 5]]);
      got.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(want[i]!.data)));
    });
  }

  test('attention over other axes is refused by name', () => {
    expect(() => layerFromKeras({ class_name: 'MultiHeadAttention', config: { name: 'att', ...kerasConfig, attention_axes: [2] } }, [[3, 4], [5, 6]], 'io.fromTfjs')).toThrow(/layer "att" \(MultiHeadAttention\): attention_axes \[2\] is not supported/);
  });
});

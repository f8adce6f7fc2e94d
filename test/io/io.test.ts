import { describe, expect, test } from 'vitest';
import { io, layers, Input, Model, Sequential, tensor } from '../../src/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import { crc32, ModelFormatError } from '../../src/io/index.js';
import { randomArray } from '../util.js';

function cnn(): Sequential {
  const model = new Sequential([
    layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2], kernelRegularizer: 'l2' }),
    layers.batchNormalization(),
    layers.maxPooling2d(),
    layers.flatten(),
    layers.dropout({ rate: 0.1 }),
    layers.dense({ units: 4, activation: 'softmax', kernelInitializer: 'heNormal' }),
  ], { seed: 3, name: 'small_cnn' });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] });
  return model;
}

const x = tensor(randomArray(10 * 72, 1), [10, 6, 6, 2]);
const y = tensor(randomArray(40, 2, 0, 1), [10, 4]);

describe('io.save / io.load', () => {
  test('round-trips a trained Sequential model: config, weights, predictions and optimizer state', async () => {
    const model = cnn();
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    const bytes = io.save(model);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x54, 0x4c, 0x4e, 0x4d]);
    expect(Array.from(model.save())).toEqual(Array.from(bytes));
    const again = await io.load(bytes);
    expect(again.name).toBe('small_cnn');
    expect(again.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
    expect(again.getWeights().map((t) => Array.from(t.data))).toEqual(model.getWeights().map((t) => Array.from(t.data)));
    expect(Array.from(again.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    expect(again.optimizer!.iterations).toBe(model.optimizer!.iterations);
    // Both continue identically: same optimizer slots and step count (the fit seed resets dropout and shuffling).
    const h1 = await model.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0, seed: 7 });
    const h2 = await again.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0, seed: 7 });
    expect(h2.history.loss).toEqual(h1.history.loss);
  });

  test('round-trips a functional graph with a residual add', async () => {
    const input = Input({ shape: [5] });
    const h = layers.dense({ units: 5, activation: 'tanh' }).apply(input);
    const out = layers.dense({ units: 2 }).apply(layers.add().apply([input, h]));
    const model = new Model({ inputs: input, outputs: out, seed: 4 });
    const again = await io.load(io.save(model));
    const xs = tensor(randomArray(15, 3), [3, 5]);
    expect(Array.from(again.predict(xs).data)).toEqual(Array.from(model.predict(xs).data));
    expect(again.summary()).toContain('Connected to');
  });

  test('round-trips a layer shared by two nodes and a model with two inputs', async () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [3] });
    const shared = layers.dense({ units: 3, activation: 'tanh' });
    const out = layers.dense({ units: 1 }).apply(layers.concatenate().apply([shared.apply(a), shared.apply(shared.apply(b))]));
    const model = new Model({ inputs: [a, b], outputs: out, seed: 5 });
    const again = await io.load(io.save(model));
    const xa = tensor(randomArray(6, 5), [2, 3]);
    const xb = tensor(randomArray(6, 6), [2, 3]);
    expect(again.layers).toHaveLength(3);
    expect(Array.from(again.predict([xa, xb]).data)).toEqual(Array.from(model.predict([xa, xb]).data));
  });

  test('can load without the compile settings', async () => {
    const model = await io.load(io.save(cnn()), { compile: false });
    expect(model.optimizer).toBeUndefined();
    expect(model.predict(x).shape).toEqual([10, 4]);
  });

  test('can leave the optimizer state out', () => {
    const model = cnn();
    expect(io.save(model, { includeOptimizer: false }).length).toBeLessThan(io.save(model).length);
  });

  test('rejects corrupt, truncated and foreign bytes with a clear error', async () => {
    const bytes = io.save(cnn());
    const flipped = bytes.slice();
    flipped[bytes.length >> 1]! ^= 0x40;
    await expect(io.load(flipped)).rejects.toThrow(/checksum mismatch/);
    await expect(io.load(bytes.subarray(0, bytes.length - 100))).rejects.toThrow(ModelFormatError);
    await expect(io.load(bytes.subarray(0, 10))).rejects.toThrow(/too short/);
    await expect(io.load(new TextEncoder().encode('{"not": "a model"} padding padding'))).rejects.toThrow(/bad magic number/);
    const future = bytes.slice();
    future[4] = 99;
    await expect(io.load(future)).rejects.toThrow(/format version 99/);
    await expect(io.load('nope' as unknown as Uint8Array)).rejects.toThrow(/expected a Uint8Array/);
  });

  test('rejects a well-formed file whose header lists malformed tensors, and bad options', async () => {
    const bytes = io.save(cnn());
    // Re-pack the bytes with an edited header (valid magic, version and checksum).
    const repack = (edit: (header: Record<string, unknown>) => void): Uint8Array => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headerLength = view.getUint32(8, true);
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Record<string, unknown>;
      edit(header);
      const text = new TextEncoder().encode(JSON.stringify(header));
      const padded = Math.ceil(text.length / 4) * 4;
      const payload = bytes.subarray(12 + Math.ceil(headerLength / 4) * 4, bytes.length - 4);
      const out = new Uint8Array(12 + padded + payload.length + 4);
      const w = new DataView(out.buffer);
      out.set(bytes.subarray(0, 8), 0);
      w.setUint32(8, text.length, true);
      out.set(text, 12);
      out.set(payload, 12 + padded);
      w.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
      return out;
    };
    expect((await io.load(repack(() => {}))).layers.length).toBeGreaterThan(0); // the repacking itself is sound
    const badShape = repack((h) => ((h.weights as Array<Record<string, unknown>>)[0]!.shape = 'x'));
    await expect(io.load(badShape)).rejects.toThrow(/io\.load: weight 0 has a malformed entry: .*"shape":"x"/);
    const badSlots = repack((h) => ((h.optimizer as Record<string, unknown>).slots = 3));
    await expect(io.load(badSlots)).rejects.toThrow(/io\.load: the optimizer state is malformed/);
    await expect(io.load(bytes, null as never)).rejects.toThrow('io.load: options must be an object, got null');
  });

  test('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

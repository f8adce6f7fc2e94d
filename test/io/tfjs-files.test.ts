// TF.js exchange through files and URLs: io.saveTfjs / io.tfjsFiles write model.json + .bin shards
// that TF.js loads over HTTP, io.loadTfjs reads them (path, file: URL, http URL) as well as the
// model.json TF.js itself writes; quantized and int32 weights; the Keras converter's wrapper.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { io, layers, Sequential, tensor } from '../../src/index.js';
import { randomArray } from '../util.js';
import { tfjsArtifacts, tfjsLoad } from './tfjs-helpers.js';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tensorlane-tfjs-'));
  server = createServer((req, res) => {
    try {
      const body = readFileSync(join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function cnn(): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
    layers.batchNormalization(),
    layers.maxPooling2d(),
    layers.flatten(),
    layers.dense({ units: 5, activation: 'softmax' }),
  ], { seed: 21, name: 'files_cnn' });
}

const x = randomArray(3 * 64, 4);
const predict = (m: { predict(t: ReturnType<typeof tensor>): { data: Float32Array } }): number[] => Array.from(m.predict(tensor(x, [3, 8, 8, 1])).data);

describe('TF.js model files', () => {
  test('io.saveTfjs writes model.json + shards that TF.js loads over HTTP and io.loadTfjs reads from a path, file: URL and http URL', async () => {
    const model = cnn();
    const written = await io.saveTfjs(model, join(dir, 'cnn'), { shardBytes: 256 });
    const shards = written.filter((p) => p.endsWith('.bin'));
    // 3*3*1*4 + 4 + 4*4 + 64*5 + 5 floats = 381 floats = 1524 bytes -> 6 shards of at most 256 bytes.
    expect(shards.length).toBe(6);
    expect(written[0]).toBe(join(dir, 'cnn', 'model.json'));
    const json = JSON.parse(readFileSync(join(dir, 'cnn', 'model.json'), 'utf8')) as Record<string, unknown>;
    expect(json.format).toBe('layers-model');
    expect(json.weightData).toBeUndefined();
    const ours = predict(model);
    const inTf = await tf.loadLayersModel(`${base}/cnn/model.json`);
    const theirs = Array.from((inTf.predict(tf.tensor(x, [3, 8, 8, 1])) as tf.Tensor).dataSync());
    expect(Math.max(...theirs.map((v, i) => Math.abs(v - ours[i]!)))).toBeLessThanOrEqual(1e-5);
    for (const where of [join(dir, 'cnn', 'model.json'), pathToFileURL(join(dir, 'cnn', 'model.json')), `${base}/cnn/model.json`]) {
      const loaded = await io.loadTfjs(where);
      expect(loaded.name).toBe('files_cnn');
      expect(predict(loaded)).toEqual(ours);
    }
  });

  test('io.tfjsFiles splits the weight bytes into the manifest\'s shards, in order', () => {
    const artifacts = io.toTfjs(cnn(), { shardBytes: 1000 });
    const files = io.tfjsFiles(artifacts);
    expect(Object.keys(files)).toEqual(['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']);
    const joined = Buffer.concat(Object.entries(files).filter(([k]) => k.endsWith('.bin')).map(([, v]) => v));
    expect(joined.equals(Buffer.from(artifacts.weightData))).toBe(true);
    expect(() => io.tfjsFiles({} as never)).toThrow(/io.tfjsFiles: expected the result of io.toTfjs/);
  });

  test('io.loadTfjs reads the model.json and weights file that TF.js itself writes (tf.io.http save)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 2 })] });
    let form: FormData | undefined;
    await model.save(tf.io.http('http://capture/upload', {
      fetchFunc: (async (_url: string, init: { body: FormData }) => {
        form = init.body;
        return new Response('{}', { status: 200 });
      }) as never,
    }));
    const modelJson = await (form!.get('model.json') as Blob).text();
    const manifest = (JSON.parse(modelJson) as { weightsManifest: Array<{ paths: string[] }> }).weightsManifest;
    writeFileSync(join(dir, 'tfjs-written.json'), modelJson);
    writeFileSync(join(dir, manifest[0]!.paths[0]!), Buffer.from(await (form!.get('model.weights.bin') as Blob).arrayBuffer()));
    const loaded = await io.loadTfjs(join(dir, 'tfjs-written.json'));
    const input = randomArray(8, 5);
    const theirs = Array.from((model.predict(tf.tensor(input, [2, 4])) as tf.Tensor).dataSync());
    const ours = Array.from(loaded.predict(tensor(input, [2, 4])).data);
    expect(Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!)))).toBeLessThanOrEqual(1e-5);
  });

  test('io.loadTfjs names the file, URL or shard it cannot read', async () => {
    await expect(io.loadTfjs(join(dir, 'missing.json'))).rejects.toThrow(/io.loadTfjs: cannot read .*missing.json/);
    await expect(io.loadTfjs(`${base}/missing.json`)).rejects.toThrow(/io.loadTfjs: GET http:.*missing.json answered 404/);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    await expect(io.loadTfjs(join(dir, 'bad.json'))).rejects.toThrow(/io.loadTfjs: .*bad.json is not valid JSON/);
    writeFileSync(join(dir, 'nomanifest.json'), '{"modelTopology": {}}');
    await expect(io.loadTfjs(join(dir, 'nomanifest.json'))).rejects.toThrow(/has no weightsManifest list/);
    const files = io.tfjsFiles(io.toTfjs(cnn()));
    writeFileSync(join(dir, 'noshard.json'), files['model.json']!);
    await expect(io.loadTfjs(join(dir, 'noshard.json'))).rejects.toThrow(/io.loadTfjs: cannot read .*group1-shard1of1.bin/);
    await expect(io.loadTfjs('' as never)).rejects.toThrow(/expected a model.json path or URL/);
  });
});

describe('TF.js weight encodings and wrappers', () => {
  test('uint8 / uint16 affine and float16 quantized weights and int32 weights are dequantized', () => {
    const model = new Sequential([layers.dense({ units: 2, inputShape: [2] })], { seed: 1 });
    const a = io.toTfjs(model);
    const [kernel, bias] = a.weightsManifest[0]!.weights;
    // kernel: uint8 codes 0, 1, 2, 255 with scale 0.5, min -1; bias: float16 1.5 and -2 (0x3e00, 0xc000).
    const bytes = new Uint8Array([0, 1, 2, 255, 0x00, 0x3e, 0x00, 0xc0]);
    const specs = [
      { ...kernel!, quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      { ...bias!, quantization: { dtype: 'float16' } },
    ];
    const q = io.fromTfjs({ modelTopology: a.modelTopology, weightSpecs: specs, weightData: bytes.buffer });
    expect(Array.from(q.getWeights()[0]!.data)).toEqual([-1, -0.5, 0, 126.5]);
    expect(Array.from(q.getWeights()[1]!.data)).toEqual([1.5, -2]);
    const u16 = new Uint8Array(12);
    const view = new DataView(u16.buffer);
    [0, 2, 4, 65535].forEach((v, i) => view.setUint16(i * 2, v, true));
    view.setInt32(8, -7, true);
    // A 1-unit layer: kernel [4, 1] as uint16 codes (scale 0.25, min 1), bias [1] as int32, in two shards.
    const m1 = new Sequential([layers.dense({ units: 1, inputShape: [4] })], { seed: 1 });
    const a1 = io.toTfjs(m1);
    const specs1 = [{ ...a1.weightsManifest[0]!.weights[0]!, quantization: { dtype: 'uint16', scale: 0.25, min: 1 } }, { ...a1.weightsManifest[0]!.weights[1]!, dtype: 'int32' }];
    const q1 = io.fromTfjs({ modelTopology: a1.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: specs1 }], weightData: [u16.subarray(0, 4), u16.subarray(4)] });
    expect(Array.from(q1.getWeights()[0]!.data)).toEqual([1, 1.5, 2, 16384.75]);
    expect(Array.from(q1.getWeights()[1]!.data)).toEqual([-7]);
  });

  test("the Keras converter's model.json (topology under model_config, weight names with a scope and :0) loads", async () => {
    const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], name: 'd1', activation: 'tanh' })] });
    const saved = await tfjsArtifacts(tfModel);
    const specs = saved.weightSpecs!.map((s) => ({ ...s, name: `sequential/${s.name}:0` }));
    const loaded = io.fromTfjs({ modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: saved.modelTopology }, weightsManifest: [{ paths: ['x.bin'], weights: specs }], weightData: saved.weightData });
    const input = randomArray(4, 9);
    const theirs = Array.from((tfModel.predict(tf.tensor(input, [2, 2])) as tf.Tensor).dataSync());
    expect(Array.from(loaded.predict(tensor(input, [2, 2])).data).map((v, i) => Math.abs(v - theirs[i]!) <= 1e-6)).toEqual(theirs.map(() => true));
  });

  test("a tensorlane GRU exports as Keras's reset_after GRU: it round-trips, and TF.js (reset_after false only) refuses it", async () => {
    const model = new Sequential([layers.gru({ units: 3, inputShape: [4, 2] }), layers.dense({ units: 2 })], { seed: 3 });
    const a = io.toTfjs(model);
    const gru = (a.modelTopology.config as { layers: Array<{ config: Record<string, unknown> }> }).layers[0]!.config;
    expect(gru.reset_after).toBe(true);
    expect(gru.recurrent_activation).toBe('sigmoid');
    const input = tensor(randomArray(16, 2), [2, 4, 2]);
    expect(Array.from(io.fromTfjs(a as never).predict(input).data)).toEqual(Array.from(model.predict(input).data));
    await expect(tfjsLoad(a)).rejects.toThrow(/reset_after/);
  });
});

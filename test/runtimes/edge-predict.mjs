// The edge example as a client sees it (run-all.mjs): workerd serving examples/edge/config.capnp,
// real HTTP requests to POST /predict with the committed subset's test images, and the answers
// compared with the same model's predictions in Node (the built package, the same model bytes).
import { readFileSync } from 'node:fs';
import { startWorkerd } from './workerd.mjs';

const MODEL = new URL('../../examples/edge/model.tlnm', import.meta.url);

/** POSTs `body` as JSON; resolves with { status, json }. */
export async function post(port, path, body, timeoutMs = 45_000) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, json: await response.json() };
}

/** Image `i` of a [n, 28, 28, 1] tensor's data as a plain array of 784 numbers. */
export const imageAt = (x, i) => Array.from(x.subarray(i * 784, (i + 1) * 784));

async function expectError(name, request, status, pattern) {
  const { status: got, json } = await request();
  if (got !== status || !pattern.test(json.error ?? '')) {
    throw new Error(`${name}: expected HTTP ${status} with an error matching ${pattern}, got ${got} ${JSON.stringify(json)}`);
  }
}

/** Runs the checks; one result per check (never throws once workerd listens). */
export async function edgePredictions(timeoutMs) {
  const tl = await import('../../dist/tensorlane.js');
  await tl.init();
  const model = await tl.io.load(new Uint8Array(readFileSync(MODEL)));
  const { test } = await tl.data.fashionMnist();
  const n = test.x.shape[0];
  const expected = tl.ops.softmax(model.predict(test.x, { batchSize: 64 })).data;
  const results = [];
  const record = async (name, run) => {
    try {
      await run();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.message ?? error) });
    }
  };
  const { port, stop } = await startWorkerd('examples/edge/config.capnp', timeoutMs);
  try {
    await record('POST /predict, one image at a time (the first 16 test images): the same probabilities as Node, bit for bit', async () => {
      for (let i = 0; i < 16; i++) {
        const { status, json } = await post(port, '/predict', { image: imageAt(test.x.data, i) }, timeoutMs);
        if (status !== 200) throw new Error(`image ${i}: HTTP ${status} ${JSON.stringify(json)}`);
        const want = Array.from(expected.subarray(i * 10, i * 10 + 10));
        if (json.probabilities.join() !== want.join()) throw new Error(`image ${i}: worker ${json.probabilities}, Node ${want}`);
        if (json.label !== tl.data.FASHION_MNIST_CLASSES[json.class] || json.class !== want.indexOf(Math.max(...want))) {
          throw new Error(`image ${i}: class ${json.class} (${json.label}) is not the most probable`);
        }
      }
    });
    await record(`POST /predict, all ${n} test images in batches of 64 as 28 rows of 28: the same probabilities as Node; accuracy >= 85 %`, async () => {
      let correct = 0;
      for (let start = 0; start < n; start += 64) {
        const images = [];
        for (let i = start; i < Math.min(n, start + 64); i++) {
          const flat = imageAt(test.x.data, i);
          images.push(Array.from({ length: 28 }, (_, r) => flat.slice(r * 28, r * 28 + 28)));
        }
        const { status, json } = await post(port, '/predict', { images }, timeoutMs);
        if (status !== 200) throw new Error(`images ${start}..: HTTP ${status} ${JSON.stringify(json)}`);
        json.predictions.forEach((p, j) => {
          const i = start + j;
          const want = Array.from(expected.subarray(i * 10, i * 10 + 10));
          if (p.probabilities.join() !== want.join()) throw new Error(`image ${i}: worker ${p.probabilities}, Node ${want}`);
          if (p.class === test.y.data[i]) correct++;
        });
      }
      if (correct / n < 0.85) throw new Error(`accuracy ${((correct / n) * 100).toFixed(2)} % < 85 %`);
    });
    await record('bad requests answer 4xx with a message: GET /predict, invalid JSON, 783 pixels, a 0-255 pixel, both keys, 65 images, an unknown path', async () => {
      const image = imageAt(test.x.data, 0);
      await expectError('GET /predict', async () => {
        const r = await fetch(`http://127.0.0.1:${port}/predict`, { signal: AbortSignal.timeout(timeoutMs) });
        return { status: r.status, json: await r.json() };
      }, 405, /use POST/);
      await expectError('invalid JSON', () => post(port, '/predict', '{"image": [', timeoutMs), 400, /not valid JSON/);
      await expectError('783 pixels', () => post(port, '/predict', { image: image.slice(1) }, timeoutMs), 400, /expected 784 pixels.*got 783 values/);
      await expectError('a 0-255 pixel', () => post(port, '/predict', { image: image.map((v) => v * 255) }, timeoutMs), 400, /expected a number in \[0, 1\]/);
      await expectError('both keys', () => post(port, '/predict', { image, images: [image] }, timeoutMs), 400, /exactly one of/);
      await expectError('65 images', () => post(port, '/predict', { images: Array(65).fill(image) }, timeoutMs), 400, /1 to 64 images, got 65/);
      await expectError('unknown path', () => post(port, '/nope', {}, timeoutMs), 404, /not found/);
    });
  } finally {
    stop();
  }
  return results;
}

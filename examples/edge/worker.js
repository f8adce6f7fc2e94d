// Fashion-MNIST inference on the edge (workerd / Cloudflare Workers), with the model embedded in
// the worker: model.tlnm (io.save's bytes, made by train-model.mjs) is imported as a data module.
//
//   POST /predict  {"image": [784 pixels in [0, 1]]}          (or 28 rows of 28; row-major)
//               -> {"probabilities": [10 numbers], "class": 9, "label": "Ankle boot"}
//   POST /predict  {"images": [image, image, ...]}            (up to 64)
//               -> {"predictions": [{ probabilities, class, label }, ...]}
//   GET  /         a liveness check: a 2x3 . 3x2 matmul, {"shape":[2,2],"data":[58,64,139,154]}
//
// Run it with plain workerd from the repository root (config.capnp), or deploy it to Cloudflare
// Workers with wrangler (wrangler.toml), which picks the package's `workerd` export: that entry
// imports tensorlane.wasm as a compiled module, because these runtimes refuse to compile wasm
// from bytes.
//   npm run build && npx workerd serve examples/edge/config.capnp
//   curl -X POST localhost:8787/predict -d "{\"image\": [$(seq -s, 0 783 | sed 's/[0-9]*/0/g')]}"
import { init, io, ops, tensor, data } from 'tensorlane';
import modelBytes from './model.tlnm';

const PIXELS = 28 * 28;
const MAX_BATCH = 64;
const CLASSES = data.FASHION_MNIST_CLASSES;

/** The model, loaded once per isolate on the first request and reused by every later one. */
let loading;
function model() {
  loading ??= init().then(() => io.load(new Uint8Array(modelBytes)));
  return loading;
}

/** A client error: answered as HTTP `status` with `{ "error": message }`. */
class BadRequest extends Error {
  constructor(message, status = 400) {
    super(message);
    this.status = status;
  }
}

/** One image as 784 floats: a flat array or 28 rows of 28, every pixel a number in [0, 1]. */
function pixels(image, where) {
  const flat = Array.isArray(image) && image.length === 28 && image.every(Array.isArray) ? image.flat() : image;
  if (!Array.isArray(flat) || flat.length !== PIXELS) {
    throw new BadRequest(`${where}: expected ${PIXELS} pixels (a flat array or 28 rows of 28), got ${Array.isArray(flat) ? `${flat.length} values` : typeof flat}`);
  }
  for (let i = 0; i < PIXELS; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new BadRequest(`${where}: pixel ${i} is ${JSON.stringify(v)}; expected a number in [0, 1] (divide 0-255 values by 255)`);
    }
  }
  return flat;
}

/** The request's images as one [n, 28, 28, 1] batch, and whether it was a single image. */
function batchOf(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('POST /predict: expected a JSON object { "image": [...] } or { "images": [[...], ...] }');
  const single = body.image !== undefined;
  if (single === (body.images !== undefined)) throw new BadRequest('POST /predict: give exactly one of "image" or "images"');
  const images = single ? [body.image] : body.images;
  if (!Array.isArray(images) || images.length === 0 || images.length > MAX_BATCH) {
    throw new BadRequest(`POST /predict: "images" must be an array of 1 to ${MAX_BATCH} images, got ${Array.isArray(images) ? images.length : typeof images}`);
  }
  const x = new Float32Array(images.length * PIXELS);
  images.forEach((image, i) => x.set(pixels(image, single ? 'image' : `images[${i}]`), i * PIXELS));
  return { x: tensor(x, [images.length, 28, 28, 1]), single };
}

async function predict(request) {
  let body;
  try {
    body = await request.json();
  } catch {
    throw new BadRequest('POST /predict: the body is not valid JSON');
  }
  const { x, single } = batchOf(body);
  const probabilities = ops.softmax((await model()).predict(x)).data;
  const predictions = [];
  for (let i = 0; i < x.shape[0]; i++) {
    const p = Array.from(probabilities.subarray(i * CLASSES.length, (i + 1) * CLASSES.length));
    const best = p.indexOf(Math.max(...p));
    predictions.push({ probabilities: p, class: best, label: CLASSES[best] });
  }
  return single ? predictions[0] : { predictions };
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === '/predict') {
        if (request.method !== 'POST') throw new BadRequest(`${request.method} /predict: use POST with a JSON body`, 405);
        return Response.json(await predict(request));
      }
      if (pathname === '/' && request.method === 'GET') {
        await init(); // instantiates the imported module once; later calls return at once
        const c = ops.matmul(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([7, 8, 9, 10, 11, 12], [3, 2]));
        return Response.json({ shape: c.shape, data: Array.from(c.data) });
      }
      throw new BadRequest(`${request.method} ${pathname}: not found; POST /predict or GET /`, 404);
    } catch (error) {
      if (error instanceof BadRequest) return Response.json({ error: error.message }, { status: error.status });
      throw error;
    }
  },
};

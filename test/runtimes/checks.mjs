// The checks every runtime runs against the BUILT package (Node ESM and CJS, Deno, Chromium,
// workerd). Plain JavaScript whose one import (the examples' CNN, itself import-free) every
// runtime resolves by relative path (workerd: a module of that name in worker.capnp).
import { fashionCnn } from '../../examples/shared/fashion-cnn.mjs';
//
// To add a check, append ONE entry to `checks` below:
//
//   check('rng: golden values', (tl) => digest(tl.random.uniform([5], { seed: 1 }).data)),
//
// `run(tl)` receives the initialised package namespace, may be async, throws on failure
// (use `assert`, `assertClose`), and may return a string `digest`: run-all.mjs then also requires
// that every runtime returns the SAME digest (the determinism contract: same numbers everywhere).

/** Throws `message` unless `condition` holds. */
export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Throws naming the first element where `actual` and `expected` differ by more than `tol(i)`. */
export function assertClose(actual, expected, tol, what) {
  assert(actual.length === expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const bound = typeof tol === 'function' ? tol(i) : tol;
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
      throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (tolerance ${bound})`);
    }
  }
}

/** A seeded generator of float32 values in [-1, 1) (mulberry32); no Math.random. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.fround((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  };
}

/** `n` seeded float32 values in [-1, 1). */
export function randomArray(n, seed) {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next();
  return out;
}

/** FNV-1a over the exact bits of a Float32Array, as 8 hex digits: equal digests = equal numbers. */
export function digest(values) {
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) {
    for (let shift = 0; shift < 32; shift += 8) {
      h ^= (bits[i] >>> shift) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

/** Row-major [m, k] x [k, n] in float64, with the sum of |a_ik * b_kj| per entry for error bounds. */
export function matmulReference(a, b, m, k, n) {
  const out = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        s += a[i * k + p] * b[p * n + j];
        t += Math.abs(a[i * k + p] * b[p * n + j]);
      }
      out[i * n + j] = s;
      mag[i * n + j] = t;
    }
  }
  return { out, mag };
}

function check(name, run) {
  return { name, run };
}

export const checks = [
  check('ops.matmul 2x3 . 3x2 (exact)', (tl) => {
    const c = tl.ops.matmul(tl.tensor([1, 2, 3, 4, 5, 6], [2, 3]), tl.tensor([7, 8, 9, 10, 11, 12], [3, 2]));
    assert(c.shape.join(',') === '2,2', `shape is [${c.shape}], expected [2, 2]`);
    assertClose(c.data, [58, 64, 139, 154], 0, 'matmul 2x3 . 3x2');
  }),
  check('ops.matmul 65x33 . 33x17 vs f64 reference', (tl) => {
    const [m, k, n] = [65, 33, 17];
    const a = randomArray(m * k, 1);
    const b = randomArray(k * n, 2);
    const c = tl.ops.matmul(tl.tensor(a, [m, k]), tl.tensor(b, [k, n]));
    assert(c.shape.join(',') === `${m},${n}`, `shape is [${c.shape}], expected [${m}, ${n}]`);
    const { out, mag } = matmulReference(a, b, m, k, n);
    assertClose(c.data, out, (i) => k * 2 ** -23 * mag[i] + 1e-7, 'matmul 65x33 . 33x17');
    return digest(c.data);
  }),
  check('checksum: chained matmuls 17x65 . 65x33 . 33x7', (tl) => {
    const x = tl.ops.matmul(tl.tensor(randomArray(17 * 65, 3), [17, 65]), tl.tensor(randomArray(65 * 33, 4), [65, 33]));
    const y = tl.ops.matmul(x, tl.tensor(randomArray(33 * 7, 5), [33, 7]));
    return digest(y.data);
  }),
  check('checksum: wasm transcendentals (tanh, gelu, softmax, sigmoid) on 1000 values', (tl) => {
    const x = tl.tensor(randomArray(1000, 6).map((v) => v * 12), [40, 25]);
    const parts = [tl.ops.tanh(x), tl.ops.gelu(x), tl.ops.softmax(x), tl.ops.sigmoid(x)];
    const t = parts[0].data;
    assert(t.every((v, i) => Math.abs(v - Math.tanh(x.data[i])) <= 1e-6), 'tanh differs from Math.tanh by more than 1e-6');
    return parts.map((p) => digest(p.data)).join(' ');
  }),
  check('checksum: seeded randomNormal / randomUniform / dropout (Philox)', (tl) => {
    const n = tl.ops.randomNormal([257], 0, 1, { seed: 42 });
    const u = tl.ops.randomUniform([257], -1, 1, { seed: 42 });
    const d = tl.ops.dropout(tl.tensor(randomArray(257, 7), [257]), 0.5, { seed: 42 });
    assert(digest(n.data) === digest(tl.ops.randomNormal([257], 0, 1, { seed: 42 }).data), 'randomNormal with one seed differs between calls');
    return [n, u, d].map((t) => digest(t.data)).join(' ');
  }),
  check('checksum: conv2d 3x3 same, stride 2, bias, relu on [2, 9, 11, 3] -> 5 channels', (tl) => {
    const x = tl.tensor(randomArray(2 * 9 * 11 * 3, 8), [2, 9, 11, 3]);
    const w = tl.tensor(randomArray(3 * 3 * 3 * 5, 9), [3, 3, 3, 5]);
    const y = tl.ops.conv2d(x, w, { strides: 2, padding: 'same', bias: tl.tensor(randomArray(5, 10), [5]), activation: 'relu' });
    assert(y.shape.join(',') === '2,5,6,5', `shape is [${y.shape}], expected [2, 5, 6, 5]`);
    return digest(y.data);
  }),
  check('tiny fit: dense-relu-dropout-dense, adam, 3 epochs on 64 seeded samples: weights and losses', async (tl) => {
    const n = 64;
    const x = tl.tensor(randomArray(n * 5, 11), [n, 5]);
    const y = tl.tensor(Float32Array.from(x.data.filter((_, i) => i % 5 === 0), (v) => (v > 0.2 ? 2 : v > -0.3 ? 1 : 0)), [n]);
    const model = new tl.Sequential(
      [tl.layers.dense({ units: 16, activation: 'relu', inputShape: [5] }), tl.layers.dropout({ rate: 0.2 }), tl.layers.dense({ units: 3 })],
      { seed: 3 },
    );
    model.compile({ optimizer: 'adam', loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 16, seed: 4, verbose: 0, validationSplit: 0.25 });
    const losses = history.history.loss;
    assert(losses.length === 3 && losses.every(Number.isFinite), `losses are ${losses}`);
    assert(losses[2] < losses[0], `the loss did not go down: ${losses}`);
    const weights = model.getWeights().map((w) => digest(w.data)).join(' ');
    return `${weights} loss ${digest(losses)} val ${digest(history.history.val_loss)}`;
  }),
  check('demo fit: conv-BN-ReLU-pool x2, dropout, dense; adam + cosine decay; flip + translation augmentation; 2 epochs on 48 seeded 28x28 images: weights, moving statistics, losses', async (tl) => {
    // What `npm run demo` (examples/fashion-mnist.ts) does, with its CNN at [4, 8] filters, at a
    // size every runtime runs in a blink.
    const { augment } = tl;
    const n = 48;
    const x = tl.tensor(randomArray(n * 28 * 28, 12).map((v) => (v + 1) / 2), [n, 28, 28, 1]);
    const y = tl.tensor(Float32Array.from({ length: n }, (_, i) => (x.data[i * 784 + 400] * 10) | 0), [n]);
    const model = fashionCnn(tl, { seed: 5, filters: [4, 8] });
    const epochs = 2;
    const batchSize = 16;
    const steps = epochs * Math.ceil((n * 0.75) / batchSize);
    model.compile({
      optimizer: tl.optimizers.adam({ learningRate: tl.schedules.cosineDecay({ initialLearningRate: 2e-3, decaySteps: steps, alpha: 0.05 }) }),
      loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ['accuracy'],
    });
    const history = await model.fit(x, y, {
      epochs,
      batchSize,
      validationSplit: 0.25,
      seed: 6,
      verbose: 0,
      augment: augment.sequence([augment.randomFlip('horizontal'), augment.randomTranslation(0.08, 0.08, { fillMode: 'constant' })]),
    });
    const losses = history.history.loss;
    assert(losses.length === epochs && losses.every(Number.isFinite), `losses are ${losses}`);
    const weights = model.getWeights();
    assert(weights.length === 12, `getWeights() returned ${weights.length} arrays, expected 12 (2 x conv kernel, BN gamma, beta, moving mean, moving variance; dense kernel and bias)`);
    assert(weights[3].data.some((v) => v !== 0), 'the first batch norm moving mean is still all zeros after training');
    const predictions = model.predict(tl.tensor(x.data.slice(0, 4 * 784), [4, 28, 28, 1]));
    return `${weights.map((w) => digest(w.data)).join(' ')} loss ${digest(losses)} val ${digest(history.history.val_loss)} predict ${digest(predictions.data)}`;
  }),
  check('checksum: seeded augmentation pipeline (flip, rotation, zoom, translation, noise, contrast, erasing, resized crop)', (tl) => {
    const a = tl.augment;
    const pipeline = a.sequence([a.randomFlip(), a.randomRotation(0.1), a.randomZoom(0.2), a.randomTranslation(0.1, 0.1),
      a.gaussianNoise(0.05), a.randomContrast(0.3), a.randomErasing({ probability: 1 }), a.randomResizedCrop(24, 24)]);
    return digest(a.apply(pipeline, tl.tensor(randomArray(4 * 28 * 28 * 3, 11), [4, 28, 28, 3]), { seed: 7 }).data);
  }),
];

/**
 * Runs every check against the package namespace `tl`: first that the API throws before init,
 * then `init(initOptions)`, then `checks`. Never throws; returns one result per check.
 */
export async function runChecks(tl, initOptions) {
  const results = [];
  const record = async (name, run) => {
    try {
      const digestValue = await run();
      results.push({ name, ok: true, ...(typeof digestValue === 'string' ? { digest: digestValue } : {}) });
    } catch (error) {
      // The message and the frame that threw (the check's own line) keep the report short.
      const stack = error && error.stack ? String(error.stack).split('\n').slice(0, 3).join('\n') : String(error);
      results.push({ name, ok: false, error: stack });
    }
  };
  await record('calling the API before init() throws NotInitializedError', () => {
    assert(tl.isInitialized() === false, 'isInitialized() is true before init()');
    let thrown;
    try {
      tl.ops.matmul(tl.tensor([1], [1, 1]), tl.tensor([1], [1, 1]));
    } catch (error) {
      thrown = error;
    }
    assert(thrown instanceof tl.NotInitializedError, `expected NotInitializedError, got ${thrown}`);
    assert(/await init\(\)/.test(thrown.message), `message does not say how to fix it: ${thrown.message}`);
  });
  await record('init()', async () => {
    await tl.init(initOptions);
    assert(tl.isInitialized() === true, 'isInitialized() is false after init()');
  });
  for (const c of checks) await record(c.name, () => c.run(tl));
  return results;
}

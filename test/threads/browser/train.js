// The seeded MLP that test/threads/dist-train.mjs (Node, Deno) and the Chromium page train: the digest of its
// weights' bits after two epochs.
export async function trainDigest(tl) {
  const n = 256;
  const features = 64;
  const x = tl.ops.randomNormal([n, features], 0, 1, { seed: 3 });
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) labels[i] = (i * 7) % 10;
  const model = new tl.Sequential([
    tl.layers.dense({ units: 128, activation: 'relu', inputShape: [features] }),
    tl.layers.dense({ units: 10 }),
  ], { seed: 42 });
  model.compile({ optimizer: tl.optimizers.adam({ learningRate: 0.01 }), loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  await model.fit(x, tl.tensor(labels, [n]), { epochs: 2, batchSize: 64, verbose: 0 });
  let digest = 0;
  for (const w of model.getWeights()) {
    for (const bits of new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)) digest = (Math.imul(digest, 31) + bits) >>> 0;
  }
  return digest;
}

// The seeded models that test/threads/dist-train.mjs (Node, Deno) and the Chromium page train: the
// digest of their weights' bits after two epochs. An MLP (its GEMMs split) and a small CNN sized
// so that, at the default split thresholds, its convolutions (a few-channel conv and a Winograd
// one, all passes), batch norm and max pooling split over the threads too.
export async function trainDigest(tl) {
  const n = 256;
  const features = 64;
  const x = tl.ops.randomNormal([n, features], 0, 1, { seed: 3 });
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) labels[i] = (i * 7) % 10;
  const mlp = new tl.Sequential([
    tl.layers.dense({ units: 128, activation: 'relu', inputShape: [features] }),
    tl.layers.dense({ units: 10 }),
  ], { seed: 42 });
  mlp.compile({ optimizer: tl.optimizers.adam({ learningRate: 0.01 }), loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  await mlp.fit(x, tl.tensor(labels, [n]), { epochs: 2, batchSize: 64, verbose: 0 });
  const images = 128;
  const cnn = new tl.Sequential([
    tl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [16, 16, 1] }),
    tl.layers.batchNormalization(),
    tl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tl.layers.maxPooling2d(),
    tl.layers.flatten(),
    tl.layers.dense({ units: 10 }),
  ], { seed: 43 });
  cnn.compile({ optimizer: tl.optimizers.adam({ learningRate: 0.01 }), loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  await cnn.fit(tl.ops.randomNormal([images, 16, 16, 1], 0, 1, { seed: 4 }), tl.tensor(labels.subarray(0, images), [images]), { epochs: 2, batchSize: 64, verbose: 0 });
  let digest = 0;
  for (const w of [...mlp.getWeights(), ...cnn.getWeights()]) {
    for (const bits of new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)) digest = (Math.imul(digest, 31) + bits) >>> 0;
  }
  return digest;
}

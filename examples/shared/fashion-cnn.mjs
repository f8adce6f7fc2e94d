// The demo's CNN (examples/fashion-mnist.ts: conv-BN-ReLU-pool twice, dropout, dense), shared by
// the Deno, browser and edge examples. `tl` is the tensorlane namespace, passed in because a
// browser worker imports the bundle by path while Node and Deno import it by name.

/**
 * A new, uncompiled Fashion-MNIST CNN for [n, 28, 28, 1] inputs and 10 logits. `filters` sets the
 * two conv widths (the demo's are [32, 64]; the edge example's smaller [8, 16] keep its bytes small).
 */
export function fashionCnn(tl, { seed = 42, filters = [32, 64], name = 'fashion_cnn' } = {}) {
  const { layers } = tl;
  return new tl.Sequential(
    [
      layers.conv2d({ filters: filters[0], kernelSize: 3, padding: 'same', useBias: false, inputShape: [28, 28, 1] }),
      layers.batchNormalization({ momentum: 0.9 }),
      layers.relu(),
      layers.maxPooling2d(),
      layers.conv2d({ filters: filters[1], kernelSize: 3, padding: 'same', useBias: false }),
      layers.batchNormalization({ momentum: 0.9 }),
      layers.relu(),
      layers.maxPooling2d(),
      layers.flatten(),
      layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 10 }),
    ],
    { seed, name },
  );
}

/** Compiles `model` as the demo does: Adam, sparse categorical crossentropy on logits, accuracy. */
export function compileFashionCnn(tl, model, learningRate = 2e-3) {
  model.compile({
    optimizer: tl.optimizers.adam({ learningRate }),
    loss: tl.losses.sparseCategoricalCrossentropy({ fromLogits: true }),
    metrics: ['accuracy'],
  });
  return model;
}

/** The first `n` rows of a tensor (a copy), e.g. a quick subset of a training split. */
export function firstRows(tl, t, n) {
  const row = t.data.length / t.shape[0];
  const count = Math.min(n, t.shape[0]);
  return tl.tensor(t.data.slice(0, count * row), [count, ...t.shape.slice(1)]);
}

// The autoencoders of examples/autoencoder.ts and examples/denoising-autoencoder.ts, and the
// figures they report, shared with their tests (test/examples/). Public API only.
import { Sequential, layers, ops, optimizers, tensor, type Tensor } from '../../src/api.js';

/** Options of the model builders. */
export interface AutoencoderOptions {
  /** Seed of the initial weights (and of the noise layer of the denoiser). Default 42. */
  seed?: number;
  /** Size of the code (bottleneck) vector. Default 32. */
  code?: number;
}

/** 784 -> 128 -> code -> 128 -> 784 (sigmoid), on [n, 28, 28, 1] images in [0, 1]. */
export function denseAutoencoder({ seed = 42, code = 32 }: AutoencoderOptions = {}): Sequential {
  return new Sequential(
    [
      layers.flatten({ inputShape: [28, 28, 1] }),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: code, activation: 'relu', name: 'code' }),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: 784, activation: 'sigmoid' }),
      layers.reshape({ targetShape: [28, 28, 1] }),
    ],
    { seed, name: 'dense_autoencoder' },
  );
}

/**
 * Encoder: conv 16 and conv 32 with stride 2 (28 -> 14 -> 7), dense to the code. Decoder: dense
 * to 7x7x32, conv2dTranspose 16 with stride 2 (7 -> 14), upSampling2d (14 -> 28), conv 1 (sigmoid).
 * With `noiseStddev` the first layer is `gaussianNoise`: fresh noise on every training batch, the
 * identity in predict, so the same model trained on (x, x) is a denoising autoencoder.
 */
export function convAutoencoder({ seed = 42, code = 32, noiseStddev }: AutoencoderOptions & { noiseStddev?: number } = {}): Sequential {
  const input = { inputShape: [28, 28, 1] as const };
  return new Sequential(
    [
      ...(noiseStddev !== undefined ? [layers.gaussianNoise({ stddev: noiseStddev, ...input })] : []),
      layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...(noiseStddev === undefined ? input : {}) }),
      layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      layers.flatten(),
      layers.dense({ units: code, activation: 'relu', name: 'code' }),
      layers.dense({ units: 7 * 7 * 32, activation: 'relu' }),
      layers.reshape({ targetShape: [7, 7, 32] }),
      layers.conv2dTranspose({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      layers.upSampling2d({ size: 2 }),
      layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
    ],
    { seed, name: noiseStddev !== undefined ? 'denoising_autoencoder' : 'conv_autoencoder' },
  );
}

/** Compiles an autoencoder: Adam, mean squared error between input and reconstruction. */
export function compileAutoencoder(model: Sequential, learningRate = 2e-3): Sequential {
  model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'meanSquaredError' });
  return model;
}

/** Mean over every pixel of (a - b)^2. */
export function meanSquaredError(a: Tensor, b: Tensor): number {
  if (a.size !== b.size) throw new RangeError(`meanSquaredError: sizes differ: [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  let sum = 0;
  for (let i = 0; i < a.size; i++) {
    const d = a.data[i]! - b.data[i]!;
    sum += d * d;
  }
  return sum / a.size;
}

/** Per-image mean squared error of two [n, ...] batches of one shape. */
export function perImageMse(a: Tensor, b: Tensor): number[] {
  const n = a.shape[0]!;
  return Array.from({ length: n }, (_, i) => meanSquaredError(rowsOf(a, i, i + 1), rowsOf(b, i, i + 1)));
}

/** The mean image of a batch, as [1, h, w, c]. */
export function meanImage(x: Tensor): Tensor {
  const n = x.shape[0]!;
  const per = x.size / n;
  const mean = new Float64Array(per);
  for (let i = 0; i < n; i++) for (let j = 0; j < per; j++) mean[j]! += x.data[i * per + j]!;
  return tensor(Float32Array.from(mean, (v) => v / n), [1, ...x.shape.slice(1)]);
}

/** MSE of predicting `mean` ([1, ...]) for every image of `x`: the baseline an autoencoder must beat. */
export function meanImageMse(mean: Tensor, x: Tensor): number {
  const per = mean.size;
  let sum = 0;
  for (let i = 0; i < x.size; i++) {
    const d = x.data[i]! - mean.data[i % per]!;
    sum += d * d;
  }
  return sum / x.size;
}

/** Rows [from, to) of a batch (a copy). */
export function rowsOf(x: Tensor, from: number, to: number): Tensor {
  const per = x.size / x.shape[0]!;
  return tensor(x.data.slice(from * per, to * per), [to - from, ...x.shape.slice(1)]);
}

/** The images at `indices` of a batch (a copy). */
export function pick(x: Tensor, indices: readonly number[]): Tensor {
  const per = x.size / x.shape[0]!;
  const out = new Float32Array(indices.length * per);
  indices.forEach((i, k) => out.set(x.data.subarray(i * per, (i + 1) * per), k * per));
  return tensor(out, [indices.length, ...x.shape.slice(1)]);
}

/** Index of the first image of each class 0..classes-1 in `labels`. */
export function firstOfEachClass(labels: Tensor, classes = 10): number[] {
  const first: number[] = [];
  for (let c = 0; c < classes; c++) {
    const i = labels.data.indexOf(c);
    if (i < 0) throw new RangeError(`firstOfEachClass: no image of class ${c} among ${labels.size} labels`);
    first.push(i);
  }
  return first;
}

/** x + N(0, stddev) from the library's seeded generator (the noisy test images of the denoiser). */
export function withNoise(x: Tensor, stddev: number, seed: number): Tensor {
  return ops.gaussianNoise(x, stddev, { seed });
}

// A DCGAN (Radford et al. 2016) on Fashion-MNIST: a conv2dTranspose generator and a strided-conv
// discriminator trained by the custom trainStep of examples/shared/gan.ts (one Adam per net,
// lr 2e-4, beta1 0.5, as in the paper).
//
//   npx tsx examples/dcgan.ts                          # the committed subset (10k), 10 epochs
//   npx tsx examples/dcgan.ts --data /usr/share/datasets/fashion-mnist --epochs 5
//
// Prints both losses per epoch, writes demo-output/dcgan/samples-epoch-N.png every --every epochs
// (the same 64 z throughout) and samples.png at the end, then the sample-quality figure
// (examples/shared/sample-quality.ts: the demo's classifier trained here for --classifier-epochs;
// 0 skips it). Needs the wasm build: node scripts/build.mjs --wasm-only.
import { callbacks, Input, layers, Model, type Tensor } from '../src/api.js';
import { rowsOf } from './shared/autoencoders.js';
import { trainDemoClassifier } from './shared/classifier.js';
import { intArg, startExample } from './shared/cli.js';
import { Gan } from './shared/gan.js';
import { writePngGrid } from './shared/png-grid.js';
import { formatQuality, sampleQuality } from './shared/sample-quality.js';

const { trainX, trainY, test, epochs, batchSize, seed, verbose, out, extra } = await startExample('dcgan', { latent: '64', every: '2', 'classifier-epochs': '3', samples: '1000' });
const latent = intArg(extra.latent!, 'latent');
const every = Math.max(1, intArg(extra.every!, 'every'));
const classifierEpochs = intArg(extra['classifier-epochs']!, 'classifier-epochs');
const samples = intArg(extra.samples!, 'samples');

/** z -> dense 7x7x32 -> conv2dTranspose to 14x14x32 and 28x28x16 -> 3x3 conv to 1 channel, sigmoid (small: 2 shared cores). */
function generator(): Model {
  const z = Input({ shape: [latent] });
  let h = layers.leakyRelu({ alpha: 0.2 }).apply(layers.dense({ units: 7 * 7 * 32 }).apply(z));
  h = layers.reshape({ targetShape: [7, 7, 32] }).apply(h);
  h = layers.leakyRelu({ alpha: 0.2 }).apply(layers.conv2dTranspose({ filters: 32, kernelSize: 4, strides: 2, padding: 'same' }).apply(h));
  h = layers.leakyRelu({ alpha: 0.2 }).apply(layers.conv2dTranspose({ filters: 16, kernelSize: 4, strides: 2, padding: 'same' }).apply(h));
  return new Model({ inputs: z, outputs: layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(h), seed, name: 'generator' });
}

/** 28x28x1 -> conv 16 and 32 with stride 2 (LeakyReLU 0.2) -> dropout 0.2 -> one logit. */
function discriminator(): Model {
  const x = Input({ shape: [28, 28, 1] });
  let h = layers.leakyRelu({ alpha: 0.2 }).apply(layers.conv2d({ filters: 16, kernelSize: 4, strides: 2, padding: 'same' }).apply(x));
  h = layers.leakyRelu({ alpha: 0.2 }).apply(layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same' }).apply(h));
  h = layers.dropout({ rate: 0.2 }).apply(layers.flatten().apply(h));
  return new Model({ inputs: x, outputs: layers.dense({ units: 1 }).apply(h), seed: seed + 1, name: 'discriminator' });
}

const gan = new Gan(generator(), discriminator(), [28, 28, 1], { latent, seed: seed + 2 });
gan.compile({ optimizer: 'adam' }); // fit needs a compiled model; the custom trainStep uses the GAN's own optimizers
if (verbose > 1) process.stdout.write(`${gan.generator.summary()}\n${gan.discriminator.summary()}\n`);
const fixedZ = gan.noise(64, seed + 3);
const writeSamples = async (path: string): Promise<void> => {
  await writePngGrid(path, gan.generator.predict(fixedZ) as Tensor, { columns: 8, scale: 2 });
};
const t0 = performance.now();
const progress = callbacks.lambdaCallback({
  onEpochEnd: async (epoch, logs = {}) => {
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(`epoch ${epoch + 1}: dLoss ${logs.dLoss!.toFixed(3)}, gLoss ${logs.gLoss!.toFixed(3)} (${seconds.toFixed(1)} s)\n`);
    if ((epoch + 1) % every === 0) await writeSamples(`${out}/samples-epoch-${epoch + 1}.png`);
  },
});
await gan.fit(trainX, trainY, { epochs, batchSize, seed, verbose: 0, shuffle: true, callbacks: [progress] });
const seconds = (performance.now() - t0) / 1000;
await writeSamples(`${out}/samples.png`);
process.stdout.write(`trained ${epochs} epochs in ${seconds.toFixed(1)} s; discriminator accuracy on up to 1000 test images and as many samples ${gan.discriminatorAccuracy(rowsOf(test.x, 0, Math.min(1000, test.x.shape[0]!)), seed + 4).toFixed(3)}\nWrote ${out}/samples.png\n`);

if (classifierEpochs > 0 && samples > 0) {
  const { model: classifier, seconds: cs } = await trainDemoClassifier(trainX, trainY, { epochs: classifierEpochs, batchSize: 64, seed, verbose: 0 });
  const generated = gan.generator.predict(gan.noise(samples, seed + 5), { batchSize: 256 }) as Tensor;
  process.stdout.write(`sample quality (demo CNN trained ${classifierEpochs} epochs in ${cs.toFixed(1)} s):\n`);
  process.stdout.write(`  ${formatQuality(`real test images (${test.x.shape[0]})`, sampleQuality(classifier, test.x))}\n`);
  process.stdout.write(`  ${formatQuality(`DCGAN samples (${samples})`, sampleQuality(classifier, generated))}\n`);
}

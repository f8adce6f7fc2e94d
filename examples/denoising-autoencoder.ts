// A denoising convolutional autoencoder on Fashion-MNIST (examples/shared/autoencoders.ts): the
// convolutional autoencoder behind a gaussianNoise layer, trained to map noisy images to clean ones.
//
//   npx tsx examples/denoising-autoencoder.ts            # the committed subset (10k / 2k), 10 epochs
//   npx tsx examples/denoising-autoencoder.ts --data /usr/share/datasets/fashion-mnist --epochs 5
//
// Prints the test MSE of the noisy images and of the denoised ones against the clean images, and
// writes demo-output/denoising-autoencoder/denoised.png: noisy, denoised and clean rows of one
// test image per class. Needs the wasm build: node scripts/build.mjs --wasm-only. Options: --help.
import { compileAutoencoder, convAutoencoder, firstOfEachClass, meanSquaredError, perImageMse, pick, withNoise } from './shared/autoencoders.js';
import { concatImages, writePngGrid } from './shared/png-grid.js';
import { mseLabel, numberArg, startExample } from './shared/cli.js';

const { trainX, test, classNames, epochs, batchSize, seed, verbose, out, extra } = await startExample('denoising-autoencoder', { noise: '0.4' });
const noise = numberArg(extra.noise!, 'noise');

const t0 = performance.now();
const model = compileAutoencoder(convAutoencoder({ seed, noiseStddev: noise }));
if (verbose > 0) process.stdout.write(`${model.summary()}\n`);
await model.fit(trainX, trainX, { epochs, batchSize, seed, verbose });
const seconds = (performance.now() - t0) / 1000;

// The test images get noise of the same kind from another seed; predict runs the noise layer as the identity.
const noisy = withNoise(test.x, noise, seed + 1);
const denoised = model.predict(noisy, { batchSize: 256 });
process.stdout.write(`test MSE against the clean images (noise stddev ${noise}): noisy ${meanSquaredError(noisy, test.x).toFixed(4)}, denoised ${meanSquaredError(denoised, test.x).toFixed(4)} (${epochs} epochs in ${seconds.toFixed(1)} s)\n`);

const shown = firstOfEachClass(test.y);
const clean = pick(test.x, shown);
const rows = [pick(noisy, shown), pick(denoised, shown), clean];
const labels = [
  ...perImageMse(rows[0]!, clean).map(mseLabel),
  ...perImageMse(rows[1]!, clean).map(mseLabel),
  ...shown.map((i) => classNames[test.y.data[i]!]!),
];
const path = `${out}/denoised.png`;
const info = await writePngGrid(path, concatImages(rows), { columns: shown.length, scale: 4, labels, rowLabels: ['noisy', 'denoised', 'clean'] });
process.stdout.write(`Wrote ${path} (${info.width}x${info.height}, ${info.bytes} bytes)\n`);

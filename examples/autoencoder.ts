// Dense and convolutional autoencoders on Fashion-MNIST (examples/shared/autoencoders.ts):
//
//   npx tsx examples/autoencoder.ts                     # the committed subset (10k / 2k), 10 epochs
//   npx tsx examples/autoencoder.ts --data /usr/share/datasets/fashion-mnist --epochs 5
//
// Prints each model's reconstruction MSE on the test set beside the MSE of predicting the mean
// training image, and writes demo-output/autoencoder/reconstructions.png: one test image of each
// class (top row) and its reconstructions by the dense and the convolutional model, each labelled
// with its MSE. Needs the wasm build: node scripts/build.mjs --wasm-only. Options: --help.
import type { Tensor } from '../src/api.js';
import {
  compileAutoencoder, convAutoencoder, denseAutoencoder, firstOfEachClass, meanImage, meanImageMse, meanSquaredError, perImageMse, pick,
} from './shared/autoencoders.js';
import { concatImages, writePngGrid } from './shared/png-grid.js';
import { mseLabel, startExample } from './shared/cli.js';

const { trainX, test, classNames, epochs, batchSize, seed, verbose, out } = await startExample('autoencoder');

const baseline = meanImageMse(meanImage(trainX), test.x);
process.stdout.write(`test MSE of predicting the mean training image: ${baseline.toFixed(4)}\n`);

const shown = firstOfEachClass(test.y);
const originals = pick(test.x, shown);
const rows: Tensor[] = [originals];
const labels = shown.map((i) => classNames[test.y.data[i]!]!);
for (const [name, build] of [['dense', denseAutoencoder], ['conv', convAutoencoder]] as const) {
  const t0 = performance.now();
  const model = compileAutoencoder(build({ seed }));
  if (verbose > 0) process.stdout.write(`\n${model.summary()}\n`);
  await model.fit(trainX, trainX, { epochs, batchSize, seed, verbose });
  const seconds = (performance.now() - t0) / 1000;
  const mse = meanSquaredError(model.predict(test.x, { batchSize: 256 }), test.x);
  process.stdout.write(`${name} autoencoder: test MSE ${mse.toFixed(4)} (mean image: ${baseline.toFixed(4)}), ${epochs} epochs in ${seconds.toFixed(1)} s\n`);
  const reconstructions = model.predict(originals);
  rows.push(reconstructions);
  labels.push(...perImageMse(reconstructions, originals).map(mseLabel));
}

const path = `${out}/reconstructions.png`;
const info = await writePngGrid(path, concatImages(rows), { columns: shown.length, scale: 4, labels, rowLabels: ['original', 'dense', 'conv'] });
process.stdout.write(`Wrote ${path} (${info.width}x${info.height}, ${info.bytes} bytes)\n`);

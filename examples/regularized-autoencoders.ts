// Plain, sparse and contractive autoencoders on Fashion-MNIST (examples/shared/regularized-autoencoders.ts):
//
//   npx tsx examples/regularized-autoencoders.ts            # the committed subset (10k / 2k), 10 epochs
//   npx tsx examples/regularized-autoencoders.ts --data /usr/share/datasets/fashion-mnist --epochs 5
//
// Prints, per model on the test set: reconstruction MSE, the mean code activation and the share of
// near-zero activations (what the sparse penalty buys), and the mean squared Frobenius norm of the
// encoder's Jacobian (what the contractive penalty buys). Writes
// demo-output/regularized-autoencoders/reconstructions.png. Options: --help.
import type { Tensor } from '../src/api.js';
import { firstOfEachClass, meanSquaredError, perImageMse, pick } from './shared/autoencoders.js';
import { codeStatistics, jacobianNorm, regularizedAutoencoder, type RegularizedKind } from './shared/regularized-autoencoders.js';
import { concatImages, writePngGrid } from './shared/png-grid.js';
import { mseLabel, startExample } from './shared/cli.js';

const { trainX, test, classNames, epochs, batchSize, seed, verbose, out } = await startExample('regularized-autoencoders');
const shown = firstOfEachClass(test.y);
const originals = pick(test.x, shown);
const rows: Tensor[] = [originals];
const labels = shown.map((i) => classNames[test.y.data[i]!]!);
const kinds: RegularizedKind[] = ['plain', 'sparse', 'contractive'];
for (const kind of kinds) {
  const t0 = performance.now();
  const { model, encoder } = regularizedAutoencoder(kind, { seed });
  await model.fit(trainX, trainX, { epochs, batchSize, seed, verbose });
  const seconds = (performance.now() - t0) / 1000;
  const mse = meanSquaredError(model.predict(test.x, { batchSize: 256 }), test.x);
  const codes = encoder.predict(test.x, { batchSize: 256 });
  const stats = codeStatistics(codes);
  const jacobian = jacobianNorm(codes, encoder.layers.at(-1)!.getWeights()[0]!);
  process.stdout.write(
    `${kind.padEnd(11)} test MSE ${mse.toFixed(4)}, mean code ${stats.mean.toFixed(3)}, near-zero ${(100 * stats.nearZero).toFixed(1)} %, ` +
      `||J||_F^2 ${jacobian.toFixed(2)} (${epochs} epochs in ${seconds.toFixed(1)} s)\n`,
  );
  const reconstructions = model.predict(originals);
  rows.push(reconstructions);
  labels.push(...perImageMse(reconstructions, originals).map(mseLabel));
}
const path = `${out}/reconstructions.png`;
const info = await writePngGrid(path, concatImages(rows), { columns: shown.length, scale: 4, labels, rowLabels: ['original', ...kinds] });
process.stdout.write(`Wrote ${path} (${info.width}x${info.height}, ${info.bytes} bytes)\n`);

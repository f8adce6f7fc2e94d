// A variational autoencoder with a 2-D latent space on Fashion-MNIST (examples/shared/vae.ts: a
// custom trainStep computing the negative ELBO with ops, the reparameterisation trick with eps
// from the seeded generator, `valueAndGrad` and `applyGradients`).
//
//   npx tsx examples/vae.ts                          # the committed subset (10k / 2k), 20 epochs
//   npx tsx examples/vae.ts --data /usr/share/datasets/fashion-mnist --epochs 10
//
// Prints the ELBO and its KL part per epoch and the test-set ELBO (nats per image), then the
// sample-quality figure (examples/shared/sample-quality.ts: the demo's classifier, trained here
// for --classifier-epochs, on decoded samples z ~ N(0, I) against real test images; 0 skips it),
// and writes demo-output/vae/latent.png (test images' latent means coloured by class) and
// manifold.png (images decoded from a grid of z). Needs the wasm build: node scripts/build.mjs --wasm-only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { ops, tensor, type Tensor } from '../src/api.js';
import { trainDemoClassifier } from './shared/classifier.js';
import { intArg, startExample } from './shared/cli.js';
import { writePngGrid } from './shared/png-grid.js';
import { formatQuality, sampleQuality } from './shared/sample-quality.js';
import { scatterPng } from './shared/scatter.js';
import { Vae } from './shared/vae.js';

const { trainX, trainY, test, classNames, epochs, batchSize, seed, verbose, out, extra } = await startExample('vae', { 'classifier-epochs': '3', samples: '1000' });
const classifierEpochs = intArg(extra['classifier-epochs']!, 'classifier-epochs');
const samples = intArg(extra.samples!, 'samples');

const t0 = performance.now();
const vae = new Vae({ seed });
vae.compile({ optimizer: 'adam' }); // fit needs a compiled model; the custom trainStep uses the VAE's own optimizer
const history = await vae.fit(trainX, trainY, { epochs, batchSize, seed, verbose, shuffle: true });
const seconds = (performance.now() - t0) / 1000;
history.history.loss!.forEach((loss, e) => {
  process.stdout.write(`epoch ${e + 1}: ELBO ${(-loss).toFixed(2)}, KL ${history.history.kl![e]!.toFixed(2)}\n`);
});
const testElbo = vae.elbo(test.x, seed + 3);
process.stdout.write(`test ELBO ${testElbo.elbo.toFixed(2)} nats per image (reconstruction ${testElbo.reconstruction.toFixed(2)}, KL ${testElbo.kl.toFixed(2)}; ${epochs} epochs in ${seconds.toFixed(1)} s)\n`);

// The latent means of the test images, coloured by class.
mkdirSync(out, { recursive: true });
const [means] = vae.encoder.predict(test.x, { batchSize: 256 }) as unknown as [Tensor, Tensor];
let extent = 0;
for (const v of means.data) extent = Math.max(extent, Math.abs(v));
writeFileSync(`${out}/latent.png`, scatterPng(means.data, test.y.data, classNames, Math.min(10, Math.max(1, Math.ceil(extent)))));
process.stdout.write(`Wrote ${out}/latent.png\n`);

// Decoded images on a 15 x 15 grid of z in [-3, 3]^2 (top row: the largest z2).
const side = 15;
const grid = new Float32Array(side * side * 2);
for (let r = 0; r < side; r++) {
  for (let c = 0; c < side; c++) {
    grid[(r * side + c) * 2] = -3 + (6 * c) / (side - 1);
    grid[(r * side + c) * 2 + 1] = 3 - (6 * r) / (side - 1);
  }
}
const manifold = vae.decoder.predict(tensor(grid, [side * side, 2])) as Tensor;
const info = await writePngGrid(`${out}/manifold.png`, manifold, { columns: side, scale: 2, gap: 0 });
process.stdout.write(`Wrote ${out}/manifold.png (${info.width}x${info.height}, ${info.bytes} bytes)\n`);

if (classifierEpochs > 0 && samples > 0) {
  const { model: classifier, seconds: cs } = await trainDemoClassifier(trainX, trainY, { epochs: classifierEpochs, batchSize: 64, seed, verbose: 0 });
  const generated = vae.decoder.predict(ops.randomNormal([samples, 2], 0, 1, { seed: seed + 4 })) as Tensor;
  process.stdout.write(`sample quality (demo CNN trained ${classifierEpochs} epochs in ${cs.toFixed(1)} s):\n`);
  process.stdout.write(`  ${formatQuality(`real test images (${test.x.shape[0]})`, sampleQuality(classifier, test.x))}\n`);
  process.stdout.write(`  ${formatQuality(`VAE samples (${samples})`, sampleQuality(classifier, generated))}\n`);
}

// Adversarial examples (FGSM, Goodfellow et al. 2015) and a saliency map on the demo's
// Fashion-MNIST classifier, both from the gradient of a function with respect to the input image
// (`valueAndGrad`, `model.apply` inside it).
//
//   npx tsx examples/adversarial.ts                      # the committed subset, 2 epochs of training
//   npx tsx examples/adversarial.ts --data /usr/share/datasets/fashion-mnist --epochs 1
//
// Trains the demo's CNN briefly, then prints its test accuracy on x_adv = clip(x + eps *
// sign(d loss / d x), 0, 1) for each eps of --eps, and writes demo-output/adversarial/fgsm.png
// (clean / perturbation / adversarial rows, with the predicted classes) and saliency.png (images
// and |d top-logit / d x|, normalised per image). Needs the wasm build: node scripts/build.mjs --wasm-only.
import { losses, ops, tensor, valueAndGrad, type Sequential, type SymbolicTensor, type Tensor } from '../src/api.js';
import { firstOfEachClass, pick } from './shared/autoencoders.js';
import { accuracy, argmaxRows, trainDemoClassifier } from './shared/classifier.js';
import { concatImages, writePngGrid } from './shared/png-grid.js';
import { startExample } from './shared/cli.js';

const { trainX, trainY, test, classNames, epochs, batchSize, seed, verbose, out, extra } = await startExample('adversarial', { eps: '0,0.01,0.02,0.05,0.1', 'eps-shown': '0.05' });
const epsilons = extra.eps!.split(',').map((t) => {
  const v = Number(t);
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`--eps must be non-negative numbers separated by commas, got ${extra.eps}`);
  return v;
});
const shownEps = Number(extra['eps-shown']);

const { model, seconds } = await trainDemoClassifier(trainX, trainY, { epochs, batchSize, seed, verbose });
process.stdout.write(`trained the demo CNN for ${epochs} epochs in ${seconds.toFixed(1)} s\n`);

/** d(mean crossentropy)/dx for a batch, in chunks of `chunk` images (one traced plan per chunk shape). */
function lossGradient(net: Sequential, x: Tensor, y: Tensor, chunk = 250): Float32Array {
  const crossentropy = losses.sparseCategoricalCrossentropy({ fromLogits: true });
  const f = valueAndGrad((xs: SymbolicTensor, ys: SymbolicTensor) => ops.loss(crossentropy, ys, net.apply(xs)), { wrt: [0] });
  return mapChunks(x, chunk, (from, to) => f(rows(x, from, to), rows(y, from, to)).grads[0]!.data);
}

/** |d (logit of the predicted class) / dx| per image: the saliency map (Simonyan et al. 2014). */
function saliency(net: Sequential, x: Tensor, predicted: readonly number[]): Float32Array {
  const f = valueAndGrad((xs: SymbolicTensor, mask: SymbolicTensor) => ops.sum(ops.mul(net.apply(xs), mask)), { wrt: [0] });
  const mask = new Float32Array(predicted.length * 10);
  predicted.forEach((c, i) => { mask[i * 10 + c] = 1; });
  const g = f(x, tensor(mask, [predicted.length, 10])).grads[0]!.data;
  const per = g.length / predicted.length;
  const out = new Float32Array(g.length);
  for (let i = 0; i < predicted.length; i++) {
    let top = 0;
    for (let j = 0; j < per; j++) top = Math.max(top, Math.abs(g[i * per + j]!));
    for (let j = 0; j < per; j++) out[i * per + j] = top > 0 ? Math.abs(g[i * per + j]!) / top : 0;
  }
  return out;
}

function rows(x: Tensor, from: number, to: number): Tensor {
  const per = x.size / x.shape[0]!;
  return tensor(x.data.subarray(from * per, to * per), [to - from, ...x.shape.slice(1)]);
}

function mapChunks(x: Tensor, chunk: number, fn: (from: number, to: number) => Float32Array): Float32Array {
  const n = x.shape[0]!;
  const out = new Float32Array(x.size);
  const per = x.size / n;
  for (let from = 0; from < n; from += chunk) out.set(fn(from, Math.min(n, from + chunk)), from * per);
  return out;
}

/** clip(x + eps * sign(g), 0, 1). */
function fgsm(x: Tensor, g: Float32Array, eps: number): Tensor {
  const out = new Float32Array(x.size);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, x.data[i]! + eps * Math.sign(g[i]!)));
  return tensor(out, x.shape);
}

const t0 = performance.now();
const g = lossGradient(model, test.x, test.y);
const gradSeconds = (performance.now() - t0) / 1000;
process.stdout.write(`gradient of the loss with respect to ${test.x.shape[0]} test images in ${gradSeconds.toFixed(1)} s\n\n| eps | test accuracy |\n|---:|---:|\n`);
for (const eps of epsilons) {
  const acc = accuracy(model.predict(fgsm(test.x, g, eps), { batchSize: 256 }), test.y);
  process.stdout.write(`| ${eps} | ${acc.toFixed(4)} |\n`);
}

const shown = firstOfEachClass(test.y);
const clean = pick(test.x, shown);
const gShown = pick(tensor(g, test.x.shape), shown);
const adv = fgsm(clean, gShown.data, shownEps);
const perturbation = tensor(adv.data.map((v, i) => 0.5 + (v - clean.data[i]!) / (2 * Math.max(shownEps, 1e-6))), clean.shape);
const name = (i: number): string => classNames[i]!.split(/[ /-]/)[0]!;
const cleanPred = argmaxRows(model.predict(clean));
const advPred = argmaxRows(model.predict(adv));
const path = `${out}/fgsm.png`;
const info = await writePngGrid(path, concatImages([clean, perturbation, adv]), {
  columns: shown.length, scale: 4, rowLabels: ['clean', `sign x${shownEps}`, 'adversarial'],
  labels: [...cleanPred.map(name), ...shown.map(() => ''), ...advPred.map(name)],
});
process.stdout.write(`\nWrote ${path} (${info.width}x${info.height}, ${info.bytes} bytes): eps ${shownEps}, ${advPred.filter((p, i) => p !== cleanPred[i]).length} of ${shown.length} predictions changed\n`);

const sal = tensor(saliency(model, clean, cleanPred), clean.shape);
const salPath = `${out}/saliency.png`;
const salInfo = await writePngGrid(salPath, concatImages([clean, sal]), { columns: shown.length, scale: 4, rowLabels: ['image', 'saliency'], labels: [...cleanPred.map(name), ...shown.map(() => '')] });
process.stdout.write(`Wrote ${salPath} (${salInfo.width}x${salInfo.height}, ${salInfo.bytes} bytes)\n`);

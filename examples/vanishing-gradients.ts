// The vanishing-gradient experiment: the same deep MLP (10 Dense layers) with sigmoid and with
// ReLU hidden activations, untrained (Glorot-uniform kernels); the norm of the gradient of the
// crossentropy on one batch of Fashion-MNIST with respect to each layer's kernel, from
// `valueAndGrad(fn, { wrt: [layer.weights[0], ...] })`.
//
//   npx tsx examples/vanishing-gradients.ts            # depth 10, width 64, a batch of 256 images
//   npx tsx examples/vanishing-gradients.ts --depth 20 --width 128
//
// Prints the per-layer norms as a table and writes demo-output/vanishing-gradients/norms.png: a
// bar chart of log10(norm) per layer (red sigmoid, blue ReLU; the first layer at the left). Needs
// the wasm build: node scripts/build.mjs --wasm-only.
import { layers, losses, ops, Sequential, tensor, valueAndGrad, type SymbolicTensor, type Tensor, type Weight } from '../src/api.js';
import { rowsOf } from './shared/autoencoders.js';
import { intArg, startExample } from './shared/cli.js';
import { writePngGrid } from './shared/png-grid.js';

const { trainX, trainY, seed, out, extra } = await startExample('vanishing-gradients', { depth: '10', width: '64', batch: '256' });
const depth = intArg(extra.depth!, 'depth');
const width = intArg(extra.width!, 'width');
const batch = Math.min(intArg(extra.batch!, 'batch'), trainX.shape[0]!);
if (depth < 2 || width < 1 || batch < 1) throw new RangeError(`--depth must be at least 2, --width and --batch at least 1; got ${depth}, ${width}, ${batch}`);

/** ||d loss / d kernel|| of each Dense layer, first to last, for an MLP with `activation` hidden layers. */
function kernelGradientNorms(activation: 'sigmoid' | 'relu', x: Tensor, y: Tensor): number[] {
  const dense = Array.from({ length: depth }, (_, i) => layers.dense({ units: i === depth - 1 ? 10 : width, activation: i === depth - 1 ? 'linear' : activation }));
  const model = new Sequential([layers.flatten({ inputShape: [28, 28, 1] }), ...dense], { seed, name: `mlp_${activation}` });
  const kernels: Weight[] = dense.map((d) => d.weights[0]!);
  const ce = losses.sparseCategoricalCrossentropy({ fromLogits: true });
  const f = valueAndGrad((xs: SymbolicTensor, ys: SymbolicTensor) => ops.loss(ce, ys, model.apply(xs)), { wrt: kernels });
  return f(x, y).grads.map((g) => {
    let s = 0;
    for (const v of g.data) s += v * v;
    return Math.sqrt(s);
  });
}

const x = rowsOf(trainX, 0, batch);
const y = rowsOf(trainY, 0, batch);
const t0 = performance.now();
const norms = { sigmoid: kernelGradientNorms('sigmoid', x, y), relu: kernelGradientNorms('relu', x, y) };
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`gradient norms of each Dense kernel (depth ${depth}, width ${width}, batch ${batch}; ${seconds.toFixed(1)} s)\n\n| layer | sigmoid | relu |\n|---:|---:|---:|\n`);
for (let i = 0; i < depth; i++) process.stdout.write(`| ${i + 1} | ${norms.sigmoid[i]!.toExponential(2)} | ${norms.relu[i]!.toExponential(2)} |\n`);
const ratio = (n: number[]): number => n[0]! / n[depth - 1]!;
process.stdout.write(`\nfirst / last layer: sigmoid ${ratio(norms.sigmoid).toExponential(2)}, relu ${ratio(norms.relu).toExponential(2)}\n`);

// A bar chart as an RGB image: per layer a red (sigmoid) and a blue (ReLU) bar of height
// proportional to log10(norm) above the smallest decade shown; grey lines mark every decade.
const logs = [...norms.sigmoid, ...norms.relu].map((v) => Math.log10(Math.max(v, 1e-30)));
const lo = Math.floor(Math.min(...logs));
const hi = Math.ceil(Math.max(...logs));
const H = 120;
const bar = 6;
const W = depth * (2 * bar + 4) + 4;
const img = new Float32Array(H * W * 3).fill(1);
const put = (r: number, c: number, rgb: readonly number[]): void => { for (let k = 0; k < 3; k++) img[(r * W + c) * 3 + k] = rgb[k]!; };
for (let d = lo; d <= hi; d++) {
  const r = H - 1 - Math.round(((d - lo) / (hi - lo)) * (H - 1));
  for (let c = 0; c < W; c++) put(r, c, [0.8, 0.8, 0.8]);
}
for (let i = 0; i < depth; i++) {
  [norms.sigmoid[i]!, norms.relu[i]!].forEach((v, s) => {
    const top = H - 1 - Math.round(((Math.log10(v) - lo) / (hi - lo)) * (H - 1));
    const left = 4 + i * (2 * bar + 4) + s * bar;
    for (let r = top; r < H; r++) for (let c = left; c < left + bar; c++) put(r, c, s === 0 ? [0.85, 0.15, 0.1] : [0.1, 0.3, 0.85]);
  });
}
const path = `${out}/norms.png`;
const info = await writePngGrid(path, tensor(img, [1, H, W, 3]), {
  scale: 3, textScale: 2,
  labels: [`LOG10 NORM ${lo}..${hi}, LAYER 1..${depth}`],
  rowLabels: ['RED SIGMOID, BLUE RELU'],
});
process.stdout.write(`Wrote ${path} (${info.width}x${info.height}, ${info.bytes} bytes)\n`);

// Fashion-MNIST with a small CNN (conv-BN-ReLU-pool x2 + dense, ~50K parameters).
//
//   npm run demo                       # the committed subset (10k train / 2k test), a few epochs
//   npm run demo -- --data /usr/share/datasets/fashion-mnist --epochs 12
//                                      # the full set (60k / 10k, gzipped IDX files)
//
// Trains with a validation split and a progress bar, prints the test accuracy and a confusion
// matrix, and writes the training curves to demo-output/curves.svg.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initSync } from '../src/init.js';
import { Sequential, augment, data, layers, losses, optimizers, schedules, type Tensor } from '../src/api.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string', default: '64' },
    seed: { type: 'string', default: '42' },
    augment: { type: 'boolean', default: false },
    verbose: { type: 'string', default: '1' },
    out: { type: 'string', default: 'demo-output' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    'usage: tsx examples/fashion-mnist.ts [--data DIR] [--epochs N] [--batch-size N] [--seed N] [--augment] [--verbose 0|1|2] [--out DIR]\n',
  );
  process.exit(0);
}
const int = (text: string, name: string): number => {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer, got ${text}`);
  return v;
};

initSync({ bytes: readFileSync(new URL('../build/tensorlane.wasm', import.meta.url)) });

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const { train, test, classNames } = await data.fashionMnist(args.data !== undefined ? { dir: args.data } : {});
const full = train.x.shape[0]! > 20_000;
const epochs = args.epochs !== undefined ? int(args.epochs, 'epochs') : full ? 12 : 6;
const batchSize = int(args['batch-size']!, 'batch-size');
const seed = int(args.seed!, 'seed');
process.stdout.write(`Fashion-MNIST: ${train.x.shape[0]} training and ${test.x.shape[0]} test images (${args.data ?? 'committed subset'})\n`);

const model = new Sequential(
  [
    layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false, inputShape: [28, 28, 1] }),
    layers.batchNormalization({ momentum: 0.9 }),
    layers.relu(),
    layers.maxPooling2d(),
    layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false }),
    layers.batchNormalization({ momentum: 0.9 }),
    layers.relu(),
    layers.maxPooling2d(),
    layers.flatten(),
    layers.dropout({ rate: 0.3 }),
    layers.dense({ units: 10 }),
  ],
  { seed, name: 'fashion_cnn' },
);
process.stdout.write(`${model.summary()}\n`);

const steps = Math.ceil((train.x.shape[0]! * 0.9) / batchSize);
model.compile({
  optimizer: optimizers.adam({ learningRate: schedules.cosineDecay({ initialLearningRate: 2e-3, decaySteps: epochs * steps, alpha: 0.05 }) }),
  loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }),
  metrics: ['accuracy'],
});
const history = await model.fit(train.x, train.y, {
  epochs,
  batchSize,
  validationSplit: 0.1,
  seed,
  verbose: int(args.verbose!, 'verbose') as 0 | 1 | 2,
  ...(args.augment ? { augment: augment.sequence([augment.randomFlip('horizontal'), augment.randomTranslation(0.08, 0.08, { fillMode: 'constant' })]) } : {}),
});
const trainSeconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const result = model.evaluate(test.x, test.y, { batchSize: 256 });
process.stdout.write(`\nTest accuracy: ${(result.accuracy! * 100).toFixed(2)}%  (loss ${result.loss!.toFixed(4)}; ${trainSeconds.toFixed(1)} s loading + training, ${cpuSeconds.toFixed(1)} s CPU)\n\n`);

// Confusion matrix: rows are true classes, columns predictions.
const predictions = model.predict(test.x, { batchSize: 256 });
const matrix = confusion(test.y, predictions, classNames.length);
process.stdout.write(`${confusionTable(matrix, classNames)}\n`);

mkdirSync(args.out!, { recursive: true });
const svgPath = `${args.out}/curves.svg`;
writeFileSync(svgPath, curvesSvg(history.history));
process.stdout.write(`\nWrote ${svgPath}\n`);

function confusion(labels: Tensor, logits: Tensor, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.size; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (logits.data[i * k + j]! > logits.data[i * k + best]!) best = j;
    m[labels.data[i]!]![best]!++;
  }
  return m;
}

function confusionTable(m: number[][], names: readonly string[]): string {
  const short = names.map((n) => n.split('/')[0]!.slice(0, 8));
  const w = Math.max(6, ...m.flat().map((v) => String(v).length + 1));
  const head = `${'true \\ pred'.padEnd(12)}${short.map((s) => s.padStart(Math.max(w, s.length + 1))).join('')}  recall`;
  const rows = m.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const cells = row.map((v, j) => String(v).padStart(Math.max(w, short[j]!.length + 1))).join('');
    return `${short[i]!.padEnd(12)}${cells}  ${total ? ((row[i]! / total) * 100).toFixed(1).padStart(5) : '    -'}%`;
  });
  return [head, ...rows].join('\n');
}

/** Two panels (loss, accuracy) of per-epoch curves, training solid and validation dashed. */
function curvesSvg(h: Record<string, number[]>): string {
  const W = 360;
  const H = 260;
  const pad = { l: 48, r: 12, t: 42, b: 32 };
  const panel = (x0: number, title: string, keys: string[], colors: string[]): string => {
    const series = keys.map((k) => h[k] ?? []);
    const all = series.flat().filter(Number.isFinite);
    const n = Math.max(...series.map((s) => s.length), 2);
    let lo = Math.min(...all);
    let hi = Math.max(...all);
    if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
    const x = (i: number): number => x0 + pad.l + (i / (n - 1)) * (W - pad.l - pad.r);
    const y = (v: number): number => pad.t + (1 - (v - lo) / (hi - lo)) * (H - pad.t - pad.b);
    const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const v = lo + f * (hi - lo);
      return `<line x1="${x0 + pad.l}" x2="${x0 + W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${x0 + pad.l - 4}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(3)}</text>`;
    });
    const ticks = Array.from({ length: n }, (_, i) => `<text x="${x(i)}" y="${H - pad.b + 16}" text-anchor="middle">${i + 1}</text>`);
    const lines = series.map((s, i) => {
      const pts = s.map((v, j) => `${x(j).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${colors[i]}" stroke-width="2"${keys[i]!.startsWith('val_') ? ' stroke-dasharray="5 3"' : ''} points="${pts}"/>`;
    });
    const legend = keys.map((k, i) => `<text x="${x0 + pad.l + 8 + i * 110}" y="${pad.t - 8}" fill="${colors[i]}">${k}</text>`);
    return `<text x="${x0 + W / 2}" y="14" text-anchor="middle" font-weight="bold">${title}</text>${grid.join('')}${ticks.join('')}${lines.join('')}${legend.join('')}<text x="${x0 + W / 2}" y="${H - 4}" text-anchor="middle">epoch</text>`;
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(0, 'loss', ['loss', 'val_loss'], ['#1f77b4', '#ff7f0e']),
    panel(W, 'accuracy', ['accuracy', 'val_accuracy'], ['#1f77b4', '#ff7f0e']),
    '</svg>',
  ].join('\n');
}

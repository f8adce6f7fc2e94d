// Writes demo-output/augment-preview.png and .svg: 8 Fashion-MNIST test images (top row) and
// four augmented versions of each (rows below), drawn from one seed. The PNG goes through the
// examples' grid writer (examples/shared/png-grid.ts, with row labels); the SVG through the
// library's own `augment.previewSvg`.
// Run: node scripts/build.mjs --wasm-only && npx tsx examples/augment-preview.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { initSync } from '../src/init.js';
import { augment, data, tensor } from '../src/api.js';
import { writePngGrid } from './shared/png-grid.js';

initSync({ bytes: readFileSync(new URL('../build/tensorlane.wasm', import.meta.url)) });

const { test } = await data.fashionMnist();
const columns = 8;
const originals = test.x.data.subarray(0, columns * 28 * 28);
const pipeline = augment.sequence([
  augment.randomFlip('horizontal'),
  augment.randomRotation(0.05, { fillMode: 'constant' }),
  augment.randomZoom(0.1, { fillMode: 'constant' }),
  augment.randomTranslation(0.1, 0.1, { fillMode: 'constant' }),
  augment.randomContrast(0.3),
  augment.randomErasing({ probability: 0.3, value: 0 }),
]);

const rows = [tensor(originals.slice(), [columns, 28, 28, 1])];
for (let r = 0; r < 4; r++) rows.push(augment.apply(pipeline, rows[0]!, { seed: r + 1 }));
const grid = new Float32Array(rows.length * originals.length);
rows.forEach((t, r) => grid.set(t.data, r * originals.length));
const images = tensor(grid, [rows.length * columns, 28, 28, 1]);

mkdirSync('demo-output', { recursive: true });
await writePngGrid('demo-output/augment-preview.png', images, { columns, scale: 3, rowLabels: ['original', 'seed 1', 'seed 2', 'seed 3', 'seed 4'] });
writeFileSync('demo-output/augment-preview.svg', augment.previewSvg(images, { columns, scale: 3 }));
process.stdout.write('wrote demo-output/augment-preview.png and demo-output/augment-preview.svg\n');

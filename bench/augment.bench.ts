// Augmentation throughput in images/s, one thread, for flip + rotation + translation on the
// batch shapes of the examples (64x28x28x1 Fashion-MNIST, 64x32x32x3 CIFAR-like).
// Ladder for the warp alone (one composed matrix per image, bilinear, reflect): reference TS
// (test/reference/augment.ts, f64 weights) -> f32_affine_warp__scalar -> f32_affine_warp (SIMD).
// Then the whole in-place pipeline as fit runs it (parameter draws from Rng, matrix composition,
// flip kernel, one warp, copy back), beside TF.js cpu and wasm doing flipLeftRight + transform.
//
// Napkin math: a bilinear output value is 4 gathered loads, 3 lerps (6 flops) and the corner
// bookkeeping; at ~1.5 ns per pixel (c = 1) a 64x28x28 batch is ~75 us, i.e. ~850k images/s;
// for c = 3 the per-pixel cost is shared by 3 channels (scalar channel loop), ~3 ns per pixel.
//
// Run: npm run bench -- augment
import { heap, initLibrary, measure, printTable, withScratch, type Row } from './harness.js';
import { tfjs } from './peers.js';
import { affineWarpReference } from '../test/reference/augment.js';
import { randomArray } from '../test/util.js';
import { augment, Rng } from '../src/api.js';
import { GEOMETRY_BYTES, writeGeometry } from '../src/augment/kernels.js';
import { f32 } from '../src/backend/memory.js';

const k = initLibrary();
const SHAPES: Array<[number, number, number, number]> = [[64, 28, 28, 1], [64, 32, 32, 3]];
const rows: Row[] = [];
const perSecond = (n: number, seconds: number) => n / seconds;

/**
 * Seconds of the fastest of `reps` single calls: on a loaded machine this finds the calls no
 * other process interrupted, which benny's per-cycle means rarely do. Shown in the note column.
 */
function bestCall(fn: () => unknown, reps = 200): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}
const bestNote = (n: number, fn: () => unknown, reps?: number) => `best call ${perSecond(n, bestCall(fn, reps)).toFixed(0)} img/s`;

for (const shape of SHAPES) {
  const [n, h, w, c] = shape;
  const name = shape.join('x');
  const size = n * h * w * c;
  const input = randomArray(size, 1, 0, 1);
  const pipeline = augment.sequence([augment.randomFlip('horizontal'), augment.randomRotation(0.05), augment.randomTranslation(0.1, 0.1)]);
  const params = pipeline.sample(shape, new Rng(1));
  // The composed matrices of rotation then translation, as the pipeline's warp uses them.
  const matrices = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) {
    const [r0, r1, r2, r3, r4, r5] = params[1]!.subarray(i * 6, i * 6 + 6) as unknown as number[];
    const [, , t2, , , t5] = params[2]!.subarray(i * 6, i * 6 + 6) as unknown as number[];
    matrices.set([r0!, r1!, r0! * t2! + r1! * t5! + r2!, r3!, r4!, r3! * t2! + r4! * t5! + r5!], i * 6);
  }

  const ref = await measure(`${name} reference`, () => affineWarpReference({
    input, shape, outH: h, outW: w, matrices, fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0,
  }), { maxTime: 0.5, minSamples: 3 });
  rows.push({ case: `warp ${name}`, variant: 'reference TS', value: perSecond(n, ref.seconds), unit: 'img/s' });

  const inPtr = heap().alloc(size * 4);
  const outPtr = heap().alloc(size * 4);
  f32().set(input, inPtr >>> 2);
  for (const symbol of ['f32_affine_warp__scalar', 'f32_affine_warp'] as const) {
    const t = await withScratch(async (alloc) => {
      const g = alloc(GEOMETRY_BYTES);
      const m = alloc(n * 24);
      f32().set(matrices, m >>> 2);
      writeGeometry(g, shape, shape, { fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0 });
      const call = () => k[symbol]!(outPtr, inPtr, m, g);
      return { timing: await measure(`${name} ${symbol}`, call), best: bestCall(call) };
    });
    const ns = (seconds: number) => ((seconds * 1e9) / (n * h * w)).toFixed(2);
    rows.push({ case: `warp ${name}`, variant: symbol, value: perSecond(n, t.timing.seconds), unit: 'img/s', note: `${ns(t.timing.seconds)} ns/pixel; best call ${ns(t.best)} ns/pixel` });
  }

  const rng = new Rng(2);
  const step = () => pipeline.applyInPlacePtr(inPtr, shape, rng);
  const full = await measure(`${name} pipeline`, step);
  rows.push({ case: `flip+rot+trans ${name}`, variant: 'tensorlane applyInPlacePtr', value: perSecond(n, full.seconds), unit: 'img/s', note: bestNote(n, step) });
  heap().free(inPtr);
  heap().free(outPtr);

  for (const backend of ['cpu', 'wasm'] as const) {
    const tf = await tfjs(backend);
    const images = tf.tensor4d(input, shape);
    const transforms = tf.tensor2d(Float32Array.from({ length: n * 8 }, (_, j) => (j % 8 < 6 ? matrices[Math.floor(j / 8) * 6 + (j % 8)]! : 0)), [n, 8]);
    try {
      const step = () => {
        const out = tf.tidy(() => tf.image.transform(tf.image.flipLeftRight(images), transforms, 'bilinear', 'reflect'));
        out.dataSync();
        out.dispose();
      };
      const t = await measure(`${name} tfjs-${backend}`, step, { maxTime: 1, minSamples: 3 });
      rows.push({ case: `flip+rot+trans ${name}`, variant: `TF.js ${backend} (flipLeftRight + transform)`, value: perSecond(n, t.seconds), unit: 'img/s', note: bestNote(n, step, 50) });
    } catch (error) {
      rows.push({ case: `flip+rot+trans ${name}`, variant: `TF.js ${backend}`, value: 0, unit: 'img/s', note: `failed: ${(error as Error).message.slice(0, 60)}` });
    }
    images.dispose();
    transforms.dispose();
  }
}

printTable('augmentation throughput (1 thread)', rows);

// Elementwise kernels (activations forward and backward, fill) split over threads in ranges of
// whole 64-float units compute exactly what one thread computes, on odd sizes whose parts end in
// the scalar tails.
import { expect, test } from 'vitest';
import { randomArray } from '../util.js';
import { comparedCopies, type Instance } from './instances.js';

const SIZES = [1, 3, 5, 7, 17, 33, 65, 129, 1000, 4099];
const copies = comparedCopies();

/** Runs `call` on buffers of n floats in `lib` (y/dx written, x, y, dy random) and returns the output's bits. */
function run(lib: Instance, n: number, seed: number, call: (out: number, a: number, b: number, c: number) => void): number[] {
  const { heap, writeF32, readF32 } = lib.memory;
  const h = heap();
  const ptrs = [h.alloc(n * 4), h.alloc(n * 4), h.alloc(n * 4), h.alloc(n * 4)];
  try {
    ptrs.forEach((p, i) => writeF32(p, randomArray(n, seed + i, -4, 4)));
    call(ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!);
    return Array.from(new Uint32Array(readF32(ptrs[0]!, n).buffer));
  } finally {
    for (const p of ptrs) h.free(p);
  }
}

test('every elementwise activation, forward and backward, on odd sizes and 2-4 threads', () => {
  const names = Object.keys(copies.single.activation.elementwiseKernels()) as (keyof ReturnType<Instance['activation']['elementwiseKernels']>)[];
  expect(names).toHaveLength(16);
  let seed = 1;
  let splits = 0;
  for (const name of names) {
    for (const n of SIZES) {
      const forward = (lib: Instance) => run(lib, n, seed, (y, x) => lib.activation.elementwiseKernels()[name].forward(y, x, n, 0.3));
      const want = forward(copies.single);
      for (const t of copies.threaded) expect(forward(t), `${name} forward, n=${n}, ${t.tl.threadCount()} threads`).toEqual(want);
      const backward = copies.single.activation.elementwiseKernels()[name].backward;
      if (backward !== undefined) {
        const grad = (lib: Instance) => run(lib, n, seed, (dx, dy, x, y) => lib.activation.elementwiseKernels()[name].backward!(dx, dy, x, y, n, 0.3));
        const wantGrad = grad(copies.single);
        for (const t of copies.threaded) expect(grad(t), `${name} backward, n=${n}, ${t.tl.threadCount()} threads`).toEqual(wantGrad);
      }
      seed += 4;
    }
  }
  for (const t of copies.threaded) splits += t.threads.threadPool()!.calls;
  expect(splits).toBeGreaterThan(names.length * 6 * 3);
});

test('fill on odd sizes, with 2-4 threads', () => {
  for (const n of SIZES) {
    const fill = (lib: Instance) => run(lib, n, n, (dst) => lib.fill(dst, -0.5, n));
    const want = fill(copies.single);
    expect(new Set(want)).toEqual(new Set([new Uint32Array(new Float32Array([-0.5]).buffer)[0]]));
    for (const t of copies.threaded) expect(fill(t), `n=${n}, ${t.tl.threadCount()} threads`).toEqual(want);
  }
});

test('parts start on whole 64-float units and cover [0, n) once', () => {
  const { partStart, SPLIT_UNIT } = copies.single.split;
  expect(SPLIT_UNIT).toBe(64);
  for (const n of [1, 63, 64, 65, 1000, 4099]) {
    for (let parts = 1; parts <= Math.min(4, Math.ceil(n / 64)); parts++) {
      const starts = Array.from({ length: parts + 1 }, (_, p) => partStart(p, parts, n));
      expect(starts[0]).toBe(0);
      expect(starts[parts]).toBe(n);
      for (let p = 0; p < parts; p++) {
        expect(starts[p]! % 64).toBe(0);
        expect(starts[p + 1]!).toBeGreaterThan(starts[p]!);
      }
    }
  }
});

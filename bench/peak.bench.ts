// The ceilings: the machine's one-thread WASM SIMD peak (independent f32x4 mul+add chains, no
// memory traffic) and the GEMM micro-kernel on packed panels that stay in L1 (real loads, no
// packing, no edges): what f32_gemm can reach at best.
//
// Run: npm run bench -- peak
import { f32, gflops, heap, initLibrary, measure, measurePeakGflops, printTable } from './harness.js';
import { randomArray } from '../test/util.js';

const k = initLibrary();
const peak = measurePeakGflops();

// One 2x16 micro-tile over kc = 256: A panel 2 KB + B panel 16 KB, well inside L1 (48 KB).
const kc = 256;
const ap = heap().alloc(kc * 2 * 4);
const bp = heap().alloc(kc * 16 * 4);
const c = heap().alloc(2 * 16 * 4);
f32().set(randomArray(kc * 2, 1), ap >>> 2);
f32().set(randomArray(kc * 16, 2), bp >>> 2);
const calls = 100;
const t = await measure('2x16 in L1', () => {
  for (let i = 0; i < calls; i++) k.f32_gemm_2x16__simd!(c, 16, ap, 1, 2, bp, 16, kc, 0, 1);
});

printTable('Ceilings (1 thread)', [
  { case: 'peak probe', variant: 'f32_peak_probe__simd', value: peak, note: '12 chains of f32x4 mul+add, best of 15' },
  { case: 'micro-kernel, L1', variant: 'f32_gemm_2x16__simd', value: gflops(calls * 2 * 2 * 16 * kc, t.seconds), note: `kc=${kc}, accumulate` },
], peak);

// Bindings of assembly/memory.ts: fill and copy (heap_base is read by src/backend/memory.ts,
// which installs the allocator).
import { wasm } from './exports.js';
import { pointwiseParts, splitPointwise } from './split.js';

/** dst[0..n) = value (floats at byte offset dst); large fills split over the thread pool. */
export function fill(dst: number, value: number, n: number): void {
  const kernel = wasm().f32_fill;
  const parts = pointwiseParts(n);
  if (parts > 1) splitPointwise(kernel, parts, 2, 0b1, dst, value, n, 0);
  else kernel(dst, value, n);
}

/** dst[0..n) = src[0..n) (floats; the regions may overlap). */
export function copy(dst: number, src: number, n: number): void {
  wasm().f32_copy(dst, src, n);
}

// Bindings of assembly/memory.ts: where the heap starts, fill and copy.
import { wasm } from './exports.js';

/** First byte that the module's static data does not use (the allocator starts there). */
export function heapBase(): number {
  return wasm().heap_base();
}

/** dst[0..n) = value (floats at byte offset dst). */
export function fill(dst: number, value: number, n: number): void {
  wasm().f32_fill(dst, value, n);
}

/** dst[0..n) = src[0..n) (floats; the regions may overlap). */
export function copy(dst: number, src: number, n: number): void {
  wasm().f32_copy(dst, src, n);
}

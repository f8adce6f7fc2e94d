// Small structs that kernels read (hyperparameters, per-parameter call bindings) live in pooled
// 64-byte records rather than one heap block each: an optimizer binds dozens of them, each under
// 32 bytes. One slab of records is reserved when a module is installed and more are added when
// it runs out; records go back to the pool when their owner frees them.
import { ValueError } from '../core/errors.js';
import { f32, heap, i32, type Heap } from '../backend/memory.js';
import { onInstall } from '../backend/wasm.js';
import { fill } from './memory.js';

/** Bytes of one record: the largest struct the pool hands out. */
export const STRUCT_RECORD_BYTES = 64;
const RECORDS_PER_SLAB = 64;

let owner: Heap | undefined;
let free: number[] = [];

function addSlab(h: Heap): void {
  const base = h.alloc(STRUCT_RECORD_BYTES * RECORDS_PER_SLAB);
  for (let i = RECORDS_PER_SLAB - 1; i >= 0; i--) free.push(base + i * STRUCT_RECORD_BYTES);
}

onInstall(() => {
  owner = heap();
  free = [];
  addSlab(owner);
});

/** A zero-filled record of at least `bytes` bytes (at most STRUCT_RECORD_BYTES) for a struct. */
export function allocStruct(bytes: number, who: string): number {
  if (!(bytes > 0 && bytes <= STRUCT_RECORD_BYTES)) {
    throw new ValueError(`${who}: a kernel struct must take 1 to ${STRUCT_RECORD_BYTES} bytes, got ${bytes}`);
  }
  const h = heap();
  if (h !== owner) {
    owner = h;
    free = [];
  }
  if (free.length === 0) addSlab(h);
  const ptr = free.pop()!;
  fill(ptr, 0, STRUCT_RECORD_BYTES / 4);
  return ptr;
}

/**
 * Returns records to the pool of `from` (the heap they came from); records of a heap that a
 * later `init` replaced are dropped with it.
 */
export function freeStructs(from: Heap | undefined, ptrs: readonly number[]): void {
  if (from === undefined || from !== owner) return;
  for (const ptr of ptrs) free.push(ptr);
}

/** A kernel struct: its size, and the byte offsets of its f32 fields and i32 fields. */
export interface StructLayout<F extends string, I extends string = never> {
  readonly bytes: number;
  readonly f32: Readonly<Record<F, number>>;
  readonly i32: Readonly<Record<I, number>>;
}

/**
 * Writes a kernel struct at byte offset `ptr` (f32 values rounded once, as the
 * positional f32 arguments were). Every field of the layout must be given.
 */
export function writeStruct<F extends string, I extends string>(ptr: number, layout: StructLayout<F, I>, values: Record<F | I, number>): void {
  const floats = f32();
  const ints = i32();
  for (const field of Object.keys(layout.f32) as F[]) floats[(ptr + layout.f32[field]) >>> 2] = values[field];
  for (const field of Object.keys(layout.i32) as I[]) ints[(ptr + layout.i32[field]) >>> 2] = values[field];
}


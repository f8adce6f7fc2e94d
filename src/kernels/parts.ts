// Kernel calls whose export takes (part, parts) last and computes its own share (pooling, batch
// norm): how many parts a call is worth and running them over the thread pool.
import { i32 } from '../backend/memory.js';
import { SLOT } from '../backend/thread-worker.js';
import { threadPool } from '../backend/threads.js';
import { GEOMETRY_OFFSETS } from './geometry.js';
import { POINTWISE_SPLIT } from './split.js';

/**
 * Parts for a call touching `floats` floats (window cells, elements): 1 without a pool, else as
 * many as the threads and POINTWISE_SPLIT's threshold allow (callers cap it at their units).
 */
export function partsFor(floats: number): number {
  const pool = threadPool();
  if (pool === undefined) return 1;
  return Math.max(1, Math.min(pool.size, Math.floor(floats / POINTWISE_SPLIT.minPartFloats)));
}

/** Output elements times window taps of the windowed op at geometry `g` (pooling's window cells; a conv's multiply-adds per input channel). */
export function windowCells(g: number): number {
  const v = i32();
  const at = g >>> 2;
  const o = GEOMETRY_OFFSETS;
  return v[at + (o.batch >>> 2)]! * v[at + (o.outH >>> 2)]! * v[at + (o.outW >>> 2)]! * v[at + (o.outC >>> 2)]! * v[at + (o.kH >>> 2)]! * v[at + (o.kW >>> 2)]!;
}

/**
 * Runs `kernel(a0 .. a(argc-1), part, parts)` for part = 0 .. parts-1, part 0 on this thread and
 * part p on worker p, and returns when all are done (argc <= 13).
 */
export function runParts(kernel: unknown, parts: number, argc: number, a0: number, a1: number, a2: number, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0, a10 = 0, a11 = 0): void {
  const pool = threadPool()!;
  const index = pool.index(kernel);
  const s = pool.slots;
  for (let p = 0; p < parts; p++) {
    const o = p * SLOT;
    s[o] = index;
    s[o + 1] = a0;
    s[o + 2] = a1;
    s[o + 3] = a2;
    s[o + 4] = a3;
    s[o + 5] = a4;
    s[o + 6] = a5;
    s[o + 7] = a6;
    s[o + 8] = a7;
    s[o + 9] = a8;
    s[o + 10] = a9;
    s[o + 11] = a10;
    s[o + 12] = a11;
    s[o + 1 + argc] = p;
    s[o + 2 + argc] = parts;
  }
  pool.run(parts);
}

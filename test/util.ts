// Test helpers: seeded data and comparisons whose failures say where.
import v8 from 'node:v8';
import vm from 'node:vm';
import { kernels } from '../src/backend/wasm.js';
import { heap, f32, memoryBytes } from '../src/backend/memory.js';

/** Deterministic pseudo-random floats in [lo, hi) (mulberry32): test data, not library numerics. */
export function randomArray(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/**
 * Asserts |got - want| <= atol + rtol * |want| elementwise; the message names `what`, the first
 * bad index, both values and the maximum error.
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rtol = 1e-5, atol = 1e-6): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, want ${want.length}`);
  let firstBad = -1;
  let maxErr = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const err = Math.abs(g - w);
    const bad = !(err <= atol + rtol * Math.abs(w)) && !(Number.isNaN(g) && Number.isNaN(w)) && g !== w;
    if (bad && firstBad < 0) firstBad = i;
    if (Number.isFinite(err)) maxErr = Math.max(maxErr, err);
  }
  if (firstBad >= 0) {
    const g = got[firstBad]!;
    const w = want[firstBad]!;
    throw new Error(`${what}: index ${firstBad} got ${g} want ${w} (|d|=${Math.abs(g - w)}, max |d|=${maxErr} over ${got.length})`);
  }
}

/** Copies `data` into a fresh heap block and returns its byte offset (free with `heap().free`). */
export function toWasm(data: ArrayLike<number>): number {
  const ptr = heap().alloc(data.length * 4);
  f32().set(data, ptr >>> 2);
  return ptr;
}

/** Copies n floats out of wasm memory. */
export function fromWasm(ptr: number, n: number): Float32Array {
  return f32().slice(ptr >>> 2, (ptr >>> 2) + n);
}

/** The raw kernels, for tests that call exports directly. */
export const k = () => kernels();

/** V8's `gc()` (a full collection), exposed for this process. */
export function fullGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** What `measureRetention` saw: wasm memory and heap blocks before/after, JS heap growth per round. */
export interface Retention {
  wasmBefore: number;
  wasmAfter: number;
  blocksBefore: number;
  blocksAfter: number;
  /** JS heap growth of each round after a full gc, in bytes. */
  growth: number[];
  /** The smallest round's growth: anything kept per step grows every round. */
  minGrowth: number;
}

/**
 * Runs `round` (e.g. 2,000 training steps) three times after a full gc each and reports what was
 * retained. The smallest round counts because V8's own bookkeeping (feedback, code) makes single
 * readings noisy by a few hundred KB on a busy machine. Warm up (plans, slots, JIT) before calling.
 */
export async function measureRetention(round: () => unknown, rounds = 3): Promise<Retention> {
  const gc = fullGc();
  const wasmBefore = memoryBytes();
  const blocksBefore = heap().blockCount;
  const growth: number[] = [];
  for (let r = 0; r < rounds; r++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    await round();
    gc();
    growth.push(process.memoryUsage().heapUsed - before);
  }
  return { wasmBefore, wasmAfter: memoryBytes(), blocksBefore, blocksAfter: heap().blockCount, growth, minGrowth: Math.min(...growth) };
}

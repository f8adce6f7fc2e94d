import { describe, expect, test } from 'vitest';
import { Heap, Scratch, ALIGN, heap, f32, readF32, writeF32, memoryBytes, withScratch, onCollect, releaseNow, cancelRelease } from '../src/backend/memory.js';
import { ops, tensor } from '../src/index.js';

describe('Heap', () => {
  const fresh = () => new Heap(new WebAssembly.Memory({ initial: 1 }), 100);

  test('returns 16-byte aligned, non-overlapping blocks', () => {
    const h = fresh();
    const blocks = [1, 3, 16, 17, 100, 4096].map((bytes) => ({ ptr: h.alloc(bytes), bytes }));
    for (const b of blocks) expect(b.ptr % ALIGN).toBe(0);
    const sorted = [...blocks].sort((x, y) => x.ptr - y.ptr);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.ptr).toBeGreaterThanOrEqual(sorted[i - 1]!.ptr + sorted[i - 1]!.bytes);
  });

  test('reuses freed blocks and coalesces neighbours', () => {
    const h = fresh();
    const a = h.alloc(64), b = h.alloc(64), c = h.alloc(64);
    h.alloc(16); // keeps the freed run below the top
    h.free(a); h.free(c); h.free(b);
    expect(h.alloc(192)).toBe(a);
  });

  test('grows memory when it runs out', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const h = new Heap(memory, 0);
    const ptr = h.alloc(300_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(ptr + 300_000);
  });

  test('rejects double frees and bad sizes', () => {
    const h = fresh();
    const p = h.alloc(32);
    h.free(p);
    expect(() => h.free(p)).toThrow(/not an allocated block/);
    expect(() => h.alloc(-1)).toThrow(/cannot allocate -1 bytes/);
  });
});

describe('Scratch', () => {
  test('releases to a mark and stops allocating once warm', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const h = new Heap(memory, 0);
    const s = new Scratch(h);
    const step = () => { const m = s.mark(); s.alloc(1000); s.alloc(5000); s.reset(m); };
    step();
    const blocks = h.blockCount, bytes = memory.buffer.byteLength;
    for (let i = 0; i < 100; i++) step();
    expect(h.blockCount).toBe(blocks);
    expect(memory.buffer.byteLength).toBe(bytes);
    expect(s.reservedBytes).toBeGreaterThanOrEqual(6000);
  });
});

describe('views over wasm memory', () => {
  test('are re-derived after memory grows between two calls', () => {
    const before = f32();
    const p = heap().alloc(16);
    writeF32(p, [1, 2, 3, 4]);
    const bytes = memoryBytes();
    const big = heap().alloc(bytes * 2); // forces memory.grow: the old buffer is detached
    expect(memoryBytes()).toBeGreaterThan(bytes);
    expect(before.length).toBe(0); // the stale view is detached ...
    expect(Array.from(readF32(p, 4))).toEqual([1, 2, 3, 4]); // ... and is never used
    heap().free(big);
    heap().free(p);
    const c = ops.matmul(tensor([1, 2], [1, 2]), tensor([3, 4], [2, 1]));
    expect(Array.from(c.data)).toEqual([11]);
  });

  test('scratch from withScratch is released on throw', () => {
    const blocks = heap().blockCount;
    expect(() => withScratch((alloc) => { alloc(1 << 20); throw new Error('boom'); })).toThrow('boom');
    withScratch(() => undefined);
    expect(heap().blockCount).toBeLessThanOrEqual(blocks + 1);
  });
});

describe('releaseNow (explicit dispose of what onCollect registered)', () => {
  test("runs every live release of the owner once, skips cancelled ones, and is a no-op the second time", () => {
    const owner = {};
    const ran: string[] = [];
    const record = (held: string) => void ran.push(held);
    onCollect(owner, 'weights', record);
    const token = onCollect(owner, 'cancelled', record);
    onCollect(owner, 'cache', record);
    cancelRelease(token);
    expect(releaseNow(owner)).toBe(true);
    expect(ran).toEqual(['weights', 'cache']);
    expect(releaseNow(owner)).toBe(false);
    expect(releaseNow({})).toBe(false);
    expect(ran).toEqual(['weights', 'cache']);
  });
});

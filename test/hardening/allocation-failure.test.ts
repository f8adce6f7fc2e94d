// P0 (issue 15): a failed allocation must leave wasm memory exactly as it was and say who asked
// for how many bytes; sizes beyond wasm32 fail up front.
import { describe, expect, test } from 'vitest';
import { augment, ops, tensor } from '../../src/index.js';
import { AllocationError, Heap, Scratch, WASM32_MAX_BYTES, heap } from '../../src/backend/memory.js';
import { fullGc } from '../util.js';
import { checkMatmul, healthCheck, heapState } from './health.js';

const tooBig: Array<[string, () => unknown, RegExp]> = [
  [
    'augment.randomResizedCrop(1e5, 1e5) on an 8x8 image',
    () => augment.apply(augment.sequence([augment.randomResizedCrop(1e5, 1e5)]), tensor(new Float32Array(64), [1, 8, 8, 1])),
    /^augment\.apply: cannot allocate \d+ bytes .*4096\.0 MiB/,
  ],
  [
    'ops.conv2d with padding [1e9, 0, 0, 0]',
    () => ops.conv2d(tensor(new Float32Array(4), [1, 2, 2, 1]), tensor(new Float32Array(1), [1, 1, 1, 1]), { padding: [1e9, 0, 0, 0] }),
    /^conv2d: cannot allocate 8000000016 bytes .*wasm32/,
  ],
  ['ops.randomUniform([2, 2 ** 31])', () => ops.randomUniform([2, 2 ** 31]), /randomUniform: shape \[2, 2147483648\] has 4294967296 elements .*4 GiB/],
  ['ops.randomUniform([2, 2 ** 31]) again', () => ops.randomUniform([2, 2 ** 31]), /randomUniform: shape \[2, 2147483648\]/],
  ['ops.randomNormal([2 ** 29, 3])', () => ops.randomNormal([2 ** 29, 3]), /randomNormal: .*at most 1073741824 elements/],
];

describe('a failed allocation leaves memory intact', () => {
  test('the issue-15 reproductions throw clear errors; models, a 2000x2000 matmul and the heap stay right', async () => {
    const health = healthCheck();
    for (const [what, call, message] of tooBig) {
      const before = heapState();
      expect(call, what).toThrow(message);
      expect(heapState(), `heap after ${what}`).toEqual(before);
      health.check();
    }
    checkMatmul(2000);
    // Collection callbacks run later: none may find a block it does not own.
    const gc = fullGc();
    for (let i = 0; i < 3; i++) {
      health.check();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  test('a request over what memory can grow to names the caller, the bytes and the limit', () => {
    const h = heap();
    const before = heapState();
    expect(() => h.alloc(WASM32_MAX_BYTES + 16, 'dense_9')).toThrow(/^dense_9: cannot allocate 4294967312 bytes .*wasm32/);
    expect(() => h.alloc(WASM32_MAX_BYTES - 16, 'conv2d')).toThrow(AllocationError);
    expect(() => h.alloc(Number.NaN, 'pool')).toThrow(/pool: cannot allocate NaN bytes/);
    expect(heapState()).toEqual(before);
  });
});

describe('Scratch', () => {
  // A memory that can never grow past 2 pages makes every failure path reachable cheaply.
  const small = () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const h = new Heap(memory, 64); // offset 0 is the null pointer
    return { h, arena: new Scratch(h) };
  };

  test('a failed overflow request changes nothing, and the next reset does not try to grow to it', () => {
    const { h, arena } = small();
    arena.alloc(1000);
    arena.reset(0); // the arena now owns one 4096-byte block
    const blocks = h.blockCount;
    expect(() => arena.alloc(1 << 20, 'matmul')).toThrow(/^matmul: cannot allocate 1048576 bytes .*refused to grow/);
    expect(arena.mark()).toBe(0);
    arena.reset(0);
    expect(arena.reservedBytes).toBe(4096);
    expect(h.blockCount).toBe(blocks);
    // The arena still serves requests from its block.
    const p = arena.alloc(64);
    expect(p).toBeGreaterThanOrEqual(0);
    arena.reset(0);
    expect(h.allocatedBytes).toBe(4096);
  });

  test('when memory cannot hold the high-water mark, reset keeps a working block and does not throw', () => {
    const { h, arena } = small();
    arena.alloc(64);
    arena.reset(0); // the arena's 4096-byte block sits at the bottom
    const other = h.alloc(8192); // a live buffer above it
    arena.alloc(59_000); // two overflow blocks above that fill memory
    arena.alloc(59_000);
    // 118,784 contiguous bytes do not fit in 128 KiB beside `other`: reset must not throw.
    expect(() => arena.reset(0)).not.toThrow();
    expect(arena.reservedBytes).toBe(4096);
    expect(h.blockCount).toBe(2);
    expect(h.allocatedBytes).toBe(4096 + 8192);
    expect(() => h.free(other)).not.toThrow();
    arena.alloc(16);
    arena.reset(0);
  });

  test('a failed heap allocation leaves the free list and the top as they were', () => {
    const { h } = small();
    const a = h.alloc(1000), b = h.alloc(1000);
    h.free(a);
    const state = { allocated: h.allocatedBytes, blocks: h.blockCount };
    expect(() => h.alloc(200_000, 'lstm_1')).toThrow(/lstm_1: cannot allocate 200000 bytes/);
    expect({ allocated: h.allocatedBytes, blocks: h.blockCount }).toEqual(state);
    expect(h.alloc(1000)).toBe(a); // the freed block is still on the free list
    h.free(b);
  });
});

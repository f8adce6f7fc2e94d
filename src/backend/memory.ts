// The memory manager of wasm linear memory. Kernels take raw byte offsets and never allocate;
// this module decides where buffers live:
//   - `heap`: aligned first-fit allocations with coalescing, for long-lived buffers (parameters,
//     gradients, optimizer state, activation buffers of an execution plan);
//   - `scratch`: a mark/reset bump arena for per-call temporaries (packing buffers, op inputs).
// Growing memory detaches every typed-array view over the old buffer, so views are never kept:
// `f32()` re-derives its view whenever `memory.buffer` has changed.
import { kernels, onInstall, type Kernels } from './wasm.js';

/** Every allocation starts on a 16-byte boundary (one v128). */
export const ALIGN = 16;
const PAGE = 65536;
/** The most linear memory a wasm32 module can address: 65536 pages of 64 KiB (4 GiB). */
export const WASM32_MAX_BYTES = 65536 * PAGE;

/**
 * An allocation that cannot be served: more than the wasm32 limit, or more than the runtime lets
 * memory grow to. Thrown before anything changes, so every live buffer stays intact.
 */
export class AllocationError extends RangeError {
  override name = 'AllocationError';

  constructor(
    /** The op or layer that asked, or 'memory' when the caller gave no name. */
    readonly who: string,
    /** The bytes asked for. */
    readonly bytes: number,
    /** Why it failed: the limit that was hit. */
    reason: string,
  ) {
    super(`${who}: cannot allocate ${formatBytes(bytes)} of wasm memory: ${reason}`);
  }
}

function formatBytes(bytes: number): string {
  if (!(bytes >= 2 ** 20)) return `${bytes} bytes`;
  return `${bytes} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB)`;
}

function alignUp(n: number, a = ALIGN): number {
  return Math.ceil(n / a) * a;
}

/** First-fit allocator over [base, memory end) with a sorted, coalesced free list. */
export class Heap {
  private top: number;
  private readonly sizes = new Map<number, number>();
  private readonly freeStarts: number[] = [];
  private readonly freeSizes: number[] = [];

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    this.top = alignUp(base);
  }

  /**
   * Allocates `bytes` (rounded up to 16) and returns the byte offset; grows memory if needed.
   * `who` (the op or layer asking) names the caller in the error. On failure it throws an
   * `AllocationError` and leaves the heap exactly as it was.
   */
  alloc(bytes: number, who = 'memory'): number {
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
      throw new AllocationError(who, bytes, 'the size must be a finite, non-negative number');
    }
    if (bytes > WASM32_MAX_BYTES) {
      throw new AllocationError(who, bytes, `that is more than the ${formatBytes(WASM32_MAX_BYTES)} a wasm32 module can address`);
    }
    const size = Math.max(ALIGN, alignUp(bytes));
    for (let i = 0; i < this.freeStarts.length; i++) {
      const free = this.freeSizes[i]!;
      if (free < size) continue;
      const ptr = this.freeStarts[i]!;
      if (free === size) {
        this.freeStarts.splice(i, 1);
        this.freeSizes.splice(i, 1);
      } else {
        this.freeStarts[i] = ptr + size;
        this.freeSizes[i] = free - size;
      }
      this.sizes.set(ptr, size);
      return ptr;
    }
    const ptr = this.top;
    this.ensure(ptr + size, bytes, who);
    this.top = ptr + size;
    this.sizes.set(ptr, size);
    return ptr;
  }

  /** Returns a block to the free list; freeing 0 is a no-op, freeing twice throws. */
  free(ptr: number): void {
    if (ptr === 0) return;
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`memory: free of ${ptr}, which is not an allocated block`);
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.freeStarts.length && this.freeStarts[i]! < ptr) i++;
    this.freeStarts.splice(i, 0, ptr);
    this.freeSizes.splice(i, 0, size);
    // Coalesce with the next, then the previous neighbour.
    if (i + 1 < this.freeStarts.length && ptr + this.freeSizes[i]! === this.freeStarts[i + 1]) {
      this.freeSizes[i]! += this.freeSizes[i + 1]!;
      this.freeStarts.splice(i + 1, 1);
      this.freeSizes.splice(i + 1, 1);
    }
    if (i > 0 && this.freeStarts[i - 1]! + this.freeSizes[i - 1]! === ptr) {
      this.freeSizes[i - 1]! += this.freeSizes[i]!;
      this.freeStarts.splice(i, 1);
      this.freeSizes.splice(i, 1);
      i--;
    }
    // A free block at the top goes back to the bump region.
    const last = this.freeStarts.length - 1;
    if (last >= 0 && this.freeStarts[last]! + this.freeSizes[last]! === this.top) {
      this.top = this.freeStarts[last]!;
      this.freeStarts.pop();
      this.freeSizes.pop();
    }
  }

  /** Bytes in live allocations. */
  get allocatedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  /** Number of live allocations. */
  get blockCount(): number {
    return this.sizes.size;
  }

  /** Makes linear memory at least `end` bytes long (for a request of `bytes` by `who`). */
  private ensure(end: number, bytes: number, who: string): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const live = `${formatBytes(this.allocatedBytes)} are in use`;
    if (end > WASM32_MAX_BYTES) {
      throw new AllocationError(who, bytes, `memory would have to grow to ${formatBytes(end)}, over the wasm32 limit of ${formatBytes(WASM32_MAX_BYTES)} (${live})`);
    }
    const pages = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      throw new AllocationError(who, bytes, `the runtime refused to grow memory from ${formatBytes(have)} to ${formatBytes(end)} (wasm32 limit ${formatBytes(WASM32_MAX_BYTES)}; ${live})`);
    }
  }
}

/**
 * Mark/reset bump arena for temporaries. In steady state it is one heap block reused forever;
 * a request that does not fit is served from the heap, and the next full reset grows the block
 * to the high-water mark, so the following identical call allocates nothing.
 */
export class Scratch {
  private base = 0;
  private capacity = 0;
  private offset = 0;
  private highWater = 0;
  private readonly overflow: Array<{ at: number; ptr: number }> = [];

  constructor(private readonly heap: Heap) {}

  /** The current position; pass it to `reset` to free everything allocated after it. */
  mark(): number {
    return this.offset;
  }

  /**
   * A 16-byte-aligned temporary of `bytes` bytes, valid until `reset` to an earlier mark. A
   * request that cannot be served throws `AllocationError` (naming `who`) and changes nothing.
   */
  alloc(bytes: number, who = 'memory'): number {
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
      throw new AllocationError(who, bytes, 'the size must be a finite, non-negative number');
    }
    const size = alignUp(bytes);
    const at = this.offset;
    const end = at + size;
    // Nothing is recorded until the block exists: a failed request must not raise the high-water
    // mark, or the next reset would try (and fail) to grow the arena to it.
    const ptr = end <= this.capacity ? this.base + at : this.heap.alloc(size, who);
    if (end > this.capacity) this.overflow.push({ at, ptr });
    this.offset = end;
    this.highWater = Math.max(this.highWater, end);
    return ptr;
  }

  /** Frees everything allocated after `mark`. Never throws for lack of memory. */
  reset(mark: number): void {
    while (this.overflow.length > 0 && this.overflow[this.overflow.length - 1]!.at >= mark) {
      this.heap.free(this.overflow.pop()!.ptr);
    }
    this.offset = mark;
    if (mark === 0 && this.highWater > this.capacity) this.regrow();
  }

  /**
   * Replaces the arena's block with one of the high-water size, freeing the old one first so it
   * can merge into the new one. If memory cannot hold it, a block of the old size is taken back
   * (the space just freed holds it, so that cannot fail) and oversized requests keep overflowing
   * to the heap. Runs only at mark 0, when nothing lives in the arena.
   */
  private regrow(): void {
    const capacity = alignUp(this.highWater, 4096);
    this.heap.free(this.base);
    try {
      this.base = this.heap.alloc(capacity);
      this.capacity = capacity;
    } catch (error) {
      if (!(error instanceof AllocationError)) throw error;
      this.base = this.capacity > 0 ? this.heap.alloc(this.capacity) : 0;
      this.highWater = this.capacity;
    }
  }

  /** Bytes reserved for the arena's own block. */
  get reservedBytes(): number {
    return this.capacity;
  }
}

let heapInstance: Heap | undefined;
let scratchInstance: Scratch | undefined;
let viewF32 = new Float32Array(0);
let viewI32 = new Int32Array(0);

onInstall((k: Kernels) => {
  heapInstance = new Heap(k.memory, k.heap_base!());
  scratchInstance = new Scratch(heapInstance);
  viewF32 = new Float32Array(k.memory.buffer);
  viewI32 = new Int32Array(k.memory.buffer);
});

/** The allocator for long-lived buffers. */
export function heap(): Heap {
  kernels();
  return heapInstance!;
}

/** The arena for temporaries. */
export function scratch(): Scratch {
  kernels();
  return scratchInstance!;
}

/**
 * Runs `fn` with scratch allocations that are all released when it returns or throws; `who`
 * (the op asking) names the caller if an allocation fails.
 */
export function withScratch<T>(fn: (alloc: (bytes: number) => number) => T, who?: string): T {
  const arena = scratch();
  const mark = arena.mark();
  try {
    return fn((bytes) => arena.alloc(bytes, who));
  } finally {
    arena.reset(mark);
  }
}

/** A Float32Array over all of wasm memory, re-derived if memory grew since the last call. */
export function f32(): Float32Array {
  const buffer = kernels().memory.buffer;
  if (viewF32.buffer !== buffer) viewF32 = new Float32Array(buffer);
  return viewF32;
}

/** An Int32Array over all of wasm memory, re-derived if memory grew since the last call. */
export function i32(): Int32Array {
  const buffer = kernels().memory.buffer;
  if (viewI32.buffer !== buffer) viewI32 = new Int32Array(buffer);
  return viewI32;
}

/** Copies `src` into wasm memory at byte offset `ptr`. */
export function writeF32(ptr: number, src: ArrayLike<number>): void {
  f32().set(src, ptr >>> 2);
}

/** Copies `n` floats from wasm memory at `ptr` into `out` (a new JS-owned array by default). */
export function readF32(ptr: number, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
  out.set(f32().subarray(ptr >>> 2, (ptr >>> 2) + n));
  return out;
}

/** Current size of wasm linear memory in bytes. */
export function memoryBytes(): number {
  return kernels().memory.buffer.byteLength;
}

/** One registration of `onCollect`: run at most once, by the collector or by `releaseNow`. */
interface Release {
  held: unknown;
  release: (held: unknown) => void;
  done: boolean;
}

/** Registrations by owner, so `releaseNow` can run them before the collector does. */
const byOwner = new WeakMap<object, Release[]>();

function runRelease(r: Release): void {
  if (r.done) return;
  r.done = true;
  r.release(r.held);
}

/**
 * Runs `release(held)` once `owner` is garbage collected: how objects that keep wasm buffers
 * (models, layers, optimizer slots, augmentation pipelines) free them without `dispose()`.
 * `held` must not reference `owner`, and `release` should be a module-level function (a closure
 * made in a method can keep `owner` alive). Runtimes without FinalizationRegistry (workerd) keep
 * the memory until the isolate ends, unless `releaseNow(owner)` runs it. Returns the token for
 * `cancelRelease`.
 */
export function onCollect<T>(owner: object, held: T, release: (held: T) => void): object {
  const token: Release = { held, release: release as (held: unknown) => void, done: false };
  registry?.register(owner, token, token);
  const list = byOwner.get(owner)?.filter((r) => !r.done) ?? []; // drop cancelled ones (re-registering owners)
  list.push(token);
  byOwner.set(owner, list);
  return token;
}

/**
 * Runs now, once, every release registered for `owner` (an explicit `dispose()`), and cancels
 * them with the collector. Returns whether there was any. The owner must not use its buffers
 * afterwards.
 */
export function releaseNow(owner: object): boolean {
  const list = byOwner.get(owner);
  if (list === undefined) return false;
  byOwner.delete(owner);
  for (const r of list) {
    registry?.unregister(r);
    runRelease(r);
  }
  return true;
}

/** Frees heap `blocks` once `owner` is collected, unless a later `init()` replaced that heap. */
export function releaseOnCollect(owner: object, blocks: readonly number[]): object {
  return onCollect(owner, { heap: heap(), blocks: [...blocks] }, freeBlocks);
}

/** Cancels an `onCollect`/`releaseOnCollect` registration (the owner freed its memory itself). */
export function cancelRelease(token: object): void {
  registry?.unregister(token);
  (token as Release).done = true;
}

function freeBlocks({ heap: owner, blocks }: { heap: Heap; blocks: number[] }): void {
  if (owner === heapInstance) for (const b of blocks) owner.free(b);
}

const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Release>(runRelease) : undefined;

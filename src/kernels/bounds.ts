// Bounds checks of the pointer-level functions: a range a kernel will read or write must lie
// inside one live block of the memory manager's heap (the scratch arena is a heap block too), so
// a wrong pointer or size throws a ValueError naming the function instead of corrupting memory.
// On in tests (vitest sets VITEST) and when TENSORLANE_CHECK_POINTERS=1 (Node); off otherwise,
// because the lookup walks every live block. `setPointerChecks` overrides both.
import { ValueError } from '../core/errors.js';
import { heap } from '../backend/memory.js';

let enabled: boolean | undefined;

/**
 * Node's environment only: Deno asks for (or, without a prompt, refuses) permission to read an
 * environment variable, even through its `process` shim, so a library must not touch it there.
 */
function fromEnvironment(): boolean {
  const host = globalThis as { Deno?: unknown; process?: { env?: Record<string, string | undefined> } };
  if (host.Deno !== undefined) return false;
  try {
    const env = host.process?.env;
    return env !== undefined && (env.VITEST !== undefined || env.TENSORLANE_CHECK_POINTERS === '1');
  } catch {
    return false;
  }
}

/** True when the pointer-level functions check their ranges. */
export function pointerChecksEnabled(): boolean {
  if (enabled === undefined) enabled = fromEnvironment();
  return enabled;
}

/** Turns the range checks on or off (tests, debugging); returns the previous setting. */
export function setPointerChecks(on: boolean): boolean {
  const previous = pointerChecksEnabled();
  enabled = on;
  return previous;
}

// The heap keeps its live blocks in a private Map (start -> size). memory.ts has no lookup
// function yet; this reads that Map (a test fails if it is renamed) until it gains one.
type HeapBlocks = { sizes?: Map<number, number> };

// The search runs with module-level state and a module-level callback: nothing is allocated.
let probe = 0;
let blockStart = -1;
let blockSize = 0;
function visit(size: number, start: number): void {
  if (probe >= start && probe < start + size) {
    blockStart = start;
    blockSize = size;
  }
}

/**
 * The live heap block [start, start + size) that contains byte `ptr`, written to `out` as
 * [start, size]; returns false when no block contains it.
 */
export function liveBlockContaining(ptr: number, out: [number, number]): boolean {
  const sizes = (heap() as unknown as HeapBlocks).sizes;
  if (!(sizes instanceof Map)) throw new Error('bounds: the heap no longer keeps its blocks in `sizes`; update src/kernels/bounds.ts');
  probe = ptr;
  blockStart = -1;
  sizes.forEach(visit);
  if (blockStart < 0) return false;
  out[0] = blockStart;
  out[1] = blockSize;
  return true;
}

const found: [number, number] = [0, 0];

/**
 * Throws a ValueError unless the `bytes` bytes at `ptr` lie inside one live heap block (when
 * checks are on). Empty ranges pass. `who` names the function, `what` the buffer.
 */
export function checkRange(who: string, what: string, ptr: number, bytes: number): void {
  if (!pointerChecksEnabled() || bytes <= 0) return;
  if (!Number.isSafeInteger(ptr) || ptr <= 0 || !liveBlockContaining(ptr, found)) {
    throw new ValueError(`${who}: ${what} at byte ${ptr} (${bytes} bytes) is not inside a live wasm allocation`);
  }
  if (ptr + bytes > found[0] + found[1]) {
    throw new ValueError(`${who}: ${what} at byte ${ptr} (${bytes} bytes) runs past the end of its allocation [${found[0]}, ${found[0] + found[1]})`);
  }
}

/** `checkRange` for n floats. */
export function checkFloats(who: string, what: string, ptr: number, n: number): void {
  if (enabled === false) return;
  checkRange(who, what, ptr, n * 4);
}

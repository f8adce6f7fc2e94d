// Memory helpers. The allocator itself lives in TypeScript (src/backend/memory.ts); it hands
// out blocks above __heap_base, so kernels never allocate and only take raw pointers.

/** First byte that static data does not use: the TS allocator starts here. */
export function heap_base(): usize {
  return __heap_base;
}

/** dst[0..n) = value. */
export function f32_fill(dst: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), value);
}

/** dst[0..n) = src[0..n); regions may overlap. */
export function f32_copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

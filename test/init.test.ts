import { expect, test, vi } from 'vitest';

test('every API throws a clear error before init()', async () => {
  vi.resetModules();
  const fresh = await import('../src/index.js');
  expect(fresh.isInitialized()).toBe(false);
  const a = fresh.tensor([1, 2], [1, 2]);
  expect(() => fresh.ops.matmul(a, fresh.tensor([1, 2], [2, 1]))).toThrow(/call `await init\(\)`/);
  await fresh.init();
  expect(Array.from(fresh.ops.matmul(a, fresh.tensor([1, 2], [2, 1])).data)).toEqual([5]);
});

test('init accepts bytes and a compiled module, and rejects a non-module', async () => {
  vi.resetModules();
  const { readFileSync } = await import('node:fs');
  const fresh = await import('../src/index.js');
  const bytes = readFileSync('build/tensorlane.wasm');
  await fresh.init({ bytes });
  await fresh.init({ module: new WebAssembly.Module(bytes) });
  fresh.initSync({ module: new WebAssembly.Module(bytes) });
  expect(fresh.isInitialized()).toBe(true);
  await expect(fresh.init({ module: {} as WebAssembly.Module })).rejects.toThrow(/init: options.module must be a WebAssembly.Module/);
  expect(() => fresh.initSync({})).toThrow(/initSync: pass/);
});

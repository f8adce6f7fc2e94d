// P0 (issue 15): a valid WebAssembly module that is not tensorlane must be refused with a clear
// error and leave the installed module working; a later init must not break models built before.
import { readFileSync } from 'node:fs';
import { expect, test, vi } from 'vitest';

const fresh = async () => {
  vi.resetModules();
  return import('../../src/index.js');
};
const WASM = () => readFileSync('build/tensorlane.wasm');

/** A valid module of another program: exports a 1-page memory and `add(i32, i32) -> i32`. */
const OTHER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type: (i32, i32) -> i32
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory: min 1 page
  0x07, 0x10, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, // exports memory, add
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // add: local.get 0 + local.get 1
]);
/** A valid module that wants an import (tensorlane.wasm imports nothing). */
const IMPORTING = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
  0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6c, 0x6f, 0x67, 0x00, 0x00, // import env.log
]);

test('the hand-made modules are valid WebAssembly', () => {
  expect(WebAssembly.validate(OTHER)).toBe(true);
  expect(WebAssembly.validate(IMPORTING)).toBe(true);
  const other = new WebAssembly.Instance(new WebAssembly.Module(OTHER)).exports as { add: (a: number, b: number) => number };
  expect(other.add(2, 3)).toBe(5);
});

test('before any init: another module is refused with a clear error and nothing is installed', async () => {
  const tl = await fresh();
  expect(() => tl.initSync({ bytes: OTHER })).toThrow(
    /^initSync: the WebAssembly module is not tensorlane\.wasm \(or is a build of another version\): it lacks the exports heap_base, .*Nothing was installed\.$/,
  );
  await expect(tl.init({ module: new WebAssembly.Module(OTHER) })).rejects.toThrow(/^init: the WebAssembly module is not tensorlane\.wasm/);
  await expect(tl.init({ bytes: IMPORTING })).rejects.toThrow(/it does not export its memory; .* lacks the exports memory, heap_base/);
  expect(tl.isInitialized()).toBe(false);
  expect(() => tl.ops.relu(tl.tensor([1], [1]))).toThrow(tl.NotInitializedError);
  await tl.init();
  expect(Array.from(tl.ops.relu(tl.tensor([-1, 2], [2])).data)).toEqual([0, 2]);
});

test('after init: another module is refused and the installed one keeps working, models included', async () => {
  const tl = await fresh();
  await tl.init();
  const model = new tl.Sequential([tl.layers.dense({ units: 3, activation: 'tanh', inputShape: [4] }), tl.layers.dense({ units: 2 })], { seed: 3 });
  const x = tl.tensor(Float32Array.from({ length: 8 }, (_, i) => i / 8 - 0.5), [2, 4]);
  const want = Array.from(model.predict(x).data);
  expect(() => tl.initSync({ bytes: OTHER })).toThrow(/^initSync: .*not tensorlane\.wasm.*The module already installed stays in use\.$/);
  await expect(tl.init({ bytes: OTHER })).rejects.toThrow(/^init: .*not tensorlane\.wasm/);
  expect(Array.from(model.predict(x).data)).toEqual(want);
  expect(Array.from(tl.ops.matmul(tl.tensor([1, 2, 3], [1, 3]), tl.tensor([4, 5, 6], [3, 1])).data)).toEqual([32]);
});

test('a second init with a real tensorlane.wasm keeps the running module: models built before predict the same', async () => {
  const tl = await fresh();
  await tl.init();
  const model = new tl.Sequential([tl.layers.dense({ units: 2, inputShape: [3] })], { seed: 5 });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const x = tl.tensor([1, 2, 3, -1, 0, 1], [2, 3]);
  const want = Array.from(model.predict(x).data);
  expect(want.some((v) => v !== 0)).toBe(true);
  await tl.init({ bytes: WASM() });
  tl.initSync({ module: new WebAssembly.Module(WASM()) });
  expect(Array.from(model.predict(x).data)).toEqual(want);
  await model.fit(x, tl.tensor([1, 0, 0, 1], [2, 2]), { epochs: 2, verbose: 0 });
  expect(model.getWeights().every((w) => w.data.every(Number.isFinite))).toBe(true);
});

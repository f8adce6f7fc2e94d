import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { expect, test, vi } from 'vitest';

const fresh = async () => {
  vi.resetModules();
  return import('../src/index.js');
};
const WASM = () => readFileSync('build/tensorlane.wasm');

test('every API throws a clear error before init()', async () => {
  const tl = await fresh();
  expect(tl.isInitialized()).toBe(false);
  const a = tl.tensor([1, 2], [1, 2]);
  const b = tl.tensor([1, 2], [2, 1]);
  expect(() => tl.ops.matmul(a, b)).toThrow(tl.NotInitializedError);
  expect(() => tl.ops.matmul(a, b)).toThrow(/tensorlane is not initialised: call `await init\(\)`/);
  await tl.init();
  expect(Array.from(tl.ops.matmul(a, b).data)).toEqual([5]);
});

test('ops, models and fit all throw NotInitializedError before init(); pure constructors do not', async () => {
  const tl = await fresh();
  const x = tl.tensor(new Float32Array(6), [2, 3]);
  const calls: Record<string, () => unknown> = {
    'ops.relu': () => tl.ops.relu(x),
    'ops.conv2d': () => tl.ops.conv2d(tl.tensor(new Float32Array(9), [1, 3, 3, 1]), tl.tensor(new Float32Array(1), [1, 1, 1, 1])),
    'ops.randomNormal': () => tl.ops.randomNormal([3], 0, 1, { seed: 1 }),
    'new Sequential': () => new tl.Sequential([tl.layers.dense({ units: 2, inputShape: [3] })]),
  };
  for (const [name, call] of Object.entries(calls)) {
    expect(call, name).toThrow(tl.NotInitializedError);
    expect(call, name).toThrow(/tensorlane is not initialised: call `await init\(\)`/);
  }
  // Layer and optimizer objects hold only options until a model is built, so they may be made early.
  const dense = tl.layers.dense({ units: 2, inputShape: [3] });
  expect(tl.optimizers.adam()).toBeDefined();
  await tl.init();
  const model = new tl.Sequential([dense], { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const history = await model.fit(x, tl.tensor(new Float32Array(4), [2, 2]), { epochs: 1, verbose: 0 });
  expect(history.history.loss).toHaveLength(1);
});

test('init() twice without options is a no-op; init({ bytes }) and init({ module }) are checked and keep the running module', async () => {
  const tl = await fresh();
  await tl.init();
  await tl.init();
  await tl.init({ bytes: WASM() });
  await tl.init({ bytes: new Uint8Array(WASM()).buffer });
  await tl.init({ module: new WebAssembly.Module(WASM()) });
  expect(Array.from(tl.ops.matmul(tl.tensor([1, 2, 3], [1, 3]), tl.tensor([4, 5, 6], [3, 1])).data)).toEqual([32]);
});

test('initSync accepts a module or bytes', async () => {
  const tl = await fresh();
  tl.initSync({ module: new WebAssembly.Module(WASM()) });
  expect(tl.isInitialized()).toBe(true);
  const other = await fresh();
  other.initSync({ bytes: WASM() });
  expect(Array.from(other.ops.matmul(other.tensor([2], [1, 1]), other.tensor([3], [1, 1])).data)).toEqual([6]);
});

test('init({ url }) fetches the module, and names the URL when that fails', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/tensorlane.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(WASM());
    else if (req.url === '/not-wasm') res.writeHead(200).end('<html>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const tl = await fresh();
    await expect(tl.init({ url: `${base}/missing.wasm` })).rejects.toThrow(`init: fetching ${base}/missing.wasm failed with HTTP 404`);
    await expect(tl.init({ url: new URL(`${base}/not-wasm`) })).rejects.toThrow(`init: ${base}/not-wasm is not a valid tensorlane.wasm`);
    expect(tl.isInitialized()).toBe(false);
    await tl.init({ url: new URL(`${base}/tensorlane.wasm`) });
    expect(tl.isInitialized()).toBe(true);
  } finally {
    server.close();
  }
});

test('init and initSync reject bad options with messages naming the option', async () => {
  const tl = await fresh();
  await expect(tl.init(null as never)).rejects.toThrow(/init: options must be an object like \{ module \| bytes \| url \}, got null/);
  await expect(tl.init({ module: {} as WebAssembly.Module })).rejects.toThrow(/init: options.module must be a WebAssembly.Module, got Object/);
  await expect(tl.init({ bytes: 'AGFzbQ' as never })).rejects.toThrow(/init: options.bytes must be an ArrayBuffer or a typed array, got string/);
  await expect(tl.init({ url: 42 as never })).rejects.toThrow(/init: options.url must be a string or a URL, got number/);
  await expect(tl.init({ wasm: WASM() } as never)).rejects.toThrow(/init: unknown option "wasm"; expected one of module, bytes, url/);
  await expect(tl.init({ bytes: WASM(), url: 'x' })).rejects.toThrow(/init: give one of module, bytes, url, got bytes and url/);
  await expect(tl.init({ bytes: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/init: options.bytes is not a valid tensorlane.wasm/);
  await expect(tl.init({ bytes: new Uint8Array(readFileSync('build/tensorlane.wasm').length) })).rejects.toThrow(/is not a valid tensorlane.wasm/);
  await expect(tl.init({ module: new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) })).rejects.toThrow(/does not export its memory/);
  expect(() => tl.initSync({})).toThrow(/initSync: pass \{ module: WebAssembly.Module \} or \{ bytes \}/);
  expect(() => tl.initSync({ url: 'x' } as never)).toThrow(/initSync: unknown option "url"; expected one of module, bytes/);
  expect(() => tl.initSync({ bytes: new Uint8Array([0]) })).toThrow(/initSync: options.bytes is not a valid tensorlane.wasm/);
  expect(tl.isInitialized()).toBe(false);
});

test('decodeBase64 gives the same bytes through fromBase64, Buffer and atob', async () => {
  const { decodeBase64 } = await import('../src/init.js');
  const bytes = new Uint8Array(4099).map((_, i) => (i * 131 + 7) & 255); // over Buffer's pool size
  const text = Buffer.from(bytes).toString('base64');
  const host = globalThis as unknown as { Buffer?: unknown };
  const U8 = Uint8Array as unknown as { fromBase64?: (t: string) => Uint8Array };
  const viaBuffer = decodeBase64(text);
  const savedBuffer = host.Buffer;
  let viaAtob: Uint8Array;
  let viaFromBase64: Uint8Array;
  const calls: string[] = [];
  try {
    host.Buffer = undefined;
    viaAtob = decodeBase64(text);
    U8.fromBase64 = (t) => (calls.push(t), new Uint8Array(Array.from(atob(t), (c) => c.charCodeAt(0))));
    viaFromBase64 = decodeBase64(text);
  } finally {
    host.Buffer = savedBuffer;
    delete U8.fromBase64;
  }
  expect(calls).toEqual([text]);
  for (const decoded of [viaBuffer, viaAtob, viaFromBase64]) {
    expect(decoded).toBeInstanceOf(Uint8Array);
    expect(decoded.buffer.byteLength).toBe(bytes.length);
    expect(Array.from(decoded)).toEqual(Array.from(bytes));
  }
  expect(Array.from(decodeBase64(''))).toEqual([]);
});

test('init() explains a runtime that cannot compile the module (no SIMD, or wasm disallowed)', async () => {
  const tl = await fresh();
  const compile = vi.spyOn(WebAssembly, 'compile').mockRejectedValue(new WebAssembly.CompileError('Compiling function #0 failed: invalid simd opcode'));
  try {
    await expect(tl.init()).rejects.toThrow(/init: this runtime cannot compile the bundled tensorlane.wasm \(Compiling function #0 failed: invalid simd opcode\); tensorlane.wasm needs WebAssembly SIMD/);
    expect(tl.isInitialized()).toBe(false);
  } finally {
    compile.mockRestore();
  }
  await tl.init();
  expect(tl.isInitialized()).toBe(true);
});

test("the worker entry accepts what bundlers make of './tensorlane.wasm': a module, bytes or a URL", async () => {
  const { moduleFromImport } = await import('../src/init.js');
  const module = new WebAssembly.Module(WASM());
  expect(await moduleFromImport(module)).toBe(module);
  expect(await moduleFromImport(WASM())).toBeInstanceOf(WebAssembly.Module);
  expect(await moduleFromImport(new Uint8Array(WASM()).buffer)).toBeInstanceOf(WebAssembly.Module);
  const server = createServer((req, res) => (req.url === '/assets/tensorlane.wasm' ? res.writeHead(200).end(WASM()) : res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    expect(await moduleFromImport(`${base}/assets/tensorlane.wasm`)).toBeInstanceOf(WebAssembly.Module);
    expect(await moduleFromImport(new URL(`${base}/assets/tensorlane.wasm`))).toBeInstanceOf(WebAssembly.Module);
    await expect(moduleFromImport(`${base}/gone.wasm`)).rejects.toThrow(`init: fetching ${base}/gone.wasm (imported from './tensorlane.wasm') failed with HTTP 404`);
  } finally {
    server.close();
  }
  await expect(moduleFromImport({ memory: {} })).rejects.toThrow(/init: importing '.\/tensorlane.wasm' gave Object, not a WebAssembly.Module, bytes or a URL/);
  await expect(moduleFromImport(new Uint8Array([1, 2]))).rejects.toThrow(/init: the bytes imported from '.\/tensorlane.wasm' is not a valid tensorlane.wasm/);
});

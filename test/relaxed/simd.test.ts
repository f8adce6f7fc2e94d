// init({ simd }): relaxed-SIMD detection (WebAssembly.validate on a one-instruction module), the
// relaxed builds' mark, and which build runs where: Node 20 has relaxed SIMD only behind
// --experimental-wasm-relaxed-simd (V8 11.3; it ships from V8 11.4), so child processes with and
// without the flag, and Deno, run the built package (dist/) as users do.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test, vi } from 'vitest';
import { moduleSimd, relaxedSimdSupported } from '../../src/backend/simd.js';

const FLAG = '--experimental-wasm-relaxed-simd';
const [v8Major, v8Minor] = process.versions.v8.split('.').map(Number) as [number, number];
/** Whether this Node's V8 ships relaxed SIMD without a flag (V8 >= 11.4). */
const SHIPPED = v8Major > 11 || (v8Major === 11 && v8Minor >= 4);
const DIST_SCRIPT = 'test/relaxed/dist-relaxed.mjs';

const fresh = async () => {
  vi.resetModules();
  return import('../../src/index.js');
};
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop()!) as { simd: string; threads: number; notes: string[] };
const node = (args: string[]) => execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });

describe('relaxedSimdSupported', () => {
  test(`is ${SHIPPED} in this Node (V8 ${process.versions.v8}), as WebAssembly.validate of the relaxed build is`, () => {
    expect(relaxedSimdSupported()).toBe(SHIPPED);
    expect(WebAssembly.validate(readFileSync('build/tensorlane-relaxed.wasm'))).toBe(SHIPPED);
    expect(WebAssembly.validate(readFileSync('build/tensorlane.wasm'))).toBe(true);
  });

  test(`is true in a child Node with ${FLAG} and false without it (Node 20), agreeing with the relaxed build`, () => {
    const probe = "import('./src/backend/simd.ts').then((m) => console.log(JSON.stringify([m.relaxedSimdSupported(), WebAssembly.validate(require('node:fs').readFileSync('build/tensorlane-relaxed.wasm'))])))";
    expect(JSON.parse(node([FLAG, '--import', 'tsx', '-e', probe]))).toEqual([true, true]);
    expect(JSON.parse(node(['--import', 'tsx', '-e', probe]))).toEqual([SHIPPED, SHIPPED]);
  }, 60_000);
});

describe('moduleSimd', () => {
  test("reads 'strict' from the default builds and 'relaxed' from the relaxed builds' custom section", () => {
    expect(moduleSimd(new WebAssembly.Module(readFileSync('build/tensorlane.wasm')))).toBe('strict');
    expect(moduleSimd(new WebAssembly.Module(readFileSync('build/tensorlane-threads.wasm')))).toBe('strict');
    const probe = "import('./src/backend/simd.ts').then((m) => console.log(JSON.stringify(['', 'threads-'].map((v) => m.moduleSimd(new WebAssembly.Module(require('node:fs').readFileSync(`build/tensorlane-${v}relaxed.wasm`)))))))";
    expect(JSON.parse(node([FLAG, '--import', 'tsx', '-e', probe]))).toEqual(['relaxed', 'relaxed']);
  }, 60_000);
});

describe('init({ simd })', () => {
  test('refuses a value other than strict or relaxed, naming it', async () => {
    const tl = await fresh();
    await expect(tl.init({ simd: 'fast' as 'relaxed' })).rejects.toThrow("init: options.simd must be 'strict' or 'relaxed', got 'fast'");
    await expect(tl.init({ simd: 1 as unknown as 'relaxed' })).rejects.toThrow("init: options.simd must be 'strict' or 'relaxed', got number");
    expect(tl.isInitialized()).toBe(false);
  });

  test("runs a strict module given with simd: 'relaxed', with a one-line verbose note; simdMode() says strict", async () => {
    const tl = await fresh();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await tl.init({ simd: 'relaxed', verbose: true, bytes: readFileSync('build/tensorlane.wasm') });
      expect(warn.mock.calls).toEqual([['tensorlane init: running strict SIMD instead of relaxed: the module given is a strict build; relaxed SIMD needs tensorlane-relaxed.wasm (tensorlane-threads-relaxed.wasm with threads)']]);
    } finally {
      warn.mockRestore();
    }
    expect(tl.simdMode()).toBe('strict');
  });

  test("is strict by default, and simd: 'strict' with the default module prints nothing", async () => {
    const tl = await fresh();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await tl.init({ simd: 'strict', verbose: true });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(tl.simdMode()).toBe('strict');
  });
});

describe("dist: init({ simd: 'relaxed' }) where the engine has relaxed SIMD, and where it has not", () => {
  test(`Node with ${FLAG} loads tensorlane-relaxed.wasm (and tensorlane-threads-relaxed.wasm with 2 threads)`, () => {
    expect(lastJson(node([FLAG, DIST_SCRIPT]))).toEqual({ simd: 'relaxed', threads: 1, notes: [], outputs: [] });
    expect(lastJson(node([FLAG, DIST_SCRIPT, 'threads=2']))).toEqual({ simd: 'relaxed', threads: 2, notes: [], outputs: [] });
  }, 60_000);

  test(`Node ${process.version} without the flag ${SHIPPED ? 'loads the relaxed build' : 'runs strict and says why in one line'}`, () => {
    const notes = SHIPPED ? [] : ['tensorlane init: running strict SIMD instead of relaxed: this runtime has no relaxed SIMD (WebAssembly.validate refuses f32x4.relaxed_madd)'];
    expect(lastJson(node([DIST_SCRIPT]))).toEqual({ simd: SHIPPED ? 'relaxed' : 'strict', threads: 1, notes, outputs: [] });
  }, 60_000);

  test('Deno (V8 >= 11.4) loads the relaxed build', () => {
    const out = execFileSync('node_modules/.bin/deno', ['run', '--allow-read', '--allow-env', DIST_SCRIPT], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } });
    expect(lastJson(out)).toEqual({ simd: 'relaxed', threads: 1, notes: [], outputs: [] });
  }, 60_000);

  test("simd: 'strict' with a relaxed module given is an error that names both", () => {
    const script = `const tl = await import('./dist/tensorlane.js');
      const bytes = (await import('node:fs')).readFileSync('dist/tensorlane-relaxed.wasm');
      await tl.init({ simd: 'strict', bytes }).then(() => console.log('no error'), (e) => console.log(e.message));
      await tl.init({ bytes });
      console.log(tl.simdMode());`;
    expect(node([FLAG, '--input-type=module', '-e', script]).trim().split('\n')).toEqual([
      "init: options.simd is 'strict' but the module given is a relaxed-SIMD build; pass tensorlane.wasm (or tensorlane-threads.wasm), or drop simd",
      'relaxed',
    ]);
  }, 60_000);
});

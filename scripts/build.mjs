// npm run build: wasm (release, debug and the threads variant), checks that the release uses SIMD
// and that the threads variant is the same code over shared memory, then the bundles.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_PATH, exportedConstants, generateKernelTypes } from './kernel-types.mjs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const bin = (name) => `node_modules/.bin/${name}`;

run(bin('asc'), ['assembly/index.ts', '--target', 'release']);
run(bin('asc'), ['assembly/index.ts', '--target', 'debug']);
run(bin('asc'), ['assembly/index.ts', '--target', 'threads']);

const wat = readFileSync('build/tensorlane.wat', 'utf8');
const simd = (wat.match(/\b(f32x4|v128)\.[a-z_]+/g) ?? []).length;
if (simd === 0) {
  console.error('build: build/tensorlane.wasm contains no v128/f32x4 instructions; is "enable": ["simd"] set in asconfig.json?');
  process.exit(1);
}
const imports = wat.match(/^\s*\(import .*$/gm) ?? [];
if (imports.length > 0) {
  console.error(`build: the release module must import nothing, found:\n${imports.join('\n')}`);
  process.exit(1);
}

// The threads variant (init({ threads > 1 })) imports one shared memory and is otherwise the release:
// the same functions, instruction for instruction, so every thread count computes the same numbers.
const threadsWat = readFileSync('build/tensorlane-threads.wat', 'utf8');
const threadsImports = threadsWat.match(/^\s*\(import .*$/gm) ?? [];
if (threadsImports.length !== 1 || !/\(import "env" "memory" \(memory \$0 16 65536 shared\)\)/.test(threadsImports[0])) {
  console.error(`build: build/tensorlane-threads.wasm must import only a shared env.memory (16..65536 pages), found:\n${threadsImports.join('\n')}`);
  process.exit(1);
}
const code = (text) => text.split('\n').filter((line) => !/^\s*\((data|memory|import "env" "memory") /.test(line)).join('\n');
if (code(threadsWat) !== code(wat)) {
  console.error('build: build/tensorlane-threads.wat differs from build/tensorlane.wat outside its memory and data segments; the thread counts would not compute the same numbers');
  process.exit(1);
}

// The typed kernel boundary (src/kernels/) reads its types and constants from this file.
const declarations = readFileSync('build/tensorlane.d.ts', 'utf8');
const constants = exportedConstants(new WebAssembly.Module(readFileSync('build/tensorlane.wasm')));
const generated = generateKernelTypes(declarations, constants);
let previous = '';
try {
  previous = readFileSync(GENERATED_PATH, 'utf8');
} catch {
  // first build: nothing to compare
}
if (generated !== previous) {
  writeFileSync(GENERATED_PATH, generated);
  console.log(`build: wrote ${GENERATED_PATH} (the wasm exports changed; commit it)`);
}

if (!process.argv.includes('--wasm-only')) {
  mkdirSync('dist', { recursive: true });
  run(bin('rollup'), ['-c', '--silent']);
  copyFileSync('build/tensorlane.wasm', 'dist/tensorlane.wasm');
  copyFileSync('build/tensorlane-threads.wasm', 'dist/tensorlane-threads.wasm');
}
console.log(`build: tensorlane.wasm ${readFileSync('build/tensorlane.wasm').length} bytes, ${simd} SIMD instructions; tensorlane-threads.wasm ${readFileSync('build/tensorlane-threads.wasm').length} bytes`);

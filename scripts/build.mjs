// npm run build: wasm (release, debug, the threads variant and the two opt-in relaxed-SIMD variants),
// checks that the release uses SIMD, that each threads variant is the same code over shared memory
// and that the relaxed variants differ only by fused multiply-adds, then the bundles.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_PATH, exportedConstants, generateKernelTypes } from './kernel-types.mjs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const bin = (name) => `node_modules/.bin/${name}`;

run(bin('asc'), ['assembly/index.ts', '--target', 'release']);
run(bin('asc'), ['assembly/index.ts', '--target', 'debug']);
run(bin('asc'), ['assembly/index.ts', '--target', 'threads']);
run(bin('asc'), ['assembly/index.ts', '--target', 'relaxed']);
run(bin('asc'), ['assembly/index.ts', '--target', 'threads-relaxed']);

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
const code = (text) => text.split('\n').filter((line) => !/^\s*\((data|memory|import "env" "memory") /.test(line)).join('\n');
function checkThreadsVariant(threadsPath, singleWat, singlePath) {
  const threadsWat = readFileSync(threadsPath, 'utf8');
  const threadsImports = threadsWat.match(/^\s*\(import .*$/gm) ?? [];
  if (threadsImports.length !== 1 || !/\(import "env" "memory" \(memory \$0 16 65536 shared\)\)/.test(threadsImports[0])) {
    console.error(`build: ${threadsPath.replace('.wat', '.wasm')} must import only a shared env.memory (16..65536 pages), found:\n${threadsImports.join('\n')}`);
    process.exit(1);
  }
  if (code(threadsWat) !== code(singleWat)) {
    console.error(`build: ${threadsPath} differs from ${singlePath} outside its memory and data segments; the thread counts would not compute the same numbers`);
    process.exit(1);
  }
}
checkThreadsVariant('build/tensorlane-threads.wat', wat, 'build/tensorlane.wat');

// The relaxed variant (init({ simd: 'relaxed' })): the release with assembly/fma.ts's madd fused
// (f32x4.relaxed_madd), importing nothing and exporting the same names; a custom section
// 'tensorlane.simd' = 'relaxed' lets init tell it from the strict build without running it.
const relaxedWat = readFileSync('build/tensorlane-relaxed.wat', 'utf8');
const relaxed = (relaxedWat.match(/\bf32x4\.relaxed_madd\b/g) ?? []).length;
const exportNames = (text) => (text.match(/^\s*\(export .*$/gm) ?? []).join('\n');
if (relaxed === 0 || (relaxedWat.match(/^\s*\(import .*$/gm) ?? []).length > 0 || exportNames(relaxedWat) !== exportNames(wat)) {
  console.error(`build: build/tensorlane-relaxed.wasm must use f32x4.relaxed_madd (found ${relaxed}), import nothing and export what tensorlane.wasm exports`);
  process.exit(1);
}
checkThreadsVariant('build/tensorlane-threads-relaxed.wat', relaxedWat, 'build/tensorlane-relaxed.wat');
for (const file of ['build/tensorlane-relaxed.wasm', 'build/tensorlane-threads-relaxed.wasm']) writeFileSync(file, withSimdSection(readFileSync(file), 'relaxed'));

/** `wasm` with a custom section 'tensorlane.simd' holding `value` (UTF-8) appended; an engine ignores it. */
function withSimdSection(wasm, value) {
  const leb = (n) => { const out = []; do { out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)); n >>>= 7; } while (n > 0); return out; };
  const name = Buffer.from('tensorlane.simd');
  const body = [...leb(name.length), ...name, ...Buffer.from(value)];
  return Buffer.concat([wasm, Buffer.from([0, ...leb(body.length), ...body])]);
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
  for (const variant of ['threads', 'relaxed', 'threads-relaxed']) copyFileSync(`build/tensorlane-${variant}.wasm`, `dist/tensorlane-${variant}.wasm`);
}
console.log(`build: tensorlane.wasm ${readFileSync('build/tensorlane.wasm').length} bytes, ${simd} SIMD instructions; tensorlane-threads.wasm ${readFileSync('build/tensorlane-threads.wasm').length} bytes; tensorlane-relaxed.wasm ${readFileSync('build/tensorlane-relaxed.wasm').length} bytes, ${relaxed} relaxed_madd`);

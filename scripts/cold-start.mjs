// Sizes of dist/ and Node cold start (import + init), for the README's "Size and start-up".
//
//   node scripts/build.mjs && node scripts/cold-start.mjs [--runs 10]
//
// Compares the default entry (wasm inlined as base64) with loading a separate tensorlane.wasm:
// the same bundle with the base64 string emptied, plus the .wasm read from disk and passed as
// `init({ bytes })`. Each run is a fresh `node` process; prints medians (and min) over the runs.
// Also workerd: a fresh `workerd serve examples/edge/config.capnp` per run, timing start-to-listen
// (loading the modules, compiling the wasm) and the first request (which runs `init()` + a matmul).
// `--stand-in FILE.wasm` also times base64-decode + compile against read + compile for a bigger
// module (e.g. tfjs-backend-wasm-simd.wasm, 415 KB), to see how the choice scales.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startWorkerd } from '../test/runtimes/workerd.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// 1. Sizes of every dist/ file.
console.log('| file | raw | gzip -9 |\n|---|---:|---:|');
const sizes = {};
for (const file of readdirSync(DIST).sort()) {
  const bytes = readFileSync(join(DIST, file));
  sizes[file] = { raw: bytes.length, gzip: gz(bytes) };
  console.log(`| \`dist/${file}\` | ${kb(bytes.length)} | ${kb(sizes[file].gzip)} |`);
}

// 2. The separate-file variant: the default bundle without its inlined bytes.
const inline = readFileSync(join(DIST, 'tensorlane.js'), 'utf8');
const literal = /var wasmBase64 = "[A-Za-z0-9+/=]*";/;
if (!literal.test(inline)) throw new Error('cold-start: cannot find the inlined base64 in dist/tensorlane.js');
const outDir = join(ROOT, 'build', 'cold-start');
mkdirSync(outDir, { recursive: true });
const separateJs = join(outDir, 'tensorlane.separate.js');
writeFileSync(separateJs, inline.replace(literal, 'var wasmBase64 = "";'));
const separateGzip = gz(readFileSync(separateJs)) + sizes['tensorlane.wasm'].gzip;
console.log(`\ninline (dist/tensorlane.js): ${kb(sizes['tensorlane.js'].gzip)} gzip in one request`);
console.log(`separate (bundle without bytes + tensorlane.wasm): ${kb(separateGzip)} gzip in two requests`);

// 3. Node cold start: fresh processes, timing import + init inside, and the whole process.
const probes = {
  inline: `const t0 = performance.now();
const tl = await import(${JSON.stringify(join(DIST, 'tensorlane.js'))});
const t1 = performance.now();
await tl.init();
console.log(performance.now() - t0, t1 - t0);`,
  separate: `const t0 = performance.now();
const [tl, bytes] = await Promise.all([
  import(${JSON.stringify(separateJs)}),
  import('node:fs/promises').then((fs) => fs.readFile(${JSON.stringify(join(DIST, 'tensorlane.wasm'))})),
]);
const t1 = performance.now();
await tl.init({ bytes });
console.log(performance.now() - t0, t1 - t0);`,
};
const samples = { inline: { init: [], imp: [], process: [] }, separate: { init: [], imp: [], process: [] } };
for (let i = 0; i < RUNS; i++) {
  for (const [name, code] of Object.entries(probes)) {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    samples[name].process.push(performance.now() - t0);
    const [total, imported] = out.trim().split(' ').map(Number);
    samples[name].init.push(total);
    samples[name].imp.push(imported);
  }
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
console.log(`\nNode ${process.version} cold start, ${RUNS} fresh processes each (median, min):`);
for (const [name, s] of Object.entries(samples)) {
  console.log(
    `  ${name.padEnd(8)} import + init ${median(s.init).toFixed(1)} ms (min ${Math.min(...s.init).toFixed(1)};` +
      ` import alone ${median(s.imp).toFixed(1)} ms),` +
      ` whole process ${median(s.process).toFixed(0)} ms (min ${Math.min(...s.process).toFixed(0)})`,
  );
}

// 4. workerd: the edge example, from process start to listening, then its first response.
const edge = { listen: [], first: [] };
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const { port, stop } = await startWorkerd('examples/edge/config.capnp');
  const t1 = performance.now();
  try {
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).json();
    if (body.data?.join(',') !== '58,64,139,154') throw new Error(`cold-start: the edge example answered ${JSON.stringify(body)}`);
    edge.first.push(performance.now() - t1);
    edge.listen.push(t1 - t0);
  } finally {
    stop();
  }
}
console.log(`\nworkerd (examples/edge), ${RUNS} fresh processes (median, min):`);
console.log(`  start to listening ${median(edge.listen).toFixed(0)} ms (min ${Math.min(...edge.listen).toFixed(0)}), first request (init + matmul) ${median(edge.first).toFixed(1)} ms (min ${Math.min(...edge.first).toFixed(1)})`);

// 5. Optional: the same comparison for a bigger stand-in module (decode/read + compile only).
const standInArg = process.argv.indexOf('--stand-in');
if (standInArg > 0) {
  const file = process.argv[standInArg + 1];
  const bytes = readFileSync(file);
  const base64 = bytes.toString('base64');
  const b64File = join(outDir, 'stand-in.base64.js');
  writeFileSync(b64File, `export default ${JSON.stringify(base64)};`);
  // What src/init.ts decodeBase64 does in Node (global Buffer; no fromBase64 in Node 20).
  const decode = `(t) => new Uint8Array(Buffer.from(t, 'base64'))`;
  const standIn = {
    inline: `const t0 = performance.now();
const { default: text } = await import(${JSON.stringify(b64File)});
await WebAssembly.compile((${decode})(text));
console.log(performance.now() - t0);`,
    separate: `const t0 = performance.now();
const fs = await import('node:fs/promises');
await WebAssembly.compile(await fs.readFile(${JSON.stringify(file)}));
console.log(performance.now() - t0);`,
  };
  const times = { inline: [], separate: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const [name, code] of Object.entries(standIn)) {
      times[name].push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).trim()));
    }
  }
  console.log(`\nstand-in ${file}: raw ${kb(bytes.length)}, gzip ${kb(gz(bytes))}; as base64 in JS: gzip ${kb(gz(Buffer.from(base64)))}`);
  for (const [name, t] of Object.entries(times)) {
    console.log(`  ${name.padEnd(8)} load + compile ${median(t).toFixed(1)} ms (min ${Math.min(...t).toFixed(1)})`);
  }
}

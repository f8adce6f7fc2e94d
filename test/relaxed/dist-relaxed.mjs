// Initialises the BUILT package (dist/) with { simd: 'relaxed', threads, verbose: true }, as users
// do, so that it loads dist/tensorlane-relaxed.wasm (tensorlane-threads-relaxed.wasm) from beside
// the bundle where the engine has relaxed SIMD, and prints one JSON line: the mode and thread count
// that run, the init notes, and with a cases file (JSON: [{ op, tensors: [{ shape, bits }], shape?,
// options }], bits = base64 float32) every case's output bits: `ops[op](...tensors, shape?, options)`.
//   node [--experimental-wasm-relaxed-simd] test/relaxed/dist-relaxed.mjs [CASES.json] [threads=N]
//   deno run --allow-read --allow-env test/relaxed/dist-relaxed.mjs
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';

const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);
const tl = await import('../../dist/tensorlane.js');
const notes = [];
const warn = console.warn;
console.warn = (line) => notes.push(String(line));
const threads = Number(args.find((a) => a.startsWith('threads='))?.slice('threads='.length) ?? 1);
await tl.init({ simd: 'relaxed', threads, verbose: true });
console.warn = warn;

const toTensor = ({ shape, bits }) => {
  const bytes = Buffer.from(bits, 'base64');
  return tl.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), shape);
};
const file = args.find((a) => a.endsWith('.json'));
const cases = file === undefined ? [] : JSON.parse(readFileSync(file, 'utf8'));
const outputs = cases.map((c) => {
  const y = tl.ops[c.op](...c.tensors.map(toTensor), ...(c.shape === undefined ? [] : [c.shape]), c.options);
  return Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength).toString('base64');
});
console.log(JSON.stringify({ simd: tl.simdMode(), threads: tl.threadCount(), notes, outputs }));

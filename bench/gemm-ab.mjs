// Side-by-side GEMM rates of two or more wasm builds in one process, e.g. strict vs relaxed SIMD:
//   node --experimental-wasm-relaxed-simd bench/gemm-ab.mjs build/tensorlane.wasm build/tensorlane-relaxed.wasm [rounds]
// Each round runs every square (256, 512, 1024) once on each build, rotating which build goes
// first, so drift on a shared machine hits all alike; prints the median GFLOP/s (2·n³ per call,
// process CPU time) per build, the peak probe of each build, and the largest |difference| from
// the first build's C.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const paths = args.filter((a) => a.endsWith('.wasm'));
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 7);
if (paths.length < 2) {
  console.error('usage: node bench/gemm-ab.mjs A.wasm B.wasm [more.wasm ...] [rounds]');
  process.exit(2);
}
const SIZES = [256, 512, 1024];

let seed = 1;
const rand = (n) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);

/** One build with A, B, C and scratch for every size (identical inputs in every build). */
function prepare(path) {
  const { exports: k } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {});
  let top = (k.heap_base() + 63) & ~63;
  const alloc = (bytes) => {
    const p = top;
    top = (top + bytes + 63) & ~63;
    const need = top - k.memory.buffer.byteLength;
    if (need > 0) k.memory.grow(Math.ceil(need / 65536));
    return p;
  };
  return SIZES.map((n) => {
    seed = n;
    const a = alloc(n * n * 4);
    const b = alloc(n * n * 4);
    const c = alloc(n * n * 4);
    const scratch = alloc(Math.max(64, k.f32_gemm_scratch_bytes(n, n, n)));
    new Float32Array(k.memory.buffer, a, n * n).set(rand(n * n));
    new Float32Array(k.memory.buffer, b, n * n).set(rand(n * n));
    return {
      run: () => k.f32_gemm(0, n, n, n, a, n, b, n, c, n, 0, scratch),
      out: () => new Float32Array(k.memory.buffer, c, n * n).slice(),
      peak: () => {
        const steps = 2_000_000;
        const t0 = cpuMs();
        k.f32_peak_probe__simd(steps);
        return (96 * steps) / ((cpuMs() - t0) / 1e3) / 1e9;
      },
    };
  });
}

/** This process's CPU milliseconds (user + system): on a shared machine, wall time mostly measures the others. */
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const builds = paths.map(prepare);
const times = SIZES.map(() => paths.map(() => []));
const peaks = paths.map(() => []);
for (let r = 0; r < rounds + 1; r++) {
  for (let s = 0; s < SIZES.length; s++) {
    for (let i = 0; i < builds.length; i++) {
      const b = (i + r) % builds.length;
      const t0 = cpuMs();
      builds[b][s].run();
      if (r > 0) times[s][b].push(cpuMs() - t0); // one warm-up round
    }
  }
  for (let b = 0; b < builds.length; b++) if (r > 0) peaks[b].push(builds[b][0].peak());
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
console.log(`| case | ${paths.join(' | ')} | max abs diff from ${paths[0]} |`);
console.log(`| --- |${paths.map(() => ' --- |').join('')} --- |`);
console.log(`| peak probe (12 mul+add chains), GFLOP/s | ${peaks.map((p) => Math.max(...p).toFixed(1)).join(' | ')} | |`);
for (let s = 0; s < SIZES.length; s++) {
  const n = SIZES[s];
  const rates = times[s].map((t) => ((2 * n ** 3) / (median(t) / 1e3) / 1e9).toFixed(1));
  const ref = builds[0][s].out();
  let diff = 0;
  for (let b = 1; b < builds.length; b++) {
    const o = builds[b][s].out();
    for (let j = 0; j < o.length; j++) diff = Math.max(diff, Math.abs(o[j] - ref[j]));
  }
  console.log(`| GEMM ${n}, GFLOP/s (median of ${rounds}) | ${rates.join(' | ')} | ${diff.toExponential(1)} |`);
}

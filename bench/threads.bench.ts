// Thread scaling: SGEMM squares and MLP training steps on 1 thread (the single-threaded build)
// and 2..N threads (init({ threads }) with the threads build), wall-clock, as a table.
//
// Each thread count runs in its own process (a process installs one module); the processes
// alternate over several rounds and each figure is the best round's best sample, the least
// disturbed estimate on a shared machine, with the median of all samples beside it. Wall time,
// not CPU time: threads only help the clock on the wall.
//
// Napkin math: a GEMM part per thread has the same tiles and depth blocks, and packs its own
// copy of the other operand (O(k·n) or O(m·k) extra), so 2 threads on 2 idle cores should give
// ~1.9x for squares >= 256. An MLP step also runs its activations, loss and optimizer on the main
// thread (Amdahl): ~1.6-1.8x at 784-512-512-10, batch 256.
//
// Run: npm run bench -- threads   (BENCH_THREADS=1,2,4 BENCH_ROUNDS=3 to choose)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHILD = process.env.TL_THREADS_CHILD;
const SELF = fileURLToPath(import.meta.url);

/** `cpu`: CPU seconds the process got per wall second while sampling (how many cores it really had). */
interface Figure { case: string; unit: string; best: number; median: number; cpu: number }

async function child(threads: number): Promise<Figure[]> {
  const { makeInit } = await import('../src/init.js');
  const api = await import('../src/api.js');
  const { heap, writeF32 } = await import('../src/backend/memory.js');
  const { gemm, gemmScratchBytes } = await import('../src/kernels/gemm.js');
  const { randomArray } = await import('../test/util.js');
  const wasm = (name: string) => readFileSync(fileURLToPath(new URL(`../build/${name}`, import.meta.url)));
  const init = makeInit(() => WebAssembly.compile(wasm('tensorlane.wasm')));
  await init(threads > 1 ? { threads, bytes: wasm('tensorlane-threads.wasm') } : {});
  if (api.threadCount() !== threads) throw new Error(`bench: asked for ${threads} threads, running ${api.threadCount()}`);

  /** Calls `fn` in samples of `reps` calls for about `seconds`; best and median seconds per call. */
  const time = (fn: () => void, reps: number, seconds = 1.5): { best: number; median: number; cpu: number } => {
    for (let i = 0; i < reps; i++) fn(); // tier up, grow scratch
    const samples: number[] = [];
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const end = start + seconds * 1000;
    while (performance.now() < end || samples.length < 5) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) fn();
      samples.push((performance.now() - t0) / 1000 / reps);
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuPerWall = (cpu.user + cpu.system) / 1000 / (performance.now() - start);
    samples.sort((a, b) => a - b);
    return { best: samples[0]!, median: samples[samples.length >> 1]!, cpu: cpuPerWall };
  };

  const figures: Figure[] = [];
  for (const s of [256, 512, 1024]) {
    const h = heap();
    const a = h.alloc(s * s * 4);
    const b = h.alloc(s * s * 4);
    const c = h.alloc(s * s * 4);
    const work = h.alloc(gemmScratchBytes(s, s, s));
    writeF32(a, randomArray(s * s, 1));
    writeF32(b, randomArray(s * s, 2));
    const t = time(() => gemm(0, s, s, s, a, s, b, s, c, s, 0, work), s >= 1024 ? 1 : s >= 512 ? 4 : 16);
    const gf = (sec: number) => (2 * s * s * s) / sec / 1e9;
    figures.push({ case: `SGEMM ${s}`, unit: 'GFLOP/s', best: gf(t.best), median: gf(t.median), cpu: t.cpu });
    for (const p of [work, c, b, a]) h.free(p);
  }
  const mlps = [
    { name: 'MLP 784-128-10, batch 64', units: [128], batch: 64 },
    { name: 'MLP 784-512-512-10, batch 256', units: [512, 512], batch: 256 },
  ];
  for (const m of mlps) {
    const x = api.tensor(randomArray(m.batch * 784, 3, 0, 1), [m.batch, 784]);
    const y = api.tensor(Float32Array.from({ length: m.batch }, (_, i) => i % 10), [m.batch]);
    const model = new api.Sequential([
      ...m.units.map((units, i) => api.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })),
      api.layers.dense({ units: 10 }),
    ], { seed: 1 });
    model.compile({ optimizer: api.optimizers.adam(), loss: api.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const t = time(() => model.trainOnBatch(x, y), m.batch >= 256 ? 2 : 10);
    figures.push({ case: `${m.name}, Adam step`, unit: 'images/s', best: m.batch / t.best, median: m.batch / t.median, cpu: t.cpu });
  }
  return figures;
}

if (CHILD !== undefined) {
  console.log(JSON.stringify(await child(Number(CHILD))));
} else {
  const counts = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const best = new Map<string, Figure>();
  const load = [loadavg()[0]!];
  for (let r = 0; r < rounds; r++) {
    for (const t of counts) {
      const out = execFileSync(process.execPath, [...process.execArgv, SELF], { env: { ...process.env, TL_THREADS_CHILD: String(t) }, encoding: 'utf8' });
      for (const f of JSON.parse(out.trim().split('\n').pop()!) as Figure[]) {
        const key = `${f.case}|${t}`;
        const old = best.get(key);
        if (old === undefined || f.best > old.best) best.set(key, f);
      }
    }
    load.push(loadavg()[0]!);
  }
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical CPUs; node ${process.version}; load average (1 min) during the run: ${load.map((l) => l.toFixed(1)).join(', ')}`);
  console.log(`${rounds} rounds, each thread count in its own process; best round's best sample, wall clock; in brackets the median sample and the CPU seconds per wall second the process got\n`);
  const cases = [...new Set([...best.keys()].map((k) => k.split('|')[0]!))];
  console.log(`| case | ${counts.map((t) => `${t} thread${t > 1 ? 's' : ''}`).join(' | ')} | ${counts.slice(1).map((t) => `${t} vs 1`).join(' | ')} |`);
  console.log(`| --- | ${counts.map(() => '---').join(' | ')} | ${counts.slice(1).map(() => '---').join(' | ')} |`);
  for (const c of cases) {
    const figs = counts.map((t) => best.get(`${c}|${t}`)!);
    const unit = figs[0]!.unit;
    const digits = unit === 'GFLOP/s' ? 1 : 0;
    const cells = figs.map((f) => `${f.best.toFixed(digits)} (${f.median.toFixed(digits)}; ${f.cpu.toFixed(2)} CPU)`);
    const ratios = figs.slice(1).map((f) => `${(f.best / figs[0]!.best).toFixed(2)}x`);
    console.log(`| ${c}, ${unit} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
}

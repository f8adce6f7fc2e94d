// Thread scaling: SGEMM squares, MLP training steps, conv (b)'s three passes and the anchor CNN's
// training step on 1 thread (the single-threaded build) and 2..N threads (init({ threads }) with
// the threads build), wall-clock, as a table.
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
// Conv (b) (64x14x14x32 -> 3x3x64 'same', Winograd in all three passes) splits its forward and
// input gradient over rows of tiles and its filter gradient over groups of 4 input channels;
// each part transforms the filter (forward) or the output gradient (filter gradient) itself,
// a few % of the work, so ~1.8-1.9x on 2 idle cores. The anchor CNN step is ~70 % conv, the rest
// GEMMs, pooling and elementwise passes (pooling not split): ~1.6-1.8x.
//
// Besides wall time, each figure carries the rate per CPU-second (work / CPU time of all threads):
// on a shared machine, where wall time measures the neighbours, it shows what splitting costs.
//
// Run: npm run bench -- threads   (BENCH_THREADS=1,2,4 BENCH_ROUNDS=3 to choose; BENCH_ONLY=conv,CNN
// runs only the cases whose name contains one of the words)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHILD = process.env.TL_THREADS_CHILD;
const SELF = fileURLToPath(import.meta.url);

/**
 * `cpu`: CPU seconds the process got per wall second while sampling (how many cores it really
 * had); `perCpu`: the rate per CPU-second of all its threads.
 */
interface Figure { case: string; unit: string; best: number; median: number; cpu: number; perCpu: number }

async function child(threads: number): Promise<Figure[]> {
  const { makeInit } = await import('../src/init.js');
  const api = await import('../src/api.js');
  const { heap, writeF32 } = await import('../src/backend/memory.js');
  const { gemm, gemmScratchBytes } = await import('../src/kernels/gemm.js');
  const { randomArray } = await import('../test/util.js');
  const conv = await import('../src/ops/conv.js');
  const { anchorCnnLayers } = await import('./anchor-cnn.js');
  const only = process.env.BENCH_ONLY?.split(',');
  const wanted = (name: string) => only === undefined || only.some((w) => name.includes(w));
  const wasm = (name: string) => readFileSync(fileURLToPath(new URL(`../build/${name}`, import.meta.url)));
  const init = makeInit(() => WebAssembly.compile(wasm('tensorlane.wasm')));
  await init(threads > 1 ? { threads, bytes: wasm('tensorlane-threads.wasm') } : {});
  if (api.threadCount() !== threads) throw new Error(`bench: asked for ${threads} threads, running ${api.threadCount()}`);

  /** Calls `fn` in samples of `reps` calls for about `seconds`; best and median seconds per call, CPU seconds per call. */
  const time = (fn: () => void, reps: number, seconds = 1.5): { best: number; median: number; cpu: number; cpuPerCall: number } => {
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
    const cpuPerCall = (cpu.user + cpu.system) / 1e6 / (samples.length * reps);
    samples.sort((a, b) => a - b);
    return { best: samples[0]!, median: samples[samples.length >> 1]!, cpu: cpuPerWall, cpuPerCall };
  };

  const figures: Figure[] = [];
  for (const s of [256, 512, 1024].filter((size) => wanted(`SGEMM ${size}`))) {
    const h = heap();
    const a = h.alloc(s * s * 4);
    const b = h.alloc(s * s * 4);
    const c = h.alloc(s * s * 4);
    const work = h.alloc(gemmScratchBytes(s, s, s));
    writeF32(a, randomArray(s * s, 1));
    writeF32(b, randomArray(s * s, 2));
    const t = time(() => gemm(0, s, s, s, a, s, b, s, c, s, 0, work), s >= 1024 ? 1 : s >= 512 ? 4 : 16);
    const gf = (sec: number) => (2 * s * s * s) / sec / 1e9;
    figures.push({ case: `SGEMM ${s}`, unit: 'GFLOP/s', best: gf(t.best), median: gf(t.median), cpu: t.cpu, perCpu: gf(t.cpuPerCall) });
    for (const p of [work, c, b, a]) h.free(p);
  }
  const mlps = [
    { name: 'MLP 784-128-10, batch 64', units: [128], batch: 64 },
    { name: 'MLP 784-512-512-10, batch 256', units: [512, 512], batch: 256 },
  ];
  for (const m of mlps.filter((mlp) => wanted(mlp.name))) {
    const x = api.tensor(randomArray(m.batch * 784, 3, 0, 1), [m.batch, 784]);
    const y = api.tensor(Float32Array.from({ length: m.batch }, (_, i) => i % 10), [m.batch]);
    const model = new api.Sequential([
      ...m.units.map((units, i) => api.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })),
      api.layers.dense({ units: 10 }),
    ], { seed: 1 });
    model.compile({ optimizer: api.optimizers.adam(), loss: api.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const t = time(() => model.trainOnBatch(x, y), m.batch >= 256 ? 2 : 10);
    figures.push({ case: `${m.name}, Adam step`, unit: 'images/s', best: m.batch / t.best, median: m.batch / t.median, cpu: t.cpu, perCpu: m.batch / t.cpuPerCall });
  }
  if (wanted('conv (b)')) {
    // Conv (b): 2·64·14·14·64·288 FLOPs per pass (direct-convolution count, as bench/conv.bench.ts).
    const g = conv.conv2dGeometry([64, 14, 14, 32], [3, 3, 32, 64], { padding: 'same' });
    const h = heap();
    const put = (n: number, seed: number) => {
      const p = h.alloc(n * 4);
      writeF32(p, randomArray(n, seed));
      return p;
    };
    const x = put(g.inputSize, 4);
    const w = put(3 * 3 * 32 * 64, 5);
    const bias = put(64, 6);
    const dy = put(g.outputSize, 7);
    const y = put(g.outputSize, 8);
    const dx = put(g.inputSize, 9);
    const dw = put(3 * 3 * 32 * 64, 10);
    const db = put(64, 11);
    const flops = 2 * g.outputSize * 288;
    const gf = (sec: number) => flops / sec / 1e9;
    const passes: Array<[string, () => void]> = [
      ['forward + ReLU', () => conv.convForwardPtr(g, { y, x, w, bias, activation: 'relu' })],
      ['dX', () => conv.convBackwardInputPtr(g, { dx, dy, w })],
      ['dW + db', () => conv.convBackwardFilterPtr(g, { dw, dy, x, db })],
    ];
    for (const [name, fn] of passes) {
      const t = time(fn, 4);
      figures.push({ case: `conv (b) 64x14x14x32 -> 3x3x64, ${name}`, unit: 'GFLOP/s', best: gf(t.best), median: gf(t.median), cpu: t.cpu, perCpu: gf(t.cpuPerCall) });
    }
    for (const p of [db, dw, dx, y, dy, bias, w, x]) h.free(p);
    g.release();
  }
  if (wanted('anchor CNN')) {
    const batch = 64;
    const x = api.tensor(randomArray(batch * 784, 12, 0, 1), [batch, 28, 28, 1]);
    const y = api.tensor(Float32Array.from({ length: batch }, (_, i) => i % 10), [batch]);
    const model = new api.Sequential(anchorCnnLayers(api.layers), { seed: 1 });
    model.compile({ optimizer: api.optimizers.adam(), loss: api.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const t = time(() => model.trainOnBatch(x, y), 2, 3);
    figures.push({ case: 'anchor CNN, batch 64, Adam step', unit: 'images/s', best: batch / t.best, median: batch / t.median, cpu: t.cpu, perCpu: batch / t.cpuPerCall });
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
  console.log(`${rounds} rounds, each thread count in its own process; best round's best sample, wall clock; in brackets the median sample, the CPU seconds per wall second the process got and the rate per CPU-second of all its threads (best round)\n`);
  const cases = [...new Set([...best.keys()].map((k) => k.split('|')[0]!))];
  console.log(`| case | ${counts.map((t) => `${t} thread${t > 1 ? 's' : ''}`).join(' | ')} | ${counts.slice(1).map((t) => `${t} vs 1`).join(' | ')} |`);
  console.log(`| --- | ${counts.map(() => '---').join(' | ')} | ${counts.slice(1).map(() => '---').join(' | ')} |`);
  for (const c of cases) {
    const figs = counts.map((t) => best.get(`${c}|${t}`)!);
    const unit = figs[0]!.unit;
    const digits = unit === 'GFLOP/s' ? 1 : 0;
    const cells = figs.map((f) => `${f.best.toFixed(digits)} (${f.median.toFixed(digits)}; ${f.cpu.toFixed(2)} CPU; ${f.perCpu.toFixed(digits)}/CPU-s)`);
    const ratios = figs.slice(1).map((f) => `${(f.best / figs[0]!.best).toFixed(2)}x`);
    console.log(`| ${c}, ${unit} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
}

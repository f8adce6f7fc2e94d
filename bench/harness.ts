// The shared benchmark harness. A bench file (bench/NAME.bench.ts, run by `npm run bench`) does:
//
//   const k = initLibrary();                        // the wasm kernels, from build/tensorlane.wasm
//   const peak = measurePeakGflops();               // this machine's one-thread WASM SIMD peak
//   const t = await measure('relu 1M', () => k.f32_relu_forward__simd!(y, x, n));
//   rows.push({ case: 'relu 1M', variant: 'simd', value: gbps(8 * n, t.seconds), unit: 'GB/s' });
//   printTable('relu', rows, peak);
//
// `measureInterleaved(name, [ours, peer])` alternates several functions for fair ratios.
// Timings are benny (benchmark.js) samples; `seconds` is the fastest sample (min-of-N, the
// least-disturbed estimate on a shared machine) and `median` the typical one. With
// BENCH_CLOCK=cpu the harness times this process's CPU time instead of wall time (batches of
// calls, best batch): on an overloaded shared machine wall time mostly measures the other
// processes, CPU time the code. Every peer is single-threaded (bench/peers.ts checks), so CPU
// time is comparable across variants.
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import b from 'benny';
import { initSync } from '../src/init.js';
import { isInitialized, kernels, type Kernels } from '../src/backend/wasm.js';

export { heap, f32, writeF32, readF32, withScratch } from '../src/backend/memory.js';

/** The release build the benchmarks measure. */
export const WASM_PATH = fileURLToPath(new URL('../build/tensorlane.wasm', import.meta.url));

/** Instantiates build/tensorlane.wasm (once) and returns its kernels. */
export function initLibrary(): Kernels {
  if (!isInitialized()) {
    if (!existsSync(WASM_PATH)) throw new Error(`bench: ${WASM_PATH} is missing; run \`node scripts/build.mjs --wasm-only\``);
    initSync({ bytes: readFileSync(WASM_PATH) });
  }
  return kernels();
}

/** Flops of one step of `f32_peak_probe__simd` (12 chains x 4 lanes x one mul + one add). */
const PEAK_FLOPS_PER_STEP = 96;
let peakCache: number | undefined;

/**
 * The machine's one-thread WASM SIMD peak in GFLOP/s: the best of 15 runs of independent f32x4
 * mul+add chains with no memory traffic (assembly/bench.ts). Measured once per process; call it
 * again with `remeasure` at the end of a long bench to keep the best of both (a shared machine's
 * speed drifts, and the peak is the best it does).
 */
export function measurePeakGflops(remeasure = false): number {
  if (peakCache !== undefined && !remeasure) return peakCache;
  const k = initLibrary();
  const steps = 1_000_000;
  k.f32_peak_probe__simd!(10_000); // tier up
  let best = Infinity;
  for (let i = 0; i < 15; i++) {
    const t0 = now();
    k.f32_peak_probe__simd!(steps);
    best = Math.min(best, now() - t0);
  }
  peakCache = Math.max(peakCache ?? 0, gflops(PEAK_FLOPS_PER_STEP * steps, best));
  return peakCache;
}

/** One line naming the machine and runtime, for the top of a results table. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} logical CPUs), Node ${process.version}, V8 ${process.versions.v8}`;
}

/** GFLOP/s of `flops` floating-point operations done in `seconds`. */
export function gflops(flops: number, seconds: number): number {
  return flops / seconds / 1e9;
}

/** GB/s of `bytes` moved in `seconds`. */
export function gbps(bytes: number, seconds: number): number {
  return bytes / seconds / 1e9;
}

/** Seconds per call: the fastest sample and the median sample. */
export interface Timing {
  seconds: number;
  median: number;
  samples: number;
}

/** Which clock `measure` uses: 'wall' (benny, default) or 'cpu' (BENCH_CLOCK=cpu). */
export const CLOCK: 'wall' | 'cpu' = process.env.BENCH_CLOCK === 'cpu' ? 'cpu' : 'wall';

export interface MeasureOptions {
  /** Seconds to spend sampling (default 1; benchmark.js may exceed it to reach minSamples). */
  maxTime?: number;
  /** At least this many samples (default 5). */
  minSamples?: number;
}

/**
 * Times `fn` (sync, or returning a Promise) with benny and returns seconds per call. `fn` is run
 * a few times first (benny probes it, benchmark.js warms up), so JITs have tiered up.
 */
export async function measure(name: string, fn: () => unknown, options: MeasureOptions = {}): Promise<Timing> {
  if (CLOCK === 'cpu') return measureCpu(fn, options);
  const log = console.log;
  console.log = () => {}; // benny announces every suite; the table is the output
  try {
    const test = () => fn;
    const summary = await b.suite(
      name,
      b.add(name, test, { maxTime: options.maxTime ?? 1, minSamples: options.minSamples ?? 5, initCount: 1, delay: 0.005 }),
    );
    const r = summary.results[0]!;
    if (!r.completed) throw new Error(`bench: ${name} produced no samples`);
    return { seconds: r.details.min, median: r.details.median, samples: r.samples };
  } finally {
    console.log = log;
  }
}

/** CPU seconds of this process so far. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Seconds on the harness's clock (wall or CPU). */
function now(): number {
  return CLOCK === 'cpu' ? cpuNow() : performance.now() / 1000;
}

/** CPU seconds per call: batches of >= 20 ms of CPU, for about maxTime seconds; best and median batch. */
async function measureCpu(fn: () => unknown, options: MeasureOptions): Promise<Timing> {
  for (let i = 0; i < 3; i++) await fn(); // tier up
  let batch = 1;
  const perCall: number[] = [];
  const wallEnd = performance.now() + (options.maxTime ?? 1) * 1000;
  while (perCall.length < (options.minSamples ?? 5) || performance.now() < wallEnd) {
    const t0 = cpuNow();
    for (let i = 0; i < batch; i++) await fn();
    const spent = cpuNow() - t0;
    if (spent < 0.02 && perCall.length === 0) {
      batch *= 2;
      continue;
    }
    perCall.push(spent / batch);
  }
  perCall.sort((a, b) => a - b);
  return { seconds: perCall[0]!, median: perCall[perCall.length >> 1]!, samples: perCall.length };
}

/**
 * Measures several functions in alternation, `rounds` times each (default 2), keeping each one's
 * fastest and lowest-median result: on a shared machine this keeps ratios between them (ours /
 * peer) honest even when the load drifts during the run.
 */
export async function measureInterleaved<T extends ReadonlyArray<() => unknown>>(
  name: string, fns: T, rounds = 2, options: MeasureOptions = {},
): Promise<{ [K in keyof T]: Timing }> {
  const best: Timing[] = fns.map(() => ({ seconds: Infinity, median: Infinity, samples: 0 }));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) {
      const t = await measure(`${name} #${i}`, fns[i]!, options);
      const b = best[i]!;
      best[i] = { seconds: Math.min(b.seconds, t.seconds), median: Math.min(b.median, t.median), samples: b.samples + t.samples };
    }
  }
  return best as { [K in keyof T]: Timing };
}

/** One line of a results table. `value` is in `unit` (default GFLOP/s). */
export interface Row {
  case: string;
  variant: string;
  value: number;
  unit?: string;
  /** Free text for the last column (e.g. "1.4x XNNPACK", "median 25.1"). */
  note?: string;
}

/**
 * Prints rows as a Markdown table (paste-ready for bench/RESULTS.md) and returns it. With `peak`
 * (GFLOP/s) a `% of peak` column is filled for the GFLOP/s rows; without it there is none.
 */
export function printTable(title: string, rows: Row[], peak?: number): string {
  const withPeak = peak !== undefined;
  const header = ['case', 'variant', 'rate', ...(withPeak ? ['% of peak'] : []), 'note'];
  const body = rows.map((r) => {
    const unit = r.unit ?? 'GFLOP/s';
    const pct = withPeak && unit === 'GFLOP/s' ? `${((100 * r.value) / peak).toFixed(0)} %` : '';
    return [r.case, r.variant, `${formatNumber(r.value)} ${unit}`, ...(withPeak ? [pct] : []), r.note ?? ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const text = [
    `### ${title}`,
    '',
    `${describeMachine()}, ${new Date().toISOString().slice(0, 16)}Z, ${CLOCK === 'cpu' ? 'CPU-time clock (BENCH_CLOCK=cpu)' : 'wall clock'}`,
    ...(withPeak ? [`WASM SIMD peak (1 thread, measured): ${peak.toFixed(1)} GFLOP/s`] : []),
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
  ].join('\n');
  process.stdout.write(text + '\n');
  return text;
}

function formatNumber(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

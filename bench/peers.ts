// The peers we compare against, in this process and single-threaded:
//   - TensorFlow.js with its `cpu` backend (plain JS) and its `wasm` backend (XNNPACK, SIMD),
//   - onnxruntime-web's wasm backend (MLAS, SIMD), sessions built from ONNX bytes (bench/onnx.ts).
// Everything loads from node_modules by file path: no network. Two checks that a peer really
// runs on one thread: `osThreadCount` (a worker pool adds OS threads to this process) and
// `cpuPerWall` (CPU time / wall time ~ 1 for one busy thread; compare with ours on a busy machine).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type * as ORT from 'onnxruntime-web';

const require = createRequire(import.meta.url);
const tfjsWasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')) + '/';

export type Tf = typeof TF;
export type Ort = typeof ORT;

let tfModule: Tf | undefined;
let wasmRegistered = false;

/** TensorFlow.js with `backend` active: 'cpu' or 'wasm' (XNNPACK, 1 thread). */
export async function tfjs(backend: 'cpu' | 'wasm'): Promise<Tf> {
  if (tfModule === undefined) {
    tfModule = await import('@tensorflow/tfjs');
  }
  const tf = tfModule;
  if (backend === 'wasm' && !wasmRegistered) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
    wasm.setWasmPaths(tfjsWasmDist);
    wasmRegistered = true;
  }
  // Quiet the "install tfjs-node" hint that TF.js prints in Node (on the cpu backend's first write).
  const { log, warn } = console;
  console.log = console.warn = () => {};
  let ok: boolean;
  try {
    ok = await tf.setBackend(backend);
    if (ok) tf.tensor([0]).dispose();
  } finally {
    Object.assign(console, { log, warn });
  }
  if (!ok) throw new Error(`peers: TF.js backend '${backend}' failed to initialise`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`peers: TF.js backend is ${tf.getBackend()}, wanted ${backend}`);
  return tf;
}

/** The TF.js wasm backend's thread count as it reports it (1 expected). */
export async function tfjsWasmThreads(): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}

let ortModule: Ort | undefined;

/** onnxruntime-web configured for one thread with its .wasm files from node_modules. */
export async function ort(): Promise<Ort> {
  if (ortModule === undefined) {
    ortModule = (await import('onnxruntime-web')) as Ort;
    ortModule.env.wasm.numThreads = 1;
    ortModule.env.wasm.wasmPaths = ortDist;
    ortModule.env.logLevel = 'error';
  }
  return ortModule;
}

/** An inference session (wasm execution provider) for ONNX model bytes. */
export async function ortSession(model: Uint8Array): Promise<ORT.InferenceSession> {
  const o = await ort();
  return o.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
}

/** A float32 ORT tensor. */
export async function ortTensor(data: Float32Array, dims: number[]): Promise<ORT.Tensor> {
  const o = await ort();
  return new o.Tensor('float32', data, dims);
}

/** OS threads of this process (Linux /proc; undefined elsewhere): a peer's thread pool shows up here. */
export function osThreadCount(): number | undefined {
  return existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : undefined;
}

/**
 * Runs `fn` repeatedly for about `seconds` and returns process CPU time / wall time: ~1 means
 * one busy thread (what we want from every peer), ~2 two threads. On a loaded machine both shrink:
 * compare a peer's figure with ours measured the same way.
 */
export async function cpuPerWall(fn: () => unknown, seconds = 0.3): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1e6 / wall;
}


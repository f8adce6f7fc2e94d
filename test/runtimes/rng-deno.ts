// Golden values of the seeded generator, the random fills, dropout, noise and normalisation,
// checked in Deno against the BUILT package (same numbers in every runtime):
//
//   node scripts/build.mjs && node_modules/.bin/deno run --allow-read test/runtimes/rng-deno.ts
//
// Prints one JSON line { ok, mismatches, values } and exits 1 on a mismatch. test/random.test.ts
// checks the same GOLDEN in Node (vitest), so the two runtimes are compared through it.
/** The package namespace, as much of it as these checks use. */
interface Tl {
  init(): Promise<void>;
  Rng: new (seed: number, stream?: number) => { nextU32(): number; normal(mean?: number, std?: number): number; shuffle<T>(a: T): T };
  streamId(purpose: number, index?: number): number;
  tensor(data: Float32Array, shape?: readonly number[]): unknown;
  ops: Record<string, (...args: never[]) => unknown>;
}

/** FNV-1a over the exact bits of float32 values, as 8 hex digits. */
export function digest(values: ArrayLike<number>): string {
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  let h = 0x811c9dc5;
  for (const w of bits) {
    for (let shift = 0; shift < 32; shift += 8) {
      h ^= (w >>> shift) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

const hex = (w: number) => w.toString(16).padStart(8, '0');
const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 50 - 1);

/** The values every runtime must reproduce bit for bit. */
export async function rngValues(tl: Tl): Promise<Record<string, string>> {
  await tl.init();
  const ops = tl.ops as unknown as Record<string, (...args: unknown[]) => { data: Float32Array; y: { data: Float32Array } }>;
  const rng = new tl.Rng(42);
  const words = Array.from({ length: 8 }, () => hex(rng.nextU32())).join(' ');
  const stream = new tl.Rng(42, tl.streamId(2, 3));
  const streamWords = Array.from({ length: 4 }, () => hex(stream.nextU32())).join(' ');
  const normals = new tl.Rng(5);
  const x = tl.tensor(ramp(17 * 13), [17, 13]);
  return {
    words,
    streamWords,
    normal: digest(Array.from({ length: 9 }, () => normals.normal(1, 2))),
    shuffle: new tl.Rng(3).shuffle(Array.from({ length: 20 }, (_, i) => i)).join(','),
    uniform: digest(ops.randomUniform!([1000], -1, 1, { seed: 7 }).data),
    randomNormal: digest(ops.randomNormal!([1001], 0, 1, { seed: 7 }).data),
    truncatedNormal: digest(ops.truncatedNormal!([999], 0, 2, { seed: 8 }).data),
    dropout: digest(ops.dropout!(x, 0.3, { seed: 9 }).data),
    gaussianNoise: digest(ops.gaussianNoise!(x, 0.1, { seed: 10 }).data),
    batchNorm: digest(ops.batchNormalizationTraining!(x).y.data),
    layerNorm: digest(ops.layerNormalization!(x).data),
  };
}

/** Computed in Node; test/random.test.ts asserts them from the sources on every `npm test`. */
export const GOLDEN: Record<string, string> = {
  words: '9ceaf053 77f5493b 12bf50ad 5742b3d7 fcdb2127 53ba6cfd 838f5a6e 744e06fb',
  streamWords: 'a3b2cb2e 89b7be80 fdc4095f f6f96d37',
  normal: '4c4f8892',
  shuffle: '3,5,19,12,17,14,9,8,10,0,13,2,18,15,7,1,16,6,4,11',
  uniform: '7732bb92',
  randomNormal: 'c3593856',
  truncatedNormal: 'a171db5e',
  dropout: '3d9412d6',
  gaussianNoise: '2591d5f6',
  batchNorm: '3642943e',
  layerNorm: '5409cff5',
};

// deno-lint-ignore no-explicit-any
if ((import.meta as any).main) {
  const built = '../../dist/tensorlane.js'; // not a literal: type checks do not need dist/
  const tl = (await import(built)) as Tl;
  const values = await rngValues(tl);
  const bad = Object.keys(GOLDEN).filter((key) => values[key] !== GOLDEN[key]);
  console.log(JSON.stringify({ ok: bad.length === 0 && Object.keys(GOLDEN).length > 0, mismatches: bad, values }));
  // deno-lint-ignore no-explicit-any
  if (bad.length > 0 || Object.keys(GOLDEN).length === 0) (globalThis as any).Deno.exit(1);
}

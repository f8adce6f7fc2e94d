// The built package (dist/, from `node scripts/build.mjs`) in Node (ESM and CJS) and Deno: init({
// threads }) loads dist/tensorlane-threads.wasm from beside the bundle, the process exits by
// itself (workers are unref'ed), and the weights after training are bit-identical for 1, 2, 3 and
// 4 threads in both runtimes.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';

const SCRIPT = 'test/threads/dist-train.mjs';
const DENO = 'node_modules/.bin/deno';

function train(cmd: string, args: string[]): { threads: number; digest: number } {
  const out = execFileSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as { threads: number; digest: number };
}

test('dist: the same weights for 1-4 threads in Node (ESM, CJS) and Deno', () => {
  expect(existsSync('dist/tensorlane-threads.wasm'), 'dist/ is missing: run `node scripts/build.mjs` first').toBe(true);
  const runs = [
    ...[1, 2, 3, 4].map((t) => ({ name: `node ${t}`, want: t, got: train(process.execPath, [SCRIPT, String(t)]) })),
    { name: 'node cjs 3', want: 3, got: train(process.execPath, [SCRIPT, '3', 'cjs']) },
    ...[1, 2, 4].map((t) => ({ name: `deno ${t}`, want: t, got: train(DENO, ['run', '--allow-read', '--allow-env', SCRIPT, String(t)]) })),
  ];
  for (const run of runs) expect(run.got, run.name).toEqual({ threads: run.want, digest: runs[0]!.got.digest });
}, 120_000);

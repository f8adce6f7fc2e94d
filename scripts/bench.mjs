// npm run bench [-- WORD ...]: runs every bench/*.bench.ts (or those whose file name contains
// one of the WORDs) with tsx, one process each, after building the wasm if it is missing.
// Each bench prints Markdown tables (paste-ready for bench/RESULTS.md).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const words = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => words.length === 0 || words.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`bench: no bench/*.bench.ts matches ${words.map((w) => `'${w}'`).join(', ') || '(none found)'}`);
  process.exit(1);
}

if (!existsSync('build/tensorlane.wasm')) {
  const built = spawnSync('node', ['scripts/build.mjs', '--wasm-only'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const failed = [];
for (const file of files) {
  console.log(`\n## bench/${file}  (${new Date().toISOString()}, node ${process.version})\n`);
  const run = spawnSync('node_modules/.bin/tsx', [`bench/${file}`], { stdio: 'inherit' });
  if (run.status !== 0) failed.push(file);
}
if (failed.length > 0) {
  console.error(`bench: failed: ${failed.join(', ')}`);
  process.exit(1);
}

// npm test: build, run the vitest suites (Node), type-check, then the built dist/ in every runtime
// (Node, Deno, Chromium, workerd), and end with one plain line: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const results = '.vitest-results.json';
const step = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

let passed = 0;
let failed = 0;

if (step('node', ['scripts/build.mjs']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

rmSync(results, { force: true });
const extra = process.argv.slice(2);
const vitestStatus = step('node_modules/.bin/vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...extra]);
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed += report.numPassedTests;
  // A suite that fails to load has no failed tests of its own: count it once.
  failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  if (report.numTotalTests === 0) failed += 1;
} else {
  failed += 1;
}
if (vitestStatus !== 0 && failed === 0) failed += 1;

// The type check of src/, test/, bench/, examples/ and scripts/ counts as one test.
if (extra.length === 0) {
  const typecheck = step('node_modules/.bin/tsc', ['--noEmit', '-p', '.']);
  console.log(`typecheck (tsc --noEmit -p .): ${typecheck === 0 ? 'passed' : 'FAILED'}`);
  if (typecheck === 0) passed += 1;
  else failed += 1;
}

if (existsSync('test/runtimes/run-all.mjs') && extra.length === 0) {
  const runtimes = spawnSync('node', ['test/runtimes/run-all.mjs'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(runtimes.stdout ?? '');
  const m = /runtimes: (\d+) passed, (\d+) failed/.exec(runtimes.stdout ?? '');
  if (m) { passed += Number(m[1]); failed += Number(m[2]); }
  if (!m || runtimes.status !== 0) failed += m && Number(m[2]) > 0 ? 0 : 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

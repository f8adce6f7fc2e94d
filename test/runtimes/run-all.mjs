// The runtime stage of `npm test`: the BUILT package (dist/) in Node (ESM + CJS), Deno, headless
// Chromium and workerd, each running test/runtimes/checks.mjs, plus every example in examples/.
// A runtime that cannot start counts as a failure. Digests returned by a check must be equal in
// every runtime. Ends with `runtimes: N passed, M failed`; exits non-zero on any failure.
//
//   node test/runtimes/run-all.mjs            (after node scripts/build.mjs)
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStaticServer } from '../../examples/browser/serve.mjs';
import { checkBrowserPage } from './browser-page.mjs';
import { findChromium, launchChromium } from './chromium.mjs';
import { edgePredictions } from './edge-predict.mjs';
import { startWorkerd } from './workerd.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = (name) => join(ROOT, 'node_modules', '.bin', name);
const TIMEOUT_MS = 45_000;
const EXAMPLE_OUTPUT = 'matmul [2,2]: [58,64,139,154]';

/** Every child process started here, killed on exit whatever happens. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs `cmd args` in `cwd` (the repository root by default); resolves with its stdout, rejects with its stderr on failure or timeout. */
function exec(cmd, args, env = {}, cwd = ROOT) {
  return new Promise((resolvePromise, reject) => {
    const child = track(spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}\n${stderr.trim() || stdout.trim()}`));
    });
  });
}

/** The JSON on the last line of a runner's stdout. */
const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').pop());

/** One result per example: passes when its output is the documented matmul line. */
function exampleResult(name, output) {
  const ok = output.includes(EXAMPLE_OUTPUT);
  return { name, ok, ...(ok ? {} : { error: `printed ${JSON.stringify(output.trim())}, expected ${JSON.stringify(EXAMPLE_OUTPUT)}` }) };
}

async function node() {
  const { esm, cjs } = lastJson(await exec(process.execPath, ['test/runtimes/node.mjs']));
  const example = await exec(process.execPath, ['examples/node/matmul.mjs']);
  // Node's permission model: reading only the package, data.fashionMnist must name the flag.
  const permission = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
  const probe = "import('tensorlane').then(async (t) => { await t.init(); await t.data.fashionMnist(); }).catch((e) => { console.log(e.message); })";
  const denied = await exec(process.execPath, [permission, `--allow-fs-read=${join(ROOT, 'dist')}`, `--allow-fs-read=${join(ROOT, 'package.json')}`, '--input-type=module', '-e', probe]);
  const named = /data\.fashionMnist: no permission .*--allow-fs-read=/.test(denied);
  const permissionResult = { name: `data.fashionMnist under ${permission} without read access to data/: the error names --allow-fs-read`, ok: named, ...(named ? {} : { error: `printed ${JSON.stringify(denied.trim())}` }) };
  return { 'node (import)': esm, 'node (require, init({ bytes }))': cjs, node: [exampleResult('examples/node/matmul.mjs', example), permissionResult] };
}

async function deno() {
  // Offline: no remote modules, only what package.json / node_modules provide.
  const flags = ['run', '--no-remote', '--cached-only', '--no-lock', '--node-modules-dir=manual', '--no-prompt'];
  const env = { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  const results = lastJson(await exec(BIN('deno'), [...flags, 'test/runtimes/deno.mjs'], env));
  const example = await exec(BIN('deno'), [...flags, 'examples/deno/matmul.js'], env);
  // The generator's golden values (test/runtimes/rng-deno.ts, also asserted in Node by vitest).
  const golden = await exec(BIN('deno'), [...flags, '--allow-read=dist', 'test/runtimes/rng-deno.ts'], env).then(
    (out) => ({ name: 'test/runtimes/rng-deno.ts: golden RNG, random fills, dropout, noise and norms', ok: lastJson(out).ok === true }),
    (error) => ({ name: 'test/runtimes/rng-deno.ts: golden RNG, random fills, dropout, noise and norms', ok: false, error: error.message }),
  );
  return { deno: [...results, exampleResult('examples/deno/matmul.js', example), golden, ...(await denoTraining(flags, env))] };
}

/** A result that passes when `run` resolves, failing with its error otherwise. */
async function outcome(name, run) {
  try {
    await run();
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: String(error?.message ?? error) };
  }
}

/**
 * examples/deno/train.ts under exactly the permissions its first comment documents (the output
 * directory a temporary one), its model loaded back in Node with the same test accuracy; then the
 * same script without permissions, whose errors must name the missing flag.
 */
async function denoTraining(flags, env) {
  const dir = mkdtempSync(join(tmpdir(), 'tensorlane-deno-train-'));
  const script = 'examples/deno/train.ts';
  const failure = async (args) => {
    const ran = await exec(BIN('deno'), [...flags, ...args, script, dir], env).then(
      () => undefined,
      (error) => error.message,
    );
    if (ran === undefined) throw new Error(`${script} succeeded with ${args.join(' ') || 'no permissions'}`);
    return ran;
  };
  try {
    return [
      await outcome(`${script} with --allow-read=data/fashion-mnist --allow-write=<dir>: trains, saves; Node loads the same model`, async () => {
        const out = await exec(BIN('deno'), [...flags, '--allow-read=data/fashion-mnist', `--allow-write=${dir}`, script, dir], env);
        const m = /trained (\d+) parameters .* test accuracy ([\d.]+) %; wrote (\S+) /.exec(out);
        if (!m) throw new Error(`unexpected output: ${out.trim()}`);
        if (Number(m[2]) < 70) throw new Error(`test accuracy ${m[2]} % < 70 %`);
        const loaded = lastJson(await exec(process.execPath, ['test/runtimes/load-model.mjs', m[3]]));
        if (loaded.params !== Number(m[1]) || (loaded.accuracy * 100).toFixed(1) !== m[2]) {
          throw new Error(`Node loaded ${loaded.params} parameters with test accuracy ${loaded.accuracy * 100} %; Deno had ${m[1]} and ${m[2]} %`);
        }
      }),
      await outcome(`${script} without permissions: data.fashionMnist names --allow-read`, async () => {
        const message = await failure([]);
        if (!/data\.fashionMnist: no permission .*--allow-read=/.test(message)) throw new Error(`the error does not name the permission:\n${message}`);
      }),
      await outcome(`${script} without --allow-write: the error names --allow-write`, async () => {
        const message = await failure(['--allow-read=data/fashion-mnist']);
        if (!/--allow-write/.test(message)) throw new Error(`the error does not name the permission:\n${message}`);
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The package as users get it: `npm pack`, installed offline into a fresh project in a temporary
 * directory, then the Node example (ESM), a `require`, and the Deno example (`npm:tensorlane`
 * from that project's node_modules) run there.
 */
async function packed() {
  const dir = mkdtempSync(join(tmpdir(), 'tensorlane-packed-'));
  try {
    const tarball = (await exec('npm', ['pack', '--silent', '--pack-destination', dir])).trim().split('\n').pop();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', `./${tarball}`], {}, dir);
    copyFileSync(join(ROOT, 'examples', 'node', 'matmul.mjs'), join(dir, 'node.mjs'));
    copyFileSync(join(ROOT, 'examples', 'deno', 'matmul.js'), join(dir, 'deno.js'));
    const esm = await exec(process.execPath, ['node.mjs'], {}, dir);
    const cjs = await exec(
      process.execPath,
      [
        '-e',
        "const t = require('tensorlane'); t.init().then(() => { const c = t.ops.matmul(t.tensor([1, 2, 3, 4, 5, 6], [2, 3]), t.tensor([7, 8, 9, 10, 11, 12], [3, 2])); console.log(`matmul ${JSON.stringify(c.shape)}: ${JSON.stringify(Array.from(c.data))}`); })",
      ],
      {},
      dir,
    );
    const deno = await exec(BIN('deno'), ['run', '--no-remote', '--cached-only', '--no-lock', '--node-modules-dir=manual', '--no-prompt', 'deno.js'], { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, dir);
    return {
      [`npm pack + install (${tarball})`]: [
        exampleResult('examples/node/matmul.mjs in a fresh project', esm),
        exampleResult("require('tensorlane') in a fresh project", cjs),
        exampleResult('examples/deno/matmul.js (npm:tensorlane) in a fresh project', deno),
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The finder's order, each in a child process with its own environment: a CHROMIUM_PATH naming
 * no file is an error that names it; a `chromium` on PATH comes before the packaged one.
 */
async function chromiumFinderOrder() {
  const dir = mkdtempSync(join(tmpdir(), 'tensorlane-path-'));
  const find = "import('./test/runtimes/chromium.mjs').then((m) => m.findChromium()).then((f) => console.log(f.source), (e) => console.log(e.message))";
  try {
    writeFileSync(join(dir, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
    const missing = await exec(process.execPath, ['--input-type=module', '-e', find], { CHROMIUM_PATH: join(dir, 'nothing-here') });
    const onPath = await exec(process.execPath, ['--input-type=module', '-e', find], { CHROMIUM_PATH: '', PATH: `${dir}:${process.env.PATH}` });
    const ok = missing.includes(`CHROMIUM_PATH=${join(dir, 'nothing-here')} is not an executable file`) && onPath.trim() === `system (${join(dir, 'chromium')})`;
    return { name: 'Chromium finder: a bad CHROMIUM_PATH is an error naming it; `chromium` on PATH comes before the packaged one', ok, ...(ok ? {} : { error: `printed ${JSON.stringify(missing.trim())} and ${JSON.stringify(onPath.trim())}` }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function chromium() {
  const order = await chromiumFinderOrder();
  const found = await findChromium();
  const server = createStaticServer(['dist', 'examples', 'data', join('test', 'runtimes')]);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    browser = await launchChromium(found, TIMEOUT_MS);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    const waitFor = async (url, fn) => {
      await page.goto(base + url);
      try {
        return await (await page.waitForFunction(fn, null, { timeout: TIMEOUT_MS / 2 })).jsonValue();
      } catch (error) {
        throw new Error(`${url}: ${errors.join('\n') || error.message}`);
      }
    };
    const results = await waitFor('/test/runtimes/browser/', () => window.__results);
    const example = await waitFor('/examples/browser/matmul.html', () => {
      const text = document.getElementById('out')?.textContent ?? '';
      return text.startsWith('matmul') && text;
    });
    const pageResults = await checkBrowserPage(browser, base, { timeoutMs: TIMEOUT_MS });
    return {
      chromium: [order, { name: `headless Chromium from ${found.source}`, ok: true }, ...results.main, exampleResult('examples/browser/matmul.html', example), ...pageResults],
      'chromium (worker, init({ url }))': results.worker,
    };
  } finally {
    await browser?.close();
    server.close();
  }
}

async function fetchFromWorkerd(config) {
  const { port, stop } = await startWorkerd(config, TIMEOUT_MS);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    if (!response.ok) throw new Error(`workerd answered HTTP ${response.status}: ${text}`);
    return JSON.parse(text);
  } finally {
    stop();
  }
}

async function workerd() {
  const results = await fetchFromWorkerd('test/runtimes/worker.capnp');
  const example = await fetchFromWorkerd('examples/edge/config.capnp');
  const line = `matmul ${JSON.stringify(example.shape)}: ${JSON.stringify(example.data)}`;
  return { workerd: [...results, exampleResult('examples/edge/worker.js (GET /)', line)], 'workerd (examples/edge, POST /predict)': await edgePredictions(TIMEOUT_MS) };
}

const runtimes = { node, deno, chromium, workerd, packed };
const started = Date.now();
let passed = 0;
let failed = 0;
const report = (ok, where, name, error) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? '  ok  ' : '  FAIL'} ${where}: ${name}${error ? `\n        ${error.replace(/\n/g, '\n        ')}` : ''}`);
};

if (!existsSync(join(ROOT, 'dist', 'tensorlane.js'))) {
  report(false, 'dist', 'dist/tensorlane.js exists', 'run `node scripts/build.mjs` first');
} else {
  const settled = await Promise.allSettled(Object.values(runtimes).map((run) => run()));
  const digests = new Map(); // check name -> [where, digest][]
  Object.keys(runtimes).forEach((name, i) => {
    const outcome = settled[i];
    if (outcome.status === 'rejected') {
      report(false, name, 'runtime starts and runs the checks', String(outcome.reason?.message ?? outcome.reason));
      return;
    }
    for (const [where, results] of Object.entries(outcome.value)) {
      for (const r of results) {
        report(r.ok, where, r.name, r.error);
        if (r.digest !== undefined) digests.set(r.name, [...(digests.get(r.name) ?? []), [where, r.digest]]);
      }
    }
  });
  for (const [name, seen] of digests) {
    const distinct = new Set(seen.map(([, d]) => d));
    report(distinct.size === 1, 'all runtimes', `same digest for "${name}"`, distinct.size === 1 ? undefined : seen.map(([w, d]) => `${w}=${d}`).join(', '));
  }
}

console.log(`runtimes: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed === 0 ? 0 : 1);

// The built package in headless Chromium on a cross-origin-isolated page: inside a module worker,
// init({ threads }) starts nested workers and the weights after training are bit-identical for
// 1, 2, 3 and 4 threads (and equal to Node's); on the page's main thread, and on a page that is
// not isolated, it falls back to one thread with a note, computing the same weights.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { findChromium, launchChromium } from '../runtimes/chromium.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
let server: Server;
let base = '';

beforeAll(async () => {
  // dist/ and this folder only, with the headers that make a page cross-origin isolated.
  const allowed = [join(ROOT, 'dist') + sep, join(ROOT, 'test', 'threads', 'browser') + sep];
  // Under /plain/ the same files come without those headers (a page that is not isolated).
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const plain = path.startsWith('/plain/');
    const file = resolve(ROOT, '.' + (plain ? path.slice('/plain'.length) : path));
    if (!allowed.some((dir) => file.startsWith(dir)) || !existsSync(file)) return void res.writeHead(404).end();
    const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...(plain ? {} : isolation) });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('Chromium: 1-4 threads in a worker of an isolated page give the same weights as Node; the main thread and a page that is not isolated run one', async () => {
  expect(existsSync(join(ROOT, 'dist', 'tensorlane-threads.wasm')), 'dist/ is missing: run `node scripts/build.mjs` first').toBe(true);
  const node = JSON.parse(execFileSync(process.execPath, ['test/threads/dist-train.mjs', '1'], { cwd: ROOT, encoding: 'utf8' }).trim()) as { digest: number };
  const browser = await launchChromium(await findChromium());
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/test/threads/browser/index.html`);
    await page.waitForFunction('window.ready === true');
    for (const threads of [1, 2, 3, 4]) {
      const result = await page.evaluate((n: number) => (window as unknown as { run(n: number): Promise<unknown> }).run(n), threads);
      expect(result, `worker, ${threads} threads`).toEqual({ threads, digest: node.digest });
    }
    const main = await page.evaluate(() => (window as unknown as { runMain(n: number): Promise<unknown> }).runMain(2));
    expect(main).toEqual({
      threads: 1,
      digest: node.digest,
      isolated: true,
      notes: ['tensorlane init: running on one thread instead of 2: this thread may not block in Atomics.wait (a browser main thread: run tensorlane in a worker)'],
    });
    // Not isolated: no SharedArrayBuffer, so one thread in a worker and on the page, same weights.
    await page.goto(`${base}/plain/test/threads/browser/index.html`);
    await page.waitForFunction('window.ready === true');
    expect(await page.evaluate(() => (window as unknown as { run(n: number): Promise<unknown> }).run(2))).toEqual({ threads: 1, digest: node.digest });
    expect(await page.evaluate(() => (window as unknown as { runMain(n: number): Promise<unknown> }).runMain(4))).toEqual({
      threads: 1,
      digest: node.digest,
      isolated: false,
      notes: ['tensorlane init: running on one thread instead of 4: SharedArrayBuffer needs a cross-origin-isolated page (COOP/COEP headers)'],
    });
  } finally {
    await browser.close();
  }
}, 120_000);

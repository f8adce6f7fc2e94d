// The browser example (examples/browser/) in headless Chromium, as a user drives it: the worker
// loads the data, Train runs a few batches and the curves redraw, a garment drawn with the mouse
// gets a prediction, a test image gets one too; then a screenshot. run-all.mjs calls
// `checkBrowserPage`; run alone it trains longer and writes the README's screenshot:
//
//   npm run build && node test/runtimes/browser-page.mjs    # -> docs/browser-page.png
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createStaticServer } from '../../examples/browser/serve.mjs';
import { findChromium, launchChromium } from './chromium.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where the test run leaves its screenshot (build/ is ignored by git). */
export const ARTIFACT = join(ROOT, 'build', 'artifacts', 'browser-page.png');

/** A T-shirt: body, two sleeves (pixel coordinates on the 280x280 canvas). */
const STROKES = [
  [[100, 70], [100, 230], [180, 230], [180, 70]],
  [[100, 70], [60, 110]],
  [[180, 70], [220, 110]],
  [[110, 75], [170, 75]],
  [[140, 80], [140, 220]],
];

/**
 * Drives the page at `base` + /examples/browser/ in `browser`; returns one result per check.
 * `query` sets the training size; `screenshot` is the PNG path to write.
 */
export async function checkBrowserPage(browser, base, { query = 'samples=320&epochs=2&batch=32', screenshot = ARTIFACT, timeoutMs = 45_000 } = {}) {
  const page = await browser.newPage({ viewport: { width: 1240, height: 560 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  const results = [];
  const step = async (name, run) => {
    if (results.some((r) => !r.ok)) return results.push({ name, ok: false, error: 'not run: an earlier step failed' });
    try {
      await run();
      results.push({ name, ok: true });
    } catch (error) {
      const pageError = await page.evaluate(() => window.__page?.error).catch(() => undefined);
      results.push({ name, ok: false, error: [error.message, pageError, ...errors].filter(Boolean).join('\n') });
    }
  };
  const until = (fn, arg) => page.waitForFunction(fn, arg, { timeout: timeoutMs });
  const curves = () => page.evaluate(() => document.getElementById('curves').toDataURL());
  try {
    await step('examples/browser/: the worker loads tensorlane and the Fashion-MNIST subset over HTTP', async () => {
      await page.goto(`${base}/examples/browser/?${query}`);
      await until(() => /^ready: 10000 training/.test(document.getElementById('status').textContent) || window.__page.error);
      if (errors.length > 0) throw new Error('errors on the page');
    });
    let before;
    await step('examples/browser/: Train runs batches in the worker and the curves redraw', async () => {
      before = await curves();
      await page.click('#train');
      await until(() => window.__page.batches >= 3 || window.__page.error);
      const early = await curves();
      if (early === before) throw new Error('the curve canvas did not change after 3 batches');
      await until(() => window.__page.done || window.__page.error);
      const state = await page.evaluate(() => window.__page);
      if (state.error) throw new Error(state.error);
      if (state.redraws < state.batches) throw new Error(`${state.batches} batches but ${state.redraws} redraws`);
      if ((await curves()) === early) throw new Error('the curve canvas did not change between batch 3 and the end');
      const status = await page.textContent('#status');
      if (!/^trained in [\d.]+ s: test accuracy [\d.]+ %/.test(status)) throw new Error(`status says ${JSON.stringify(status)}`);
    });
    await step('examples/browser/: a garment drawn with the mouse gets a prediction', async () => {
      const box = await page.locator('#draw').boundingBox();
      for (const stroke of STROKES) {
        await page.mouse.move(box.x + stroke[0][0], box.y + stroke[0][1]);
        await page.mouse.down();
        for (const [x, y] of stroke.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
        await page.mouse.up();
      }
      await until((n) => window.__page.asked === n && window.__page.answered === n, STROKES.length);
      const text = await page.textContent('#prediction');
      if (!/^(T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot) \([\d.]+ %\)$/.test(text)) throw new Error(`the prediction reads ${JSON.stringify(text)}`);
      const bars = await page.locator('#bars > div').count();
      if (bars !== 10) throw new Error(`${bars} probability bars, expected 10`);
    });
    await step('examples/browser/: a test image gets a prediction; screenshot', async () => {
      const asked = await page.evaluate(() => window.__page.asked);
      await page.click('#sample');
      await until((n) => window.__page.answered > n, asked);
      const truth = await page.textContent('#truth');
      if (!/^test image 0, labelled Ankle boot$/.test(truth)) throw new Error(`the label line reads ${JSON.stringify(truth)}`);
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot });
    });
  } finally {
    await page.close();
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createStaticServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchChromium(await findChromium());
  try {
    const results = await checkBrowserPage(browser, `http://127.0.0.1:${server.address().port}`, {
      query: 'samples=10000&epochs=3&batch=64',
      screenshot: join(ROOT, 'docs', 'browser-page.png'),
      timeoutMs: 300_000,
    });
    for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.error ? `\n  ${r.error}` : ''}`);
    process.exitCode = results.every((r) => r.ok) ? 0 : 1;
  } finally {
    await browser.close();
    server.close();
  }
}

// A dedicated module worker in Chromium: import maps do not reach workers, so the bundle is
// imported by path, and init fetches the separate .wasm (`init({ url })`).
import * as tl from '/dist/tensorlane.js';
import { runChecks } from '../checks.mjs';

postMessage(await runChecks(tl, { url: '/dist/tensorlane.wasm' }));

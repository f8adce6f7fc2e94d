// Trains a seeded MLP and CNN (browser/train.js, shared with the Chromium page) with the BUILT package
// (dist/) on the thread count given as the first argument, loading dist/tensorlane-threads.wasm
// from beside the bundle as users do, and prints one JSON line: the thread count that ran and a
// digest of the final weights' bits.
// node test/threads/dist-train.mjs 4   |   deno run -A test/threads/dist-train.mjs 4   |   ... 4 cjs
import { trainDigest } from './browser/train.js';

const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);
const threads = Number(args[0] ?? 1);
const tl = args[1] === 'cjs'
  ? (await import('node:module')).createRequire(import.meta.url)('../../dist/tensorlane.cjs')
  : await import('../../dist/tensorlane.js');
await tl.init(threads > 1 ? { threads } : {});
console.log(JSON.stringify({ threads: tl.threadCount(), digest: await trainDigest(tl) }));

// Module worker of the threads page: the BUILT package inside a worker (where Atomics.wait may
// block), on the thread count in the URL's `threads` parameter; posts { threads, digest }.
import * as tl from '../../../dist/tensorlane.js';
import { trainDigest } from './train.js';

const threads = Number(new URL(self.location.href).searchParams.get('threads'));
try {
  await tl.init(threads > 1 ? { threads } : {});
  self.postMessage({ threads: tl.threadCount(), digest: await trainDigest(tl) });
} catch (error) {
  self.postMessage({ error: String(error && error.stack || error) });
}

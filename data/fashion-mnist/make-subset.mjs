// Regenerates the committed Fashion-MNIST subset from Debian's dataset-fashion-mnist package.
// Command (from the repository root): node data/fashion-mnist/make-subset.mjs
// Input: /usr/share/datasets/fashion-mnist/*.gz (apt-get install dataset-fashion-mnist).
// Output: the first 10,000 training and the first 2,000 test examples as gzipped IDX files here.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

const SOURCE = '/usr/share/datasets/fashion-mnist';
const HERE = new URL('.', import.meta.url);
const SUBSETS = [
  ['train-images-idx3-ubyte', 10000],
  ['train-labels-idx1-ubyte', 10000],
  ['t10k-images-idx3-ubyte', 2000],
  ['t10k-labels-idx1-ubyte', 2000],
];

for (const [name, count] of SUBSETS) {
  const idx = gunzipSync(readFileSync(`${SOURCE}/${name}.gz`));
  const view = new DataView(idx.buffer, idx.byteOffset, idx.byteLength);
  const rank = idx[3];
  const header = 4 + 4 * rank;
  let itemBytes = 1;
  for (let d = 1; d < rank; d++) itemBytes *= view.getUint32(4 + 4 * d);
  const out = Buffer.from(idx.subarray(0, header + count * itemBytes));
  out.writeUInt32BE(count, 4); // first dimension = number of examples
  const gz = gzipSync(out, { level: 9 });
  writeFileSync(new URL(`${name}.gz`, HERE), gz);
  console.log(`${name}.gz: ${count} examples, ${gz.length} bytes`);
}

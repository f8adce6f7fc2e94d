// Node side of the cross-runtime model checks (run-all.mjs): loads a model file saved by another
// runtime with the built package and prints one JSON line { params, accuracy } on the first
// `n` test images of the committed Fashion-MNIST subset.
//
//   node test/runtimes/load-model.mjs FILE [N]
import { readFileSync } from 'node:fs';
import * as tl from 'tensorlane';

const [file, n = '1000'] = process.argv.slice(2);
await tl.init();
const model = await tl.io.load(new Uint8Array(readFileSync(file)));
const { test } = await tl.data.fashionMnist();
const count = Number(n);
const x = tl.tensor(test.x.data.slice(0, count * 784), [count, 28, 28, 1]);
const y = tl.tensor(test.y.data.slice(0, count), [count]);
const result = model.evaluate(x, y, { batchSize: 250 });
console.log(JSON.stringify({ params: model.countParams(), accuracy: result.accuracy }));

// Least permissions: read the committed dataset, write the model, nothing else (no net, env, sys):
//
//   deno run --allow-read=data/fashion-mnist --allow-write=demo-output examples/deno/train.ts [OUT_DIR]
//
// from the repository root (OUT_DIR defaults to demo-output; grant --allow-write for the one you
// pass). Trains the demo's CNN (narrowed to [8, 16] filters) for two epochs on the first 5,000 images of the committed
// Fashion-MNIST subset, prints the test accuracy on 1,000 test images and writes
// OUT_DIR/fashion-cnn.tlnm (io.save's bytes; `io.load` reads them back in any runtime). In your own
// project import 'npm:tensorlane' and pass `{ dir }` to data.fashionMnist(). Without the read
// permission the loader says which flag is missing.
import * as tl from 'tensorlane';
import { compileFashionCnn, fashionCnn, firstRows } from '../shared/fashion-cnn.mjs';

/** The part of Deno's namespace this script uses (typed here so Node's type check needs no Deno types). */
declare const Deno: {
  args: string[];
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
};

const out = Deno.args[0] ?? 'demo-output';
await tl.init();
const { train, test } = await tl.data.fashionMnist();
const x = firstRows(tl, train.x, 5000);
const y = firstRows(tl, train.y, 5000);

const model = compileFashionCnn(tl, fashionCnn(tl, { seed: 7, filters: [8, 16] }));
const history = await model.fit(x, y, { epochs: 2, batchSize: 64, seed: 7, verbose: 0 });
const result = model.evaluate(firstRows(tl, test.x, 1000), firstRows(tl, test.y, 1000), { batchSize: 250 });

await Deno.mkdir(out, { recursive: true });
const file = `${out}/fashion-cnn.tlnm`;
const bytes = tl.io.save(model);
await Deno.writeFile(file, bytes);
console.log(
  `trained ${model.countParams()} parameters on ${x.shape[0]} images: loss ${history.history.loss!.at(-1)!.toFixed(4)}, ` +
    `test accuracy ${(result.accuracy! * 100).toFixed(1)} %; wrote ${file} (${bytes.length} bytes)`,
);

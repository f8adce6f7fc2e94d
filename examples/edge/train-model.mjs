// Trains the model that the edge worker embeds (examples/edge/model.tlnm, committed):
//
//   npm run build && node examples/edge/train-model.mjs
//
// The demo's CNN with narrower convolutions ([8, 16] filters, 9,170 parameters: 37 KB of
// weights) for 6 epochs on the committed 10,000-image Fashion-MNIST subset, seeded. Saved without
// the optimizer state, which inference does not need.
import { writeFileSync } from 'node:fs';
import * as tl from 'tensorlane';
import { compileFashionCnn, fashionCnn } from '../shared/fashion-cnn.mjs';

await tl.init();
const { train, test } = await tl.data.fashionMnist();
const model = compileFashionCnn(tl, fashionCnn(tl, { seed: 11, filters: [8, 16], name: 'fashion_cnn_edge' }));
await model.fit(train.x, train.y, { epochs: 6, batchSize: 64, validationSplit: 0.1, seed: 11, verbose: 1 });
const { accuracy } = model.evaluate(test.x, test.y, { batchSize: 250 });
const bytes = tl.io.save(model, { includeOptimizer: false });
const file = new URL('./model.tlnm', import.meta.url);
writeFileSync(file, bytes);
console.log(`test accuracy ${(accuracy * 100).toFixed(2)} % on ${test.x.shape[0]} images; wrote examples/edge/model.tlnm (${bytes.length} bytes)`);

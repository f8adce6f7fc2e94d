// The page's Web Worker: loads the committed Fashion-MNIST subset over HTTP, trains the demo's
// CNN and answers predictions, so the page stays responsive while it trains. Import maps do not
// reach workers, so the bundle is imported by path (in your app: your bundler's 'tensorlane').
//
// Messages in:  { type: 'train', samples, epochs, batchSize } | { type: 'predict', id, pixels }
//               | { type: 'sample', index }
// Messages out: { type: 'status', text } | { type: 'batch', epoch, batch, steps, loss, accuracy }
//               | { type: 'epoch', epoch, logs } | { type: 'done', seconds, accuracy }
//               | { type: 'prediction', id, probabilities } | { type: 'sample', index, pixels, label }
//               | { type: 'error', message }
import * as tl from '../../dist/tensorlane.js';
import { compileFashionCnn, fashionCnn, firstRows } from '../shared/fashion-cnn.mjs';

const VALIDATION = 1000;
let dataset; // the loaded subset
let model; // the model being trained (built untrained at start)
let training = false;
const waiting = []; // predictions asked for while an epoch runs: answered between epochs

let loading;
function ready() {
  loading ??= (async () => {
    postMessage({ type: 'status', text: 'loading tensorlane and the Fashion-MNIST subset...' });
    await tl.init();
    dataset = await tl.data.fashionMnist({ url: new URL('../../data/fashion-mnist/', import.meta.url) });
    model = compileFashionCnn(tl, fashionCnn(tl, { seed: 42 }));
    postMessage({ type: 'status', text: `ready: ${dataset.train.x.shape[0]} training and ${dataset.test.x.shape[0]} test images; the model is untrained` });
    return dataset;
  })();
  return loading;
}

function answer({ id, pixels }) {
  const logits = model.predict(tl.tensor(Float32Array.from(pixels), [1, 28, 28, 1]));
  postMessage({ type: 'prediction', id, probabilities: Array.from(tl.ops.softmax(logits).data) });
}

async function train({ samples, epochs, batchSize }) {
  const { train, test } = await ready();
  if (training) return;
  training = true;
  const x = firstRows(tl, train.x, samples);
  const y = firstRows(tl, train.y, samples);
  const validation = [firstRows(tl, test.x, VALIDATION), firstRows(tl, test.y, VALIDATION)];
  const steps = Math.ceil(x.shape[0] / batchSize);
  const t0 = performance.now();
  postMessage({ type: 'status', text: `training on ${x.shape[0]} images, ${epochs} epoch(s) of ${steps} batches...` });
  model = compileFashionCnn(tl, fashionCnn(tl, { seed: 42 }));
  // One fit per epoch, so that predictions asked for during an epoch are answered between epochs,
  // never while fit is running; each batch ends with a turn of the event loop to receive them.
  for (let epoch = 0; epoch < epochs; epoch++) {
    const history = await model.fit(x, y, {
      epochs: 1,
      batchSize,
      seed: 42 + epoch,
      verbose: 0,
      validationData: validation,
      callbacks: [
        tl.callbacks.lambdaCallback({
          onBatchEnd: (batch, logs) => {
            postMessage({ type: 'batch', epoch, batch, steps, loss: logs.loss, accuracy: logs.accuracy });
            return new Promise((resolve) => setTimeout(resolve, 0));
          },
        }),
      ],
    });
    const logs = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[0]]));
    postMessage({ type: 'epoch', epoch, logs });
    while (waiting.length > 0) answer(waiting.shift());
  }
  training = false;
  const { accuracy } = model.evaluate(test.x, test.y, { batchSize: 250 });
  postMessage({ type: 'done', seconds: (performance.now() - t0) / 1000, accuracy });
}

onmessage = async ({ data: message }) => {
  try {
    if (message.type === 'train') await train(message);
    else if (message.type === 'predict') {
      await ready();
      if (training) waiting.push(message);
      else answer(message);
    } else if (message.type === 'sample') {
      const { test } = await ready();
      const index = message.index % test.x.shape[0];
      postMessage({ type: 'sample', index, pixels: Array.from(test.x.data.subarray(index * 784, (index + 1) * 784)), label: test.y.data[index] });
    }
  } catch (error) {
    training = false;
    postMessage({ type: 'error', message: String(error?.stack ?? error) });
  }
};
await ready().catch((error) => postMessage({ type: 'error', message: String(error?.stack ?? error) }));

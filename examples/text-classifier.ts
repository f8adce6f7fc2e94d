// A text classifier: Embedding + Conv1D + global max pooling on generated film reviews whose
// label needs word order (examples/shared/reviews.ts explains the task), beside an order-free
// bag-of-words baseline (Embedding + mean + a hidden layer):
//
//   npx tsx examples/text-classifier.ts                          # 4000 training, 1000 held-out reviews, 8 epochs
//   npx tsx examples/text-classifier.ts --train 1000 --epochs 3  # a quick run
//
// Prints a few reviews, the vocabulary size, and each model's accuracy on the held-out reviews
// (generated with another seed) and its wall time. Needs the wasm build: node scripts/build.mjs --wasm-only. Options: --help.
import { accuracy, bagOfWordsClassifier, convClassifier, generateReviews, reviewVectorizer } from './shared/reviews.js';
import { secondsSince, startTextExample } from './shared/text-cli.js';
import { tensor } from '../src/api.js';

const options = startTextExample('text-classifier', 'Trains a conv1d and a bag-of-words classifier on generated reviews; prints held-out accuracy.', {
  train: 4000, test: 1000, epochs: 8, 'batch-size': 32, seed: 42, verbose: 0,
});
const train = generateReviews(options.train, options.seed);
const test = generateReviews(options.test, options.seed + 1);
for (let i = 0; i < 3; i++) process.stdout.write(`  ${train.labels[i] ? 'positive' : 'negative'}: ${train.texts[i]}\n`);

const tv = reviewVectorizer(train.texts);
const x = tv.call(train.texts);
const y = tensor(train.labels, [train.labels.length]);
const xTest = tv.call(test.texts);
const shape = { vocabularySize: tv.vocabularySize(), sequenceLength: x.shape[1]!, seed: options.seed };
process.stdout.write(`${train.texts.length} training and ${test.texts.length} held-out reviews, vocabulary of ${tv.vocabularySize()} ids, ${shape.sequenceLength} ids per review\n`);

for (const [name, build] of [['bag-of-words', bagOfWordsClassifier], ['conv1d', convClassifier]] as const) {
  const t0 = performance.now();
  const model = build(shape);
  await model.fit(x, y, { epochs: options.epochs, batchSize: options['batch-size'], seed: options.seed, verbose: options.verbose as 0 | 1 | 2 });
  const acc = accuracy(model.predict(xTest, { batchSize: 256 }), test.labels);
  process.stdout.write(`${name} classifier: held-out accuracy ${(100 * acc).toFixed(1)} % after ${options.epochs} epochs in ${secondsSince(t0)} s\n`);
}

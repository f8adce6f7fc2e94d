// A small character-level Transformer language model (decoder-only, GPT-style) trained on the
// Book of Genesis, King James Version (public domain; examples/data/README.md says where the
// excerpt comes from):
//
//   npx tsx examples/transformer-lm.ts                      # defaults below, a few minutes
//   npx tsx examples/transformer-lm.ts --epochs 2 --chars 40000 --width 32 --blocks 1   # quick
//
// Model: character embedding + learned position embedding -> `blocks` pre-norm causal Transformer
// blocks (examples/shared/transformer.ts: multi-head attention + feed-forward, residuals, layer
// norm) -> layer norm -> dense logits over the characters. Trained with next-character
// cross-entropy on windows of `context` characters; the last 10 % of the text is held out.
// Prints the validation loss (nats per character) and perplexity after each epoch, then text
// sampled from the model (seeded, temperature 0.8). Needs the wasm build:
// node scripts/build.mjs --wasm-only. Options: --help.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Input, Model, callbacks, layers, losses, ops, optimizers, tensor, type Tensor } from '../src/api.js';
import { initSync } from '../src/init.js';
import { intArg, numberArg } from './shared/cli.js';
import { transformerEncoderBlock } from './shared/transformer.js';

const { values } = parseArgs({
  options: {
    text: { type: 'string', default: new URL('./data/kjv-genesis.txt', import.meta.url).pathname },
    chars: { type: 'string', default: '0' }, epochs: { type: 'string', default: '8' }, context: { type: 'string', default: '64' },
    width: { type: 'string', default: '64' }, heads: { type: 'string', default: '4' }, blocks: { type: 'string', default: '2' },
    dropout: { type: 'string', default: '0.1' }, 'batch-size': { type: 'string', default: '32' }, 'learning-rate': { type: 'string', default: '0.003' },
    sample: { type: 'string', default: '300' }, seed: { type: 'string', default: '42' }, verbose: { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write('usage: tsx examples/transformer-lm.ts [--text FILE] [--chars N (0 = all)] [--epochs N] [--context N] [--width N] [--heads N] [--blocks N] [--dropout R] [--batch-size N] [--learning-rate R] [--sample N] [--seed N] [--verbose 0|1|2]\n');
  process.exit(0);
}
const epochs = intArg(values.epochs!, 'epochs');
const context = intArg(values.context!, 'context');
const width = intArg(values.width!, 'width');
const heads = intArg(values.heads!, 'heads');
const blocks = intArg(values.blocks!, 'blocks');
const dropout = numberArg(values.dropout!, 'dropout');
const batchSize = intArg(values['batch-size']!, 'batch-size');
const learningRate = numberArg(values['learning-rate']!, 'learning-rate');
const sampleLength = intArg(values.sample!, 'sample');
const seed = intArg(values.seed!, 'seed');
const verbose = intArg(values.verbose!, 'verbose') as 0 | 1 | 2;

initSync({ bytes: readFileSync(new URL('../build/tensorlane.wasm', import.meta.url)) });
const full = readFileSync(values.text!, 'utf8');
const limit = intArg(values.chars!, 'chars');
const text = limit > 0 ? full.slice(0, limit) : full;

// Character vocabulary, in code-point order so the ids do not depend on the text's order.
const vocab = [...new Set(text)].sort();
const idOf = new Map(vocab.map((c, i) => [c, i]));
const ids = Float32Array.from(text, (c) => idOf.get(c)!);

/** Non-overlapping windows of `context` characters: inputs ids[i..i+context), targets shifted by one. */
function windows(from: number, to: number): { x: Tensor; y: Tensor } {
  const count = Math.floor((to - from - 1) / context);
  const x = new Float32Array(count * context);
  const y = new Float32Array(count * context);
  for (let w = 0; w < count; w++) {
    x.set(ids.subarray(from + w * context, from + (w + 1) * context), w * context);
    y.set(ids.subarray(from + w * context + 1, from + (w + 1) * context + 1), w * context);
  }
  return { x: tensor(x, [count, context]), y: tensor(y, [count, context]) };
}
const split = Math.floor(ids.length * 0.9);
const train = windows(0, split);
const valid = windows(split, ids.length);
process.stdout.write(`text: ${text.length} characters, ${vocab.length} distinct; ${train.x.shape[0]} training and ${valid.x.shape[0]} validation windows of ${context}\n`);
process.stdout.write(`uniform baseline: loss ${Math.log(vocab.length).toFixed(3)} nats/char, perplexity ${vocab.length}\n`);

const input = Input({ shape: [context] });
let h = layers.embedding({ inputDim: vocab.length, outputDim: width }).apply(input);
h = layers.positionalEmbedding({ sequenceLength: context }).apply(h);
for (let b = 0; b < blocks; b++) h = transformerEncoderBlock(h, { numHeads: heads, intermediateDim: 4 * width, dropout, normFirst: true, causal: true, activation: 'gelu' });
const logits = layers.dense({ units: vocab.length }).apply(layers.layerNormalization({ epsilon: 1e-5 }).apply(h));
const model = new Model({ inputs: input, outputs: logits, seed });
model.compile({ optimizer: optimizers.adam({ learningRate }), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
process.stdout.write(`model: ${model.countParams()} parameters, ${blocks} block(s) of width ${width}, ${heads} heads\n`);

const t0 = performance.now();
const report = callbacks.lambdaCallback({
  onEpochEnd: (epoch, logs = {}) => {
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(
      `epoch ${epoch + 1}/${epochs}: train loss ${logs.loss!.toFixed(3)}, validation loss ${logs.val_loss!.toFixed(3)} ` +
        `perplexity ${Math.exp(logs.val_loss!).toFixed(2)} (${seconds.toFixed(1)} s)\n`,
    );
  },
});
await model.fit(train.x, train.y, { epochs, batchSize, shuffle: true, seed, verbose, validationData: [valid.x, valid.y], callbacks: [report] });
process.stdout.write(`trained ${epochs} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

/** Deterministic uniform numbers in [0, 1) for sampling (xorshift32; the example's own stream). */
let state = seed * 2654435761 || 1;
function uniform(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}

// Sampling: the last `context` characters in, the next character drawn from softmax(logits / 0.8)
// at the last position. The prompt is the start of the validation text.
const temperature = 0.8;
const window = Array.from(ids.subarray(split, split + context));
let sampled = '';
for (let i = 0; i < sampleLength; i++) {
  const out = model.predict(tensor(Float32Array.from(window), [1, context]));
  const last = out.data.subarray((context - 1) * vocab.length, context * vocab.length);
  const probs = ops.softmax(tensor(Float32Array.from(last, (v) => v / temperature), [1, vocab.length])).data;
  let u = uniform();
  let next = vocab.length - 1;
  for (let c = 0; c < vocab.length; c++) {
    u -= probs[c]!;
    if (u < 0) {
      next = c;
      break;
    }
  }
  sampled += vocab[next];
  window.shift();
  window.push(next);
}
process.stdout.write(`prompt: ${JSON.stringify(text.slice(split, split + context))}\nsample: ${sampled}\n`);

// Sequence to sequence: English number words, read character by character, to digits
// ("six hundred five thousand twelve" -> "605012"), with an LSTM encoder-decoder trained by teacher
// forcing and decoded greedily (examples/shared/number-words.ts has the task and the model):
//
//   npx tsx examples/seq2seq.ts                              # 20000 numbers below 10^6, 8 epochs
//   npx tsx examples/seq2seq.ts --count 1000 --max 1000 --epochs 10   # a quick run
//
// 80 % of the numbers train, the other 20 % are held out (never seen in training); prints the
// loss per epoch, some held-out decodings, the exact-match accuracy on the held-out numbers and
// the wall time. Needs the wasm build: node scripts/build.mjs --wasm-only. Options: --help.
import { exactMatch, greedyDecode, numberTask, numberWords, seq2seqModel } from './shared/number-words.js';
import { secondsSince, startTextExample } from './shared/text-cli.js';

const options = startTextExample('seq2seq', 'Trains an LSTM encoder-decoder from number words to digits; prints held-out exact-match accuracy.', {
  count: 20000, max: 1_000_000, epochs: 8, 'batch-size': 32, units: 64, seed: 42, verbose: 0,
});
const t0 = performance.now();
const task = numberTask({ count: options.count, max: options.max, seed: options.seed });
const { train, test } = task;
process.stdout.write(`${train.numbers.length} training and ${test.numbers.length} held-out numbers below ${options.max}; `);
process.stdout.write(`${task.words.vocabularySize()} source ids (characters) over ${task.sourceLength} steps, ${task.digits.vocabularySize()} target ids over ${task.targetLength} steps\n`);

const model = seq2seqModel(task, { units: options.units, seed: options.seed });
const history = await model.fit([train.source, train.decoderInput], train.target, {
  epochs: options.epochs, batchSize: options['batch-size'], seed: options.seed, verbose: options.verbose as 0 | 1 | 2,
});
process.stdout.write(`training loss per epoch: ${history.history.loss!.map((l) => l.toFixed(4)).join(' ')} (${secondsSince(t0)} s)\n`);

const decoded = greedyDecode(model, task, test.source);
for (let i = 0; i < 5; i++) process.stdout.write(`  "${numberWords(test.numbers[i]!)}" -> ${decoded[i]} (${decoded[i] === String(test.numbers[i]) ? 'right' : `wrong, want ${test.numbers[i]}`})\n`);
process.stdout.write(`held-out exact match ${(100 * exactMatch(decoded, test.numbers)).toFixed(1)} % of ${test.numbers.length} numbers, ${options.epochs} epochs, ${secondsSince(t0)} s in all\n`);

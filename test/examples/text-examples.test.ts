// examples/seq2seq.ts and examples/text-classifier.ts run as a user runs them, tiny (seconds
// each), and must show their effect on held-out data: exact-match decodings of unseen numbers far
// above chance (about 1 in 1000), and a conv1d classifier far above chance (50 %) that beats the
// order-free baseline. Plus the helpers they share.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tensor } from '../../src/index.js';
import { END, START, exactMatch, numberTask, numberWords } from '../../examples/shared/number-words.js';
import { accuracy, generateReviews, reviewVectorizer } from '../../examples/shared/reviews.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs an example with `args`; returns what it printed. */
function runExample(name: string, args: string[]): string {
  return execFileSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'examples', `${name}.ts`), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
}

/** The number after `label` in `text`, or a failure showing the text. */
function figure(text: string, label: RegExp): number {
  const m = new RegExp(`${label.source}\\s*([0-9.]+)`).exec(text);
  expect(m, `${label} in:\n${text}`).not.toBeNull();
  return Number(m![1]);
}

describe('examples/seq2seq.ts', () => {
  test('decodes most held-out number words (never trained on) to exactly the right digits', () => {
    const printed = runExample('seq2seq', ['--count', '1000', '--max', '1000', '--epochs', '10']);
    expect(printed).toMatch(/800 training and 200 held-out numbers below 1000/);
    const losses = /training loss per epoch: ([0-9. ]+)/.exec(printed)![1]!.trim().split(' ').map(Number);
    expect(losses).toHaveLength(10);
    expect(losses[9]!, printed).toBeLessThan(0.5 * losses[0]!);
    expect(figure(printed, /held-out exact match/), printed).toBeGreaterThan(50);
  }, 120_000);
});

describe('examples/text-classifier.ts', () => {
  test('the conv1d classifier is far above chance on held-out reviews and beats the bag of words', () => {
    const printed = runExample('text-classifier', ['--train', '1000', '--test', '500', '--epochs', '5']);
    const conv = figure(printed, /conv1d classifier: held-out accuracy/);
    const bag = figure(printed, /bag-of-words classifier: held-out accuracy/);
    expect(conv, printed).toBeGreaterThan(90);
    expect(bag, printed).toBeLessThan(conv - 5);
  }, 120_000);
});

describe('examples/shared/number-words.ts', () => {
  test('numberWords spells numbers below a million without hyphens', () => {
    expect([0, 7, 13, 20, 42, 100, 105, 999, 1000, 2007, 605012, 999999].map(numberWords)).toEqual([
      'zero', 'seven', 'thirteen', 'twenty', 'forty two', 'one hundred', 'one hundred five', 'nine hundred ninety nine', 'one thousand',
      'two thousand seven', 'six hundred five thousand twelve', 'nine hundred ninety nine thousand nine hundred ninety nine',
    ]);
    expect(() => numberWords(1e6)).toThrow(/numberWords: expected an integer in \[0, 1000000\), got 1000000/);
    expect(() => numberWords(1.5)).toThrow(RangeError);
  });

  test('numberTask holds out numbers never trained on and builds the teacher-forcing pair', () => {
    const task = numberTask({ count: 50, max: 60, seed: 3 });
    const { train, test } = task;
    expect(train.numbers).toHaveLength(40);
    expect(test.numbers).toHaveLength(10);
    expect(new Set([...train.numbers, ...test.numbers]).size).toBe(50);
    expect(task.targetLength).toBe(3);
    expect(train.source.shape).toEqual([40, task.sourceLength]);
    const vocab = task.digits.getVocabulary();
    const row = (t: typeof train.target, i: number) => [...t.data.subarray(i * 3, i * 3 + 3)].map((id) => vocab[id]);
    const n = train.numbers[0]!;
    const digits = String(n).split('');
    expect(row(train.decoderInput, 0)).toEqual([START, ...digits, '', ''].slice(0, 3));
    expect(row(train.target, 0)).toEqual([...digits, END, '', ''].slice(0, 3));
    // the source is padded at the start, so the encoder's last step reads the last character
    const chars = task.words.getVocabulary();
    const src = [...train.source.data.subarray(0, task.sourceLength)];
    expect(src.filter((id) => id !== 0).map((id) => chars[id]).join('')).toBe(numberWords(n));
    expect(src[task.sourceLength - 1]).not.toBe(0);
    expect(numberTask({ count: 50, max: 60, seed: 3 }).test.numbers).toEqual(test.numbers);
    expect(() => numberTask({ count: 10, max: 5, seed: 1 })).toThrow(/numberTask: expected integers 2 <= count <= max <= 1000000, got count 10 and max 5/);
  });

  test('exactMatch counts whole strings only', () => {
    expect(exactMatch(['12', '3', '40'], [12, 30, 40])).toBeCloseTo(2 / 3);
    expect(() => exactMatch(['1'], [1, 2])).toThrow(/exactMatch: 1 predictions for 2 numbers/);
  });
});

describe('examples/shared/reviews.ts', () => {
  test('generateReviews is reproducible and labels the XOR of polarity and negation', () => {
    const a = generateReviews(200, 7);
    expect(generateReviews(200, 7)).toEqual(a);
    expect(generateReviews(200, 8).texts).not.toEqual(a.texts);
    const mean = a.labels.reduce((s, l) => s + l, 0) / a.labels.length;
    expect(mean).toBeGreaterThan(0.35);
    expect(mean).toBeLessThan(0.65);
    const tv = reviewVectorizer(a.texts);
    expect(Math.max(...a.texts.map((t) => tv.tokenize(t).length))).toBeLessThanOrEqual(24);
    const positive = /\b(good|great|excellent|wonderful|brilliant|fun|moving|clever)\b/;
    const negatedEvaluative = /\b(not|never|hardly) ((very|really|quite|rather|so) )?(good|great|excellent|wonderful|brilliant|fun|moving|clever|bad|awful|boring|dull|terrible|weak|poor|silly)\b/i;
    a.texts.forEach((t, i) => expect(a.labels[i], t).toBe(Number(positive.test(t.toLowerCase()) !== negatedEvaluative.test(t))));
  });

  test('accuracy compares each row\'s arg-max with its label', () => {
    expect(accuracy(tensor([0.1, 0.9, 2, 1, 0, 0.5], [3, 2]), [1, 0, 0])).toBeCloseTo(2 / 3);
    expect(() => accuracy(tensor([0, 1], [1, 2]), [0, 1])).toThrow(/accuracy: 1 rows of logits for 2 labels/);
  });
});

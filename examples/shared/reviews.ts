// The classification task of examples/text-classifier.ts, shared with its test: generated
// one-line film reviews whose label needs word order, and two models to compare on it. Public API only.
//
// A review is 1 to 3 clauses in random order: one evaluative ("the plot was not very good") and
// 0-2 neutral distractors ("the music felt not loud"). The label is the evaluative adjective's
// polarity, flipped when a negator stands before it. Negators occur just as often in the neutral
// clauses, so word counts cannot always tell which adjective a negator belongs to: "the film was
// not good and the music was loud" and "the film was good and the music was not loud" have the
// same words and opposite labels; and the label is an XOR of "positive adjective" and "negated",
// which no linear function of the counts gets right in more than 3 of every 4 variants. A model
// that sees which words stand next to each other (a convolution over 3 words) can reach 100 %.
import { Rng, Sequential, layers, losses, optimizers, text, type Tensor } from '../../src/api.js';

const SUBJECTS = ['the film', 'the movie', 'the story', 'the acting', 'the ending', 'the music', 'the plot', 'this show', 'the cast', 'the script'];
const VERBS = ['was', 'is', 'felt', 'seemed'];
const POSITIVE = ['good', 'great', 'excellent', 'wonderful', 'brilliant', 'fun', 'moving', 'clever'];
const NEGATIVE = ['bad', 'awful', 'boring', 'dull', 'terrible', 'weak', 'poor', 'silly'];
const NEUTRAL = ['long', 'short', 'loud', 'quiet', 'old', 'new', 'french', 'slow'];
const NEGATORS = ['not', 'never', 'hardly'];
const INTENSIFIERS = ['very', 'really', 'quite', 'rather', 'so'];
const JOINERS = [' and ', ' but ', ', ', ' while ', '; '];

/** Review texts and their labels (1 positive, 0 negative). */
export interface Reviews {
  texts: string[];
  labels: number[];
}

/** `n` generated reviews (see the header), reproducible from `seed`. */
export function generateReviews(n: number, seed: number): Reviews {
  const rng = new Rng(seed);
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)]!;
  const clause = (adjective: string, negated: boolean): string =>
    [pick(SUBJECTS), pick(VERBS), ...(negated ? [pick(NEGATORS)] : []), ...(rng.uniform() < 0.5 ? [pick(INTENSIFIERS)] : []), adjective].join(' ');
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const positive = rng.uniform() < 0.5;
    const negated = rng.uniform() < 0.5;
    const clauses = [clause(pick(positive ? POSITIVE : NEGATIVE), negated)];
    for (let d = rng.int(3); d > 0; d--) clauses.push(clause(pick(NEUTRAL), rng.uniform() < 0.5));
    rng.shuffle(clauses);
    let review = clauses[0]!;
    for (let c = 1; c < clauses.length; c++) review += pick(JOINERS) + clauses[c];
    texts.push(`${review[0]!.toUpperCase()}${review.slice(1)}${pick(['.', '!', ''])}`);
    labels.push(positive !== negated ? 1 : 0);
  }
  return { texts, labels };
}

/** A word-level vectoriser (lower case, no punctuation) fitted on `texts`; reviews have at most 24 words. */
export function reviewVectorizer(texts: readonly string[]): text.TextVectorization {
  const tv = text.textVectorization({ maxTokens: 200, outputSequenceLength: 24 });
  tv.adapt(texts);
  return tv;
}

/** Options of the model builders. */
export interface ClassifierOptions {
  vocabularySize: number;
  sequenceLength: number;
  seed?: number;
}

/** Embedding -> conv1d (32 filters over 3 neighbouring words) -> global max over positions -> 2 logits. */
export function convClassifier({ vocabularySize, sequenceLength, seed = 42 }: ClassifierOptions): Sequential {
  return compileClassifier(new Sequential([
    layers.embedding({ inputDim: vocabularySize, outputDim: 16, inputShape: [sequenceLength] }),
    layers.conv1d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    layers.globalMaxPooling1d(),
    layers.dense({ units: 2 }),
  ], { seed, name: 'conv_classifier' }));
}

/**
 * The order-free baseline: Embedding -> mean over positions -> dense 32 relu -> 2 logits, a small
 * MLP on the bag of words (fastText with a hidden layer): it sees which words occur, not where.
 */
export function bagOfWordsClassifier({ vocabularySize, sequenceLength, seed = 42 }: ClassifierOptions): Sequential {
  return compileClassifier(new Sequential([
    layers.embedding({ inputDim: vocabularySize, outputDim: 16, inputShape: [sequenceLength] }),
    layers.globalAveragePooling1d(),
    layers.dense({ units: 32, activation: 'relu' }),
    layers.dense({ units: 2 }),
  ], { seed, name: 'bag_of_words_classifier' }));
}

function compileClassifier(model: Sequential): Sequential {
  model.compile({ optimizer: optimizers.adam({ learningRate: 5e-3 }), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  return model;
}

/** Fraction of rows of `logits` ([n, classes]) whose largest entry is at the row's label. */
export function accuracy(logits: Tensor, labels: readonly number[]): number {
  const [n, classes] = logits.shape as [number, number];
  if (n !== labels.length) throw new RangeError(`accuracy: ${n} rows of logits for ${labels.length} labels`);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits.data[i * classes + c]! > logits.data[i * classes + best]!) best = c;
    if (best === labels[i]) hits++;
  }
  return hits / n;
}


// TextVectorization: texts -> integer ids (as float32), with a vocabulary learned by `adapt`, as
// Keras's layer of that name in its 'int' output mode. It is a preprocessing object, not a model
// layer: a model's inputs are float32 tensors, so texts are vectorised before `fit`/`predict`.
import { ValueError, showValue } from '../core/errors.js';
import { custom, integer, optionError, optionsSchema, text, type Resolved } from '../core/options.js';
import { Tensor } from '../core/tensor.js';
import { rankTokens, splitText, standardizeText, SPLIT_MODES, STANDARDIZE_MODES, type Split, type Standardize } from './tokenize.js';

/** Options of `text.textVectorization` (Keras names in camelCase; output mode 'int' only). */
export interface TextVectorizationConfig {
  /**
   * Largest vocabulary, the padding and OOV tokens included (so at least 2); `adapt` keeps the
   * `maxTokens - 2` most frequent tokens. Default: no limit.
   */
  maxTokens?: number;
  /** Every output row is padded (at the end, with 0) or truncated (at the end) to this length. Default: the longest text of each call. */
  outputSequenceLength?: number;
  /** Default `'lower_and_strip_punctuation'`. */
  standardize?: Standardize;
  /** Default `'whitespace'`. */
  split?: Split;
  /** The token of id 0 (padding). Default `''`. */
  paddingToken?: string;
  /** The token of id 1 (out of vocabulary). Default `'[UNK]'`. */
  oovToken?: string;
  /** A fixed vocabulary instead of `adapt` (as `setVocabulary`). */
  vocabulary?: readonly string[];
}

const FACTORY = 'text.textVectorization';

const choice = <T>(modes: readonly T[]) => custom((v, who, key) => (modes.includes(v as T) ? (v as T) : optionError(who, key, modes.map((m) => (m === null ? 'null' : `'${String(m)}'`)).join(', '), v)));

const schema = optionsSchema<TextVectorizationConfig>()({
  maxTokens: integer({ min: 2, expected: 'an integer >= 2 (it counts the padding and OOV tokens)' }),
  outputSequenceLength: integer({ min: 1 }),
  standardize: choice(STANDARDIZE_MODES),
  split: choice(SPLIT_MODES),
  paddingToken: custom((v, who, key) => (typeof v === 'string' ? v : optionError(who, key, 'a string', v))),
  oovToken: text(),
  vocabulary: custom((v, who, key) => (Array.isArray(v) ? (v as readonly string[]) : optionError(who, key, 'an array of strings', v))),
});

/**
 * Maps texts to rows of token ids: id 0 is padding, id 1 the out-of-vocabulary token, ids 2...
 * the vocabulary by descending frequency in the texts given to `adapt` (ties in code-unit order).
 *
 * ```ts
 * const tv = text.textVectorization({ maxTokens: 1000, outputSequenceLength: 8 });
 * tv.adapt(['the film was good', 'the plot was not good']);
 * tv.call(['a good film']); // Tensor [1, 8]: [[1, 3, 4, 0, 0, 0, 0, 0]]
 * ```
 */
export class TextVectorization {
  private readonly options: Resolved<TextVectorizationConfig, typeof schema.fields>;
  private readonly standardize: Standardize;
  private readonly split: Split;
  private vocabulary: string[] = [];
  private ids = new Map<string, number>();

  constructor(config: TextVectorizationConfig = {}) {
    this.options = schema.parse(FACTORY, config);
    this.standardize = this.options.standardize === undefined ? 'lower_and_strip_punctuation' : this.options.standardize;
    this.split = this.options.split === undefined ? 'whitespace' : this.options.split;
    if (this.options.oovToken === this.paddingToken) throw new ValueError(`${FACTORY}: oovToken and paddingToken must differ, both are ${showValue(this.paddingToken)}`);
    if (this.options.vocabulary !== undefined) this.setVocabulary(this.options.vocabulary, FACTORY);
  }

  private get paddingToken(): string {
    return this.options.paddingToken ?? '';
  }

  private get oovToken(): string {
    return this.options.oovToken ?? '[UNK]';
  }

  /**
   * Learns the vocabulary from `texts` (replacing any earlier one, as Keras's `adapt`): counts the
   * tokens after standardising and splitting, keeps the most frequent (`maxTokens - 2` of them).
   */
  adapt(texts: readonly string[]): void {
    const counts = new Map<string, number>();
    for (const t of checkTexts(texts, 'TextVectorization.adapt')) {
      for (const token of this.tokenize(t)) {
        if (token === this.paddingToken || token === this.oovToken) continue;
        counts.set(token, (counts.get(token) ?? 0) + 1);
      }
    }
    const limit = this.options.maxTokens === undefined ? counts.size : this.options.maxTokens - 2;
    this.install(rankTokens(counts, limit));
  }

  /**
   * Sets the vocabulary: `vocabulary` lists the tokens from id 2 on, or from id 0 when it starts
   * with the padding and OOV tokens (the form `getVocabulary` returns). Tokens must be unique strings.
   */
  setVocabulary(vocabulary: readonly string[], who = 'TextVectorization.setVocabulary'): void {
    if (!Array.isArray(vocabulary)) throw new ValueError(`${who}: vocabulary must be an array of strings, got ${showValue(vocabulary)}`);
    const tokens = vocabulary[0] === this.paddingToken && vocabulary[1] === this.oovToken ? vocabulary.slice(2) : [...vocabulary];
    const seen = new Set<string>();
    tokens.forEach((token, i) => {
      if (typeof token !== 'string') throw new ValueError(`${who}: vocabulary[${i}] must be a string, got ${showValue(token)}`);
      if (token === this.paddingToken || token === this.oovToken) throw new ValueError(`${who}: the padding and OOV tokens may only open the vocabulary (ids 0 and 1), found ${showValue(token)} among the tokens`);
      if (seen.has(token)) throw new ValueError(`${who}: vocabulary has ${showValue(token)} twice`);
      seen.add(token);
    });
    const max = this.options.maxTokens;
    if (max !== undefined && tokens.length + 2 > max) throw new ValueError(`${who}: vocabulary of ${tokens.length + 2} tokens (padding and OOV included) exceeds maxTokens ${max}`);
    this.install(tokens);
  }

  private requireVocabulary(who: string): void {
    if (this.vocabulary.length === 0) throw new ValueError(`${who}: no vocabulary yet; call adapt(texts) or setVocabulary(tokens) first`);
  }

  private install(tokens: readonly string[]): void {
    this.vocabulary = [this.paddingToken, this.oovToken, ...tokens];
    this.ids = new Map(this.vocabulary.map((token, id) => [token, id]));
  }

  /** The vocabulary by id: `[paddingToken, oovToken, ...tokens]` (empty before `adapt`). */
  getVocabulary(): string[] {
    return [...this.vocabulary];
  }

  /** Number of ids: the vocabulary's length, padding and OOV included (0 before `adapt`). */
  vocabularySize(): number {
    return this.vocabulary.length;
  }

  /** The tokens of one text after standardising and splitting (no lookup, no padding). */
  tokenize(text: string): string[] {
    return this.tokensOf(text, 'TextVectorization.tokenize');
  }

  private tokensOf(text: string, who: string): string[] {
    if (typeof text !== 'string') throw new ValueError(`${who}: expected a string, got ${showValue(text)}`);
    return splitText(standardizeText(text, this.standardize), this.split);
  }

  /** The ids of one text's tokens, unpadded (Keras's `texts_to_sequences`; pad them with `padSequences`). */
  encode(text: string): number[] {
    this.requireVocabulary('TextVectorization.encode');
    return this.tokensOf(text, 'TextVectorization.encode').map((token) => this.ids.get(token) ?? 1);
  }

  /**
   * Vectorises `texts`: a float32 Tensor [texts.length, length] of ids, where length is
   * `outputSequenceLength` or else the longest text's token count; shorter rows end in 0s, longer
   * ones are cut at the end, unknown tokens are 1.
   */
  call(texts: readonly string[]): Tensor {
    const who = 'TextVectorization.call';
    checkTexts(texts, who);
    this.requireVocabulary(who);
    const rows = texts.map((t) => this.encode(t));
    const length = this.options.outputSequenceLength ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
    const out = new Float32Array(rows.length * length);
    rows.forEach((row, i) => out.set(row.length > length ? row.slice(0, length) : row, i * length));
    return new Tensor(out, [rows.length, length]);
  }

  /** The options, with the vocabulary (from id 2 on) when there is one: `textVectorization(getConfig())` rebuilds it. */
  getConfig(): TextVectorizationConfig {
    const config = schema.config(this.options) as TextVectorizationConfig;
    return { ...config, standardize: this.standardize, split: this.split, ...(this.vocabulary.length > 0 ? { vocabulary: this.vocabulary.slice(2) } : {}) };
  }
}

/** Throws unless `texts` is an array of strings; returns it. */
export function checkTexts(texts: readonly string[], who: string): readonly string[] {
  if (!Array.isArray(texts)) throw new ValueError(`${who}: expected an array of strings, got ${typeof texts === 'string' ? `the string ${showValue(texts)} (wrap it in an array)` : showValue(texts)}`);
  const bad = texts.findIndex((t) => typeof t !== 'string');
  if (bad >= 0) throw new ValueError(`${who}: expected an array of strings, but texts[${bad}] is ${showValue(texts[bad])}`);
  return texts;
}

/** A TextVectorization with `config`; `adapt(texts)` it (or give `vocabulary`), then `call(texts)`. */
export const textVectorization = (config: TextVectorizationConfig = {}): TextVectorization => new TextVectorization(config);

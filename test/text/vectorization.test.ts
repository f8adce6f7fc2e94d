// text.textVectorization against Keras's TextVectorization ('int' output mode): vocabulary from
// adapt (padding '' = 0, '[UNK]' = 1, then by frequency, ties in code-unit order), standardize and
// split modes, padding and truncation to outputSequenceLength, and its errors.
import { describe, expect, test } from 'vitest';
import { text, ValueError } from '../../src/index.js';

const rows = (t: { shape: readonly number[]; data: Float32Array }): number[][] =>
  Array.from({ length: t.shape[0]! }, (_, i) => [...t.data.subarray(i * t.shape[1]!, (i + 1) * t.shape[1]!)]);

describe('text.textVectorization', () => {
  test('adapt ranks tokens by count, ties in code-unit order, after the padding and OOV tokens', () => {
    const tv = text.textVectorization();
    tv.adapt(['The cat sat.', 'the dog sat', 'A DOG!']);
    // the: 2, sat: 2, dog: 2, cat: 1, a: 1
    expect(tv.getVocabulary()).toEqual(['', '[UNK]', 'dog', 'sat', 'the', 'a', 'cat']);
    expect(tv.vocabularySize()).toBe(7);
  });

  test('call maps tokens to ids, unknown ones to 1, and pads each row at the end to the longest text', () => {
    const tv = text.textVectorization();
    tv.adapt(['the cat sat', 'the dog sat', 'a dog']);
    const ids = tv.call(['The dog, the BIRD', 'sat', '']);
    expect(ids.shape).toEqual([3, 4]);
    expect(ids.data).toBeInstanceOf(Float32Array);
    const [dog, sat, the] = ['dog', 'sat', 'the'].map((w) => tv.getVocabulary().indexOf(w));
    expect(rows(ids)).toEqual([[the!, dog!, the!, 1], [sat!, 0, 0, 0], [0, 0, 0, 0]]);
  });

  test('encode gives one text\'s ids unpadded, for padSequences', () => {
    const tv = text.textVectorization({ vocabulary: ['a', 'b'] });
    expect(tv.encode('b a c')).toEqual([3, 2, 1]);
    expect(tv.encode('')).toEqual([]);
    expect(() => tv.encode(5 as never)).toThrow(/TextVectorization\.encode: expected a string, got 5/);
    expect(() => text.textVectorization().encode('a')).toThrow(/TextVectorization\.encode: no vocabulary yet/);
  });

  test('outputSequenceLength pads and truncates at the end', () => {
    const tv = text.textVectorization({ outputSequenceLength: 3, vocabulary: ['a', 'b', 'c', 'd'] });
    expect(rows(tv.call(['a b c d', 'd', 'x a']))).toEqual([[2, 3, 4], [5, 0, 0], [1, 2, 0]]);
  });

  test('maxTokens counts the padding and OOV tokens and keeps the most frequent', () => {
    const tv = text.textVectorization({ maxTokens: 4 });
    tv.adapt(['b b b a a c c d']);
    expect(tv.getVocabulary()).toEqual(['', '[UNK]', 'b', 'a']);
    expect(rows(tv.call(['c b a']))).toEqual([[1, 2, 3]]);
  });

  test('adapt replaces the earlier vocabulary', () => {
    const tv = text.textVectorization();
    tv.adapt(['x y']);
    tv.adapt(['z']);
    expect(tv.getVocabulary()).toEqual(['', '[UNK]', 'z']);
  });

  test("split 'character' with standardize null keeps case, spaces and control characters", () => {
    const tv = text.textVectorization({ split: 'character', standardize: null });
    tv.adapt(['\tab A\n', 'é']);
    expect(tv.getVocabulary()).toEqual(['', '[UNK]', '\t', '\n', ' ', 'A', 'a', 'b', 'é']);
    expect(tv.tokenize('ab c')).toEqual(['a', 'b', ' ', 'c']);
    expect(tv.tokenize('😀x')).toEqual(['😀', 'x']); // code points, not UTF-16 units
  });

  test('the standardize modes follow Keras (ASCII punctuation, Unicode lower case)', () => {
    const say = "Don't STOP-me, Ärger!";
    expect(text.textVectorization().tokenize(say)).toEqual(['dont', 'stopme', 'ärger']);
    expect(text.textVectorization({ standardize: 'lower' }).tokenize(say)).toEqual(["don't", 'stop-me,', 'ärger!']);
    expect(text.textVectorization({ standardize: 'strip_punctuation' }).tokenize(say)).toEqual(['Dont', 'STOPme', 'Ärger']);
    expect(text.textVectorization({ standardize: null, split: null }).tokenize(say)).toEqual([say]);
    expect(text.textVectorization({ split: null }).tokenize('')).toEqual([]);
  });

  test('the vocabulary option and setVocabulary accept the tokens with or without the leading padding and OOV tokens', () => {
    const a = text.textVectorization({ vocabulary: ['x', 'y'] });
    const b = text.textVectorization();
    b.setVocabulary(['', '[UNK]', 'x', 'y']);
    expect(a.getVocabulary()).toEqual(['', '[UNK]', 'x', 'y']);
    expect(b.getVocabulary()).toEqual(a.getVocabulary());
    const custom = text.textVectorization({ paddingToken: '<pad>', oovToken: '<unk>', vocabulary: ['x'] });
    expect(custom.getVocabulary()).toEqual(['<pad>', '<unk>', 'x']);
  });

  test('getConfig rebuilds an equal vectorizer', () => {
    const tv = text.textVectorization({ maxTokens: 10, outputSequenceLength: 5, split: 'character', standardize: 'lower' });
    tv.adapt(['Hello world']);
    const config = JSON.parse(JSON.stringify(tv.getConfig()));
    const again = text.textVectorization(config);
    expect(again.getVocabulary()).toEqual(tv.getVocabulary());
    expect(again.call(['HeLLo', 'w']).data).toEqual(tv.call(['HeLLo', 'w']).data);
    expect(config).toMatchObject({ maxTokens: 10, outputSequenceLength: 5, split: 'character', standardize: 'lower' });
  });

  test('tokens equal to the padding or OOV token are not counted by adapt', () => {
    const tv = text.textVectorization({ standardize: null });
    tv.adapt(['[UNK] [UNK] a']);
    expect(tv.getVocabulary()).toEqual(['', '[UNK]', 'a']);
  });

  test('bad options and inputs throw naming the function, what was expected and what was received', () => {
    expect(() => text.textVectorization({ maxTokens: 1 })).toThrow(/text\.textVectorization: maxTokens must be an integer >= 2 \(it counts the padding and OOV tokens\), got 1/);
    expect(() => text.textVectorization({ split: 'words' as never })).toThrow(/text\.textVectorization: split must be 'whitespace', 'character', null, got "words"/);
    expect(() => text.textVectorization({ standardize: 'upper' as never })).toThrow(/standardize must be 'lower_and_strip_punctuation', 'lower', 'strip_punctuation', null/);
    expect(() => text.textVectorization({ outputSequenceLength: 0 })).toThrow(/outputSequenceLength must be an integer >= 1, got 0/);
    expect(() => text.textVectorization({ maxToken: 5 } as never)).toThrow(/unknown option 'maxToken'.*maxTokens/);
    expect(() => text.textVectorization({ oovToken: '' })).toThrow(/oovToken must be a non-empty string/);
    expect(() => text.textVectorization({ oovToken: 'x', paddingToken: 'x' })).toThrow(/oovToken and paddingToken must differ, both are "x"/);
    expect(() => text.textVectorization({ vocabulary: ['a', 'a'] })).toThrow(/text\.textVectorization: vocabulary has "a" twice/);
    expect(() => text.textVectorization({ vocabulary: ['a', '[UNK]'] })).toThrow(/padding and OOV tokens may only open the vocabulary/);
    expect(() => text.textVectorization({ maxTokens: 3, vocabulary: ['a', 'b'] })).toThrow(/vocabulary of 4 tokens .* exceeds maxTokens 3/);
    expect(() => text.textVectorization({ vocabulary: 'abc' as never })).toThrow(ValueError);

    const tv = text.textVectorization();
    expect(() => tv.call(['a'])).toThrow(/TextVectorization\.call: no vocabulary yet; call adapt\(texts\) or setVocabulary\(tokens\) first/);
    expect(() => tv.adapt('one text' as never)).toThrow(/TextVectorization\.adapt: expected an array of strings, got the string "one text" \(wrap it in an array\)/);
    expect(() => tv.adapt(['a', 3 as never])).toThrow(/TextVectorization\.adapt: expected an array of strings, but texts\[1\] is 3/);
    expect(() => tv.setVocabulary([1 as never])).toThrow(/TextVectorization\.setVocabulary: vocabulary\[0\] must be a string, got 1/);
    expect(() => tv.tokenize(null as never)).toThrow(/TextVectorization\.tokenize: expected a string, got null/);
  });
});

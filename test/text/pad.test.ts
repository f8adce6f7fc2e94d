// text.padSequences against Keras's pad_sequences: 'pre' padding and truncation by default,
// 'post' on request, a padding value, maxlen defaulting to the longest sequence.
import { describe, expect, test } from 'vitest';
import { text } from '../../src/index.js';

const rows = (t: { shape: readonly number[]; data: Float32Array }): number[][] =>
  Array.from({ length: t.shape[0]! }, (_, i) => [...t.data.subarray(i * t.shape[1]!, (i + 1) * t.shape[1]!)]);

describe('text.padSequences', () => {
  const seqs = [[1, 2, 3], [4], [5, 6]];

  test('pads before the values to the longest sequence by default, as Keras', () => {
    const t = text.padSequences(seqs);
    expect(t.shape).toEqual([3, 3]);
    expect(rows(t)).toEqual([[1, 2, 3], [0, 0, 4], [0, 5, 6]]);
  });

  test('truncates at the start by default, at the end with truncating post', () => {
    expect(rows(text.padSequences(seqs, { maxlen: 2 }))).toEqual([[2, 3], [0, 4], [5, 6]]);
    expect(rows(text.padSequences(seqs, { maxlen: 2, truncating: 'post' }))).toEqual([[1, 2], [0, 4], [5, 6]]);
  });

  test('padding post and a padding value', () => {
    expect(rows(text.padSequences(seqs, { maxlen: 4, padding: 'post', value: -1 }))).toEqual([[1, 2, 3, -1], [4, -1, -1, -1], [5, 6, -1, -1]]);
  });

  test('typed arrays, empty sequences, maxlen 0 and no sequences', () => {
    expect(rows(text.padSequences([Int32Array.of(7, 8), []], { padding: 'post' }))).toEqual([[7, 8], [0, 0]]);
    expect(text.padSequences(seqs, { maxlen: 0 }).shape).toEqual([3, 0]);
    expect(text.padSequences([]).shape).toEqual([0, 0]);
  });

  test('bad sequences and options throw naming text.padSequences', () => {
    expect(() => text.padSequences('abc' as never)).toThrow(/text\.padSequences: expected an array of sequences \(arrays of numbers\), got "abc"/);
    expect(() => text.padSequences([[1], 2 as never])).toThrow(/text\.padSequences: sequences\[1\] must be an array of numbers, got 2/);
    expect(() => text.padSequences([[1, Number.NaN]])).toThrow(/text\.padSequences: sequences\[0\]\[1\] must be a finite number, got NaN/);
    expect(() => text.padSequences([['a'] as never])).toThrow(/sequences\[0\]\[0\] must be a finite number, got "a"/);
    expect(() => text.padSequences(seqs, { padding: 'both' as never })).toThrow(/text\.padSequences: padding must be 'pre' or 'post', got both/);
    expect(() => text.padSequences(seqs, { maxlen: -1 })).toThrow(/maxlen must be an integer >= 0, got -1/);
    expect(() => text.padSequences(seqs, { value: Infinity })).toThrow(/value must be a finite number, got Infinity/);
    expect(() => text.padSequences(seqs, { maxLen: 3 } as never)).toThrow(/unknown option 'maxLen'.*maxlen/);
  });
});

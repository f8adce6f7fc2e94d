// The README's "Text" example runs as written (transpiled from the README itself), and every
// expression statement gives what its comment says: a value as JSON, or `Tensor [shape]: values`.
import { expect, test } from 'vitest';
import { Tensor, text } from '../../src/index.js';
import { readmeSnippet } from '../readme-snippet.js';

const SECTION = '## Text: vectorization, a classifier and seq2seq';

test('the README text example gives the values its comments show', () => {
  const { js, claims } = readmeSnippet(SECTION, /^([a-zA-Z][^=]*?\));\s*\/\/ (.*)$/);
  expect(claims.length).toBe(3);
  const results: unknown[] = [];
  new Function('text', 'results', js)(text, results);
  claims.forEach((claim, i) => {
    const got = results[i];
    const tensorClaim = /^Tensor \[([0-9, ]+)\]: (.*)$/.exec(claim);
    if (tensorClaim !== null) {
      expect(got).toBeInstanceOf(Tensor);
      expect((got as Tensor).shape.join(', ')).toBe(tensorClaim[1]);
      expect((got as Tensor).toArray()).toEqual(JSON.parse(tensorClaim[2]!));
    } else {
      expect(got).toEqual(JSON.parse(claim.replace(/'/g, '"')));
    }
  });
});

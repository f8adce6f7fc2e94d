// The README's "Text" example runs as written (transpiled from the README itself), and every
// expression statement gives what its comment says: a value as JSON, or `Tensor [shape]: values`.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { Tensor, text } from '../../src/index.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = '## Text: vectorization, a classifier and seq2seq';

test('the README text example gives the values its comments show', () => {
  const section = README.slice(README.indexOf(SECTION));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const claims: string[] = [];
  const body = code
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .map((line) => {
      const m = /^([a-zA-Z][^=]*?\));\s*\/\/ (.*)$/.exec(line);
      if (m === null || /^(const|let) /.test(line)) return line;
      claims.push(m[2]!);
      return `results.push(${m[1]});`;
    })
    .join('\n');
  expect(claims.length).toBe(3);
  const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
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

// The README's "Custom layers, losses and gradients" example runs as written (transpiled from the
// README itself), and every expression statement gives what its comment says.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, test } from 'vitest';
import * as tl from '../../src/index.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = '## Custom layers, losses and gradients';

test('the README custom-layer example trains and gives the values its comments show', async () => {
  const section = README.slice(README.indexOf(SECTION));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const claims: string[] = [];
  const body = code
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .map((line) => {
      const m = /^([a-zA-Z][^=]*?);\s*\/\/ (\[.*\]|\d+.*)$/.exec(line);
      if (m === null || /^(const|let) /.test(line)) return line;
      claims.push(m[2]!.replace(/ \(.*\)$/, ''));
      return `results.push(${m[1]});`;
    })
    .join('\n');
  expect(claims.length).toBe(3);
  const js = ts.transpileModule(`return (async () => {\n${body}\n})();`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const results: unknown[] = [];
  await new Function('layers', 'ops', 'Input', 'Model', 'tensor', 'valueAndGrad', 'applyGradients', 'optimizers', 'results', js)(
    tl.layers, tl.ops, tl.Input, tl.Model, tl.tensor, tl.valueAndGrad, tl.applyGradients, tl.optimizers, results,
  );
  claims.forEach((claim, i) => expect(results[i]).toEqual(JSON.parse(claim.replace(/'/g, '"'))));
});

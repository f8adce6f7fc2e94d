// The README's "Custom layers, losses and gradients" example runs as written (transpiled from the
// README itself), and every expression statement gives what its comment says.
import { expect, test } from 'vitest';
import * as tl from '../../src/index.js';
import { readmeSnippet } from '../readme-snippet.js';

const SECTION = '## Custom layers, losses and gradients';

test('the README custom-layer example trains and gives the values its comments show', async () => {
  const snippet = readmeSnippet(SECTION, /^([a-zA-Z][^=]*?);\s*\/\/ (\[.*\]|\d+.*)$/, true);
  const claims = snippet.claims.map((c) => c.replace(/ \(.*\)$/, ''));
  const js = snippet.js;
  expect(claims.length).toBe(3);
  const results: unknown[] = [];
  await new Function('layers', 'ops', 'Input', 'Model', 'tensor', 'valueAndGrad', 'applyGradients', 'optimizers', 'results', js)(
    tl.layers, tl.ops, tl.Input, tl.Model, tl.tensor, tl.valueAndGrad, tl.applyGradients, tl.optimizers, results,
  );
  claims.forEach((claim, i) => expect(results[i]).toEqual(JSON.parse(claim.replace(/'/g, '"'))));
});

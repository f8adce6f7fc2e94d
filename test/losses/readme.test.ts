// The README's "Activations and losses" example runs as written (transpiled from the README).
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, test } from 'vitest';
import * as tensorlane from '../../src/index.js';
import { expectClose } from '../util.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = '## Activations and losses';

test('the README activations-and-losses example gives the numbers its comments state', async () => {
  const section = README.slice(README.indexOf(SECTION));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const body = code.replace(/^import .*$/m, '');
  const js = ts.transpileModule(`(async () => {\n${body}\nreturn { probs, g, dx, value, gradient, perSample, bce, huber };\n})()`,
    { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const run = new Function('init', 'ops', 'losses', 'tensor', `return ${js}`);
  const r = await run(tensorlane.init, tensorlane.ops, tensorlane.losses, tensorlane.tensor);
  expect(r.probs.data[0]).toBeCloseTo(0.775, 3);
  expect(r.g.shape).toEqual([1, 4]);
  expect(r.dx.data[0]).toBeCloseTo(1.00694, 4); // gelu'(3.2) = Phi(3.2) + 3.2 phi(3.2)
  expect(r.value).toBeCloseTo(0.255, 3);
  expectClose(r.gradient.data, [r.probs.data[0] - 1, r.probs.data[1], r.probs.data[2], r.probs.data[3]], 'README gradient', 1e-6, 1e-7);
  expect(r.perSample.data[0]).toBeCloseTo(r.value, 6);
  expect(r.bce).toBeCloseTo(4.605, 3);
  expect(r.huber.getConfig()).toEqual({ delta: 2 });
});

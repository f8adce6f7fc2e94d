// Every optimizer against PyTorch 1.13 trajectories (scripts/fixtures/optim.py): 5 steps on
// parameters of 1, 2, 3, 4, 7 and 37 floats (every SIMD tail length), with weight decay, momentum,
// nesterov, amsgrad, centered and the three clipping options.
import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import * as optimizers from '../../src/optimizers/index.js';
import { expectClose } from '../util.js';
import { FakeParams } from './helpers.js';

interface Case { name: string; options: Record<string, unknown>; sizes: number[]; init: number[][]; grads: number[][][]; params: number[][][] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optim/trajectories.json', import.meta.url), 'utf8')) as { format: number; cases: Case[] };

let live: FakeParams | undefined;
afterEach(() => live?.free());

describe('optimizers against torch.optim', () => {
  test('the fixture file has format 1 and covers every registered optimizer', () => {
    expect(fixture.format).toBe(1);
    const names = new Set(fixture.cases.map((c) => c.name));
    for (const name of ['sgd', 'adam', 'adamw', 'adagrad', 'rmsprop', 'adadelta', 'adamax', 'nadam']) expect(names).toContain(name);
  });

  test.each(fixture.cases.map((c) => [`${c.name} ${JSON.stringify(c.options)}`, c] as const))('%s follows the torch trajectory', (_, c) => {
    live = new FakeParams(c.init);
    const opt = optimizers.get(c.name, c.options);
    opt.build(live.refs);
    c.grads.forEach((grads, step) => {
      live!.setGrads(grads);
      opt.step();
      live!.values().forEach((got, i) => expectClose(got, c.params[step]![i]!, `${c.name} n=${c.sizes[i]} step ${step + 1}`, 2e-6, 2e-7));
    });
  });
});

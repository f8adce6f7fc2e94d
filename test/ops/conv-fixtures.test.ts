// PyTorch fixtures (scripts/fixtures/conv.py) pinning padding, layouts and pooling divisors.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ops, tensor, type Tensor } from '../../src/api.js';
import { conv2dGeometry } from '../../src/ops/conv.js';
import { expectClose } from '../util.js';

interface Dumped { shape: number[]; data: number[] }
interface Case {
  name: string; op: string; options: Record<string, unknown>; pads?: number[];
  x: Dumped; w?: Dumped; bias?: Dumped; y: Dumped; dy: Dumped; dx: Dumped; dw?: Dumped; db?: Dumped;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/conv/torch.json', import.meta.url), 'utf8')) as { format: number; cases: Case[] };
const t = (d: Dumped): Tensor => tensor(d.data, d.shape);
const close = (got: Tensor, want: Dumped, what: string) => {
  expect(got.shape).toEqual(want.shape);
  expectClose(got.data, want.data, what, 2e-5, 2e-5);
};

describe('PyTorch fixtures', () => {
  test('the fixture file has format 1 and cases of every op', () => {
    expect(fixture.format).toBe(1);
    expect(new Set(fixture.cases.map((c) => c.op))).toEqual(new Set(['conv2d', 'depthwiseConv2d', 'conv2dTranspose', 'avgPool2d', 'maxPool2d']));
  });

  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const x = t(c.x);
    const dy = t(c.dy);
    const options = c.options as never;
    if (c.op === 'conv2d' || c.op === 'depthwiseConv2d' || c.op === 'conv2dTranspose') {
      const w = t(c.w!);
      type Ops = [typeof ops.depthwiseConv2d, typeof ops.conv2dBackpropInput, typeof ops.conv2dBackpropFilter];
      const table: Record<string, Ops> = {
        conv2d: [ops.conv2d, ops.conv2dBackpropInput, ops.conv2dBackpropFilter],
        depthwiseConv2d: [ops.depthwiseConv2d, ops.depthwiseConv2dBackpropInput, ops.depthwiseConv2dBackpropFilter],
        conv2dTranspose: [ops.conv2dTranspose, ops.conv2dTransposeBackpropInput, ops.conv2dTransposeBackpropFilter],
      };
      const [forward, input, filter] = table[c.op]!;
      if (c.pads) expect(conv2dGeometry(x.shape, w.shape, options).padding).toEqual(c.pads);
      close(forward(x, w, { ...(c.options as object), bias: c.bias ? t(c.bias) : undefined }), c.y, `${name} y`);
      close(input(dy, w, x.shape, options), c.dx, `${name} dx`);
      close(filter(x, dy, w.shape, options), c.dw!, `${name} dw`);
      if (c.db) close(ops.conv2dBackpropBias(dy), c.db, `${name} db`);
    } else if (c.op === 'avgPool2d') {
      close(ops.avgPool2d(x, options), c.y, `${name} y`);
      close(ops.avgPool2dBackward(dy, x.shape, options), c.dx, `${name} dx`);
    } else {
      close(ops.maxPool2d(x, options), c.y, `${name} y`);
      close(ops.maxPool2dBackward(dy, x, options), c.dx, `${name} dx`);
    }
  });
});

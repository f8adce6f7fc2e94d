// Kernel structs: their layouts come from the module's exported constants, `writeStruct` puts
// each field where the AssemblyScript class reads it, and the pool hands out distinct records
// and takes them back.
import { describe, expect, test } from 'vitest';
import { f32, heap, i32 } from '../../src/backend/memory.js';
import { CONSTANTS } from '../../src/kernels/exports.js';
import { GEOMETRY_BYTES, GEOMETRY_OFFSETS } from '../../src/kernels/geometry.js';
import { ADADELTA_HYPER, ADAM_BINDING, ADAM_HYPER, ADAMAX_HYPER, NADAM_HYPER, RMSPROP_HYPER } from '../../src/kernels/optim.js';
import { AUGMENT_GEOMETRY } from '../../src/kernels/augment.js';
import { LOSS_SHAPE, LossShapeBinding } from '../../src/kernels/loss.js';
import { STRUCT_RECORD_BYTES, allocStruct, freeStructs, writeStruct, type StructLayout } from '../../src/kernels/structs.js';
import { GEOMETRY_FIELDS } from '../../src/ops/geometry.js';
import * as optimizers from '../../src/optimizers/index.js';
import { FakeParams } from '../optimizers/helpers.js';

const LAYOUTS: Record<string, StructLayout<string, string>> = { ADAM_HYPER, ADAM_BINDING, RMSPROP_HYPER, ADADELTA_HYPER, ADAMAX_HYPER, NADAM_HYPER, LOSS_SHAPE };

describe('layouts', () => {
  test.each(Object.entries(LAYOUTS))('%s: fields are distinct, 4-byte aligned, inside the struct, and fit a pool record', (_, layout) => {
    const offsets = [...Object.values(layout.f32), ...Object.values(layout.i32)].sort((a, b) => a - b);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets.every((o) => o % 4 === 0 && o + 4 <= layout.bytes)).toBe(true);
    expect(layout.bytes).toBe(offsets.length * 4);
    expect(layout.bytes).toBeLessThanOrEqual(STRUCT_RECORD_BYTES);
  });

  test('the windowed-op geometry: every TS field has an offset, in the order of assembly/geometry.ts', () => {
    expect(GEOMETRY_FIELDS.map((f) => GEOMETRY_OFFSETS[f])).toEqual(GEOMETRY_FIELDS.map((_, i) => i * 4));
    expect(GEOMETRY_BYTES).toBe(GEOMETRY_FIELDS.length * 4);
    expect(Object.keys(GEOMETRY_OFFSETS).sort()).toEqual([...GEOMETRY_FIELDS].sort());
  });

  test('the augmentation geometry fits its declared size', () => {
    const { bytes, ...fields } = AUGMENT_GEOMETRY;
    expect(Math.max(...Object.values(fields)) + 4).toBeLessThanOrEqual(bytes);
    expect(bytes).toBe(CONSTANTS.AUGMENT_GEOMETRY_BYTES);
  });
});

describe('writeStruct', () => {
  test('writes f32 fields rounded to f32 and i32 fields as integers at their offsets', () => {
    const p = allocStruct(ADAM_HYPER.bytes, 'test');
    try {
      writeStruct(p, ADAM_HYPER, { beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, eps: 1e-8, weightDecay: 0, flags: 3 });
      expect(f32()[(p + ADAM_HYPER.f32.beta1) >>> 2]).toBe(Math.fround(0.9));
      expect(f32()[(p + ADAM_HYPER.f32.eps) >>> 2]).toBe(Math.fround(1e-8));
      expect(i32()[(p + ADAM_HYPER.i32.flags) >>> 2]).toBe(3);
    } finally {
      freeStructs(heap(), [p]);
    }
  });
});

describe('the struct pool', () => {
  test('hands out distinct zeroed records without a heap block each, and takes them back', () => {
    const blocks = heap().blockCount;
    const records = Array.from({ length: 10 }, () => allocStruct(24, 'test'));
    expect(new Set(records).size).toBe(10);
    expect(records.every((r) => r % 16 === 0)).toBe(true);
    expect(records.every((r) => f32().subarray(r >>> 2, (r >>> 2) + 16).every((v) => v === 0))).toBe(true);
    expect(heap().blockCount).toBeLessThanOrEqual(blocks + 1);
    freeStructs(heap(), records);
    const again = allocStruct(24, 'test');
    expect(records).toContain(again);
    freeStructs(heap(), [again]);
  });

  test('grows by a slab when a slab runs out', () => {
    const records = Array.from({ length: 200 }, () => allocStruct(64, 'test'));
    expect(new Set(records).size).toBe(200);
    freeStructs(heap(), records);
  });

  test('refuses a struct larger than a record', () => {
    expect(() => allocStruct(STRUCT_RECORD_BYTES + 4, 'adam')).toThrow(/adam: a kernel struct must take 1 to 64 bytes, got 68/);
  });
});

describe('optimizers write their structs once, at build', () => {
  test('adam: the hyperparameters and each binding hold what the optimizer was built with', () => {
    const fp = new FakeParams([[1, 2, 3], [4, 5]]);
    try {
      const opt = optimizers.adam({ beta1: 0.8, amsgrad: true, weightDecay: 0.5 });
      opt.build(fp.refs);
      const internal = opt as unknown as { hyper: number; entries: Map<string, { binding: number; slots: number[] }> };
      const h = internal.hyper;
      expect(f32()[(h + ADAM_HYPER.f32.beta1) >>> 2]).toBe(Math.fround(0.8));
      expect(f32()[(h + ADAM_HYPER.f32.oneMinusBeta1) >>> 2]).toBe(Math.fround(1 - 0.8));
      expect(i32()[(h + ADAM_HYPER.i32.flags) >>> 2]).toBe(CONSTANTS.ADAM_AMSGRAD | CONSTANTS.ADAM_L2);
      const entry = internal.entries.get('p1')!;
      const read = (field: keyof typeof ADAM_BINDING.i32) => i32()[(entry.binding + ADAM_BINDING.i32[field]) >>> 2];
      expect([read('param'), read('grad'), read('m'), read('v'), read('vmax'), read('n')]).toEqual([
        fp.refs[1]!.ptr, fp.refs[1]!.gradPtr, entry.slots[0], entry.slots[1], entry.slots[2], 2,
      ]);
      const before = Array.from(f32().subarray(h >>> 2, (h + ADAM_HYPER.bytes) >>> 2));
      fp.setGrads([[1, 1, 1], [1, 1]]);
      opt.step();
      opt.step();
      expect(Array.from(f32().subarray(h >>> 2, (h + ADAM_HYPER.bytes) >>> 2))).toEqual(before);
    } finally {
      fp.free();
    }
  });
});

describe('a loss writes its LossShape struct when its values change, not per call', () => {
  test('bind returns the same struct and rewrites it only for new values', () => {
    const binding = new LossShapeBinding('test');
    const p = binding.bind(4, 10, 0.5, 0);
    expect([i32()[(p + LOSS_SHAPE.i32.positions) >>> 2], i32()[(p + LOSS_SHAPE.i32.width) >>> 2], f32()[(p + LOSS_SHAPE.f32.a) >>> 2]]).toEqual([4, 10, 0.5]);
    i32()[(p + LOSS_SHAPE.i32.width) >>> 2] = 99; // a per-call write would undo this
    expect(binding.bind(4, 10, 0.5, 0)).toBe(p);
    expect(i32()[(p + LOSS_SHAPE.i32.width) >>> 2]).toBe(99);
    expect(binding.bind(4, 12, 0.5, 0)).toBe(p);
    expect(i32()[(p + LOSS_SHAPE.i32.width) >>> 2]).toBe(12);
  });
});

import { describe, expect, test } from 'vitest';
import { data, tensor } from '../../src/index.js';
import { expectClose, randomArray } from '../util.js';

describe('data.oneHot', () => {
  test('puts a 1 in each label column', () => {
    const t = data.oneHot(tensor([2, 0, 1]), 3);
    expect(t.shape).toEqual([3, 3]);
    expect([...t.data]).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect([...data.oneHot([1], 2).data]).toEqual([0, 1]);
  });

  test('rejects non-integer or out-of-range labels and a bad class count', () => {
    expect(() => data.oneHot(tensor([0, 3]), 3)).toThrow(/data.oneHot: label 1 is 3; expected an integer in \[0, 3\)/);
    expect(() => data.oneHot(tensor([0.5]), 3)).toThrow(/label 0 is 0.5/);
    expect(() => data.oneHot(tensor([0]), 0)).toThrow(/numClasses must be a positive integer, got 0/);
    expect(() => data.oneHot(tensor([0, 1, 0, 1], [2, 2]), 2)).toThrow(/expected labels of shape \[n\] or \[n, 1\], got \[2, 2\]/);
  });
});

describe('data.standardize', () => {
  test('gives zero mean and unit std per feature on train, and applies the same map to test', () => {
    const train = tensor(randomArray(200 * 3, 7, -5, 20), [200, 3]);
    const s = data.standardize(train);
    const z = s.apply(train);
    for (let f = 0; f < 3; f++) {
      let mean = 0;
      let sq = 0;
      for (let r = 0; r < 200; r++) mean += z.data[r * 3 + f]! / 200;
      for (let r = 0; r < 200; r++) sq += (z.data[r * 3 + f]! - mean) ** 2 / 200;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.abs(Math.sqrt(sq) - 1)).toBeLessThan(1e-5);
    }
    const test = tensor([s.offset[0]!, s.offset[1]! + s.scale[1]!, 0], [1, 3]);
    const zt = s.apply(test);
    expectClose([zt.data[0]!, zt.data[1]!], [0, 1], 'standardize apply to test', 1e-6, 1e-6);
    expectClose(s.invert(z).data, train.data, 'invert(apply(x))', 1e-5, 1e-5);
  });

  test('works per channel on NHWC images and keeps scale 1 for a constant feature', () => {
    const x = tensor([1, 5, 3, 5], [1, 2, 1, 2]);
    const s = data.standardize(x);
    expect([...s.offset]).toEqual([2, 5]);
    expect([...s.scale]).toEqual([1, 1]);
    expect(roundTrip(s)).toEqual(s.toJSON());
  });

  test('rejects a feature-count mismatch, non-finite data and rank-1 input', () => {
    const s = data.standardize(tensor([1, 2, 3, 4], [2, 2]));
    expect(() => s.apply(tensor([1, 2, 3], [1, 3]))).toThrow(/Scaler.apply: fitted on 2 features \(last axis\), got shape \[1, 3\]/);
    expect(() => data.standardize(tensor([1, NaN], [1, 2]))).toThrow(/data.standardize: value 1 is NaN/);
    expect(() => data.standardize(tensor([1, 2]))).toThrow(/data.standardize: expected rank 2 or 3 or 4 or 5, got shape \[2\]/);
  });
});

function roundTrip(s: data.Scaler) {
  return data.Scaler.fromJSON(JSON.parse(JSON.stringify(s))).toJSON();
}

describe('data.normalize', () => {
  test('maps the training range of each feature onto [0, 1] or a given range', () => {
    const x = tensor([0, 10, 5, 20, 10, 30], [3, 2]);
    expect([...data.normalize(x).apply(x).data]).toEqual([0, 0, 0.5, 0.5, 1, 1]);
    const m = data.normalize(x, { range: [-1, 1] });
    expect([...m.apply(tensor([5, 40], [1, 2])).data]).toEqual([0, 2]);
    expect(() => data.normalize(x, { range: [1, 1] })).toThrow(/data.normalize: range must be \[lo, hi\] with lo < hi, got \[1, 1\]/);
    expect(() => data.normalize(x, { range: 5 as never })).toThrow(/data.normalize: range must be \[lo, hi\] with lo < hi, got 5/);
    expect(() => data.normalize(x, { range: [0, 1, 2] as never })).toThrow(/data.normalize: range must be \[lo, hi\] with lo < hi, got \[0, 1, 2\]/);
    expect(() => data.normalize(x, null as never)).toThrow(/data.normalize: options must be an object, got null/);
  });
});

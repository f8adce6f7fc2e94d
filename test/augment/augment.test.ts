import { describe, expect, test } from 'vitest';
import { augment, tensor, Tensor, ShapeError, Rng } from '../../src/index.js';
import { heap, memoryBytes, f32 } from '../../src/backend/memory.js';
import { affineWarpReference } from '../reference/augment.js';
import { expectClose, randomArray, toWasm, fromWasm } from '../util.js';


const images = (n: number, h: number, w: number, c: number, seed = 1) => tensor(randomArray(n * h * w * c, seed, 0, 1), [n, h, w, c]);

/** FNV-1a over the float bits: a golden checksum of a batch. */
function checksum(t: Tensor): string {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

// Golden FNV-1a checksums of each augmentation of images(4, 7, 9, 3) with new Rng(2026): any change
// in the kernels, the parameter draws or the generator shows up here.
const ALL: Array<[string, () => augment.Augmentation, string]> = [
  ['randomFlip', () => augment.randomFlip(), '61955aad'],
  ['randomRotation', () => augment.randomRotation(0.1), 'db89805e'],
  ['randomZoom', () => augment.randomZoom(0.2, { fillMode: 'constant' }), 'b2107586'],
  ['randomTranslation', () => augment.randomTranslation(0.1, 0.2, { fillMode: 'wrap' }), '1645ed01'],
  ['randomShear', () => augment.randomShear(0.3, { yFactor: 0.1, fillMode: 'nearest', interpolation: 'nearest' }), 'cad2388d'],
  ['randomCrop', () => augment.randomCrop(5, 6), '4f55e8f9'],
  ['randomResizedCrop', () => augment.randomResizedCrop(6, 5), '729c35de'],
  ['gaussianNoise', () => augment.gaussianNoise(0.1), 'a0ffa2ac'],
  ['randomBrightness', () => augment.randomBrightness(0.2), '5e274889'],
  ['randomContrast', () => augment.randomContrast(0.5), '376918f4'],
  ['randomErasing', () => augment.randomErasing({ probability: 0.8 }), '78eb8b06'],
  ['cutout', () => augment.cutout(3), '574b5e31'],
];

describe('augmentations', () => {
  test.each(ALL)('%s is deterministic for a seed (golden checksum %s)', (_, make, golden) => {
    const x = images(4, 7, 9, 3);
    const a = augment.apply(make(), x, { rng: new Rng(2026) });
    const b = augment.apply(make(), x, { rng: new Rng(2026) });
    const c = augment.apply(make(), x, { rng: new Rng(2027) });
    expect(checksum(a)).toBe(golden);
    expect(checksum(b)).toBe(golden);
    expect(checksum(c)).not.toBe(golden);
    expect(a.data.every(Number.isFinite)).toBe(true);
  });

  test.each([
    ['randomRotation(0)', augment.randomRotation(0)],
    ['randomZoom(0)', augment.randomZoom(0)],
    ['randomTranslation(0, 0)', augment.randomTranslation(0, 0)],
    ['randomShear(0)', augment.randomShear(0)],
    ['randomCrop at full size', augment.randomCrop(7, 9)],
    ['randomBrightness(0)', augment.randomBrightness(0)],
    ['randomContrast(0)', augment.randomContrast(0)],
    ['gaussianNoise(0)', augment.gaussianNoise(0)],
    ['randomErasing(probability 0)', augment.randomErasing({ probability: 0 })],
    ['randomResizedCrop(scale 1, ratio w/h)', augment.randomResizedCrop(7, 9, { scale: [1, 1], ratio: [9 / 7, 9 / 7] })],
  ])('%s is the identity', (_, op) => {
    const x = images(3, 7, 9, 2);
    expect(augment.apply(op, x, { rng: new Rng(5) }).data).toEqual(x.data);
  });
});

describe('randomFlip', () => {
  test('flipping twice with the same parameters is the identity, for every channel count and odd sizes', () => {
    for (const [h, w, c] of [[1, 1, 1], [3, 5, 1], [7, 9, 1], [4, 13, 3], [5, 2, 4], [6, 17, 5]] as const) {
      const flip = augment.randomFlip();
      const x = images(8, h, w, c, h * w + c);
      const params = flip.sample(x.shape, new Rng(h));
      expect(flip.apply(flip.apply(x, params), params).data).toEqual(x.data);
    }
  });

  test('mirrors columns for flag 1 and rows for flag 2', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3, 1]);
    const flip = augment.randomFlip();
    expect([...flip.apply(x, Float32Array.of(1, 2)).data]).toEqual([3, 2, 1, 6, 5, 4, 10, 11, 12, 7, 8, 9]);
    const rgb = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [1, 1, 5, 3]);
    expect([...flip.apply(rgb, Float32Array.of(1)).data]).toEqual([13, 14, 15, 10, 11, 12, 7, 8, 9, 4, 5, 6, 1, 2, 3]);
    const wide = tensor(Float32Array.from({ length: 11 }, (_, i) => i), [1, 1, 11, 1]);
    expect([...flip.apply(wide, Float32Array.of(3)).data]).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  test('matches a reference mirror for every width 1..33 (SIMD blocks and scalar middle) and channel counts', () => {
    const flip = augment.randomFlip();
    for (let w = 1; w <= 33; w++) {
      for (const c of [1, 2, 3]) {
        const h = 3;
        const x = images(2, h, w, c, w * 7 + c);
        const out = flip.apply(x, Float32Array.of(1, 3));
        for (let i = 0; i < 2; i++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
          const sy = i === 1 ? h - 1 - y : y;
          const got = out.data[((i * h + y) * w + xx) * c + ch];
          const want = x.data[((i * h + sy) * w + (w - 1 - xx)) * c + ch];
          if (got !== want) throw new Error(`randomFlip w=${w} c=${c} image ${i} (${y}, ${xx}, ${ch}): got ${got} want ${want}`);
        }
      }
    }
  });

  test('only horizontal mode never flips rows, and flips about half of the images', () => {
    const params = augment.randomFlip('horizontal').sample([1000, 2, 2, 1], new Rng(3));
    expect(params.every((f) => f === 0 || f === 1)).toBe(true);
    const flipped = params.filter((f) => f === 1).length;
    expect(flipped).toBeGreaterThan(440);
    expect(flipped).toBeLessThan(560);
  });
});

describe('randomRotation', () => {
  test('a quarter turn is counter-clockwise and exact with nearest interpolation', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const out = augment.apply(augment.randomRotation([0.25, 0.25], { interpolation: 'nearest' }), x, { rng: new Rng(0) });
    expect([...out.data]).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
  });

  test('draws angles within the factor and uses the Keras rotation matrix', () => {
    const m = augment.randomRotation(0.05).sample([200, 9, 5, 1], new Rng(2));
    for (let i = 0; i < 200; i++) {
      const [c, ms, xo, s, c2, yo] = m.subarray(i * 6, i * 6 + 6) as unknown as number[];
      expect(Math.abs(Math.atan2(s!, c!))).toBeLessThanOrEqual(0.05 * 2 * Math.PI + 1e-6);
      expect(c2).toBe(c);
      expect(ms).toBe(-s!);
      // The centre ((w-1)/2, (h-1)/2) maps to itself.
      expect(c! * 2 - s! * 4 + xo!).toBeCloseTo(2, 5);
      expect(s! * 2 + c! * 4 + yo!).toBeCloseTo(4, 5);
    }
  });
});

describe('randomCrop', () => {
  test('crops stay inside the input: each output is a window of its image', () => {
    const x = tensor(Float32Array.from({ length: 6 * 9 * 11 * 2 }, (_, i) => i), [6, 9, 11, 2]);
    const crop = augment.randomCrop(4, 5);
    const out = augment.apply(crop, x, { rng: new Rng(8) });
    expect(out.shape).toEqual([6, 4, 5, 2]);
    for (let i = 0; i < 6; i++) {
      const first = out.data[i * 40]!;
      const pixel = first / 2 - i * 99;
      const top = Math.floor(pixel / 11);
      const left = pixel % 11;
      expect(top + 4).toBeLessThanOrEqual(9);
      expect(left + 5).toBeLessThanOrEqual(11);
      for (let y = 0; y < 4; y++) for (let xx = 0; xx < 5; xx++) for (let ch = 0; ch < 2; ch++) {
        expect(out.data[((i * 4 + y) * 5 + xx) * 2 + ch]).toBe(x.data[((i * 9 + top + y) * 11 + left + xx) * 2 + ch]);
      }
    }
  });

  test('with padding keeps the size, pads with zeros and runs in place', () => {
    const crop = augment.randomCrop(8, 8, { padding: 2 });
    expect(crop.outputShape([3, 8, 8, 1])).toEqual([3, 8, 8, 1]);
    const out = augment.apply(crop, tensor(new Float32Array(3 * 64).fill(1), [3, 8, 8, 1]), { rng: new Rng(4) });
    expect(out.data.every((v) => v === 0 || v === 1)).toBe(true);
    expect(() => augment.randomCrop(9, 3).outputShape([1, 8, 8, 1])).toThrow(/randomCrop: a 9x3 crop does not fit images \[1, 8, 8, 1\] with padding 0/);
  });
});

describe('randomResizedCrop', () => {
  test('resizes a window to the output size with values inside the input range', () => {
    const x = images(16, 12, 10, 3, 9);
    const out = augment.apply(augment.randomResizedCrop(7, 8), x, { rng: new Rng(6) });
    expect(out.shape).toEqual([16, 7, 8, 3]);
    const m = augment.randomResizedCrop(7, 8).sample(x.shape, new Rng(6));
    for (let i = 0; i < 16; i++) {
      const [sx, , ox, , sy, oy] = m.subarray(i * 6, i * 6 + 6) as unknown as number[];
      const left = ox! - 0.5 * sx! + 0.5;
      const top = oy! - 0.5 * sy! + 0.5;
      expect(left).toBeGreaterThanOrEqual(-1e-6);
      expect(top).toBeGreaterThanOrEqual(-1e-6);
      expect(left + sx! * 8).toBeLessThanOrEqual(10 + 1e-5);
      expect(top + sy! * 7).toBeLessThanOrEqual(12 + 1e-5);
    }
    expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out.data)).toBeLessThanOrEqual(1);
  });
});

describe('randomResizedCrop fallback', () => {
  test('uses the centred window within the ratio when 10 draws do not fit', () => {
    const m = augment.randomResizedCrop(4, 6, { scale: [1, 1], ratio: [3, 3] }).sample([2, 10, 12, 1], new Rng(1));
    // w/h = 1.2 < 3: the window is 12 wide and round(12 / 3) = 4 high, starting at row 3.
    expect([...m.subarray(0, 6)]).toEqual([2, 0, 0.5, 0, 1, 3]);
    expect([...m.subarray(6, 12)]).toEqual([...m.subarray(0, 6)]);
  });
});

describe('gaussianNoise', () => {
  test('has the requested mean and standard deviation over many samples', () => {
    const out = augment.apply(augment.gaussianNoise(0.5), tensor(new Float32Array(64 * 28 * 28), [64, 28, 28, 1]), { rng: new Rng(1) });
    let mean = 0;
    for (const v of out.data) mean += v / out.size;
    let variance = 0;
    for (const v of out.data) variance += (v - mean) ** 2 / out.size;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(variance) - 0.5)).toBeLessThan(0.01);
  });

  test.each([1, 2, 3, 5, 7, 17, 33])('apply adds exactly the given noise, %i values per image (SIMD body and tail)', (w) => {
    const x = images(2, 1, w, 1, w);
    const noise = randomArray(2 * w, w + 100);
    const out = augment.gaussianNoise(0.3).apply(x, noise);
    expect(Array.from(out.data)).toEqual(Array.from(x.data, (v, i) => Math.fround(v + noise[i]!)));
  });
});

describe('randomBrightness and randomContrast', () => {
  test('brightness adds one delta per image and clips to the value range', () => {
    const x = tensor([0.1, 0.95, 0.5, 0.2], [2, 1, 2, 1]);
    const out = augment.randomBrightness(0.2).apply(x, Float32Array.of(0.1, -0.3));
    expectClose(out.data, [0.2, 1, 0.2, 0], 'brightness');
    const deltas = augment.randomBrightness(0.2, { valueRange: [0, 255] }).sample([500, 1, 1, 1], new Rng(3));
    expect(Math.max(...deltas.map(Math.abs))).toBeLessThanOrEqual(0.2 * 255);
    expect(Math.max(...deltas.map(Math.abs))).toBeGreaterThan(0.18 * 255);
  });

  test('contrast scales each channel around its mean', () => {
    const x = tensor([0.2, 0.9, 0.4, 0.1, 0.6, 0.5], [1, 1, 3, 2]);
    const out = augment.randomContrast(0.5).apply(x, Float32Array.of(0.5));
    // channel 0: mean 0.4 -> [0.3, 0.4, 0.5]; channel 1: mean 0.5 -> [0.7, 0.3, 0.5]
    expectClose(out.data, [0.3, 0.7, 0.4, 0.3, 0.5, 0.5], 'contrast', 1e-6, 1e-6);
    const c1 = augment.randomContrast(1).apply(images(2, 5, 7, 1), Float32Array.of(3, 0));
    expect(c1.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(new Set(c1.data.subarray(35)).size).toBe(1); // factor 0: every pixel becomes the mean
  });
});

describe('pixel kernels against TS references on odd sizes', () => {
  test('brightness, contrast and erasing match plain loops (SIMD bodies and tails)', () => {
    for (const [h, w, c] of [[1, 1, 1], [1, 3, 1], [3, 5, 1], [5, 7, 2], [7, 3, 3], [9, 11, 1], [4, 17, 5]] as const) {
      const n = 3;
      const x = images(n, h, w, c, h * 31 + w * 7 + c);
      const size = h * w * c;
      const deltas = Float32Array.of(0.3, -0.2, 0.05);
      const bright = augment.randomBrightness(0.5).apply(x, deltas);
      expectClose(bright.data, x.data.map((v, k) => Math.min(1, Math.max(0, v + deltas[Math.floor(k / size)]!))), `brightness ${h}x${w}x${c}`, 1e-6, 1e-7);
      const factors = Float32Array.of(1.7, 0.4, 1);
      const contrast = augment.randomContrast([0.6, 0.7]).apply(x, factors);
      const want = new Float32Array(x.size);
      for (let i = 0; i < n; i++) {
        for (let ch = 0; ch < c; ch++) {
          let mean = 0;
          for (let p = 0; p < h * w; p++) mean += x.data[i * size + p * c + ch]! / (h * w);
          for (let p = 0; p < h * w; p++) {
            const k = i * size + p * c + ch;
            want[k] = Math.min(1, Math.max(0, (x.data[k]! - mean) * factors[i]! + mean));
          }
        }
      }
      expectClose(contrast.data, want, `contrast ${h}x${w}x${c}`, 1e-5, 1e-6);
      const rect = Float32Array.of(0, 0, h, w, -2, h > 1 ? 1 : 0, w > 2 ? 1 : 0, 1, 1, 5, 0, 0, 0, 0, 7);
      const erased = augment.cutout(1).apply(x, rect);
      for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) {
        const [top, left, rh, rw, value] = rect.subarray(i * 5, i * 5 + 5) as unknown as number[];
        const inside = y >= top! && y < top! + rh! && xx >= left! && xx < left! + rw!;
        const k = ((i * h + y) * w + xx) * c + ch;
        expect(erased.data[k]).toBe(inside ? value : x.data[k]);
      }
    }
  });
});

describe('randomErasing and cutout', () => {
  test('erase one rectangle inside the image, of the requested area', () => {
    const x = tensor(new Float32Array(200 * 10 * 12).fill(1), [200, 10, 12, 1]);
    const erase = augment.randomErasing({ probability: 1, scale: [0.1, 0.2], value: -1 });
    const params = erase.sample(x.shape, new Rng(2));
    const out = erase.apply(x, params);
    let erased = 0;
    for (let i = 0; i < 200; i++) {
      const [top, left, h, w, value] = params.subarray(i * 5, i * 5 + 5) as unknown as number[];
      expect(value).toBe(-1);
      expect(top! + h!).toBeLessThanOrEqual(10);
      expect(left! + w!).toBeLessThanOrEqual(12);
      const count = out.data.subarray(i * 120, (i + 1) * 120).filter((v) => v === -1).length;
      expect(count).toBe(h! * w!);
      if (count > 0) erased++;
      expect(count).toBeLessThanOrEqual(Math.round(0.2 * 120 * 1.4));
    }
    expect(erased).toBeGreaterThan(190);
  });

  test('cutout clips its square to the image', () => {
    const params = augment.cutout(5).sample([100, 6, 6, 3], new Rng(4));
    for (let i = 0; i < 100; i++) {
      const [top, left, h, w] = params.subarray(i * 5, i * 5 + 4) as unknown as number[];
      expect(top! >= 0 && left! >= 0 && top! + h! <= 6 && left! + w! <= 6 && h! >= 3 && w! >= 3).toBe(true);
    }
  });

  test('apply rejects rectangles outside the image', () => {
    const x = images(1, 4, 4, 1);
    expect(() => augment.cutout(2).apply(x, Float32Array.of(3, 0, 2, 2, 0))).toThrow(/cutout.apply: rectangle of image 0 \[top 3, left 0, 2x2\] must be whole pixels inside 4x4/);
  });
});

describe('augment.sequence', () => {
  test('composes consecutive geometric steps into one warp: p_in = M1(M2(p_out))', () => {
    const x = images(3, 9, 11, 2, 21);
    const pipeline = augment.sequence([augment.randomTranslation(0.2, 0.2), augment.randomZoom(0.3), augment.randomRotation(0.1)]);
    const params = pipeline.sample(x.shape, new Rng(9));
    const out = pipeline.apply(x, params);
    const composed = new Float32Array(18);
    for (let i = 0; i < 3; i++) {
      let m = [1, 0, 0, 0, 1, 0];
      for (const p of params) {
        const [p0, p1, p2, p3, p4, p5] = p.subarray(i * 6, i * 6 + 6) as unknown as number[];
        m = [m[0]! * p0! + m[1]! * p3!, m[0]! * p1! + m[1]! * p4!, m[0]! * p2! + m[1]! * p5! + m[2]!,
          m[3]! * p0! + m[4]! * p3!, m[3]! * p1! + m[4]! * p4!, m[3]! * p2! + m[4]! * p5! + m[5]!];
      }
      composed.set(m, i * 6);
    }
    const want = affineWarpReference({ input: x.data, shape: [3, 9, 11, 2], outH: 9, outW: 11, matrices: composed, fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0 });
    expectClose(out.data, want, 'composed warp', 1e-5, 2e-6);
  });

  test('runs geometric steps with different fill settings as separate warps, like applying them one by one', () => {
    const x = images(3, 9, 7, 3, 8);
    const steps = [augment.randomRotation(0.1), augment.randomTranslation(0.2, 0.2, { fillMode: 'constant', fillValue: 0.5 }), augment.randomFlip(), augment.randomZoom(0.2, { interpolation: 'nearest' })];
    const pipeline = augment.sequence(steps);
    const params = pipeline.sample(x.shape, new Rng(3));
    let oneByOne = x;
    steps.forEach((step, k) => {
      oneByOne = step.apply(oneByOne, params[k]!);
    });
    expect(pipeline.apply(x, params).data).toEqual(oneByOne.data);
  });

  test('mixes pixel and geometric steps and changes shape through crops', () => {
    const pipeline = augment.sequence([augment.randomFlip('horizontal'), augment.randomCrop(6, 6, { padding: 1 }), augment.randomResizedCrop(4, 4), augment.randomBrightness(0.1)]);
    expect(pipeline.outputShape([2, 6, 6, 3])).toEqual([2, 4, 4, 3]);
    const out = augment.apply(pipeline, images(2, 6, 6, 3), { rng: new Rng(1) });
    expect(out.shape).toEqual([2, 4, 4, 3]);
  });

  test('applyInPlacePtr gives what apply gives for the same generator state, allocating nothing after the first call', () => {
    const pipeline = augment.sequence([augment.randomFlip('horizontal'), augment.randomRotation(0.05), augment.randomTranslation(0.1, 0.1), augment.gaussianNoise(0.01)]);
    const x = images(8, 28, 28, 1, 4);
    const want = pipeline.apply(x, pipeline.sample(x.shape, new Rng(77)));
    const ptr = toWasm(x.data);
    try {
      const rng = new Rng(77);
      pipeline.applyInPlacePtr(ptr, [8, 28, 28, 1], rng);
      expect(fromWasm(ptr, x.size)).toEqual(want.data);
      const blocks = heap().blockCount;
      const bytes = heap().allocatedBytes;
      const memory = memoryBytes();
      // Full batches and a smaller last batch alternate, as in fit: nothing is allocated.
      for (let step = 0; step < 6; step++) pipeline.applyInPlacePtr(ptr, [step % 3 === 2 ? 3 : 8, 28, 28, 1], rng);
      expect([heap().blockCount, heap().allocatedBytes, memoryBytes()]).toEqual([blocks, bytes, memory]);
      // The smaller batch gives what apply gives for its first images.
      const small = images(3, 28, 28, 1, 5);
      const want3 = pipeline.apply(small, pipeline.sample(small.shape, new Rng(5)));
      f32().set(small.data, ptr >>> 2);
      pipeline.applyInPlacePtr(ptr, [3, 28, 28, 1], new Rng(5));
      expect(fromWasm(ptr, small.size)).toEqual(want3.data);
      expect(f32().subarray(ptr >>> 2, (ptr >>> 2) + x.size).every(Number.isFinite)).toBe(true);
    } finally {
      heap().free(ptr);
    }
  });

  test('applyInPlacePtr re-plans when the image size changes, even to one with as many floats', () => {
    const pipeline = augment.sequence([augment.randomRotation(0.1), augment.randomFlip(), augment.gaussianNoise(0.02)]);
    const ptr = toWasm(new Float32Array(2 * 6 * 5 * 2));
    try {
      // [6, 5, 2], [5, 6, 2] and [6, 10, 1] hold the same number of floats per image.
      for (const [h, w, c] of [[6, 5, 2], [5, 6, 2], [6, 10, 1], [6, 5, 2]] as const) {
        const x = images(2, h, w, c, h + w + c);
        const want = pipeline.apply(x, pipeline.sample(x.shape, new Rng(9)));
        f32().set(x.data, ptr >>> 2);
        pipeline.applyInPlacePtr(ptr, [2, h, w, c], new Rng(9));
        expect(fromWasm(ptr, x.size), `in place on [2, ${h}, ${w}, ${c}]`).toEqual(want.data);
      }
    } finally {
      heap().free(ptr);
    }
  });

  test('applyInPlacePtr rejects steps that change the shape and bad pointers', () => {
    const ptr = toWasm(new Float32Array(2 * 8 * 8));
    try {
      expect(() => augment.sequence([augment.randomCrop(4, 4)]).applyInPlacePtr(ptr, [2, 8, 8, 1], new Rng(0))).toThrow(ShapeError);
      expect(() => augment.randomFlip().applyInPlacePtr(-4, [2, 8, 8, 1], new Rng(0))).toThrow(/is not a valid f32 buffer/);
      expect(() => augment.randomFlip().applyInPlacePtr(ptr, [2, 8, 8], new Rng(0))).toThrow(/expected an NHWC batch shape/);
    } finally {
      heap().free(ptr);
    }
  });
});

describe('augment validation', () => {
  test('rejects bad factors, options, parameters and inputs with the function name', () => {
    const n = null as never;
    expect(() => augment.randomRotation(0.1, n)).toThrow(/randomRotation: options must be an object, got null/);
    expect(() => augment.randomZoom(0.1, n)).toThrow(/randomZoom: options must be an object, got null/);
    expect(() => augment.randomShear(0.1, n)).toThrow(/randomShear: options must be an object, got null/);
    expect(() => augment.randomCrop(4, 4, n)).toThrow(/randomCrop: options must be an object, got null/);
    expect(() => augment.randomResizedCrop(4, 4, n)).toThrow(/randomResizedCrop: options must be an object, got null/);
    expect(() => augment.randomBrightness(0.1, n)).toThrow(/randomBrightness: options must be an object, got null/);
    expect(() => augment.randomContrast(0.1, [0, 1] as never)).toThrow(/randomContrast: options must be an object, got \[0,1\]/);
    expect(() => augment.randomErasing(n)).toThrow(/randomErasing: options must be an object, got null/);
    expect(() => augment.cutout(2, 2, n)).toThrow(/cutout: options must be an object, got null/);
    expect(() => augment.apply(augment.randomFlip(), images(1, 2, 2, 1), n)).toThrow(/augment.apply: options must be an object, got null/);
    expect(() => augment.randomRotation(-1)).toThrow(/randomRotation: factor must be a finite number >= 0 or \[lo, hi\], got -1/);
    expect(() => augment.randomRotation([0.2, 0.1])).toThrow(/randomRotation: factor \[0.2, 0.1\] must have lo <= hi/);
    expect(() => augment.randomRotation(0.1, { fillMode: 'mirror' as never })).toThrow(/fillMode must be one of constant, reflect, wrap, nearest, got mirror/);
    expect(() => augment.randomZoom([-1, 0])).toThrow(/randomZoom: heightFactor \[-1, 0\] must lie within \[-0.999, Infinity\]/);
    expect(() => augment.randomTranslation(2, 0)).toThrow(/randomTranslation: heightFactor \[-2, 2\] must lie within \[-1, 1\]/);
    expect(() => augment.randomFlip('diagonal' as never)).toThrow(/randomFlip: mode must be/);
    expect(() => augment.randomContrast(1.5)).toThrow(/randomContrast: factor must be/);
    expect(() => augment.gaussianNoise(-0.1)).toThrow(/gaussianNoise: stddev must be a finite number >= 0/);
    expect(() => augment.randomErasing({ probability: 2 })).toThrow(/randomErasing: probability must be in \[0, 1\], got 2/);
    expect(() => augment.sequence([augment.randomFlip(), {} as never])).toThrow(/augment.sequence: item 1 is not an augmentation/);
    const x = images(2, 3, 3, 1);
    expect(() => augment.randomFlip().apply(x, new Float32Array(3))).toThrow(/randomFlip.apply: expected 2 parameters \(1 per image\) for \[2, 3, 3, 1\], got 3/);
    expect(() => augment.randomFlip().apply(x, Float32Array.of(0, 5))).toThrow(/randomFlip.apply: flags of image 1 is 5/);
    expect(() => augment.randomBrightness(0.1).apply(x, Float32Array.of(0, NaN))).toThrow(/randomBrightness.apply: parameter 0 of image 1 is NaN/);
    expect(() => augment.randomRotation(0.1).apply(x, new Float32Array(12).fill(Infinity))).toThrow(/randomRotation: matrix entry 0 of image 0 is NaN; expected finite values within \+-1000000/);
    expect(() => augment.apply(augment.randomFlip(), tensor([1, 2, 3]), { rng: new Rng(0) })).toThrow(/augment.apply: expected rank 4, got shape \[3\]/);
    expect(() => augment.apply(augment.randomFlip(), x, { seed: -1 })).toThrow(/augment.apply: seed must be an integer in \[0, 2\^53\), got -1/);
  });
});

describe('augment.previewPng', () => {
  test('writes a valid PNG of the grid', async () => {
    const { inflateSync } = await import('node:zlib');
    const png = augment.previewPng(images(5, 4, 3, 1), { columns: 3, scale: 2, gap: 1 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    expect([width, height]).toEqual([3 * 6 + 4, 2 * 8 + 3]);
    const idatLength = view.getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe((width + 1) * height);
    // Every chunk's CRC-32 against a bitwise reference (no table): IHDR, IDAT, IEND.
    const crcRef = (bytes: Uint8Array) => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const types: string[] = [];
    for (let at = 8; at < png.length; ) {
      const length = view.getUint32(at);
      types.push(String.fromCharCode(...png.subarray(at + 4, at + 8)));
      expect(view.getUint32(at + 8 + length), `CRC of chunk ${types[types.length - 1]}`).toBe(crcRef(png.subarray(at + 4, at + 8 + length)));
      at += 12 + length;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    const svg = augment.previewSvg(images(2, 2, 2, 3));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+".*data:image\/png;base64,iVBORw0KGgo/);
  });
});

describe('BigInt factors (issue 15)', () => {
  test('a BigInt factor is a clear error naming the augmentation, not a JSON.stringify crash', () => {
    expect(() => augment.randomRotation(2n as never)).toThrow('randomRotation: factor must be a number or a [lo, hi] pair of finite numbers, got "2n"');
  });
});

import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { data, tensor, Rng } from '../../src/index.js';


const rows = (n: number, width = 2) => tensor(Float32Array.from({ length: n * width }, (_, i) => Math.floor(i / width)), [n, width]);

describe('data.trainTestSplit', () => {
  test('splits every row exactly once, keeping x and y rows together, the same way for the same seed', () => {
    const x = rows(10);
    const y = tensor(Float32Array.from({ length: 10 }, (_, i) => i));
    const a = data.trainTestSplit(x, y, { testSize: 0.25, rng: new Rng(3) });
    const b = data.trainTestSplit(x, y, { testSize: 0.25, rng: new Rng(3) });
    expect(a.test.x.shape).toEqual([3, 2]); // ceil(2.5)
    expect(a.train.y.shape).toEqual([7]);
    expect([...a.test.y.data]).toEqual([...b.test.y.data]);
    const all = [...a.train.y.data, ...a.test.y.data].sort((p, q) => p - q);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 0; i < 3; i++) expect(a.test.x.data[2 * i]).toBe(a.test.y.data[i]);
  });

  test('without shuffling takes the last rows as the test set', () => {
    const s = data.trainTestSplit(rows(5), tensor([0, 1, 2, 3, 4]), { testSize: 2, shuffle: false });
    expect([...s.test.y.data]).toEqual([3, 4]);
    expect([...s.train.y.data]).toEqual([0, 1, 2]);
  });

  test('stratifies: each class keeps its share in the test set', () => {
    const labels = Float32Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
    const s = data.trainTestSplit(rows(100), tensor(labels), { testSize: 0.2, stratify: true, rng: new Rng(9) });
    const count = (t: Float32Array, c: number) => t.filter((v) => v === c).length;
    expect([0, 1, 2].map((c) => count(s.test.y.data, c))).toEqual([12, 6, 2]);
    expect([0, 1, 2].map((c) => count(s.train.y.data, c))).toEqual([48, 24, 8]);
  });

  test('rejects bad sizes, mismatched rows and a missing rng', () => {
    const y = tensor([0, 1, 2]);
    expect(() => data.trainTestSplit(rows(3), y, { testSize: 3, rng: new Rng(0) })).toThrow(/leaves no training rows out of 3/);
    expect(() => data.trainTestSplit(rows(3), y, { testSize: 1.5, rng: new Rng(0) })).toThrow(/testSize must be a fraction/);
    expect(() => data.trainTestSplit(rows(4), y, { rng: new Rng(0) })).toThrow(/x has 4 rows \[4, 2\] but y has 3 \[3\]/);
    expect(() => data.trainTestSplit(rows(3), y, { seed: 1.5 })).toThrow(/data.trainTestSplit: seed must be an integer/);
    expect(() => data.trainTestSplit(rows(3), y, null as never)).toThrow(/data.trainTestSplit: options must be an object, got null/);
    expect(() => data.trainTestSplit(rows(3), y, { testSize: '0.5' as never })).toThrow(/data.trainTestSplit: testSize must be a fraction in \(0, 1\) or a row count >= 1, got "0.5"/);
    expect(() => data.trainTestSplit(rows(3), y, { shuffle: 'no' as never })).toThrow(/data.trainTestSplit: shuffle must be true or false, got no/);
    expect(() => data.trainTestSplit(rows(3), y, { stratify: 1 as never })).toThrow(/data.trainTestSplit: stratify must be true or false, got 1/);
  });
});

describe('data.batches and data.fromTensors', () => {
  test('cover the rows in order with a short last batch, or drop it', () => {
    const sizes = [...data.batches(rows(7), tensor([0, 1, 2, 3, 4, 5, 6]), { batchSize: 3 })].map((b) => [...b.y.data]);
    expect(sizes).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    const dropped = [...data.batches(rows(7), tensor([0, 1, 2, 3, 4, 5, 6]), { batchSize: 3, dropRemainder: true })];
    expect(dropped.length).toBe(2);
    expect(dropped[1]!.x.shape).toEqual([3, 2]);
  });

  test('reshuffle every epoch from the generator and keep x with y', async () => {
    const ds = data.fromTensors(rows(6), tensor([0, 1, 2, 3, 4, 5]), { batchSize: 4, shuffle: true, rng: new Rng(5) });
    const epoch1 = (await ds.toArray()).flatMap((b) => [...b.y.data]);
    const epoch2 = (await ds.toArray()).flatMap((b) => [...b.y.data]);
    expect([...epoch1].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(epoch1).not.toEqual(epoch2);
    for (const b of await ds.toArray()) for (let i = 0; i < b.y.size; i++) expect(b.x.data[2 * i]).toBe(b.y.data[i]);
  });

  test('reject a bad batch size and a bad seed', () => {
    expect(() => data.fromTensors(rows(2), tensor([0, 1]), { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => data.fromTensors(rows(2), tensor([0, 1]), null as never)).toThrow(/data.fromTensors: options must be an object, got null/);
    expect(() => data.fromTensors(rows(2), tensor([0, 1]), { batchSize: 1, shuffle: 'yes' as never })).toThrow(/data.fromTensors: shuffle must be true or false, got yes/);
    expect(() => [...data.batches(rows(2), tensor([0, 1]), { batchSize: 1, dropRemainder: 0 as never })]).toThrow(/data.batches: dropRemainder must be true or false, got 0/);
    // Errors come from the call itself, before any batch is drawn.
    expect(() => data.batches(rows(2), tensor([0, 1, 2]), { batchSize: 1 })).toThrow(/data.batches: x has 2 rows \[2, 2\] but y has 3 \[3\]/);
    expect(() => data.batches(rows(2), tensor([0, 1]), { batchSize: 0 })).toThrow(/data.batches: batchSize must be a positive integer, got 0/);
    expect(() => [...data.batches(rows(2), tensor([0, 1]), { batchSize: 1, shuffle: true, seed: -2 })]).toThrow(/data.batches: seed must be an integer/);
  });

  test('shuffle from a seed: the same seed gives the same epochs, another seed others', async () => {
    const order = async (seed: number) => (await data.fromTensors(rows(20), tensor(Float32Array.from({ length: 20 }, (_, i) => i)), { batchSize: 8, shuffle: true, seed }).toArray()).flatMap((b) => [...b.y.data]);
    expect(await order(3)).toEqual(await order(3));
    expect(await order(3)).not.toEqual(await order(4));
    const split = (seed: number) => [...data.trainTestSplit(rows(20), tensor(Float32Array.from({ length: 20 }, (_, i) => i)), { seed }).test.y.data];
    expect(split(1)).toEqual(split(1));
    expect(split(1)).not.toEqual(split(2));
  });
});

describe('data.Dataset', () => {
  test('fromGenerator, map and take compose and restart every pass', async () => {
    let opened = 0;
    const ds = data.fromGenerator(function* () {
      opened++;
      for (let i = 0; i < 5; i++) yield { x: tensor([i, i], [1, 2]), y: tensor([i]) };
    });
    const doubled = ds.map(({ x, y }) => ({ x, y: tensor([y.data[0]! * 2]) })).take(3);
    expect((await doubled.toArray()).map((b) => b.y.data[0])).toEqual([0, 2, 4]);
    expect((await doubled.toArray()).length).toBe(3);
    expect(opened).toBe(2);
  });

  test('rejects batches that are not { x, y } tensors with equal rows', async () => {
    const bad = data.fromGenerator(() => [{ x: tensor([1, 2], [2, 1]), y: tensor([1]) }]);
    await expect(bad.toArray()).rejects.toThrow(/Dataset: batch x \[2, 1\] and y \[1\] need the same first dimension/);
    expect(() => data.fromGenerator(5 as never)).toThrow(/expected a function/);
  });
});

describe('Dataset.shuffle', () => {
  const ids = (n: number) => tensor(Float32Array.from({ length: n }, (_, i) => i));
  const rowsOf = async (ds: data.Dataset) => (await ds.toArray()).map((b) => {
    for (let i = 0; i < b.y.size; i++) expect(b.x.data[2 * i]).toBe(b.y.data[i]); // x stays with y
    return [...b.y.data];
  });

  test('with a buffer as large as the data permutes all rows, in batches of the input size, anew every epoch', async () => {
    const ds = data.fromTensors(rows(23), ids(23), { batchSize: 5 }).shuffle(100, { seed: 3 });
    const epoch1 = await rowsOf(ds);
    const epoch2 = await rowsOf(ds);
    expect(epoch1.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(epoch1.flat().sort((a, b) => a - b)).toEqual([...ids(23).data]);
    expect(epoch1.flat()).not.toEqual([...ids(23).data]);
    expect(epoch2.flat()).not.toEqual(epoch1.flat());
    const again = data.fromTensors(rows(23), ids(23), { batchSize: 5 }).shuffle(100, { seed: 3 });
    expect(await rowsOf(again)).toEqual(epoch1);
  });

  test('a buffer of b rows only moves a row up to b - 1 places earlier; a buffer of 1 keeps the order', async () => {
    const order = (await rowsOf(data.fromTensors(rows(60), ids(60), { batchSize: 7 }).shuffle(4, { seed: 1 }))).flat();
    expect([...order].sort((a, b) => a - b)).toEqual([...ids(60).data]);
    order.forEach((row, position) => expect(position).toBeGreaterThanOrEqual(row - 3));
    expect((await rowsOf(data.fromTensors(rows(9), ids(9), { batchSize: 4 }).shuffle(1))).flat()).toEqual([...ids(9).data]);
    expect(() => data.fromTensors(rows(2), ids(2), { batchSize: 1 }).shuffle(0)).toThrow(/Dataset.shuffle: bufferSize must be a positive integer, got 0/);
    expect(() => data.fromTensors(rows(2), ids(2), { batchSize: 1 }).shuffle(4, null as never)).toThrow(/Dataset.shuffle: options must be an object, got null/);
    expect(() => data.fromTensors(rows(2), ids(2), { batchSize: 1 }).map('double' as never)).toThrow(/Dataset.map: expected a function \(batch\) => batch, got double/);
    expect(() => new data.Dataset(undefined as never)).toThrow(/Dataset: expected a function that starts one pass/);
    const ragged = data.fromGenerator(() => [{ x: tensor([1, 2], [1, 2]), y: tensor([0]) }, { x: tensor([1, 2, 3], [1, 3]), y: tensor([1]) }]);
    await expect(ragged.shuffle(4).toArray()).rejects.toThrow(/Dataset.shuffle: batches changed row shape from x \[2\], y \[\] to \[3\], \[\]/);
  });
});

describe('data.csvDataset', () => {
  const path = new URL('../fixtures/data/small.csv', import.meta.url);
  const classNames = ['setosa', 'versicolor', 'virginica'];

  test('streams a file in batches equal to parseCsv, one pass per epoch', async () => {
    const ds = data.csvDataset(() => createReadStream(path, { highWaterMark: 16 }), { labelColumn: 'species', batchSize: 3, classNames });
    const batches = await ds.toArray();
    expect(batches.map((b) => b.x.shape[0])).toEqual([3, 3, 1]);
    const whole = data.parseCsv(readFileSync(path, 'utf8'), { labelColumn: 'species' });
    expect(batches.flatMap((b) => [...b.x.data])).toEqual([...whole.x.data]);
    expect(batches.flatMap((b) => [...b.y.data])).toEqual([0, 0, 1, 1, 2, 2, 0]);
    expect((await ds.toArray()).length).toBe(3);
  });

  test('reads a web ReadableStream of text chunks and names the line of a bad row', async () => {
    const text = 'a,y\n1,0\n2,1\nzz,0\n';
    const open = () => new ReadableStream<string>({ start(c) { for (const part of text.match(/.{1,3}/gs)!) c.enqueue(part); c.close(); } });
    const ds = data.csvDataset(open, { labelColumn: 'y', batchSize: 2 });
    const it = ds[Symbol.asyncIterator]();
    expect([...(await it.next()).value!.x.data]).toEqual([1, 2]);
    await expect(it.next()).rejects.toThrow(/data.csvDataset: line 4: column 'a' is "zz"; expected a number/);
    await expect(data.csvDataset(() => [], { labelColumn: 'y', batchSize: 2 }).toArray()).rejects.toThrow(/expected a header row/);
    await expect(data.csvDataset(() => ['a,b\n1,2\n'], { batchSize: 2 }).toArray()).rejects.toThrow(/labelColumn is required/);
  });
});

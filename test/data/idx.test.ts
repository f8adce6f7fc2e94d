import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { data } from '../../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/data/${name}`, import.meta.url));
const fixtureDir = (name: string) => new URL(`../fixtures/data/${name}/`, import.meta.url);

describe('data.readIdx', () => {
  test('decodes a uint8 rank-3 file with its dims', async () => {
    const idx = await data.readIdx(fixture('small-u8.idx'));
    expect(idx.dtype).toBe('uint8');
    expect(idx.shape).toEqual([3, 2, 2]);
    expect([...idx.data]).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  test('detects gzip by its magic bytes and gives the same values', async () => {
    const plain = await data.readIdx(fixture('small-u8.idx'));
    const gz = await data.readIdx(fixture('small-u8.idx.gz'), 'small-u8.idx.gz');
    expect(data.isGzip(fixture('small-u8.idx.gz'))).toBe(true);
    expect(data.isGzip(fixture('small-u8.idx'))).toBe(false);
    expect(gz.shape).toEqual(plain.shape);
    expect([...gz.data]).toEqual([...plain.data]);
  });

  test('decodes big-endian int16 and float32 files', async () => {
    const i16 = await data.readIdx(fixture('small-i16.idx'));
    expect(i16.dtype).toBe('int16');
    expect(i16.shape).toEqual([2, 3]);
    expect([...i16.data]).toEqual([-300, -1, 0, 1, 2, 30000]);
    const f = data.parseIdx(fixture('small-f32.idx'));
    expect(f.dtype).toBe('float32');
    expect([...f.data]).toEqual([0.5, -1.25, 3e8, 0]);
  });

  test('accepts an ArrayBuffer', async () => {
    const bytes = fixture('small-u8.idx');
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect((await data.readIdx(buffer)).shape).toEqual([3, 2, 2]);
  });

  test.each([
    ['bad-magic.idx', /readIdx\(bad-magic.idx\): bad magic number 50 4b 03 04/],
    ['truncated.idx', /readIdx\(truncated.idx\): truncated: shape \[3, 2, 2\] of uint8 needs 28 bytes, got 23/],
    ['wrong-count.idx', /readIdx\(wrong-count.idx\): wrong counts: shape \[3, 2, 2\] of uint8 needs 28 bytes, but the file has 3 more/],
    ['truncated.idx.gz', /readIdx\(truncated.idx.gz\): the gzip data \(30 bytes\) is corrupt or truncated/],
  ])('rejects %s with a clear error', async (name, message) => {
    await expect(data.readIdx(fixture(name), name)).rejects.toThrow(message);
  });

  test('rejects a truncated header and non-bytes', async () => {
    await expect(data.readIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]))).rejects.toThrow(/truncated header: rank 3 needs 16 bytes, got 8/);
    await expect(data.readIdx(new Uint8Array([0, 0]))).rejects.toThrow(/at least a 4-byte IDX header, got 2/);
    await expect(data.readIdx('abc' as unknown as Uint8Array)).rejects.toThrow(/expected a Uint8Array or ArrayBuffer/);
  });
});

describe('data.mnist', () => {
  test('loads a directory of gzipped and plain files into [n, 28, 28, 1] in [0, 1] and [n] labels', async () => {
    const ds = await data.mnist({ dir: fixtureDir('mnist-tiny') });
    expect(ds.train.x.shape).toEqual([3, 28, 28, 1]);
    expect(ds.test.x.shape).toEqual([2, 28, 28, 1]);
    expect([...ds.train.y.data]).toEqual([9, 0, 4]);
    expect([...ds.test.y.data]).toEqual([1, 7]);
    // Pixel i of the training file is (i * 7 + 13) % 256.
    expect(ds.train.x.data[5]).toBeCloseTo(((5 * 7 + 13) % 256) / 255, 7);
    expect(Math.max(...ds.test.x.data)).toBeLessThanOrEqual(1);
    expect(ds.classNames).toEqual(data.MNIST_CLASSES);
  });

  test('loads from { files } (browsers) the same as from { dir }', async () => {
    const read = (name: string) => new Uint8Array(readFileSync(new URL(name, fixtureDir('mnist-tiny'))));
    const ds = await data.mnist({
      files: {
        trainImages: read('train-images-idx3-ubyte.gz'),
        trainLabels: read('train-labels-idx1-ubyte.gz'),
        testImages: read('t10k-images-idx3-ubyte'),
        testLabels: read('t10k-labels-idx1-ubyte.gz'),
      },
    });
    const fromDir = await data.mnist({ dir: fixtureDir('mnist-tiny') });
    expect(ds.train.x.data).toEqual(fromDir.train.x.data);
  });

  test('fetches the .gz files from { url } (browsers), and names a failed request', async () => {
    const { createServer } = await import('node:http');
    const { gzipSync } = await import('node:zlib');
    // Serves mnist-tiny, gzipping on the fly the one file stored uncompressed; /missing/ is 404.
    const server = createServer((req, res) => {
      const path = (req.url ?? '').replace(/^\/tiny\//, '');
      const dir = fixtureDir('mnist-tiny');
      if (!req.url?.startsWith('/tiny/')) return res.writeHead(404).end();
      if (existsSync(new URL(path, dir))) return res.writeHead(200).end(readFileSync(new URL(path, dir)));
      return res.writeHead(200).end(gzipSync(readFileSync(new URL(path.replace(/\.gz$/, ''), dir))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const ds = await data.mnist({ url: `http://127.0.0.1:${port}/tiny/` });
      expect(ds.train.x.data).toEqual((await data.mnist({ dir: fixtureDir('mnist-tiny') })).train.x.data);
      expect([...ds.test.y.data]).toEqual([1, 7]);
      await expect(data.mnist({ url: `http://127.0.0.1:${port}/missing/` })).rejects.toThrow(
        /data.mnist: fetching http:\/\/127.0.0.1:\d+\/missing\/[a-z0-9-]+-ubyte.gz failed: HTTP 404/,
      );
    } finally {
      server.close();
    }
  });

  test('rejects mismatched image and label counts, missing files and no source', async () => {
    await expect(data.mnist({ dir: fixtureDir('mnist-mismatch') })).rejects.toThrow(
      /data.mnist: wrong counts: 3 train images but 2 train labels/,
    );
    await expect(data.mnist({ dir: fixtureDir('nowhere') })).rejects.toThrow(/train-images-idx3-ubyte\(.gz\) not found/);
    await expect(data.mnist()).rejects.toThrow(/data.mnist: expected \{ dir \}, \{ files \} or \{ url \}/);
    await expect(data.mnist({ files: {} as never })).rejects.toThrow(/files.trainImages is missing/);
  });
});

describe('data.fashionMnist', () => {
  test('loads the committed subset by default: 10,000 train and 2,000 test images', async () => {
    const ds = await data.fashionMnist();
    expect(ds.train.x.shape).toEqual([10000, 28, 28, 1]);
    expect(ds.train.y.shape).toEqual([10000]);
    expect(ds.test.x.shape).toEqual([2000, 28, 28, 1]);
    expect(ds.classNames[9]).toBe('Ankle boot');
    // The first training example of Fashion-MNIST is an ankle boot, the first test one too.
    expect(ds.train.y.data[0]).toBe(9);
    expect(ds.test.y.data[0]).toBe(9);
    const counts = new Array(10).fill(0);
    for (const label of ds.train.y.data) counts[label]++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
    let sum = 0;
    for (const v of ds.train.x.data) sum += v;
    expect(sum / ds.train.x.size).toBeGreaterThan(0.25); // Fashion-MNIST's mean pixel is about 0.286
    expect(sum / ds.train.x.size).toBeLessThan(0.32);
  });

  test('finds the committed subset directory from src/ and from the built dist/ bundles', async () => {
    const dir = await data.defaultFashionMnistDir();
    expect(dir.replaceAll('\\', '/')).toMatch(/data\/fashion-mnist$/);
    const bundle = new URL('../../dist/tensorlane.js', import.meta.url);
    if (!existsSync(bundle)) throw new Error('dist/ is missing: run `node scripts/build.mjs` first');
    const built = (await import(/* @vite-ignore */ bundle.href)) as typeof import('../../src/api.js');
    const cwd = process.cwd();
    process.chdir(tmpdir()); // found from the module's own location, not the working directory
    try {
      expect(await data.defaultFashionMnistDir()).toBe(dir);
      expect(await built.data.defaultFashionMnistDir()).toBe(dir);
    } finally {
      process.chdir(cwd);
    }
  });
});

// MNIST-format datasets (MNIST, Fashion-MNIST): four IDX files -> image and label tensors.
// File access is Node/Deno only and goes through dynamic `import('node:...')` inside functions,
// so the bundle stays importable in browsers and edge workers, which pass `files` instead.
import { ValueError, formatShape } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { readIdx, toBytes, type IdxArray } from './idx.js';

/** The four files of an MNIST-format dataset, as raw bytes (gzipped or not). */
export interface MnistFiles {
  trainImages: Uint8Array | ArrayBuffer;
  trainLabels: Uint8Array | ArrayBuffer;
  testImages: Uint8Array | ArrayBuffer;
  testLabels: Uint8Array | ArrayBuffer;
}

/** Where to load an MNIST-format dataset from (give at most one). */
export interface MnistOptions {
  /**
   * Directory with `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`
   * and `t10k-labels-idx1-ubyte`, each optionally with `.gz` (Node and Deno only).
   */
  dir?: string | URL;
  /** The files' bytes, for runtimes without a file system (browsers, edge workers). */
  files?: MnistFiles;
  /** A base URL to `fetch` the `.gz` files from (browsers). */
  url?: string | URL;
}

/** One split: `x` is `[n, 28, 28, 1]` scaled to [0, 1], `y` is `[n]` integer labels as floats. */
export interface LabeledImages {
  x: Tensor;
  y: Tensor;
}

/** A loaded dataset: training and test splits and the names of the 10 classes. */
export interface MnistDataset {
  train: LabeledImages;
  test: LabeledImages;
  classNames: readonly string[];
}

/** Fashion-MNIST's class names, by label. */
export const FASHION_MNIST_CLASSES = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** MNIST's class names ('0' to '9'). */
export const MNIST_CLASSES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

const FILE_NAMES: Record<keyof MnistFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/**
 * Loads Fashion-MNIST. With no options it loads the subset committed with the package (the first
 * 10,000 training and 2,000 test images, `data/fashion-mnist/`; Node and Deno), found by walking up
 * from this module's location, then from the working directory, to the tensorlane package root.
 * `{ dir }`, `{ files }` or `{ url }` load the full dataset or another copy.
 */
export async function fashionMnist(options: MnistOptions = {}): Promise<MnistDataset> {
  const who = 'data.fashionMnist';
  const source = hasSource(options) ? options : { dir: await defaultFashionMnistDir(who) };
  return loadMnistFormat(who, source, FASHION_MNIST_CLASSES);
}

/** Loads MNIST from `{ dir }`, `{ files }` or `{ url }` (no copy of MNIST is committed). */
export async function mnist(options: MnistOptions = {}): Promise<MnistDataset> {
  const who = 'data.mnist';
  if (!hasSource(options)) {
    throw new ValueError(`${who}: expected { dir }, { files } or { url } naming the four MNIST IDX files, got none`);
  }
  return loadMnistFormat(who, options, MNIST_CLASSES);
}

function hasSource(options: MnistOptions): boolean {
  if (options === null || typeof options !== 'object') return false;
  return options.dir !== undefined || options.files !== undefined || options.url !== undefined;
}

async function loadMnistFormat(who: string, options: MnistOptions, classNames: readonly string[]): Promise<MnistDataset> {
  const given = [options.dir, options.files, options.url].filter((v) => v !== undefined).length;
  if (given > 1) throw new ValueError(`${who}: give one of { dir }, { files } or { url }, got ${given}`);
  const keys = Object.keys(FILE_NAMES) as Array<keyof MnistFiles>;
  // Read in parallel, but report the first failure in file order, not in completion order, so
  // the same bad directory always gives the same error.
  const settled = await Promise.allSettled(
    keys.map(async (key) => {
      const { bytes, name } = await fetchFile(who, options, key);
      return readIdx(bytes, name);
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const arrays = settled.map((r) => (r as PromiseFulfilledResult<IdxArray>).value);
  const [trainImages, trainLabels, testImages, testLabels] = arrays as [IdxArray, IdxArray, IdxArray, IdxArray];
  return {
    train: toSplit(who, 'train', trainImages, trainLabels, classNames.length),
    test: toSplit(who, 'test', testImages, testLabels, classNames.length),
    classNames,
  };
}

async function fetchFile(who: string, options: MnistOptions, key: keyof MnistFiles): Promise<{ bytes: Uint8Array; name: string }> {
  const base = FILE_NAMES[key];
  if (options.files !== undefined) {
    const bytes = options.files[key];
    if (bytes === undefined) throw new ValueError(`${who}: files.${key} is missing; expected the bytes of ${base}(.gz)`);
    return { bytes: toBytes(bytes, `${who}: files.${key}`), name: `files.${key}` };
  }
  if (options.url !== undefined) {
    const url = new URL(`${base}.gz`, options.url);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      if (isPermissionError(error)) {
        throw new ValueError(`${who}: no permission to fetch ${url.href} (${describe(error)}); in Deno run with --allow-net=${url.host}`);
      }
      throw error;
    }
    if (!response.ok) throw new ValueError(`${who}: fetching ${url.href} failed: HTTP ${response.status}`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), name: url.href };
  }
  const fs = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const path = await import('node:path');
  const dir = options.dir instanceof URL ? fileURLToPath(options.dir) : String(options.dir);
  for (const name of [`${base}.gz`, base]) {
    const file = path.join(dir, name);
    try {
      return { bytes: new Uint8Array(await fs.readFile(file)), name };
    } catch (error) {
      if (isPermissionError(error)) {
        throw new ValueError(
          `${who}: no permission to read ${file} (${describe(error)}); in Deno run with --allow-read=${dir} (Node with its permission model: --allow-fs-read=${dir})`,
        );
      }
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
  }
  throw new ValueError(`${who}: ${path.join(dir, base)}(.gz) not found in ${dir}`);
}

function toSplit(who: string, split: string, images: IdxArray, labels: IdxArray, classes: number): LabeledImages {
  const [n, h, w] = images.shape;
  if (images.dtype !== 'uint8' || images.shape.length !== 3 || h !== 28 || w !== 28) {
    throw new ValueError(`${who}: ${split} images: expected uint8 [n, 28, 28], got ${images.dtype} ${formatShape(images.shape)}`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new ValueError(`${who}: ${split} labels: expected uint8 [n], got ${labels.dtype} ${formatShape(labels.shape)}`);
  }
  if (labels.shape[0] !== n) {
    throw new ValueError(`${who}: wrong counts: ${n} ${split} images but ${labels.shape[0]} ${split} labels`);
  }
  const pixels = images.data;
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i]! / 255;
  const y = new Float32Array(n!);
  for (let i = 0; i < n!; i++) {
    const label = labels.data[i]!;
    if (label >= classes) throw new ValueError(`${who}: ${split} label ${i} is ${label}; expected 0..${classes - 1}`);
    y[i] = label;
  }
  return { x: new Tensor(x, [n!, 28, 28, 1]), y: new Tensor(y, [n!]) };
}

const MARKER = 'data/fashion-mnist/train-labels-idx1-ubyte.gz';

/**
 * The committed subset's directory: the first ancestor of this module (src/data/ under tsx and
 * vitest, dist/ when bundled) or of the working directory that contains
 * `data/fashion-mnist/train-labels-idx1-ubyte.gz`.
 */
export async function defaultFashionMnistDir(who = 'data.fashionMnist'): Promise<string> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const starts: string[] = [];
  const here: unknown = import.meta.url; // undefined in workerd
  if (typeof here === 'string' && here.startsWith('file:')) starts.push(path.dirname(fileURLToPath(here)));
  if (typeof process === 'object' && typeof process.cwd === 'function') starts.push(process.cwd());
  const tried: string[] = [];
  const denied: string[] = [];
  let deniedBy: unknown;
  for (const start of starts) {
    for (let dir = start, up = 0; up < 8; up++) {
      const candidate = path.join(dir, MARKER);
      tried.push(candidate);
      try {
        // stat, not access: Deno's node:fs access() asks for --allow-sys=uid and throws that
        // outside the returned promise.
        await fs.stat(candidate);
        return path.dirname(candidate);
      } catch (error) {
        // Not here, or not readable here: look one level up (a narrower --allow-read may cover it).
        if (isPermissionError(error)) {
          denied.push(candidate);
          deniedBy ??= error;
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  if (denied.length > 0) {
    throw new ValueError(
      `${who}: no permission to look for the committed Fashion-MNIST subset (denied: ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ', ...' : ''}; ${describe(deniedBy)}); ` +
        `in Deno run with --allow-read=<...>/data/fashion-mnist (Node with its permission model: --allow-fs-read=<the same>), or pass { dir }`,
    );
  }
  throw new ValueError(
    `${who}: the committed Fashion-MNIST subset was not found (looked for ${tried.slice(0, 3).join(', ')}, ...); pass { dir }, { files } or { url }`,
  );
}

/**
 * A runtime permission that is missing, as opposed to a missing file: Deno's `NotCapable` (Deno 2)
 * or `PermissionDenied` (Deno 1), Node's `ERR_ACCESS_DENIED` under `--permission`.
 */
function isPermissionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'NotCapable' || name === 'PermissionDenied' || code === 'ERR_ACCESS_DENIED';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}


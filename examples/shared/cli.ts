// The command line shared by the image examples (autoencoder, denoising-autoencoder): options,
// their parsing, loading the wasm module and Fashion-MNIST, and picture captions.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initSync } from '../../src/init.js';
import { data, type Tensor } from '../../src/api.js';
import { rowsOf } from './autoencoders.js';

/** A non-negative integer command-line value, or an error naming the flag. */
export function intArg(text: string, name: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`--${name} must be a non-negative integer, got ${text}`);
  return v;
}

/** A non-negative number command-line value, or an error naming the flag. */
export function numberArg(text: string, name: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`--${name} must be a non-negative number, got ${text}`);
  return v;
}

/** A caption for an image's mean squared error, short enough for a 28-pixel image at scale 4 (14 characters at text scale 2). */
export function mseLabel(mse: number): string {
  return `MSE ${mse.toFixed(3)}`;
}

/** What an example's run needs: its options parsed, the module initialised, the data loaded. */
export interface ExampleRun {
  trainX: Tensor;
  /** The labels of `trainX` (class ids). */
  trainY: Tensor;
  test: { x: Tensor; y: Tensor };
  classNames: readonly string[];
  epochs: number;
  batchSize: number;
  seed: number;
  verbose: 0 | 1 | 2;
  out: string;
  /** Values of the example's own extra string options. */
  extra: Record<string, string | undefined>;
}

/**
 * Parses the common options (`--data DIR`, `--epochs N`, `--train N`: only the first N training
 * images, `--batch-size`, `--seed`, `--verbose`, `--out`, `--help`) and the example's `extra`
 * string options (name -> default), initialises the wasm build and loads Fashion-MNIST.
 */
export async function startExample(name: string, extra: Record<string, string> = {}): Promise<ExampleRun> {
  const string = (fallback?: string) => ({ type: 'string' as const, ...(fallback !== undefined ? { default: fallback } : {}) });
  const { values } = parseArgs({
    options: {
      data: string(), epochs: string('10'), train: string(), 'batch-size': string('64'), seed: string('42'), verbose: string('1'),
      out: string(`demo-output/${name}`), help: { type: 'boolean', short: 'h', default: false },
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, string(v)])),
    },
  });
  if (values.help) {
    const own = Object.keys(extra).map((k) => ` [--${k} ${extra[k]}]`).join('');
    process.stdout.write(`usage: tsx examples/${name}.ts [--data DIR] [--epochs N] [--train N]${own} [--batch-size N] [--seed N] [--verbose 0|1|2] [--out DIR]\n`);
    process.exit(0);
  }
  const get = (key: string): string | undefined => (values as Record<string, string | boolean | undefined>)[key] as string | undefined;
  initSync({ bytes: readFileSync(new URL('../../build/tensorlane.wasm', import.meta.url)) });
  const { train, test, classNames } = await data.fashionMnist(values.data !== undefined ? { dir: values.data } : {});
  const limit = values.train !== undefined ? Math.min(intArg(values.train, 'train'), train.x.shape[0]!) : train.x.shape[0]!;
  const trainX = limit < train.x.shape[0]! ? rowsOf(train.x, 0, limit) : train.x;
  const trainY = limit < train.y.shape[0]! ? rowsOf(train.y, 0, limit) : train.y;
  process.stdout.write(`Fashion-MNIST: ${trainX.shape[0]} training and ${test.x.shape[0]} test images (${values.data ?? 'committed subset'})\n`);
  return {
    trainX,
    trainY,
    test,
    classNames,
    epochs: intArg(get('epochs')!, 'epochs'),
    batchSize: intArg(get('batch-size')!, 'batch-size'),
    seed: intArg(get('seed')!, 'seed'),
    verbose: intArg(get('verbose')!, 'verbose') as 0 | 1 | 2,
    out: get('out')!,
    extra: Object.fromEntries(Object.keys(extra).map((k) => [k, get(k)])),
  };
}

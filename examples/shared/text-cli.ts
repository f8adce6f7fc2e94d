// The command line shared by the text examples (seq2seq, text-classifier): numeric options with
// defaults, `--help`, and loading the wasm build. Their data is generated, so nothing is read.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initSync } from '../../src/init.js';
import { numberArg } from './cli.js';

/**
 * Parses `--name value` for every key of `defaults` (all numbers) and `--help`, initialises the
 * wasm build, and returns the values. `about` is printed under the usage line by `--help`.
 */
export function startTextExample<K extends string>(name: string, about: string, defaults: Record<K, number>): Record<K, number> {
  const keys = Object.keys(defaults) as K[];
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      ...Object.fromEntries(keys.map((k) => [k, { type: 'string' as const, default: String(defaults[k]) }])),
    },
  });
  if (values.help) {
    process.stdout.write(`usage: tsx examples/${name}.ts${keys.map((k) => ` [--${k} ${defaults[k]}]`).join('')}\n${about}\n`);
    process.exit(0);
  }
  initSync({ bytes: readFileSync(new URL('../../build/tensorlane.wasm', import.meta.url)) });
  const read = values as unknown as Record<string, string>;
  return Object.fromEntries(keys.map((k) => [k, numberArg(read[k]!, k)])) as Record<K, number>;
}

/** Seconds since `t0` (a `performance.now()` reading), to one decimal. */
export function secondsSince(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}

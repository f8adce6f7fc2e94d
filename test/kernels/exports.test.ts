// src/kernels/exports.generated.ts is what the build writes from the built module: the
// declarations of every export and the values of its constants. Committed, so it must match.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { GENERATED_PATH, exportedConstants, generateKernelTypes } from '../../scripts/kernel-types.mjs';
import { WASM_CONSTANTS } from '../../src/kernels/exports.generated.js';
import { wasm } from '../../src/kernels/exports.js';

const module = new WebAssembly.Module(readFileSync('build/tensorlane.wasm'));
const committed = readFileSync(GENERATED_PATH, 'utf8');

test('the committed declarations are what the build generates from the built module', () => {
  const fresh = generateKernelTypes(readFileSync('build/tensorlane.d.ts', 'utf8'), exportedConstants(module));
  // Not toBe: a stale file should say so, not print two 20 KB strings.
  expect(fresh === committed, `${GENERATED_PATH} is stale: run \`node scripts/build.mjs\` and commit it`).toBe(true);
});

test('every export of the module is declared, with its number of parameters', () => {
  const declared = new Map<string, number | 'global' | 'memory'>();
  for (const m of committed.matchAll(/^ {2}(\w+)\(([^)]*)\): \w+;$/gm)) declared.set(m[1]!, m[2]!.trim() === '' ? 0 : m[2]!.split(',').length);
  for (const m of committed.matchAll(/^ {2}readonly (\w+): WebAssembly\.(Global|Memory);/gm)) declared.set(m[1]!, m[2] === 'Global' ? 'global' : 'memory');
  const exports = wasm() as unknown as Record<string, unknown>;
  const actual = new Map<string, number | 'global' | 'memory'>();
  for (const { name, kind } of WebAssembly.Module.exports(module)) {
    actual.set(name, kind === 'function' ? (exports[name] as (...args: number[]) => number).length : kind === 'global' ? 'global' : 'memory');
  }
  expect(Object.fromEntries(declared)).toEqual(Object.fromEntries(actual));
});

test('the generated constants are the values of the installed module', () => {
  const exports = wasm() as unknown as Record<string, WebAssembly.Global>;
  for (const [name, value] of Object.entries(WASM_CONSTANTS)) expect(exports[name]!.value, name).toBe(value);
});

test('a changed export makes the generated file differ', () => {
  const declarations = readFileSync('build/tensorlane.d.ts', 'utf8');
  const constants = exportedConstants(module);
  const renamed = declarations.replace('export function f32_fill(', 'export function f32_fill_renamed(');
  expect(generateKernelTypes(renamed, constants)).not.toBe(committed);
  expect(generateKernelTypes(declarations, { ...constants, ADAM_AMSGRAD: 8 })).not.toBe(committed);
});

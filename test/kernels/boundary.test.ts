// The kernel boundary: only src/kernels/ touches the wasm exports (src/backend and src/init.ts
// install the module), each kernel name is written once there as a literal, and no kernel name is
// assembled from a template.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const INSTALLERS = (file: string): boolean => file.startsWith('src/backend/') || file === 'src/init.ts' || file.startsWith('src/kernels/');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? sources(path) : e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The code of a file without comments and string contents that are not import specifiers. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

const files = sources('src').map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const generated = readFileSync('src/kernels/exports.generated.ts', 'utf8');
const kernelNames = [...generated.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]!);

test('no module outside src/kernels/ reads the wasm exports', () => {
  const readers = files
    .filter(({ file }) => !INSTALLERS(file))
    .filter(({ text }) => /import\s*\{[^}]*\b(kernels|Kernels)\b[^}]*\}\s*from\s*'[./]*\/?backend\/wasm\.js'/.test(text) || /exports\.generated/.test(code(text)))
    .map(({ file }) => file);
  expect(readers).toEqual([]);
});

test('each kernel name appears once, in src/kernels/, as a literal', () => {
  expect(kernelNames.length).toBeGreaterThan(100);
  const counts = new Map<string, string[]>();
  for (const { file, text } of files) {
    if (file === 'src/kernels/exports.generated.ts') continue;
    const body = code(text);
    for (const name of kernelNames) {
      const uses = body.split(new RegExp(`\\b${name}\\b`)).length - 1;
      for (let i = 0; i < uses; i++) counts.set(name, [...(counts.get(name) ?? []), file]);
    }
  }
  const outside = [...counts].filter(([, where]) => where.some((f) => !INSTALLERS(f)));
  expect(outside).toEqual([]);
  const twice = [...counts].filter(([, where]) => where.filter((f) => f.startsWith('src/kernels/')).length > 1);
  expect(twice).toEqual([]);
});

test('no kernel name is built from a template or by concatenation', () => {
  const built = files.filter(({ text }) => /`(f32|f64|u32)_\$\{|['"](f32|f64|u32)_['"]\s*\+/.test(code(text))).map(({ file }) => file);
  expect(built).toEqual([]);
});

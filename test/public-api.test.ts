// The public surface of the package, as a snapshot: the name of every export of the entry and of
// every member of its namespaces (`ops`, `layers`, ...). A change to the surface must be on
// purpose: update test/fixtures/public-api.json with it (UPDATE_API_SNAPSHOT=1 rewrites it).
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import * as entry from '../src/index.js';

const SNAPSHOT = 'test/fixtures/public-api.json';

function surface(): Record<string, string[]> {
  const out: Record<string, string[]> = { '.': Object.keys(entry).sort() };
  for (const [name, value] of Object.entries(entry)) {
    if (Object.prototype.toString.call(value) === '[object Module]') out[name] = Object.keys(value as object).sort();
  }
  return out;
}

test('the package exports exactly the names of the snapshot', () => {
  const now = surface();
  if (process.env.UPDATE_API_SNAPSHOT === '1') writeFileSync(SNAPSHOT, `${JSON.stringify(now, null, 2)}\n`);
  const want = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, string[]>;
  const diff: string[] = [];
  for (const key of new Set([...Object.keys(want), ...Object.keys(now)])) {
    const a = new Set(want[key] ?? []);
    const b = new Set(now[key] ?? []);
    for (const name of b) if (!a.has(name)) diff.push(`+ ${key === '.' ? '' : `${key}.`}${name}`);
    for (const name of a) if (!b.has(name)) diff.push(`- ${key === '.' ? '' : `${key}.`}${name}`);
  }
  expect(diff, `public surface changed (update ${SNAPSHOT} if on purpose)`).toEqual([]);
});

test('no pointer-level function is public', () => {
  const pointerLevel = Object.entries(surface()).flatMap(([ns, names]) => names.filter((n) => n.endsWith('Ptr')).map((n) => `${ns}.${n}`));
  expect(pointerLevel).toEqual([]);
});

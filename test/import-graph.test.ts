// src/ keeps an acyclic import graph, between files and between folders (type-only imports
// count). The graph and its listing: scripts/import-graph.mjs, docs/import-graph.md.
import { describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { cycles, fileGraph, folderGraph } from '../scripts/import-graph.mjs';

type Edges = Map<string, string[]>;

/** Cycles allowed for now: none. */
const KNOWN: string[] = [];

describe('import graph of src/', () => {
  const files = fileGraph() as Edges;
  const folders = folderGraph(files) as Edges;

  test('reads every source file and its imports', () => {
    expect(files.size).toBeGreaterThan(80);
    expect(files.get('model/model.ts')).toContain('train/trainer.ts');
  });

  test('no file imports itself through others', () => {
    const found = (cycles(files) as string[][]).map((c) => c.join(' <-> ')).filter((c) => !KNOWN.includes(c));
    expect(found).toEqual([]);
  });

  test('no folder imports itself through others', () => {
    const all = (cycles(folders) as string[][]).map((c) => c.join(' <-> '));
    expect(all.filter((c) => !KNOWN.includes(c))).toEqual([]);
  });

  test('core/ is a leaf: it imports nothing of the rest of src/', () => {
    const core = folders.get('core/') ?? [];
    expect(core).toEqual([]);
  });

  test('the trainer and executor never import the model', () => {
    expect(folders.get('train/')).not.toContain('model/');
    expect(folders.get('data/')).not.toContain('train/');
  });
});

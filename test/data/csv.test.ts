import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { data } from '../../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/data/${name}`, import.meta.url), 'utf8');

describe('data.parseCsv', () => {
  test('reads features and string labels as sorted class indices', () => {
    const t = data.parseCsv(fixture('small.csv'), { labelColumn: 'species' });
    expect(t.columns).toEqual(['sepal_length', 'sepal_width', 'petal length']);
    expect(t.labelName).toBe('species');
    expect(t.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(t.x.shape).toEqual([7, 3]);
    expect([...t.x.data.subarray(6, 9)]).toEqual([7, 3.200000047683716, 4.699999809265137]);
    expect([...t.y!.data]).toEqual([0, 0, 1, 1, 2, 2, 0]);
  });

  test('reads numeric labels by index, CRLF line ends, other delimiters and no label column', () => {
    const t = data.parseCsv('x;y;t\r\n1;2;3\r\n\r\n4;5;6\r\n', { labelColumn: 0, delimiter: ';' });
    expect(t.columns).toEqual(['y', 't']);
    expect([...t.x.data]).toEqual([2, 3, 5, 6]);
    expect([...t.y!.data]).toEqual([1, 4]);
    const all = data.parseCsv('a,b\n1,2\n');
    expect(all.y).toBeUndefined();
    expect(all.x.shape).toEqual([1, 2]);
  });

  test('keeps given classNames and quoted fields with escaped quotes', () => {
    const t = data.parseCsv('"a ""x""",label\n"1.5",dog\n2,cat\n', { labelColumn: 'label', classNames: ['dog', 'cat'] });
    expect(t.columns).toEqual(['a "x"']);
    expect([...t.y!.data]).toEqual([0, 1]);
    expect([...t.x.data]).toEqual([1.5, 2]);
  });

  test('names the line and column of a bad cell, a wrong field count, a missing label', () => {
    expect(() => data.parseCsv(fixture('bad-cell.csv'), { labelColumn: 'label' })).toThrow(
      /data.parseCsv: line 3: column 'b' is "x"; expected a number/,
    );
    expect(() => data.parseCsv('a,b\n1,2,3\n')).toThrow(/line 2: expected 2 fields like the header, got 3/);
    expect(() => data.parseCsv('a,b\n1,\n', { labelColumn: 'b' })).toThrow(/line 2: the label 'b' is empty/);
    expect(() => data.parseCsv('a,b\n1,2\n', { labelColumn: 'c' })).toThrow(/labelColumn 'c' is not in the header \[a, b\]/);
    expect(() => data.parseCsv('a,b\n1,2\n', { labelColumn: 5 })).toThrow(/labelColumn 5 is out of range/);
    expect(() => data.parseCsv('a,b\n1,2\n', null as never)).toThrow(/data.parseCsv: options must be an object, got null/);
    expect(() => data.parseCsv('a,b\n"1,2\n')).toThrow(/line 2: unterminated quoted field/);
    expect(() => data.parseCsv('a,b\n1,cat\n', { labelColumn: 'b', classNames: ['dog'] })).toThrow(/"cat" is not one of classNames \[dog\]/);
    expect(() => data.parseCsv('')).toThrow(/expected a header row/);
    expect(() => data.parseCsv(42 as unknown as string)).toThrow(/expected the CSV text as a string, got number/);
  });

  test('ignores a byte-order mark before the header', () => {
    expect(data.parseCsv('\uFEFFa,b\n1,2\n', { labelColumn: 'a' }).columns).toEqual(['b']);
  });

  // Issue 15: an empty cell was silently NaN; it now needs { missing: NaN } (or another fill value).
  test('treats NaN cells, and empty cells with { missing: NaN }, as NaN', () => {
    const t = data.parseCsv('a,b,c\n,NaN,1\n', { missing: NaN });
    expect(Number.isNaN(t.x.data[0])).toBe(true);
    expect(Number.isNaN(t.x.data[1])).toBe(true);
    expect(t.x.data[2]).toBe(1);
  });

  test('an empty feature cell is an error naming its line and column unless missing gives a fill value', () => {
    expect(() => data.parseCsv('a,b,y\n1,2,0\n1,,0', { labelColumn: 'y' })).toThrow(
      "data.parseCsv: line 3, column 'b' (field 2): the field is empty; pass { missing: value } to fill empty fields (e.g. 0, or NaN)",
    );
    expect(() => data.parseCsv('y,a,b\n0,1, \n', { labelColumn: 'y' })).toThrow(/line 2, column 'b' \(field 3\): the field is empty/);
    expect(Array.from(data.parseCsv('a,b,y\n1,,0\n,4,1', { labelColumn: 'y', missing: -1 }).x.data)).toEqual([1, -1, -1, 4]);
    expect(() => data.parseCsv('a,b\n1,2', { missing: 'zero' as never })).toThrow('data.parseCsv: missing must be \'error\' or a number, got "zero"');
    // An empty label stays an error whatever missing says.
    expect(() => data.parseCsv('a,y\n1,\n', { labelColumn: 'y', missing: 0 })).toThrow(/the label 'y' is empty/);
  });

  test('csvDataset: the same rule and option', async () => {
    const text = 'a,b,y\n1,,0\n2,3,1\n';
    const batches = async (options: { missing?: 'error' | number }) => {
      const out: number[][] = [];
      for await (const b of data.csvDataset(() => [text], { labelColumn: 'y', batchSize: 2, ...options })) out.push(Array.from(b.x.data));
      return out;
    };
    await expect(batches({})).rejects.toThrow("data.csvDataset: line 2, column 'b' (field 2): the field is empty");
    expect(await batches({ missing: 0 })).toEqual([[1, 0, 2, 3]]);
  });
});

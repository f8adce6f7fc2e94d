// Numeric CSV tables with a header row: features -> x [n, features], an optional label column
// -> y [n]. Fields may be quoted ("a,b" and "" escapes); a quoted field cannot span lines.
import { ValueError } from '../core/errors.js';
import { custom, given, optionError, optionsSchema } from '../core/options.js';
import { Tensor } from '../core/tensor.js';

/** Options of `parseCsv` and `csvDataset`. */
export interface CsvOptions {
  /** The label column, by header name or 0-based index; omitted: every column is a feature. */
  labelColumn?: string | number;
  /** Field separator (one character); default ','. */
  delimiter?: string;
  /**
   * Names of the label classes when labels are strings: label `classNames[i]` becomes `i`.
   * `parseCsv` defaults to the sorted distinct labels; `csvDataset` needs it for string labels.
   */
  classNames?: readonly string[];
  /**
   * What an empty feature field is: `'error'` (default: an error naming its line and column) or
   * the number to put there (e.g. `0`, or `NaN` to impute later). An empty label is always an error.
   */
  missing?: 'error' | number;
}

/** The `missing` option (shared with csvDataset's schema). */
export const missingOption = custom((v, who, key): 'error' | number => (v === 'error' || typeof v === 'number' ? v : optionError(who, key, "'error' or a number", v)), 'error' as const);

const csvSchema = optionsSchema<CsvOptions>()({ labelColumn: given<string | number>(), delimiter: given<string>(), classNames: given<readonly string[]>(), missing: missingOption });

/** A parsed table: features, labels if a label column was named, and the names. */
export interface CsvTable {
  /** Features `[rows, columns.length]`. */
  x: Tensor;
  /** Labels `[rows]` (numbers, or class indices for string labels); absent without `labelColumn`. */
  y?: Tensor;
  /** The feature columns' names, in order. */
  columns: string[];
  /** The label column's name. */
  labelName?: string;
  /** For string labels: the class of each index. */
  classNames?: string[];
}

/** Splits one CSV line into fields (quotes removed, "" unescaped). */
export function splitCsvLine(line: string, delimiter: string, where: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new ValueError(`${where}: unterminated quoted field`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i < line.length && line[i] !== delimiter) throw new ValueError(`${where}: unexpected text after a quoted field`);
    } else {
      const end = line.indexOf(delimiter, i);
      fields.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++; // the delimiter
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** The header-derived plan for turning rows into features and a label. */
export class CsvSchema {
  readonly columns: string[];
  readonly labelIndex: number;
  readonly labelName: string | undefined;
  private readonly width: number;

  /** `options` have been through a schema's `parse` (parseCsv, csvDataset); their values are checked here. */
  constructor(header: string, readonly options: CsvOptions, readonly who: string) {
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"') {
      throw new ValueError(`${who}: delimiter must be one character other than '"', got ${JSON.stringify(delimiter)}`);
    }
    const names = splitCsvLine(header.replace(/^\uFEFF/, ''), delimiter, `${who}: line 1`).map((s) => s.trim()); // drop a UTF-8 BOM
    this.width = names.length;
    const label = options.labelColumn;
    if (label === undefined) {
      this.labelIndex = -1;
    } else if (typeof label === 'number') {
      if (!Number.isInteger(label) || label < 0 || label >= names.length) {
        throw new ValueError(`${who}: labelColumn ${label} is out of range; the header has ${names.length} columns`);
      }
      this.labelIndex = label;
    } else {
      this.labelIndex = names.indexOf(label);
      if (this.labelIndex < 0) {
        throw new ValueError(`${who}: labelColumn '${label}' is not in the header [${names.join(', ')}]`);
      }
    }
    this.labelName = this.labelIndex >= 0 ? names[this.labelIndex] : undefined;
    this.columns = names.filter((_, i) => i !== this.labelIndex);
    if (this.columns.length === 0) throw new ValueError(`${who}: the table has no feature columns`);
  }

  /**
   * Writes the features of one data line into `x` at `offset` and returns the raw label field
   * ('' without a label column). `lineNo` is 1-based, for errors.
   */
  parseRow(line: string, lineNo: number, x: Float32Array, offset: number): string {
    const where = `${this.who}: line ${lineNo}`;
    const fields = splitCsvLine(line, this.options.delimiter ?? ',', where);
    if (fields.length !== this.width) {
      throw new ValueError(`${where}: expected ${this.width} fields like the header, got ${fields.length}`);
    }
    let label = '';
    let j = offset;
    for (let c = 0; c < fields.length; c++) {
      const text = fields[c]!.trim();
      if (c === this.labelIndex) {
        label = text;
        continue;
      }
      if (text === '') {
        const fill = this.options.missing ?? 'error';
        if (fill === 'error') {
          throw new ValueError(`${where}, column '${this.columns[j - offset]}' (field ${c + 1}): the field is empty; pass { missing: value } to fill empty fields (e.g. 0, or NaN)`);
        }
        x[j++] = fill;
        continue;
      }
      const value = Number(text);
      if (Number.isNaN(value) && text.toLowerCase() !== 'nan') {
        throw new ValueError(`${where}: column '${this.columns[j - offset]}' is ${JSON.stringify(fields[c])}; expected a number`);
      }
      x[j++] = value;
    }
    if (this.labelIndex >= 0 && label === '') throw new ValueError(`${where}: the label '${this.labelName}' is empty`);
    return label;
  }
}

/** Label text -> number: numeric labels as they are, strings through `classNames`. */
export function labelValue(text: string, classNames: readonly string[] | undefined, where: string): number {
  if (classNames !== undefined) {
    const index = classNames.indexOf(text);
    if (index < 0) throw new ValueError(`${where}: label ${JSON.stringify(text)} is not one of classNames [${classNames.join(', ')}]`);
    return index;
  }
  const value = Number(text);
  if (Number.isNaN(value)) {
    throw new ValueError(`${where}: label ${JSON.stringify(text)} is not a number; pass classNames for string labels`);
  }
  return value;
}

/** Splits text into lines, dropping a trailing '\r' and blank lines; keeps 1-based line numbers. */
function dataLines(text: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.trim() !== '') out.push([line, i + 1]);
  }
  return out;
}

/**
 * Parses a numeric CSV table with a header row. Feature cells must be numbers ('NaN' is allowed;
 * an empty cell is an error naming its line and column unless `missing` gives a fill value); the label column may hold numbers or strings (string labels become class
 * indices: `classNames`, by default the sorted distinct labels).
 *
 * ```ts
 * const { x, y, columns } = data.parseCsv(text, { labelColumn: 'species' });
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const who = 'data.parseCsv';
  if (typeof text !== 'string') throw new ValueError(`${who}: expected the CSV text as a string, got ${typeof text}`);
  options = csvSchema.parse(who, options);
  const lines = dataLines(text);
  if (lines.length === 0) throw new ValueError(`${who}: expected a header row, got an empty text`);
  const schema = new CsvSchema(lines[0]![0], options, who);
  const rows = lines.length - 1;
  const width = schema.columns.length;
  const x = new Float32Array(rows * width);
  const labels: string[] = [];
  for (let r = 0; r < rows; r++) {
    const [line, lineNo] = lines[r + 1]!;
    labels.push(schema.parseRow(line, lineNo, x, r * width));
  }
  const table: CsvTable = { x: new Tensor(x, [rows, width]), columns: schema.columns };
  if (schema.labelIndex < 0) return table;
  table.labelName = schema.labelName;
  let classNames = options.classNames ? [...options.classNames] : undefined;
  if (classNames === undefined && labels.some((l) => Number.isNaN(Number(l)))) {
    classNames = [...new Set(labels)].sort();
  }
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) y[r] = labelValue(labels[r]!, classNames, `${who}: line ${lines[r + 1]![1]}`);
  table.y = new Tensor(y, [rows]);
  if (classNames !== undefined) table.classNames = classNames;
  return table;
}

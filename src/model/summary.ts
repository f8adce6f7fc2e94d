// `model.summary()`: Keras's table of layers, output shapes and parameter counts.
import { flag, integer, optionsSchema } from '../core/options.js';
import type { Graph } from './graph.js';

/** Options of `model.summary`. */
export interface SummaryOptions {
  /** Also print the table (console.log). Default false: it is only returned. */
  print?: boolean;
  /** Total width of the table. Default 65 (Sequential) or 98 (functional: "Connected to"). */
  lineLength?: number;
}

const summarySchema = optionsSchema<SummaryOptions>()({ print: flag(false), lineLength: integer({ min: 1 }) });

function pad(text: string, width: number): string {
  return text.length >= width ? `${text.slice(0, width - 1)} ` : text + ' '.repeat(width - text.length);
}

/** `1,234,567`. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Builds the summary table of a graph. */
export function summarize(name: string, graph: Graph, sequential: boolean, options: SummaryOptions): string {
  options = summarySchema.parse(`${name}.summary`, options);
  const shape = (s: readonly number[]): string => `(None, ${s.join(', ')})`.replace(', )', ')');
  const rows: string[][] = [];
  if (!sequential) {
    for (const t of graph.inputs) rows.push([`${t.node.layer.name} (InputLayer)`, shape(t.shape), '0', '']);
  }
  for (const node of graph.nodes) {
    const layer = node.layer;
    const cells = [`${layer.name} (${layer.className})`, shape(node.output.shape), thousands(layer.countParams())];
    if (!sequential) cells.push(node.dataInputs.map((t) => t.node.layer.name).join(', '));
    rows.push(cells);
  }
  const headers = sequential ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  // Keras's proportions of the line, widened where a cell would not fit.
  const fractions = sequential ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1];
  const base = options.lineLength ?? (sequential ? 65 : 98);
  const stops = fractions.map((f) => Math.floor(base * f));
  const widths = stops.map((st, i) => Math.max(st - (i === 0 ? 0 : stops[i - 1]!), ...rows.map((r) => (r[i]?.length ?? 0) + 2)));
  const lineLength = widths.reduce((a, b) => a + b, 0);
  const row = (cells: string[]): string => cells.map((c, i) => pad(` ${c}`, widths[i]!)).join('').trimEnd();
  const lines = [`Model: "${name}"`, '_'.repeat(lineLength), row(headers), '='.repeat(lineLength)];
  rows.forEach((cells, i) => {
    lines.push(row(cells));
    if (i < rows.length - 1) lines.push(sequential ? '' : '_'.repeat(lineLength));
  });
  let trainable = 0;
  let frozen = 0;
  for (const layer of graph.layers) {
    for (const w of layer.trainableWeights) trainable += w.size;
    for (const w of layer.nonTrainableWeights) frozen += w.size;
  }
  lines.push('='.repeat(lineLength));
  lines.push(`Total params: ${thousands(trainable + frozen)}`);
  lines.push(`Trainable params: ${thousands(trainable)}`);
  lines.push(`Non-trainable params: ${thousands(frozen)}`);
  lines.push('_'.repeat(lineLength));
  const text = lines.join('\n');
  if (options.print === true) (globalThis as { console?: { log(t: string): void } }).console?.log(text);
  return text;
}

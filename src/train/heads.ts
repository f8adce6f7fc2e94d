// The training objective per model output ("head"): its loss (a built-in loss run on the plan's
// buffers, or a function of ops traced into the plan), its weight, its targets' place in the packed
// target rows, and its metrics; plus the metrics that report a head's loss or an `addMetric` term.
import { ValueError } from '../core/errors.js';
import { sizeOf, type Shape, type Tensor } from '../core/tensor.js';
import { ReduceOp } from '../graph/reduce.js';
import { Input, InputLayer } from '../layers/core.js';
import { SymbolicTensor, describeOperand, type GraphNode } from '../layers/layer.js';
import type { Loss } from '../losses/loss.js';
import { get as getLoss } from '../losses/index.js';
import { getMetric, type Metric, type MetricCall } from '../metrics.js';

/** A loss written with ops: `(yTrue, yPred) => ops.mean(ops.square(ops.sub(yTrue, yPred)))`. */
export type LossFunction = (yTrue: SymbolicTensor, yPred: SymbolicTensor) => SymbolicTensor;

/** What `compile({ loss })` takes for one output. */
export type LossSpec = Loss | string | LossFunction;

/** One output's objective. */
export interface Head {
  /** The model output's name (Keras's log prefix `<name>_loss`). */
  readonly name: string;
  readonly output: SymbolicTensor;
  /** A built-in loss (run on the plan's buffers), or undefined for a traced loss. */
  readonly loss: Loss | undefined;
  /** The traced loss: its scalar term and the nodes computing it from `target` and the output. */
  readonly term: SymbolicTensor | undefined;
  readonly termNodes: readonly GraphNode[];
  /** The placeholder the plan copies this head's targets into. */
  readonly target: SymbolicTensor;
  readonly targetShape: Shape;
  readonly targetSize: number;
  /** Where the head's floats start in a packed target row. */
  readonly targetOffset: number;
  readonly weight: number;
  /** The metrics computed on this head's predictions and targets. */
  readonly metrics: Metric[];
  /** Name of the loss, for `accuracy`'s choice and messages. */
  readonly lossName: string;
}

/** A metric that reads one head's buffers (multi-output models; the executor binds it). */
export class HeadMetric implements Metric {
  readonly name: string;
  constructor(readonly inner: Metric, readonly head: number, prefix: string) {
    this.name = prefix === '' ? inner.name : `${prefix}_${inner.name}`;
  }
  reset(): void {
    this.inner.reset();
  }
  update(call: MetricCall): void {
    this.inner.update(call);
  }
  result(): number {
    return this.inner.result();
  }
}

/** The batch-weighted mean of a value the executor sets each step (a head's loss, an addMetric term). */
export class ValueMean implements Metric {
  /** This step's value (set by the executor before `update`). */
  value = 0;
  private total = 0;
  private count = 0;
  /**
   * @param source where the executor reads the value: an output's loss (its index) or, after the
   *   outputs, a traced metric term (heads.length + its index in `ResolvedObjective.metricTerms`).
   */
  constructor(readonly name: string, readonly source: number) {}
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  update(call: MetricCall): void {
    this.total += this.value * call.batch;
    this.count += call.batch;
  }
  result(): number {
    return this.count > 0 ? this.total / this.count : NaN;
  }
}

/** Targets of fit/evaluate/trainStep: a Tensor, or with several outputs an array in output order or an object by output name. */
export type Targets = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** A metric written with ops: `(yTrue, yPred) => scalar or per-sample values` (averaged). */
export type MetricFunction = (yTrue: SymbolicTensor, yPred: SymbolicTensor) => SymbolicTensor;

/** What compile's metrics take for one output: names, metric objects and metric functions. */
export type MetricSpec = Metric | string | MetricFunction;

/** A traced metric: its scalar term and the nodes computing it (beyond the model's). */
export interface MetricTerm {
  readonly name: string;
  readonly term: SymbolicTensor;
  readonly nodes: readonly GraphNode[];
}

/** Per-output values: one value for all, an array in output order, or an object by output name. */
export type PerOutput<T> = T | readonly T[] | Readonly<Record<string, T>>;

/** The entry of `spec` for output `i` named `name`; `isOne` tells a single value from an array/record. */
function pick<T>(spec: PerOutput<T> | undefined, i: number, name: string, count: number, isOne: (v: unknown) => boolean, who: string, what: string): T | undefined {
  if (spec === undefined) return undefined;
  if (isOne(spec)) return spec as T;
  if (Array.isArray(spec)) {
    if (spec.length !== count) throw new ValueError(`${who}: ${what} has ${spec.length} entries, the model has ${count} outputs`);
    return spec[i] as T;
  }
  const rec = spec as Readonly<Record<string, T>>;
  return Object.hasOwn(rec, name) ? rec[name] : undefined;
}

/** Checks an object keyed by output name names only outputs. */
function checkNames(spec: unknown, names: readonly string[], who: string, what: string, isOne: (v: unknown) => boolean): void {
  if (spec === undefined || isOne(spec) || Array.isArray(spec)) return;
  for (const key of Object.keys(spec as object)) {
    if (!names.includes(key)) throw new ValueError(`${who}: ${what} names '${key}', which is not an output; outputs: ${names.join(', ')}`);
  }
}

const isLossOne = (v: unknown): boolean => typeof v === 'string' || typeof v === 'function' || (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Loss).compute === 'function');
const isNumber = (v: unknown): boolean => typeof v === 'number';
const isMetricList = (v: unknown): boolean => Array.isArray(v) && v.every((m) => typeof m === 'string' || typeof m === 'function' || (m !== null && typeof m === 'object' && typeof (m as Metric).update === 'function'));

/** Traces a loss function on a target placeholder and the output: its mean over everything is the term. */
function traceLoss(fn: LossFunction, target: SymbolicTensor, output: SymbolicTensor, who: string): { term: SymbolicTensor; nodes: GraphNode[] } {
  const out = fn(target, output);
  if (!(out instanceof SymbolicTensor)) throw new ValueError(`${who}: a loss function must return a SymbolicTensor built with ops from (yTrue, yPred), got ${describeOperand(out)}`);
  const term = out.batched || out.shape.length > 0 ? new ReduceOp('mean', undefined, false).record([out])[0]! : out;
  const nodes: GraphNode[] = [];
  const seen = new Set<GraphNode>([output.node]);
  const visit = (node: GraphNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.layer instanceof InputLayer) {
      if (node.output !== target) throw new ValueError(`${who}: the loss function may only use yTrue and yPred, but it reads ${node.output.toString()}`);
      return;
    }
    for (const t of node.inputs) visit(t.node);
    nodes.push(node);
  };
  visit(term.node);
  for (const n of nodes) for (const t of n.inputs) if (t.node === output.node && t !== output) throw new ValueError(`${who}: the loss function reads ${t.toString()}, a tensor of the model other than its output`);
  return { term, nodes };
}

/**
 * Resolves compile's loss, lossWeights and metrics against the model's outputs. With one output
 * the log names stay `loss`, `accuracy`; with several they follow Keras (`<output>_loss`,
 * `<output>_<metric>`), and the total loss is the weighted sum.
 */
export function resolveHeads(
  outputs: readonly SymbolicTensor[],
  lossSpec: PerOutput<LossSpec>,
  lossWeights: PerOutput<number> | undefined,
  metricSpecs: PerOutput<ReadonlyArray<MetricSpec>> | undefined,
  who: string,
  modelMetrics: readonly { name: string; term: SymbolicTensor }[] = [],
): { heads: Head[]; metrics: Metric[]; metricTerms: MetricTerm[] } {
  const names = outputs.map((t) => t.node.layer.name);
  const many = outputs.length > 1;
  checkNames(lossSpec, names, who, 'loss', isLossOne);
  checkNames(lossWeights, names, who, 'lossWeights', isNumber);
  checkNames(metricSpecs, names, who, 'metrics', isMetricList);
  const heads: Head[] = [];
  const metrics: Metric[] = [];
  const metricTerms: MetricTerm[] = [];
  /** Per head, its metric functions' log entries (made once the heads are known). */
  const tracedMetrics: Array<Array<{ name: string; index: number }>> = [];
  let offset = 0;
  outputs.forEach((output, i) => {
    const name = names[i]!;
    const spec = pick(lossSpec, i, name, outputs.length, isLossOne, who, 'loss');
    if (spec === undefined) throw new ValueError(`${who}: no loss for output ${name}; give one per output (an array, or an object by output name)`);
    const weight = pick(lossWeights, i, name, outputs.length, isNumber, who, 'lossWeights') ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw new ValueError(`${who}: lossWeights for ${name} must be a finite number >= 0, got ${String(weight)}`);
    let loss: Loss | undefined;
    let targetShape: Shape;
    if (typeof spec === 'function' && typeof (spec as unknown as Loss).compute !== 'function') {
      targetShape = output.shape;
    } else {
      try {
        loss = getLoss(spec as Loss | string);
      } catch (err) {
        throw new ValueError(`${who}: ${(err as Error).message}`);
      }
      targetShape = loss.targetSampleShape(output.shape);
    }
    const target = Input({ shape: targetShape.length === 0 ? [1] : targetShape });
    const traced = loss === undefined ? traceLoss(spec as LossFunction, target, output, `${who} (loss of ${name})`) : undefined;
    const targetSize = sizeOf(targetShape);
    const lossName = loss?.name ?? 'custom';
    const context = { lossName, fromLogits: loss?.getConfig().fromLogits === true, predSize: sizeOf(output.shape), targetSize };
    const list = pick(metricSpecs, i, name, outputs.length, isMetricList, who, 'metrics') ?? [];
    const headMetrics = list.filter((m): m is Metric | string => typeof m !== 'function').map((m) => getMetric(m, context));
    tracedMetrics.push(
      list.filter((m): m is MetricFunction => typeof m === 'function').map((fn, k) => {
        const metricName = fn.name !== '' ? fn.name : `metric_${k + 1}`;
        const t = traceLoss(fn, target, output, `${who} (metric ${metricName} of ${name})`);
        metricTerms.push({ name: metricName, term: t.term, nodes: t.nodes });
        return { name: metricName, index: metricTerms.length - 1 };
      }),
    );
    heads.push({ name, output, loss, term: traced?.term, termNodes: traced?.nodes ?? [], target, targetShape, targetSize, targetOffset: offset, weight, metrics: headMetrics, lossName });
    offset += targetSize;
  });
  // Keras's order: the total, each output's loss, then each output's metrics.
  if (many) heads.forEach((h, i) => metrics.push(new ValueMean(`${h.name}_loss`, i)));
  heads.forEach((h, i) => {
    for (const m of h.metrics) metrics.push(new HeadMetric(m, i, many ? h.name : ''));
    for (const t of tracedMetrics[i]!) metrics.push(new ValueMean(many ? `${h.name}_${t.name}` : t.name, heads.length + t.index));
  });
  for (const m of modelMetrics) {
    metricTerms.push({ name: m.name, term: m.term, nodes: [] });
    metrics.push(new ValueMean(m.name, heads.length + metricTerms.length - 1));
  }
  const seen = new Set<string>(['loss']);
  for (const m of metrics) {
    if (seen.has(m.name)) throw new ValueError(`${who}: two metrics are named ${m.name}`);
    seen.add(m.name);
  }
  return { heads, metrics, metricTerms };
}

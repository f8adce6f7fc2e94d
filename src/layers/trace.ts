// The trace stack of custom layers: while a layer's `call` is traced, every graph node created
// joins its record. Generic over the graph's types (defined in layer.ts, which imports this file),
// so this file imports nothing.

/** The shape of one output of a node: per-sample when batched (the default), else full. */
export interface OutputSpec {
  readonly shape: readonly number[];
  readonly batched?: boolean;
}

/**
 * What a traced call recorded (a custom layer's `call`): its nodes in order, its outputs, the scalar
 * loss terms its `addLoss` calls added, and the layers it applied (their weights join the caller's).
 */
export interface TraceRecord<Node, Tensor, Layer> {
  /** Who is traced (named in errors of the ops recorded). */
  readonly owner: string;
  readonly nodes: Node[];
  outputs: Tensor[];
  readonly losses: Tensor[];
  readonly sublayers: Layer[];
}

/** The record being traced (nodes created now belong to it), or undefined. */
let active: unknown;

/** Runs `fn` with `trace` recording every node created; restores the previous trace after. */
export function withTrace<R, T>(trace: R, fn: () => T): T {
  const outer = active;
  active = trace;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** The record being traced, if any. */
export function activeTrace<R>(): R | undefined {
  return active as R | undefined;
}

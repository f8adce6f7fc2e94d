// Weight regularisers (Keras's l1, l2, l1l2): a penalty added to the reported loss and its
// gradient added to the weight's gradient, both in one wasm call (`f32_l1l2_penalty`).
import { l1l2Penalty } from './kernels/graph.js';
import { ValueError } from './core/errors.js';

/** A weight penalty: `apply` returns it and accumulates its gradient into dw (when dw != 0). */
export interface Regularizer {
  /** Registered name: `'l1'`, `'l2'` or `'l1l2'`. */
  readonly name: string;
  getConfig(): { l1: number; l2: number };
  apply(w: number, dw: number, n: number): number;
}

class L1L2 implements Regularizer {
  constructor(
    readonly name: string,
    private readonly l1: number,
    private readonly l2: number,
  ) {
    for (const [key, v] of [['l1', l1], ['l2', l2]] as const) {
      if (!Number.isFinite(v) || v < 0) throw new ValueError(`regularizers.${name}: ${key} must be a finite number >= 0, got ${String(v)}`);
    }
  }
  getConfig(): { l1: number; l2: number } {
    return { l1: this.l1, l2: this.l2 };
  }
  apply(w: number, dw: number, n: number): number {
    return l1l2Penalty(dw, w, n, this.l1, this.l2);
  }
}

/** The factor `key` of a number or an options object (default 0.01, as Keras); anything else throws naming `who`. */
function factor(who: string, options: unknown, key: 'l1' | 'l2', allowNumber: boolean): number {
  if (allowNumber && typeof options === 'number') return options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(`regularizers.${who}: expected ${allowNumber ? 'a number or ' : ''}an options object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  return (options as Record<string, number | undefined>)[key] ?? 0.01;
}

/** L1 penalty `l1 · Σ|w|` (Keras default 0.01). */
export function l1(options: { l1?: number } | number = {}): Regularizer {
  return new L1L2('l1', factor('l1', options, 'l1', true), 0);
}

/** L2 penalty `l2 · Σw²` (Keras default 0.01). */
export function l2(options: { l2?: number } | number = {}): Regularizer {
  return new L1L2('l2', 0, factor('l2', options, 'l2', true));
}

/** Both penalties `l1 · Σ|w| + l2 · Σw²` (defaults 0.01 each, as Keras). */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  return new L1L2('l1l2', factor('l1l2', options, 'l1', false), factor('l1l2', options, 'l2', false));
}

/** A regulariser object, a registered name, or a saved `{ name, config }`. */
export type RegularizerLike = Regularizer | 'l1' | 'l2' | 'l1l2' | { name: string; config?: { l1?: number; l2?: number } };

const REGISTRY: Record<string, (c: { l1?: number; l2?: number }) => Regularizer> = {
  l1: (c) => l1(c),
  l2: (c) => l2(c),
  l1l2: (c) => l1l2(c),
};

/** Resolves a regulariser object, name or `{ name, config }`; unknown names list the valid ones. */
export function getRegularizer(spec: RegularizerLike, who = 'regularizers.get'): Regularizer {
  if (typeof spec === 'object' && spec !== null && typeof (spec as Regularizer).apply === 'function') return spec as Regularizer;
  const name = typeof spec === 'string' ? spec : (spec as { name?: unknown } | null)?.name;
  const make = typeof name === 'string' && Object.hasOwn(REGISTRY, name) ? REGISTRY[name] : undefined;
  if (make === undefined) {
    throw new ValueError(`${who}: unknown regularizer ${JSON.stringify(name ?? spec)}; valid names: ${Object.keys(REGISTRY).join(', ')}`);
  }
  return make(typeof spec === 'string' ? {} : ((spec as { config?: { l1?: number; l2?: number } }).config ?? {}));
}

/** Saved form of a regulariser. */
export function serializeRegularizer(r: Regularizer): { name: string; config: { l1: number; l2: number } } {
  return { name: r.name, config: r.getConfig() };
}

// Which wasm-holding objects (layers, optimizers) the live models use, so `Model.dispose()` frees
// only what no other undisposed model still uses (a layer shared for transfer learning, an
// optimizer object compiled into two models stay), and a layer it freed cannot join a model again.
import { releaseNow } from '../backend/memory.js';
import { ValueError } from '../core/errors.js';

/**
 * Undisposed models using each object. A model dropped without dispose() still counts (nothing
 * tells the count when it is collected without keeping its layers alive one collection longer),
 * so a layer it shared is left to the garbage collector: conservative, never a premature free.
 */
const users = new WeakMap<object, number>();
/** Layers whose memory a dispose() freed, with the model that freed it. */
const freed = new WeakMap<object, string>();

/** What one model uses now. */
export class Uses {
  private readonly held = new Set<object>();

  /** Makes `now` the set this model uses (after a graph change or a compile). */
  set(now: Iterable<object>): void {
    const next = new Set(now);
    for (const o of this.held) if (!next.has(o)) drop(o);
    for (const o of next) if (!this.held.has(o)) users.set(o, (users.get(o) ?? 0) + 1);
    this.held.clear();
    for (const o of next) this.held.add(o);
  }

  /** Stops using everything and releases the memory of what no other model uses (`by` is the model's name). */
  release(by: string): void {
    for (const o of this.held) {
      if (drop(o) === 0) {
        releaseNow(o);
        freed.set(o, by);
      }
    }
    this.held.clear();
  }
}

function drop(o: object): number {
  const n = (users.get(o) ?? 1) - 1;
  if (n > 0) users.set(o, n);
  else users.delete(o);
  return n;
}

/** Throws if `layer`'s memory was freed by a model's dispose(). */
export function checkNotFreed(layer: { readonly name: string }, who: string): void {
  const by = freed.get(layer);
  if (by !== undefined) throw new ValueError(`${who}: layer ${layer.name} was freed by ${by}.dispose() and cannot be used again; make a new layer`);
}

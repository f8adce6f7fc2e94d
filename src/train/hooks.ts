// Running callback hooks and generator-written loops without a promise where none is needed:
// training on tensors stays synchronous per batch; a stream or an async hook costs a promise.
import type { Callback, Logs } from '../callbacks/callback.js';

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/**
 * Calls one hook on every callback in order. Synchronous hooks cost no promise: a promise is made
 * (and awaited by the caller) only from the first hook that returns one.
 */
export function runHooks(callbacks: readonly Callback[], hook: Hook, arg?: number | Logs, logs?: Logs, from = 0): Promise<void> | undefined {
  for (let i = from; i < callbacks.length; i++) {
    const cb = callbacks[i]!;
    const r = (cb[hook] as (a?: unknown, b?: unknown) => void | Promise<void>).call(cb, arg, logs);
    if (r !== undefined && typeof (r as Promise<void>).then === 'function') return continueHooks(r as Promise<void>, callbacks, hook, arg, logs, i + 1);
  }
  return undefined;
}

/**
 * The rest of runHooks after a hook returned a promise. Kept out of runHooks so its synchronous
 * path (every batch) captures nothing: a closure there makes V8 allocate its context on every call.
 */
function continueHooks(pending: Promise<void>, callbacks: readonly Callback[], hook: Hook, arg: number | Logs | undefined, logs: Logs | undefined, next: number): Promise<void> {
  return pending.then(() => runHooks(callbacks, hook, arg, logs, next));
}

/**
 * Runs a loop written as a generator that yields only promises (of a stream): synchronously to its
 * result when it yields none, otherwise as a promise of it.
 */
export function drive<T>(gen: Generator<Promise<unknown>, T, unknown>, at: IteratorResult<Promise<unknown>, T> = gen.next()): T | Promise<T> {
  if (at.done) return at.value;
  return at.value.then(
    (v) => drive(gen, gen.next(v)),
    (err: unknown) => drive(gen, gen.throw(err)),
  );
}

// The source of one pool worker, run as a classic script (Node `worker_threads`, `eval: true`) or
// as a module worker from a blob URL (Deno, browsers). It instantiates the threads build over the
// shared memory, reports ready, then serves jobs forever: wait until its go-word changes, call
// the export named by its argument slot with the slot's numbers, record the status, publish the
// generation in its done-word and wake the main thread. A negative go-word ends the loop.
//
// Control words (Int32Array over a SharedArrayBuffer), for worker w of a pool of `size` threads:
// go at [w], done at [size + w], status at [2*size + w] (0 ok, 1 the call threw).
// Argument slots (Float64Array): slot w at [w*SLOT .. w*SLOT + SLOT): export index, then arguments.
// Every line is indented so that no line of the bundles starts at column 0 inside this string.

/** Numbers per argument slot: the export's index and up to 15 arguments. */
export const SLOT = 16;

/** The worker's script. Extra arguments to a wasm export are ignored, so every call passes 15. */
export const WORKER_SOURCE = `
  const SLOT = ${SLOT};
  const serve = (data, post) => {
    const { module, memory, control, args, id, size, names } = data;
    let fns;
    try {
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      fns = names.map((name) => instance.exports[name]);
    } catch (error) {
      post({ error: String((error && error.message) || error) });
      return;
    }
    const words = new Int32Array(control);
    const slots = new Float64Array(args);
    post({ ready: true });
    let seen = 0;
    for (;;) {
      Atomics.wait(words, id, seen);
      const generation = Atomics.load(words, id);
      if (generation === seen) continue;
      if (generation < 0) return;
      seen = generation;
      const o = id * SLOT;
      let status = 0;
      try {
        fns[slots[o]](slots[o + 1], slots[o + 2], slots[o + 3], slots[o + 4], slots[o + 5], slots[o + 6], slots[o + 7],
          slots[o + 8], slots[o + 9], slots[o + 10], slots[o + 11], slots[o + 12], slots[o + 13], slots[o + 14], slots[o + 15]);
      } catch (error) {
        status = 1;
      }
      Atomics.store(words, 2 * size + id, status);
      Atomics.store(words, size + id, generation);
      Atomics.notify(words, size + id);
    }
  };
  if (typeof require === 'function') {
    const { parentPort } = require('node:worker_threads');
    parentPort.once('message', (data) => serve(data, (message) => parentPort.postMessage(message)));
  } else {
    self.onmessage = (event) => { self.onmessage = null; serve(event.data, (message) => self.postMessage(message)); };
  }
`;

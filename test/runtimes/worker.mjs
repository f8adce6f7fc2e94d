// workerd: `tensorlane` is dist/tensorlane.worker.js, which imports the .wasm as a module
// (run-all.mjs names the modules in the generated capnp config). Answers the results as JSON.
import * as tl from 'tensorlane';
import { runChecks } from './checks.mjs';

export default {
  async fetch() {
    return Response.json(await runChecks(tl));
  },
};

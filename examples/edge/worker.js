// An edge worker (workerd / Cloudflare Workers). Bundlers such as wrangler pick the package's
// `workerd` export, whose entry imports tensorlane.wasm as a compiled module (these runtimes
// refuse to compile wasm from bytes). Run it with plain workerd from the repository root:
//   npm run build && npx workerd serve examples/edge/config.capnp   # then: curl localhost:8787
import { init, tensor, ops } from 'tensorlane';

export default {
  async fetch() {
    await init(); // instantiates the imported module once; later calls return at once
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor([7, 8, 9, 10, 11, 12], [3, 2]);
    const c = ops.matmul(a, b);
    return Response.json({ shape: c.shape, data: Array.from(c.data) }); // {"shape":[2,2],"data":[58,64,139,154]}
  },
};

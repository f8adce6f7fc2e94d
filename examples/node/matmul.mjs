// node examples/node/matmul.mjs   (after `npm run build`; in your project: npm install tensorlane)
import { init, tensor, ops } from 'tensorlane';

await init(); // instantiates the wasm module inlined in the bundle: no files, no configuration
const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
const b = tensor([7, 8, 9, 10, 11, 12], [3, 2]);
const c = ops.matmul(a, b);
console.log(`matmul ${JSON.stringify(c.shape)}: ${JSON.stringify(Array.from(c.data))}`); // matmul [2,2]: [58,64,139,154]

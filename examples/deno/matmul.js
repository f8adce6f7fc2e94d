// deno run examples/deno/matmul.js   (no permissions needed; `npm:tensorlane` resolves through
// package.json + node_modules when they are present, otherwise Deno fetches it from npm)
import { init, tensor, ops } from 'npm:tensorlane';

await init();
const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
const b = tensor([7, 8, 9, 10, 11, 12], [3, 2]);
const c = ops.matmul(a, b);
console.log(`matmul ${JSON.stringify(c.shape)}: ${JSON.stringify(Array.from(c.data))}`); // matmul [2,2]: [58,64,139,154]

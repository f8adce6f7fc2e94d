// Layer allocations whose failure names the layer and weight, not just 'memory'.
import { heap } from '../backend/memory.js';

/**
 * heap().alloc whose failure names the layer (and weight) that asked instead of 'memory':
 * `dense_1/kernel [3, 1000000000000]: cannot allocate ... bytes`. (main's heap().alloc takes the
 * name itself; this keeps the class and the rest of the message of whatever it throws.)
 */
export function allocNamed(bytes: number, owner: string): number {
  try {
    return heap().alloc(bytes);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('memory:')) e.message = `${owner}:${e.message.slice('memory:'.length)}`;
    throw e;
  }
}

// The integer-option check shared by the sequence layers (counts, sizes, strides).
import { ValueError } from '../core/errors.js';

/** Returns `value` when it is a positive safe integer; else throws naming the layer and the option. */
export function positiveInt(layerName: string, option: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new ValueError(`${layerName}: ${option} must be a positive integer, got ${String(value)}`);
  return value as number;
}

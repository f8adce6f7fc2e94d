/** Thrown when a function is given arguments of the wrong shape, rank or size. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Thrown when an option or argument has an invalid value (unknown name, out of range, ...). */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** Thrown when the library is used before `await init()`. */
export class NotInitializedError extends Error {
  override name = 'NotInitializedError';
}

/** Formats a shape the way error messages show it: `[32, 28, 28]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

// KNOWN FAILURES of the bad-input suite: bad inputs that are still accepted silently or fail with
// an unclear error, in code the P0 hardening branch did not own (src/ops, src/layers, src/metrics,
// src/data, src/model, src/augment). Each row is one (entry, kind) of entries.ts and a fixed call
// that reproduces it. The suite counts drawn cases of a listed (entry, kind) as known failures
// instead of failing; and the test 'known failures still fail' re-runs every row's call and fails
// when it passes (a clear error or a correct result): then the fix is in, delete the row.
// Corruptions and hangs are never excused by this table.

export interface KnownFailure {
  entry: string;
  kind: string;
  /** A fixed call that shows the failure. */
  call: () => unknown;
  /** What happens today, and where. */
  observed: string;
}

export const knownKey = (entry: string, kind: string): string => `${entry} [${kind}]`;

// Empty since every finding of the first run was fixed (issue 15); a new finding gets a row here
// with its fixed call until its fix lands.
export const KNOWN_FAILURES: readonly KnownFailure[] = [];


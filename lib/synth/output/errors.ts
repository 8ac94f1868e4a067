/**
 * The writer's failures, typed so the CLI can pick the exit code and print a message that states the real
 * cause and the true state of the output folder.
 */

/** What the output folder looks like after a failure. */
export type OutputState =
  /** Byte for byte as before the run (the run never reached its commit point, or rolled back). */
  | 'unchanged'
  /** The run committed; some files are new, some old; the journal lets the next run finish it. */
  | 'commit-pending';

/** The output folder is not one synth may write (exit 2): nothing was touched. */
export class OutputFolderRefused extends Error {
  override readonly name = 'OutputFolderRefused';
  readonly state: OutputState = 'unchanged';
}

/** Files synth did not write are in the way (exit 1): nothing was touched. */
export class ForeignFilesFound extends Error {
  override readonly name = 'ForeignFilesFound';
  readonly state: OutputState = 'unchanged';
  constructor(message: string, readonly paths: readonly string[]) {
    super(message);
  }
}

/** Another synth holds the output folder (exit 1): nothing was touched. */
export class OutputLocked extends Error {
  override readonly name = 'OutputLocked';
  readonly state: OutputState = 'unchanged';
  constructor(message: string, readonly ownerPid: number | undefined) {
    super(message);
  }
}

/** A file-system error while writing (exit 1); `state` says what the folder holds now. */
export class OutputWriteError extends Error {
  override readonly name = 'OutputWriteError';
  constructor(message: string, readonly state: OutputState, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type OutputError = OutputFolderRefused | ForeignFilesFound | OutputLocked | OutputWriteError;

export function isOutputError(error: unknown): error is OutputError {
  return error instanceof OutputFolderRefused || error instanceof ForeignFilesFound
    || error instanceof OutputLocked || error instanceof OutputWriteError;
}

/** Exit code for a writer failure: 2 for a refused folder (fix the command), 1 for everything else. */
export function exitCodeFor(error: unknown): 1 | 2 {
  return error instanceof OutputFolderRefused ? 2 : 1;
}

/** `EROFS: read-only file system, mkdir '/x'` from a Node error, or its message. */
export function causeOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

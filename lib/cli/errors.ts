import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Exit codes of `oac`, documented in the README. */
export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3 } as const;

/** The command line is wrong (unknown option, missing value, unknown service): exit 2, no trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The user's input has problems (a broken entry, a stack that throws): exit 1, the message only. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/**
 * Anything else is a bug of this package: one line saying so, the trace in a file of its own in
 * os.tmpdir(), so the terminal never shows a stack trace.
 */
export function reportInternalError(error: unknown): number {
  const trace = error instanceof Error ? error.stack ?? `${error.name}: ${error.message}` : String(error);
  const file = join(tmpdir(), `oac-error-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  let where: string;
  try {
    writeFileSync(file, `${trace}\n`, 'utf8');
    where = `the trace is in ${file}`;
  } catch {
    where = 'the trace could not be written to a file';
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  console.error(`oac: internal error (a bug in observability-as-code, please report it): ${message}; ${where}`);
  return EXIT.internal;
}

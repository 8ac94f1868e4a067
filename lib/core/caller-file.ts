import { fileURLToPath } from 'node:url';

/**
 * The file of the first stack frame outside this package's own modules: the user's file that called a
 * `define*` function. Only file names are read (no line numbers), so source maps do not matter, and the
 * result is an absolute path, or undefined when no frame qualifies (e.g. called from `node -e`).
 */
export function callerFile(): string | undefined {
  const original = Error.prepareStackTrace;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.captureStackTrace(holder, callerFile);
    const frames = holder.stack ?? [];
    for (const frame of frames) {
      const name = frame.getFileName();
      if (!name || name.startsWith('node:')) continue;
      const path = name.startsWith('file:') ? fileURLToPath(name) : name;
      if (isOwnModule(path)) continue;
      return path;
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
}

// This package's own modules (sources under lib/, alerts/, dashboards/ or their build/ output), never the
// user's: packs in alerts/ call define* functions on the user's behalf, so they are skipped too.
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/build[\\/]$/, '');
const OWN = /^(?:build[\\/])?(?:lib|alerts|dashboards)[\\/]/;

function isOwnModule(path: string): boolean {
  return path.startsWith(PACKAGE_ROOT) && OWN.test(path.slice(PACKAGE_ROOT.length));
}

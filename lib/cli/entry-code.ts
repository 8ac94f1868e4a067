import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Appends the URL of every module the process loads to `file`, synchronously, so that once an `import()`
 * has settled every module it loaded is in the file (a message to this thread could still be on its way).
 */
const RECORDER = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  try {
    if (url.startsWith('file:')) appendFileSync(file, url + '\\n');
  } catch {}
  return loaded;
}`;

/** Lock files whose change is a change of the entry's dependencies (node_modules itself is not hashed). */
const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

export interface ModuleRecorder {
  /**
   * The hash of the code this process has loaded since recording started: every module file outside
   * node_modules (by its path under `root` and its bytes) and `root`'s lock file.
   */
  codeKey(root: string): string;
}

let recorder: ModuleRecorder | undefined;

/**
 * Records, once per process, the modules loaded from now on: ES modules through a loader hook (registered
 * after tsx's, so it sees TypeScript files too), CommonJS ones from the require cache. What the entry
 * imports is its code; what it reads otherwise is its input (lazyStacks' `inputOf`). A process that loads
 * several entries (a test) hashes the modules of all of them: a key more specific than needed, which only
 * costs cache hits.
 */
export function recordModules(): ModuleRecorder {
  if (recorder) return recorder;
  const folder = mkdtempSync(join(tmpdir(), 'oac-modules-'));
  const file = join(folder, 'loaded.txt');
  register(`data:text/javascript,${encodeURIComponent(RECORDER)}`, { data: { file } });
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  return (recorder = {
    codeKey(root) {
      let urls = '';
      try {
        urls = readFileSync(file, 'utf8');
      } catch {
        // Nothing loaded through the hook yet: only the require cache counts.
      }
      const paths = new Set<string>(Object.keys(createRequire(import.meta.url).cache).filter((p) => p.startsWith(sep)));
      for (const url of urls.split('\n')) if (url !== '') paths.add(fileURLToPath(url.replace(/[?#].*$/, '')));
      const hash = createHash('sha256');
      const files = [...paths].filter((p) => !p.split(sep).includes('node_modules')).map((p) => [relative(root, p).split(sep).join('/'), p] as const);
      for (const lock of LOCK_FILES) files.push([lock, join(root, lock)]);
      for (const [name, path] of files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(path);
        } catch {
          continue; // a lock file the project does not have
        }
        hash.update(`${name}\0${bytes.length}\0`).update(bytes);
      }
      return hash.digest('hex');
    },
  });
}

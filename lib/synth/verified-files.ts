import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sha256 } from './output/manifest.js';
import { replaceFile } from './replace-file.js';

/**
 * What synth last read of each file of one output folder: the file's identity on disk (size, inode,
 * modification and change times, in milliseconds) and the sha256 of the bytes it read. While a file's
 * identity is the same, its bytes are too, so the next run takes the hash without reading the file: a
 * reused service of 1,000 costs a `stat` per file instead of reading 375 MB.
 *
 * Any write to a file moves its change time (ctime), which no user call can set back, so a hand edit is
 * always seen. Git trusts its index the same way, and has the same blind spot: an edit in the same clock
 * tick as the read. So a file is remembered only when its ctime was well before the read
 * (`SETTLED_MS`); a file changed moments before is read again next time. Files that synth writes are not
 * remembered: the next run reads them once.
 *
 * Kept in the synth cache (one small JSON file per output folder); a missing or damaged record only costs
 * reads.
 */
export class VerifiedFiles {
  private readonly seen = new Map<string, Entry>();

  private constructor(
    private readonly file: string, private readonly folder: string, private readonly known: ReadonlyMap<string, Entry>, private readonly settledMs: number,
  ) {}

  /** `settledMs`: how long a file must have been unchanged when read to be remembered (tests pass 0). */
  static async load(cacheDir: string, outDir: string, settledMs = SETTLED_MS): Promise<VerifiedFiles> {
    const folder = resolve(outDir);
    const file = join(cacheDir, 'verified', `${createHash('sha256').update(folder).digest('hex').slice(0, 32)}.json`);
    const known = new Map<string, Entry>();
    const text = await readFile(file, 'utf8').catch(() => undefined);
    try {
      const data = text === undefined ? undefined : (JSON.parse(text) as Partial<Record_>);
      if (data?.format === FORMAT && data.folder === folder && typeof data.files === 'object' && data.files !== null) {
        for (const [path, entry] of Object.entries(data.files)) if (isEntry(entry)) known.set(path, entry);
      }
    } catch {
      // A torn or foreign record: every file is read.
    }
    return new VerifiedFiles(file, folder, known, settledMs);
  }

  /** The sha256 of `outDir/path`, or undefined when it cannot be read; read only when its identity changed. */
  async hashOf(outDir: string, path: string): Promise<string | undefined> {
    const full = join(outDir, path);
    let now: Identity | undefined;
    try {
      now = identityOf(full);
    } catch {
      return undefined; // not readable (EACCES, ENOTDIR): read as missing, so the service renders
    }
    if (!now) return undefined;
    const known = this.known.get(path);
    if (known !== undefined && known.length === now.text.length + 65 && known.startsWith(now.text) && known[now.text.length] === ' ') {
      this.seen.set(path, known);
      return known.slice(-64);
    }
    const bytes = await readFile(full).catch(() => undefined);
    if (bytes === undefined) return undefined;
    const hash = sha256(bytes);
    // Read after its last change had settled: an edit from now on moves its ctime past the recorded one.
    if (Date.now() - now.ctimeMs >= this.settledMs) this.seen.set(path, `${now.text} ${hash}`);
    return hash;
  }

  /**
   * Writes the record: what this run read or trusted, and earlier entries `keep` still wants (paths synth
   * still owns). Nothing is written when the record would only lose entries of files this run rewrote (their
   * identities no longer match anyway): a run that renders one service of 1,000 then writes no 18,000 entries.
   */
  async save(keep: (path: string) => boolean): Promise<void> {
    const learned = [...this.seen].some(([path, entry]) => this.known.get(path) !== entry);
    const dropped = [...this.known.keys()].some((path) => !keep(path));
    if (!learned && !dropped) return;
    const files: Record<string, Entry> = {};
    for (const [path, entry] of this.known) if (keep(path) && !this.seen.has(path)) files[path] = entry;
    for (const [path, entry] of this.seen) files[path] = entry;
    const record: Record_ = { format: FORMAT, folder: this.folder, files };
    await replaceFile(this.file, JSON.stringify(record));
  }
}

const FORMAT = 2;
/** How long a file must have been unchanged when it is read to be remembered (covers coarse file-system clocks). */
const SETTLED_MS = 3000;

/**
 * `<size> <inode> <mtime ms> <ctime ms> <sha256>`: one string per file, so the record of 18,000 files
 * parses into 18,000 strings. Milliseconds suffice: a remembered file's ctime is at least `SETTLED_MS`
 * older than the read, so any later write moves it by more than that.
 */
type Entry = string;

/** A file's identity on disk (`<size> <inode> <mtime ms> <ctime ms>`) and its ctime. */
interface Identity {
  readonly text: string;
  readonly ctimeMs: number;
}

interface Record_ {
  format: number;
  folder: string;
  files: Record<string, Entry>;
}

/** Synchronous: 18,000 `stat`s take ~0.1 s so, and ~0.8 s as promises, with nothing else for this thread to do meanwhile. */
function identityOf(path: string): Identity | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s?.isFile()) return undefined;
  return { text: `${s.size} ${s.ino} ${s.mtimeMs} ${s.ctimeMs}`, ctimeMs: s.ctimeMs };
}

// No pattern test of the hash: 18,000 of them are ~15 ms, and a wrong one only fails to match the manifest (the service renders).
function isEntry(value: unknown): value is Entry {
  return typeof value === 'string' && value.length > 65 && value[value.length - 65] === ' ';
}

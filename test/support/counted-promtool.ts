import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real promtool behind a wrapper that logs each call, so a test can count the runs it made. */
export interface CountedPromtool {
  /** The wrapper's path: pass it as `promtool` (or PROMTOOL). */
  readonly promtool: string;
  /** A scratch folder beside it, removed with it. */
  readonly dir: string;
  /** `promtool test rules` runs made since the last call. */
  newRuns(): Promise<number>;
  remove(): Promise<void>;
}

export async function countedPromtool(): Promise<CountedPromtool> {
  const dir = await mkdtemp(join(tmpdir(), 'oac-counted-promtool-'));
  const log = join(dir, 'runs.log');
  const promtool = join(dir, 'promtool');
  // The wrapper writes a line per call and becomes the real promtool.
  await writeFile(promtool, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${process.env.PROMTOOL ?? 'promtool'} "$@"\n`);
  await chmod(promtool, 0o755);
  let seen = 0;
  return {
    promtool, dir,
    async newRuns() {
      const runs = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((line) => line.startsWith('test rules')).length;
      const fresh = runs - seen;
      seen = runs;
      return fresh;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

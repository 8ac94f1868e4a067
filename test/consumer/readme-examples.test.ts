import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/packed-package.js';

/** The README's "Test your thresholds in your own suite" code blocks, each headed by the example file it is an excerpt of. */
async function excerpts(): Promise<{ file: string; code: string }[]> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Test your thresholds in your own suite');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n\/\/ (examples\/testing\/\S+)\n([\s\S]*?)```/g)].map((m) => ({ file: m[1]!, code: m[2]! }));
}

describe('the README section on testing helpers', () => {
  it('has excerpts of the example project only', async () => {
    expect((await excerpts()).length).toBeGreaterThanOrEqual(3);
  });

  it('shows each excerpt exactly as it stands in its file, which test/consumer compiles and runs', async () => {
    for (const { file, code } of await excerpts()) {
      expect(await readFile(join(REPO_ROOT, file), 'utf8'), file).toContain(code);
    }
  });
});

import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This repository: the package a platform repo installs. */
export const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Where an import of the engine's sources goes in a project that installed the package: its public entries. */
const PACKAGE_ENTRIES: readonly (readonly [string, string])[] = [
  ['lib/', 'observability-as-code'],
  ['alerts/', 'observability-as-code/alerts'],
  ['dashboards/', 'observability-as-code/dashboards'],
];

/**
 * The bench's organisation as a platform repo that installed this package: `dir` gets a package.json,
 * `node_modules/observability-as-code` (a link to this repository, whose `exports` are the build) and a copy
 * of bench/organisation.ts with every bench and stacks module it imports, each import of the engine's
 * sources rewritten to the package's entry that exports it (`../lib/core/index.js` ->
 * `observability-as-code`). The CLI steps then run the built `oac` there, so what they measure is what a
 * platform repo runs: the engine as JavaScript, the entry and its stacks as TypeScript through tsx.
 * Returns the entry's path.
 */
export async function platformProject(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-platform', private: true, type: 'module' }, null, 2)}\n`);
  await symlink(REPO, join(dir, 'node_modules', 'observability-as-code'), 'dir');
  const copied = new Set<string>();
  const copy = async (path: string): Promise<void> => {
    if (copied.has(path)) return;
    copied.add(path);
    const source = await readFile(join(REPO, path), 'utf8');
    const imported: string[] = [];
    const rewritten = source.replace(/(from\s+|import\s+)'(\.{1,2}\/[^']+)'/g, (whole, keyword: string, specifier: string) => {
      const target = relative(REPO, resolve(dirname(join(REPO, path)), specifier)).split('\\').join('/');
      const entry = PACKAGE_ENTRIES.find(([folder]) => target.startsWith(folder));
      if (entry) return `${keyword}'${entry[1]}'`;
      imported.push(target.replace(/\.js$/, '.ts'));
      return whole;
    });
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), rewritten);
    for (const next of imported) {
      if (!existsSync(join(REPO, next))) throw new Error(`bench/platform-project: ${path} imports ${next}, which is not in the repository`);
      await copy(next);
    }
  };
  await copy('bench/organisation.ts');
  return join(dir, 'bench', 'organisation.ts');
}

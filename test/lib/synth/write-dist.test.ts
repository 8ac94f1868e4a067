import { lstat, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  diffAgainstManifest, diffDist, ForeignFilesFound, MANIFEST_NAME, openOutput, OutputFolderRefused, OutputWriteError,
  readManifest, sha256, writeDist, type WritePhase,
} from '../../../lib/synth/write-dist.js';
import { NEW, OLD, completeTree, leftovers, mtimeNs, treeOf } from './support/trees.js';

let work: string;
let out: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'write-dist-'));
  out = join(work, 'dist');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const PAST = new Date('2001-02-03T04:05:06Z');
/** Sets every file's mtime far in the past, so "untouched" can be told from "rewritten with the same bytes". */
async function age(paths: Iterable<string>): Promise<void> {
  for (const path of paths) await utimes(join(out, path), PAST, PAST);
}
async function stamps(paths: Iterable<string>): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const path of paths) {
    const s = await lstat(join(out, path), { bigint: true });
    result[path] = `${s.ino}:${s.mtimeNs}`;
  }
  return result;
}

describe('writeDist', () => {
  it('writes the files and a manifest of their sha256, in sorted order, with deterministic bytes', async () => {
    await writeDist(new Map([['b/2.yaml', 'two\n'], ['10', 'ten\n'], ['a.md', 'a\n']]), out, { engine: 'observability-as-code@9.9.9' });
    expect(await readFile(join(out, MANIFEST_NAME), 'utf8')).toBe([
      '{',
      '  "format": 1,',
      '  "engine": "observability-as-code@9.9.9",',
      '  "files": {',
      `    "10": "${sha256('ten\n')}",`,
      `    "a.md": "${sha256('a\n')}",`,
      `    "b/2.yaml": "${sha256('two\n')}"`,
      '  }',
      '}',
      '',
    ].join('\n'));
    expect(await readManifest(out)).toEqual({ engine: 'observability-as-code@9.9.9', files: new Map([['10', sha256('ten\n')], ['a.md', sha256('a\n')], ['b/2.yaml', sha256('two\n')]]) });
    expect(await leftovers(out)).toEqual([]);
  });

  it('rewrites changed files, leaves unchanged ones untouched, deletes the ones it no longer writes and their emptied folders', async () => {
    await writeDist(OLD, out);
    await age(OLD.keys());
    const summary = await writeDist(NEW, out);
    expect(await treeOf(out)).toEqual(completeTree(NEW));
    expect(await mtimeNs(join(out, 'svc-a/b.yaml'))).toBe(BigInt(PAST.getTime()) * 1_000_000n);
    expect(await mtimeNs(join(out, 'svc-a/a.yaml'))).not.toBe(BigInt(PAST.getTime()) * 1_000_000n);
    await expect(lstat(join(out, 'svc-b'))).rejects.toThrowError('ENOENT');
    expect(summary).toMatchObject({ files: 4, written: 3, deleted: 1, unchanged: 1, keptForeign: [], adopted: false });
  });

  it('restores a file of its own that was edited by hand, although the manifest hash still matches', async () => {
    await writeDist(OLD, out);
    await writeFile(join(out, 'svc-a/b.yaml'), 'edited by hand\n');
    await writeDist(OLD, out);
    expect(await treeOf(out)).toEqual(completeTree(OLD));
  });

  it('accepts files one at a time from an async iterable, and from add() then commit()', async () => {
    async function* stream() {
      for (const entry of NEW) yield entry;
    }
    await writeDist(stream(), out);
    expect(await treeOf(out)).toEqual(completeTree(NEW));

    const again = join(work, 'again');
    const writer = await openOutput(again);
    for (const [path, content] of NEW) await writer.add(path, content);
    await writer.commit();
    expect(await treeOf(again)).toEqual(completeTree(NEW));
  });

  it('changes nothing when a run is aborted before commit, and removes the folder it had created', async () => {
    await writeDist(OLD, out);
    const writer = await openOutput(out);
    await writer.add('svc-a/a.yaml', 'never committed\n');
    await writer.abort();
    expect(await treeOf(out)).toEqual(completeTree(OLD));
    expect(await leftovers(out)).toEqual([]);

    const fresh = join(work, 'new', 'dist');
    const aborted = await openOutput(fresh);
    await aborted.abort();
    await expect(lstat(join(work, 'new'))).rejects.toThrowError('ENOENT');
  });
});

describe('writeDist with only', () => {
  const services = new Map([['svc-a/a.yaml', 'a1\n'], ['svc-a/old.yaml', 'old\n'], ['svc-b/b.yaml', 'b1\n'], ['svc-b/k8s/hpa.yaml', 'hpa\n']]);

  it('rewrites only those subtrees; every other file keeps its bytes, its mtime and its manifest entry', async () => {
    await writeDist(services, out);
    await age(services.keys());
    const others = await stamps(['svc-b/b.yaml', 'svc-b/k8s/hpa.yaml']);
    await writeDist(new Map([['svc-a/a.yaml', 'a2\n']]), out, { only: ['svc-a'] });
    expect(await stamps(['svc-b/b.yaml', 'svc-b/k8s/hpa.yaml'])).toEqual(others);
    const expected = new Map([['svc-a/a.yaml', 'a2\n'], ['svc-b/b.yaml', 'b1\n'], ['svc-b/k8s/hpa.yaml', 'hpa\n']]);
    expect(await treeOf(out)).toEqual(completeTree(expected));
  });

  it('refuses a file outside them, writing nothing', async () => {
    await writeDist(services, out);
    await expect(writeDist(new Map([['svc-b/b.yaml', 'b2\n']]), out, { only: ['svc-a'] }))
      .rejects.toThrowError(`cannot write 'svc-b/b.yaml': it is outside only=[svc-a]; ${out}/ left unchanged.`);
    expect(await treeOf(out)).toEqual(completeTree(services));
    expect(await leftovers(out)).toEqual([]);
  });
});

describe('the manifest for --check', () => {
  it('gives drift from hashes alone, and diffDist reads the bytes (manifest included)', async () => {
    await writeDist(OLD, out);
    expect(await diffAgainstManifest(NEW, out)).toEqual({ missing: ['svc-a/c/d.yaml', 'svc-c/x.yaml'], changed: ['svc-a/a.yaml'], unexpected: ['svc-b/gone.yaml'] });
    expect(await diffDist(OLD, out)).toEqual({ missing: [], changed: [], unexpected: [] });
    expect(await diffDist(NEW, out)).toEqual({ missing: ['svc-a/c/d.yaml', 'svc-c/x.yaml'], changed: [MANIFEST_NAME, 'svc-a/a.yaml'], unexpected: ['svc-b/gone.yaml'] });
  });
});

describe('files synth did not write', () => {
  beforeEach(async () => {
    await writeDist(OLD, out);
    await writeFile(join(out, 'NOTES.md'), 'mine\n');
    await mkdir(join(out, 'other-team'));
    await writeFile(join(out, 'other-team', 'file.yaml'), 'theirs\n');
  });

  it('stop the run, listed, with the folder unchanged', async () => {
    const before = await treeOf(out);
    const error = await writeDist(NEW, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignFilesFound);
    expect((error as Error).message).toBe([
      `${out}/ holds 2 file(s) synth did not write (not in ${out}/.oac-manifest.json):`,
      '  NOTES.md',
      '  other-team/file.yaml',
      `synth never deletes or overwrites them. Move them out of ${out}/, or pass --keep-foreign to keep them in place. ${out}/ left unchanged.`,
    ].join('\n'));
    expect(await treeOf(out)).toEqual(before);
    expect(await leftovers(out)).toEqual([]);
  });

  it('are kept in place with keepForeign, and the run says so', async () => {
    const notices: string[] = [];
    const summary = await writeDist(NEW, out, { keepForeign: true, log: (m) => notices.push(m) });
    expect(await treeOf(out)).toEqual({ ...completeTree(NEW), 'NOTES.md': 'mine\n', 'other-team/file.yaml': 'theirs\n' });
    expect(summary.keptForeign).toEqual(['NOTES.md', 'other-team/file.yaml']);
    expect(notices).toEqual([`kept 2 file(s) in ${out}/ that synth did not write (--keep-foreign):\n  NOTES.md\n  other-team/file.yaml`]);
  });

  it('are never overwritten, even with keepForeign, when synth would write the same path', async () => {
    const before = await treeOf(out);
    await expect(writeDist(new Map([...NEW, ['NOTES.md', 'synth notes\n']]), out, { keepForeign: true })).rejects.toThrowError(
      `synth writes ${out}/NOTES.md, which exists, was not written by synth (not in .oac-manifest.json) and holds other bytes; move it away. ${out}/ left unchanged.`);
    await expect(writeDist(new Map([...NEW, ['NOTES.md/x.yaml', 'below a file\n']]), out, { keepForeign: true })).rejects.toThrowError(
      `synth writes ${out}/NOTES.md/x.yaml, but ${out}/NOTES.md is a file synth did not write; move it away. ${out}/ left unchanged.`);
    expect(await treeOf(out)).toEqual(before);
    expect(await leftovers(out)).toEqual([]);
  });

  it('are taken over, saying so, when they hold exactly what synth writes there (a file a git merge brought)', async () => {
    await rm(join(out, 'other-team'), { recursive: true });
    const notices: string[] = [];
    await age(['NOTES.md']);
    await writeDist(new Map([...NEW, ['NOTES.md', 'mine\n']]), out, { log: (m) => notices.push(m) });
    expect(notices).toEqual([`took over 1 file(s) in ${out}/ not in .oac-manifest.json that hold exactly what synth writes there:\n  NOTES.md`]);
    expect(await treeOf(out)).toEqual(completeTree(new Map([...NEW, ['NOTES.md', 'mine\n']])));
    expect(await mtimeNs(join(out, 'NOTES.md'))).toBe(BigInt(PAST.getTime()) * 1_000_000n);
  });

  it('include a symbolic link, which synth never writes through', async () => {
    await rm(join(out, 'NOTES.md'));
    await rm(join(out, 'other-team'), { recursive: true });
    await rm(join(out, 'svc-a'), { recursive: true });
    await mkdir(join(work, 'elsewhere'));
    await symlink(join(work, 'elsewhere'), join(out, 'svc-a'));
    await expect(writeDist(NEW, out, { keepForeign: true })).rejects.toThrowError(
      `refusing to write ${out}/svc-a/a.yaml: ${out}/svc-a is a symbolic link and synth does not write through links. Nothing was written.`);
    expect(await treeOf(join(work, 'elsewhere'))).toEqual({});
  });
});

describe('output folders synth refuses (exit 2), touching nothing', () => {
  let project: string;
  beforeEach(async () => {
    project = join(work, 'project');
    await mkdir(join(project, 'src'), { recursive: true });
    await writeFile(join(project, 'package.json'), '{}\n');
    await writeFile(join(project, 'src', 'index.ts'), 'export {};\n');
  });
  const refusal = (target: string, cwd: string) => writeDist(NEW, target, { cwd, displayName: target === project ? '.' : target }).catch((e: unknown) => e);

  it('the project root', async () => {
    const error = await refusal(project, join(project, 'src'));
    expect(error).toBeInstanceOf(OutputFolderRefused);
    expect((error as Error).message).toBe('refusing to write ./: it is the project root, and synth replaces the content of its output folder. Pass an output folder of its own, such as --out dist. Nothing was written.');
    expect(await treeOf(project)).toEqual({ 'package.json': '{}\n', 'src/index.ts': 'export {};\n' });
    expect(await leftovers(project)).toEqual([]);
  });

  it('a folder containing the project root', async () => {
    const error = await refusal(work, project);
    expect(error).toBeInstanceOf(OutputFolderRefused);
    expect((error as Error).message).toBe(`refusing to write ${work}/: it contains the project root ${project}, and synth replaces the content of its output folder. Pass an output folder of its own, such as --out dist. Nothing was written.`);
    expect(await leftovers(work)).toEqual([]);
  });

  it('a non-empty folder without a manifest (when not every file is one synth writes)', async () => {
    const src = join(project, 'src');
    const before = await lstat(src, { bigint: true });
    const error = await refusal(src, project);
    expect(error).toBeInstanceOf(OutputFolderRefused);
    expect((error as Error).message).toBe([
      `refusing to write ${src}/: it has no .oac-manifest.json and holds 1 file(s) synth does not write:`,
      '  index.ts',
      `Move them out of ${src}/ (synth then adopts the rest), or pass --adopt to take all its files as synth's (they are deleted). Nothing was written.`,
    ].join('\n'));
    expect(await treeOf(src)).toEqual({ 'index.ts': 'export {};\n' });
    expect(await leftovers(src)).toEqual([]);
    expect((await lstat(src, { bigint: true })).mtimeNs).toBe(before.mtimeNs);
  });

  it('a non-empty folder without a manifest, at once, when only some services are written', async () => {
    const src = join(project, 'src');
    await expect(writeDist(NEW, src, { cwd: project, only: ['svc-a'] })).rejects.toThrowError(
      `refusing to write ${src}/: it is not empty and has no .oac-manifest.json, so synth cannot tell its own files from anyone else's. Run a full synth once (it adopts ${src}/ when every file in it is one synth writes), or pass --adopt to take all its files as synth's. Nothing was written.`);
  });

  it('a file, and a manifest synth did not write', async () => {
    await expect(refusal(join(project, 'package.json'), project)).resolves.toBeInstanceOf(OutputFolderRefused);
    await writeDist(OLD, out);
    await writeFile(join(out, MANIFEST_NAME), '{"files": []}\n');
    const error = await refusal(out, project);
    expect((error as Error).message).toBe(`refusing to write ${out}/: ${out}/.oac-manifest.json is not a synth manifest (expected {"format": 1, "engine": "...", "files": {path: sha256}}); synth will not guess which files are its own. Restore .oac-manifest.json (from git), or move ${out}/ away and synth again. Nothing was written.`);
    expect(await leftovers(out)).toEqual([]);
  });

  it('but not an empty folder or a new one anywhere, even inside the project', async () => {
    await mkdir(join(project, 'empty'));
    await writeDist(NEW, join(project, 'empty'), { cwd: project });
    await writeDist(NEW, join(project, 'deep', 'new', 'dist'), { cwd: project });
    expect(await treeOf(join(project, 'empty'))).toEqual(completeTree(NEW));
    expect(await treeOf(join(project, 'deep', 'new', 'dist'))).toEqual(completeTree(NEW));
  });
});

describe('a folder synth wrote before it kept a manifest (this repo\'s dist/ until now)', () => {
  beforeEach(async () => {
    for (const [path, content] of OLD) {
      await mkdir(join(out, path, '..'), { recursive: true });
      await writeFile(join(out, path), content);
    }
  });

  it('is adopted by a full run when every file in it is one synth writes now, saying so', async () => {
    const notices: string[] = [];
    const summary = await writeDist(new Map([...NEW, ['svc-b/gone.yaml', 'back\n']]), out, { log: (m) => notices.push(m) });
    expect(summary.adopted).toBe(true);
    expect(notices).toEqual([`adopted ${out}/: it had no .oac-manifest.json; every file in it is one synth writes. It now carries .oac-manifest.json.`]);
    expect(await treeOf(out)).toEqual(completeTree(new Map([...NEW, ['svc-b/gone.yaml', 'back\n']])));
  });

  it('is refused when it holds a file synth does not write, and adopted whole with adopt', async () => {
    await expect(writeDist(NEW, out)).rejects.toThrowError(`holds 1 file(s) synth does not write:\n  svc-b/gone.yaml\n`);
    expect(await treeOf(out)).toEqual(Object.fromEntries(OLD));
    await writeDist(NEW, out, { adopt: true });
    expect(await treeOf(out)).toEqual(completeTree(NEW));
  });
});

describe('an error after the commit point', () => {
  const AFTER_COMMIT: [WritePhase, number][] = [['committed', 1], ['applied-delete', 1], ['cleaned-dirs', 1], ['backed-up', 1], ['applied-put', 1], ['applied-put', 3], ['applied', 1]];

  it.each(AFTER_COMMIT)('(after %s #%i) puts every previous file back, same inode and mtime, and says the folder is unchanged', async (phase, nth) => {
    await writeDist(OLD, out);
    const before = await stamps([...OLD.keys(), MANIFEST_NAME]);
    let seen = 0;
    const error = await writeDist(NEW, out, {
      onPhase: (p) => {
        if (p === phase && ++seen === nth) throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as OutputWriteError).state).toBe('unchanged');
    expect((error as Error).message).toBe(`could not write ${out}/: ENOSPC: no space left on device, rename; the files already moved were put back: ${out}/ left unchanged.`);
    expect(await treeOf(out)).toEqual(completeTree(OLD));
    expect(await stamps([...OLD.keys(), MANIFEST_NAME])).toEqual(before);
    expect(await leftovers(out)).toEqual([]);
  });
});

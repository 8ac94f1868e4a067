import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputFiles, scanScope } from '../../../../lib/synth/output/folder-rules.js';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'folder-rules-'));
  await mkdir(join(out, 'svc-a', 'k8s'), { recursive: true });
  await writeFile(join(out, 'svc-a', 'k8s', 'a.yaml'), 'a: 1\n');
  await writeFile(join(out, '.oac-manifest.json'), '{}\n');
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

/** What another synth does while it releases the folder: its transaction folder, full of files, removed. */
async function churnTransactionFolders(until: { done: boolean; rounds?: number }): Promise<number> {
  let rounds = 0;
  for (; !until.done; rounds++, until.rounds = rounds) {
    const txn = join(out, `.oac-txn.${process.pid + 1}.done`);
    await mkdir(join(txn, 'new', 'svc-a', 'k8s'), { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(txn, 'new', 'svc-a', 'k8s', `f${i}.yaml`), 'x\n');
    await rm(txn, { recursive: true, force: true });
  }
  return rounds;
}

describe('the scan of an output folder', () => {
  it('sees every file while another run removes its transaction folder (a recursive readdir fails then)', async () => {
    const until = { done: false, rounds: 0 };
    const churn = churnTransactionFolders(until);
    const seen: string[][] = [];
    // The scan reads below the root synchronously, so on a busy machine 1,500 scans can be over before the churn got going.
    for (let i = 0; i < 1500 || until.rounds <= 10; i++) seen.push([...(await scanScope(out, undefined)).keys()]);
    until.done = true;
    expect(await churn).toBeGreaterThan(10);
    for (const keys of seen) expect(keys.sort()).toEqual(['svc-a', 'svc-a/k8s', 'svc-a/k8s/a.yaml']);
  });

  it('lists the files a drift check compares, the manifest included and the transaction folders left out, under the same churn', async () => {
    const until = { done: false, rounds: 0 };
    const churn = churnTransactionFolders(until);
    const listed = new Set<string>();
    for (let i = 0; i < 500 || until.rounds <= 10; i++) listed.add(JSON.stringify(await outputFiles(out)));
    until.done = true;
    await churn;
    expect([...listed]).toEqual([JSON.stringify(['.oac-manifest.json', 'svc-a/k8s/a.yaml'])]);
  });

  it('finds nothing in a folder that does not exist or cannot exist (below a file)', async () => {
    expect(await scanScope(join(out, 'missing'), undefined)).toEqual(new Map());
    expect(await scanScope(out, ['missing'])).toEqual(new Map());
    await writeFile(join(out, 'plain-file'), 'x\n');
    expect(await outputFiles(join(out, 'plain-file', 'dist'))).toEqual([]);
  });
});

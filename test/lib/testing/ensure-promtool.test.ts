import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'scripts', 'ensure-promtool.sh');
const run = promisify(execFile);

/** Runs the script with PATH limited to `dir`, so only what is linked there can be found. */
async function ensure(path: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('/bin/bash', [SCRIPT], { env: { PATH: path } });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('scripts/ensure-promtool.sh', () => {
  let withPromtool: string;
  let without: string;

  beforeAll(async () => {
    withPromtool = await mkdtemp(join(tmpdir(), 'ensure-promtool-'));
    without = await mkdtemp(join(tmpdir(), 'ensure-promtool-'));
    for (const dir of [withPromtool, without]) await symlink('/usr/bin/id', join(dir, 'id'));
    await symlink('/bin/true', join(withPromtool, 'promtool'));
    await symlink('/bin/true', join(withPromtool, 'amtool'));
    await symlink('/bin/true', join(withPromtool, 'prometheus'));
    await symlink('/bin/true', join(withPromtool, 'prometheus-alertmanager'));
  });

  afterAll(async () => {
    await rm(withPromtool, { recursive: true, force: true });
    await rm(without, { recursive: true, force: true });
  });

  it('exits 0 when promtool, amtool, prometheus and prometheus-alertmanager are on PATH', async () => {
    expect(await ensure(withPromtool)).toEqual({ code: 0, stderr: '' });
  });

  it('prints the install command and exits 1 when the tools are missing and apt-get cannot be used', async () => {
    const { code, stderr } = await ensure(without);
    expect(code).toBe(1);
    expect(stderr).toContain('not found on PATH: promtool amtool prometheus prometheus-alertmanager');
    expect(stderr).toContain(
      "sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager'",
    );
  });

  it('names the one server that is missing when the other tools are there', async () => {
    const partial = await mkdtemp(join(tmpdir(), 'ensure-promtool-'));
    try {
      await symlink('/usr/bin/id', join(partial, 'id'));
      for (const tool of ['promtool', 'amtool', 'prometheus']) await symlink('/bin/true', join(partial, tool));
      const { code, stderr } = await ensure(partial);
      expect(code).toBe(1);
      expect(stderr).toContain('not found on PATH: prometheus-alertmanager \npromtool');
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PromtoolCache } from '../../../lib/testing/promtool-cache.js';

describe('PromtoolCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oac-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const key = (overrides: { command?: string[]; version?: string; files?: Record<string, string> } = {}) =>
    PromtoolCache.key(overrides.command ?? ['test', 'rules', 't.yaml'], overrides.version ?? 'promtool, version 2.42.0', overrides.files ?? { 't.yaml': 'a', 'r.yaml': 'b' });

  it('keys by command, promtool version, and every file path and content', () => {
    const base = key();
    expect(key({ files: { 'r.yaml': 'b', 't.yaml': 'a' } })).toBe(base); // order of the files does not matter
    expect(key({ command: ['check', 'rules', 't.yaml'] })).not.toBe(base);
    expect(key({ version: 'promtool, version 2.43.0' })).not.toBe(base);
    expect(key({ files: { 't.yaml': 'a', 'r.yaml': 'c' } })).not.toBe(base);
    expect(key({ files: { 't.yaml': 'a', 'q.yaml': 'b' } })).not.toBe(base);
    expect(key({ files: { 't.yaml': 'ab', 'r.yaml': '' } })).not.toBe(key({ files: { 't.yaml': 'a', 'r.yaml': 'b' } }));
  });

  it('returns a stored success and keeps no failure', async () => {
    const cache = new PromtoolCache(dir);
    await cache.set('aa11', { ok: true, output: 'SUCCESS' });
    await cache.set('bb22', { ok: false, output: 'FAILED' });
    expect(await cache.get('aa11')).toEqual({ ok: true, output: 'SUCCESS' });
    expect(await cache.get('bb22')).toBeUndefined();
    expect(await readdir(dir)).toEqual(['aa']);
  });

  it('treats an unreadable entry as a miss', async () => {
    const cache = new PromtoolCache(dir);
    await cache.set('cc33', { ok: true, output: 'SUCCESS' });
    await writeFile(join(dir, 'cc', 'cc33.json'), '{"ok": tr');
    expect(await cache.get('cc33')).toBeUndefined();
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../lib/core/index.js';
import { alertmanagerConfig, alertmanagerConfigYaml } from '../../../lib/render/alertmanager/config.js';
import { AlertmanagerMemo } from '../../../lib/synth/alertmanager-memo.js';
import { shopStack } from './fixture.js';

const PLATFORM = { ...DEFAULT_PLATFORM, allowPlaceholders: true };
const config = alertmanagerConfig([shopStack()], PLATFORM);
const other = alertmanagerConfig([shopStack({ team: 'checkout' })], PLATFORM);

describe('the Alertmanager YAML memo', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'oac-am-memo-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('gives the YAML of the configuration, and the kept text for the configuration of the last run', async () => {
    const first = await AlertmanagerMemo.load(dir, 'engine-1');
    expect(first.yaml(config)).toBe(alertmanagerConfigYaml(config));
    await first.save();
    // The kept text is what comes back: mark it to see that it is not stringified again.
    const kept = JSON.parse(await readFile(join(dir, 'alertmanager.json'), 'utf8')) as { key: string; text: string };
    await writeFile(join(dir, 'alertmanager.json'), JSON.stringify({ ...kept, text: `${kept.text}# kept\n` }));
    expect((await AlertmanagerMemo.load(dir, 'engine-1')).yaml(config)).toBe(`${alertmanagerConfigYaml(config)}# kept\n`);
    // Another configuration, or another engine, is stringified.
    expect((await AlertmanagerMemo.load(dir, 'engine-1')).yaml(other)).toBe(alertmanagerConfigYaml(other));
    expect((await AlertmanagerMemo.load(dir, 'engine-2')).yaml(config)).toBe(alertmanagerConfigYaml(config));
  });

  it('stringifies again from a torn entry, and keeps nothing when it stringified nothing', async () => {
    await writeFile(join(dir, 'alertmanager.json'), '{"key":"ab');
    const memo = await AlertmanagerMemo.load(dir, 'engine-1');
    expect(memo.yaml(config)).toBe(alertmanagerConfigYaml(config));
    const untouched = await AlertmanagerMemo.load(join(dir, 'none'), 'engine-1');
    await untouched.save();
    await expect(readFile(join(dir, 'none', 'alertmanager.json'))).rejects.toThrow('ENOENT');
  });
});

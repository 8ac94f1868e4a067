import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alertmanagerConfigYaml, type AlertmanagerConfig } from '../render/alertmanager/config.js';
import { canonical } from './input-hash.js';
import { replaceFile } from './replace-file.js';

/**
 * The YAML of the platform-wide Alertmanager configuration as the last run made it, in the synth cache:
 * every service's part goes into it (1.1 MB for 1,000 Harvey-like services), so stringifying it is most of
 * what a run that renders one service spends on it. Keyed by the configuration's content and the engine;
 * one entry, replaced when the configuration changes. A missing or torn entry stringifies again.
 */
export class AlertmanagerMemo {
  private made?: { key: string; text: string };

  private constructor(private readonly file: string, private readonly engine: string, private readonly kept: { key: string; text: string } | undefined) {}

  static async load(cacheDir: string, engine: string): Promise<AlertmanagerMemo> {
    const file = join(cacheDir, 'alertmanager.json');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    let kept: { key: string; text: string } | undefined;
    try {
      const value = text === undefined ? undefined : (JSON.parse(text) as Partial<{ key: string; text: string }>);
      if (typeof value?.key === 'string' && typeof value.text === 'string') kept = { key: value.key, text: value.text };
    } catch {
      // torn: stringified again
    }
    return new AlertmanagerMemo(file, engine, kept);
  }

  /** `alertmanagerConfigYaml(config)`, from the cache when this configuration was stringified last. */
  readonly yaml = (config: AlertmanagerConfig): string => {
    const key = createHash('sha256').update(this.engine).update('\0').update(canonical(config)).digest('hex');
    if (this.kept?.key === key) return this.kept.text;
    const text = alertmanagerConfigYaml(config);
    this.made = { key, text };
    return text;
  };

  /** Keeps what this run stringified, if anything. */
  async save(): Promise<void> {
    if (this.made) await replaceFile(this.file, JSON.stringify(this.made));
  }
}

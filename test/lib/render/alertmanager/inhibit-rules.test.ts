import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { containerResourcesAlerts } from '../../../../alerts/container-resources.js';
import { twoLevelAlerts } from '../../../../alerts/two-level.js';
import { SEV2_CRITICAL, SEV3, formatIssue } from '../../../../lib/core/index.js';
import { inhibitRulesFor } from '../../../../lib/render/alertmanager/inhibit-rules.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { shopService } from '../../../alerts/fixture.js';

const cpuLevels = (service = shopService(), levels: { warning: `${number}%`; critical: `${number}%` } = { warning: '50%', critical: '80%' }) => ({
  service,
  alerts: twoLevelAlerts(service, { levels }, (level, above) => containerResourcesAlerts(service, {
    workload: 'api',
    cpu: { name: `ShopCpu${level === 'warning' ? 'Warning' : 'Critical'}`, above, for: '5m', level: level === 'warning' ? SEV3 : SEV2_CRITICAL },
  })[0]!),
});

describe('two-level thresholds and inhibit rules', () => {
  it('render a warning and a critical alert, the critical one muting the warning for the same pod', () => {
    const { service, alerts } = cpuLevels();
    expect(alerts.map((a) => a.name)).toEqual(['ShopCpuWarning', 'ShopCpuCritical']);
    expect(inhibitRulesFor({ service, alerts, dashboards: [] })).toEqual([{
      source_matchers: ['alertname="ShopCpuCritical"', 'service="shop-api"'],
      target_matchers: ['alertname="ShopCpuWarning"', 'service="shop-api"'],
      equal: ['service', 'namespace', 'pod'],
    }]);
  });

  it('reject a warning level that is more severe than the critical one', () => {
    const service = shopService();
    cpuLevels(service, { warning: '90%', critical: '80%' });
    expect(service.issues.issues.map(formatIssue)).toEqual([
      'shop-api: alerts.ShopCpuWarning.levels: {"warning":"90%","critical":"80%"} is invalid; allowed: a warning threshold less severe than the critical one (lower than 80%)',
    ]);
  });

  it('are accepted by the real amtool check-config', async () => {
    const { service, alerts } = cpuLevels();
    const config = {
      route: { receiver: 'default' },
      receivers: [{ name: 'default' }],
      inhibit_rules: inhibitRulesFor({ service, alerts, dashboards: [] }),
    };
    const dir = await mkdtemp(join(tmpdir(), 'amtool-'));
    try {
      await writeFile(join(dir, 'alertmanager.yml'), toYaml(config));
      const { stdout } = await promisify(execFile)('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
      expect(stdout).toContain('SUCCESS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

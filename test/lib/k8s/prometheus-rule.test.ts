import { describe, expect, it } from 'vitest';
import { ruleFileBytes, ruleFileYaml } from '../../../lib/k8s/prometheus-rule.js';
import type { RuleGroup } from '../../../lib/render/prometheus/rule-types.js';
import { toYaml } from '../../../lib/render/yaml.js';

const group = (name: string, expr: string): RuleGroup => ({ name, interval: '1m', rules: [{ record: `${name}:rate5m`, expr }] });

describe('ruleFileYaml', () => {
  it('writes the groups as toYaml does, for the same groups, an equal copy and changed groups alike', () => {
    const groups = [group('api', 'sum(rate(http_requests_total[5m]))'), group('worker', 'sum(rate(jobs_total[5m]))')];
    expect(ruleFileYaml(groups)).toBe(toYaml({ groups }));
    expect(ruleFileYaml(structuredClone(groups))).toBe(toYaml({ groups }));
    const changed = [group('api', 'sum(rate(http_requests_total{code="500"}[5m]))'), groups[1]!];
    expect(ruleFileYaml(changed)).toBe(toYaml({ groups: changed }));
    expect(ruleFileYaml(changed)).not.toBe(ruleFileYaml(groups));
    expect(ruleFileBytes(changed)).toBe(Buffer.byteLength(toYaml({ groups: changed }), 'utf8'));
  });
});

import { describe, expect, it } from 'vitest';
import { promtoolRuleIssues } from '../../../lib/checks/promtool-rules.js';
import { PROMTOOL_INSTALL_HINT } from '../../../lib/testing/promtool.js';

const valid = 'groups:\n  - name: g\n    interval: 1m\n    rules:\n      - alert: ShopDown\n        expr: up{job="api"} == 0\n        for: 1m\n';
// Grammatically fine (lezer accepts it), but a range vector cannot be compared: only promtool knows.
const typeError = 'groups:\n  - name: g\n    rules:\n      - alert: ShopBad\n        expr: up{job="api"}[5m] > 1\n';
const MISSING = { promtool: '/nonexistent/promtool' };

describe('promtoolRuleIssues (the real promtool)', () => {
  it('accepts a valid rule file', async () => {
    expect(await promtoolRuleIssues([{ service: 'shop-api', path: 'prometheus-rules.yaml', content: valid }], 'required')).toEqual({ issues: [] });
  });

  it('reports what promtool refuses, naming service and file, in the order of the files', async () => {
    const result = await promtoolRuleIssues([
      { service: 'b-service', path: 'prometheus-rules.yaml', content: typeError },
      { service: 'a-service', path: 'prometheus-rules.yaml', content: valid },
      { service: 'c-service', path: 'prometheus-rules.yaml', content: typeError },
    ], 'required');
    expect(result.issues.map((i) => i.service)).toEqual(['b-service', 'c-service']);
    expect(result.issues[0]).toEqual({
      service: 'b-service', field: 'prometheus-rules.yaml',
      value: expect.stringMatching(/^prometheus-rules\.yaml: \d+:\d+: group "g", rule 1, "ShopBad": could not parse expression: .*binary expression must contain only scalar and instant vector types$/),
      allowed: 'a rule file `promtool check rules` accepts',
    });
  });
});

describe('promtoolRuleIssues without promtool', () => {
  const files = [{ service: 'shop-api', path: 'prometheus-rules.yaml', content: valid }];

  it('skips with the install command when promtool is optional (synth on machines without it)', async () => {
    expect(await promtoolRuleIssues(files, 'optional', MISSING)).toEqual({
      issues: [], skipped: `promtool not found, \`promtool check rules\` skipped; ${PROMTOOL_INSTALL_HINT}`,
    });
  });

  it('fails with the install command when promtool is required', async () => {
    expect(await promtoolRuleIssues(files, 'required', MISSING)).toEqual({
      issues: [{
        service: '<project>', field: 'promtool', value: "promtool not found (tried '/nonexistent/promtool')",
        allowed: `promtool on PATH, to run \`promtool check rules\` before writing: ${PROMTOOL_INSTALL_HINT}`,
      }],
    });
  });

  it('does nothing when turned off', async () => {
    expect(await promtoolRuleIssues(files, 'off', MISSING)).toEqual({ issues: [], skipped: 'promtool check rules is turned off' });
  });
});

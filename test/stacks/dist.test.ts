import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { manifestProblems } from '../../lib/k8s/validate-manifest.js';
import { fromOpenSlo } from '../../lib/openslo/import.js';
import { dashboardProblems } from '../../lib/render/grafana/validate-dashboard.js';
import { headingAnchor } from '../../lib/render/runbook/anchor.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { diffDist } from '../../lib/synth/write-dist.js';
import { checkRules } from '../../lib/testing/promtool.js';
import { proveAll } from '../../lib/testing/promtool-split.js';
import { platform, stacks } from '../../stacks/index.js';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const services = stacks.map((s) => s.service.name);
const read = (path: string) => readFile(join(DIST, path), 'utf8');
const list = async (dir: string) => (await readdir(join(DIST, dir))).sort();

describe('the committed dist/', () => {
  it('is exactly what synth produces now (drift check)', async () => {
    const { files, issues } = synthesize(stacks, platform);
    expect(issues).toEqual([]);
    expect(await diffDist(files, DIST)).toEqual({ missing: [], changed: [], unexpected: [] });
  });

  describe.each(services)('%s', (service) => {
    it('has a rule file that promtool check rules accepts', async () => {
      const result = await checkRules({ 'prometheus-rules.yaml': await read(`${service}/prometheus-rules.yaml`) }, 'prometheus-rules.yaml');
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });

    // The stacks' own tests do not run promtool again: this runs every service's generated tests once, as
    // `oac test` does (split into runs that load only the rules their tests read; each run's time limit is
    // sized from its evaluations, the test's is generous for a loaded CI machine, not an assertion on time).
    it('has generated threshold tests that pass under the real promtool test rules', { timeout: 600_000 }, async () => {
      const [result] = await proveAll([{
        files: { 'prometheus-rules.yaml': await read(`${service}/prometheus-rules.yaml`), 'prometheus-rules.test.yaml': await read(`${service}/prometheus-rules.test.yaml`) },
        testFile: 'prometheus-rules.test.yaml',
      }], { cacheDir: false });
      expect(result!.output).toContain('SUCCESS');
      expect(result!.ok).toBe(true);
    });

    it('has Kubernetes manifests valid against the Kubernetes and prometheus-operator schemas', async () => {
      const files = await list(`${service}/k8s`);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        expect(manifestProblems(parse(await read(`${service}/k8s/${file}`))), file).toEqual([]);
      }
    });

    it('has a PrometheusRule holding exactly the groups of the plain rule file', async () => {
      const plain = parse(await read(`${service}/prometheus-rules.yaml`));
      const crd = parse(await read(`${service}/k8s/prometheusrule-${service}.yaml`));
      expect(crd.spec.groups).toEqual(plain.groups);
    });

    it('has Helm values valid against the shared values.schema.json their modeline names', async () => {
      const schema = JSON.parse(await read('_shared/helm/values.schema.json'));
      const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
      for (const file of (await list(`${service}/helm`)).filter((f) => f.endsWith('.values.yaml'))) {
        const text = await read(`${service}/helm/${file}`);
        expect(text.split('\n')[1]).toBe('# yaml-language-server: $schema=../../_shared/helm/values.schema.json');
        expect(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    });

    it('has dashboards that pass the uid and datasource rules', async () => {
      for (const file of await list(`${service}/dashboards`)) {
        const json = JSON.parse(await read(`${service}/dashboards/${file}`));
        expect(file).toBe(`${json.uid}.json`);
        expect(dashboardProblems({ uid: json.uid, title: json.title, json }), file).toEqual([]);
      }
    });

    it('has OpenSLO documents that import back without problems, one per SLO', async () => {
      const stack = stacks.find((s) => s.service.name === service)!;
      const files = (await list(`${service}/openslo`).catch(() => [])).filter((f) => f.endsWith('.yaml'));
      expect(files).toEqual((stack.slos ?? []).map((slo) => `${slo.name}.yaml`).sort());
      for (const file of files) {
        const imported = fromOpenSlo(await read(`${service}/openslo/${file}`), file);
        expect(imported.problems, file).toEqual([]);
        expect(imported.specs.length, file).toBe(1);
      }
    });

    it('has Alertmanager inhibit rules that the real amtool check-config accepts', async () => {
      const { inhibit_rules } = parse(await read(`${service}/alertmanager/inhibit-rules.yaml`));
      const dir = await mkdtemp(join(tmpdir(), 'amtool-'));
      try {
        const config = { route: { receiver: 'default' }, receivers: [{ name: 'default' }], inhibit_rules };
        await writeFile(join(dir, 'alertmanager.yml'), JSON.stringify(config));
        const { stdout } = await promisify(execFile)('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
        expect(stdout).toContain('SUCCESS');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('has no empty runbook section or subsection', async () => {
      const runbook = await read(`${service}/RUNBOOK.md`);
      for (const section of runbook.split(/^## /m).slice(1)) {
        const heading = section.split('\n')[0]!;
        expect(section.split('\n').slice(1).join('\n').trim(), `section "${heading}"`).not.toBe('');
        for (const sub of section.split(/^### /m).slice(1)) {
          expect(sub.split('\n').slice(1).join('\n').trim(), `"${heading}" > "${sub.split('\n')[0]}"`).not.toBe('');
        }
      }
    });

    it('has a runbook section for every alert, where its runbook_url points', async () => {
      const runbook = await read(`${service}/RUNBOOK.md`);
      const anchors = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((m) => headingAnchor(m[1]!)));
      const rules = parse(await read(`${service}/prometheus-rules.yaml`)).groups
        .flatMap((g: { rules: { alert?: string }[] }) => g.rules)
        .filter((r: { alert?: string }) => r.alert !== undefined); // recording rules (SLOs) have no runbook
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules as { alert: string; annotations: { runbook_url: string } }[]) {
        const url = rule.annotations.runbook_url;
        expect(url, rule.alert).toMatch(new RegExp(`/${service}/RUNBOOK\\.md#`));
        expect(anchors.has(url.split('#')[1]!), `${rule.alert} -> ${url}`).toBe(true);
      }
    });
  });
});

import { alertTemplateIssues } from '../checks/alert-templates.js';
import { helmTemplateEscapingIssues } from '../checks/helm-template-escaping.js';
import { PROMTOOL_SERVICE_CHECKS, runServiceChecks } from '../checks/index.js';
import type { RuleFile } from '../checks/promtool-rules.js';
import type { RenderedService } from '../checks/rendered-service.js';
import { panelAbsenceJob, type PanelAbsenceJob } from '../checks/series-absent-panels.js';
import { formatIssue, type ValidationIssue } from '../core/issues.js';
import { stackShapeIssues } from '../core/stack-validation.js';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { ruleFileYaml } from '../k8s/prometheus-rule.js';
import { kubernetesManifests, type Manifest } from '../k8s/service-chart.js';
import { manifestProblems } from '../k8s/validate-manifest.js';
import { openSloFiles } from '../openslo/export.js';
import { inhibitRulesFor } from '../render/alertmanager/inhibit-rules.js';
import { dashboardProblems } from '../render/grafana/validate-dashboard.js';
import { HELM_PROMETHEUS_RULE_TEMPLATE, escapeForHelm, prometheusRuleDocuments } from '../render/helm/prometheus-rule-template.js';
import { helmValuesFor, type HelmValues } from '../render/helm/values.js';
import { helmValueInputField } from '../render/helm/values-input-fields.js';
import { helmValuesSchemaProblems } from '../render/helm/values-schema.js';
import { ruleGroupsFor } from '../render/prometheus/rule-groups.js';
import type { RuleGroup } from '../render/prometheus/rule-types.js';
import { promtoolTestsFor } from '../render/promtool/test-file.js';
import { promtoolTestFileYaml } from '../render/promtool/test-file-yaml.js';
import { metricsContractFor } from '../render/contract/metrics-contract.js';
import { renderRunbook } from '../render/runbook/runbook.js';
import { toYaml } from '../render/yaml.js';
import { promqlIssues } from './promql-check.js';
import { defaultProvenance, generatedHeader, type Provenance } from '../core/provenance.js';

export const RULE_FILE = 'prometheus-rules.yaml';
export const RULE_TEST_FILE = 'prometheus-rules.test.yaml';
/**
 * The schema is the same for every service, so it is written once (`_shared/helm/values.schema.json`,
 * lib/synth/synthesize.ts); editors that read yaml-language-server modelines validate the values with it.
 */
const HELM_VALUES_SCHEMA_MODELINE = '# yaml-language-server: $schema=../../_shared/helm/values.schema.json\n';

export interface ServiceArtifacts {
  /** Paths relative to dist/, e.g. `harvey-backend/k8s/horizontalpodautoscaler-harvey-backend.yaml`. */
  readonly files: Map<string, string>;
  readonly issues: ValidationIssue[];
  /** What was rendered, for the checks across services; absent when the model itself is invalid. */
  readonly rendered?: RenderedService;
  /** The rule file, for `promtool check rules` (run by the caller, as it is asynchronous). */
  readonly ruleFile?: RuleFile;
  /**
   * The panel check's promtool run (lib/checks/series-absent-panels.ts), run by the caller for the same
   * reason; its issues come after `issues`. Set only when no other check found anything, as before it ran.
   */
  readonly panelJob?: PanelAbsenceJob;
}

/**
 * Renders every artifact of one service and validates each before it may be
 * written. Pure: nothing touches the disk here. Each renderer runs on its own: one that throws becomes
 * an issue naming the artifact, and everything else is still rendered and checked, so a single run
 * reports every problem. Then the checks of lib/checks run over all the rendered artifacts together.
 */
export function serviceArtifacts(stack: ServiceStack, platform: PlatformConfig, provenance: Provenance = defaultProvenance()): ServiceArtifacts {
  const { service } = stack;
  const files = new Map<string, string>();
  const local = new Map<string, string>();
  const issues: ValidationIssue[] = withoutRepeats([...service.issues.issues, ...stackShapeIssues(stack)]);
  // An invalid model holds fallback values; rendering it would only add confusing follow-on errors.
  if (issues.length > 0) return { files, issues };
  const problem = (field: string, value: unknown, allowed: string): void => {
    issues.push({ service: service.name, field, value, allowed });
  };
  const put = (path: string, content: string): void => {
    local.set(path, content);
    files.set(`${service.name}/${path}`, content);
  };
  const render = <T>(artifact: string, renderer: () => T): T | undefined => {
    try {
      return renderer();
    } catch (error) {
      problem(`(render ${artifact})`, error instanceof Error ? error.message : String(error), 'input every renderer accepts');
      return undefined;
    }
  };
  const header = generatedHeader(service, provenance);

  const ruleGroups = render(RULE_FILE, () => ruleGroupsFor(stack, platform));
  issues.push(...promqlIssues(service.name, ruleGroups ?? [], stack.dashboards));
  let ruleFile: RuleFile | undefined;
  if (ruleGroups) {
    const content = header + ruleFileYaml(ruleGroups);
    put(RULE_FILE, content);
    ruleFile = { service: service.name, path: RULE_FILE, content };
    // Tests are built from the annotation templates; a broken template is reported by the template check alone.
    if (alertTemplateIssues(renderedOf(stack, platform, ruleGroups)).length === 0) {
      const tests = render(RULE_TEST_FILE, () => promtoolTestFileYaml(promtoolTestsFor(stack, platform, RULE_FILE)));
      if (tests !== undefined) put(RULE_TEST_FILE, header + tests);
    }
  }

  for (const dashboard of stack.dashboards) {
    for (const p of render(`dashboards/${dashboard.uid}.json`, () => dashboardProblems(dashboard)) ?? []) problem(`dashboards.${dashboard.uid}`, dashboard.title, p);
    const json = render(`dashboards/${dashboard.uid}.json`, () => `${JSON.stringify(dashboard.json, null, 2)}\n`);
    if (json !== undefined) put(`dashboards/${dashboard.uid}.json`, json);
  }

  // Without rule groups (their renderer failed, already reported) the other objects are still rendered and checked.
  const manifests: Manifest[] = render('k8s', () => kubernetesManifests({ stack, platform, ruleGroups: ruleGroups ?? [] })) ?? [];
  for (const manifest of manifests) {
    const kindAndName = `${String(manifest.object.kind)}/${String((manifest.object.metadata as { name?: string } | undefined)?.name)}`;
    for (const p of render(`k8s/${manifest.file}`, () => manifestProblems(manifest.object)) ?? []) problem(`k8s/${manifest.file}`, kindAndName, `a manifest valid against its schema: ${p}`);
    put(`k8s/${manifest.file}`, header + toYaml(manifest.object));
  }
  let ruleDocuments: string | undefined;
  if (platform.helmPrometheusRuleTemplate && manifests.length > 0) {
    ruleDocuments = prometheusRuleDocuments(manifests.filter((m) => m.object.kind === 'PrometheusRule').map((m) => m.object), header);
    put(HELM_PROMETHEUS_RULE_TEMPLATE, escapeForHelm(ruleDocuments));
  }

  const helmValues = new Map<string, HelmValues>();
  for (const workload of service.workloads) {
    const values = render(`helm/${workload.name}.values.yaml`, () => helmValuesFor(service, workload));
    if (!values) continue;
    helmValues.set(workload.name, values);
    for (const p of render(`helm/${workload.name}.values.yaml`, () => helmValuesSchemaProblems(values)) ?? []) {
      problem(helmValueInputField(workload.name, p.path), valueAt(values, p.path), `what _shared/helm/values.schema.json accepts in helm/${workload.name}.values.yaml: ${p.message}`);
    }
    put(`helm/${workload.name}.values.yaml`, header + HELM_VALUES_SCHEMA_MODELINE + toYaml(values));
  }

  for (const file of render('openslo', () => openSloFiles(service, stack.slos ?? [])) ?? []) put(file.file, file.content);
  const inhibitRules = render('alertmanager', () => inhibitRulesFor(stack));
  if (inhibitRules) put('alertmanager/inhibit-rules.yaml', header + toYaml({ inhibit_rules: inhibitRules }));

  // Rendered once for both files (and from the rule groups above): the runbook has a section of it.
  const contractModel = render('metrics-contract.yaml', () => metricsContractFor(stack, platform, ruleGroups));
  const contract = contractModel && render('metrics-contract.yaml', () => toYaml(contractModel));
  if (contract !== undefined) put('metrics-contract.yaml', header + contract);
  const runbook = render('RUNBOOK.md', () => renderRunbook(stack, platform, provenance, contractModel));
  if (runbook !== undefined) put('RUNBOOK.md', runbook);

  const rendered: RenderedService = { ...renderedOf(stack, platform, ruleGroups ?? []), manifests, helmValues, files: local };
  issues.push(...runServiceChecks(rendered));
  issues.push(...helmTemplateEscapingIssues(rendered, ruleDocuments));
  let panelJob: PanelAbsenceJob | undefined;
  if (issues.length === 0) {
    issues.push(...runServiceChecks(rendered, PROMTOOL_SERVICE_CHECKS));
    try {
      panelJob = panelAbsenceJob(rendered);
    } catch (error) {
      // As runServiceChecks reports a check that throws, under the name the check had there.
      problem('(check seriesAbsentPanelIssues)', (error as Error).message, 'a check that completes');
    }
  }
  return { files, issues, rendered, ...(ruleFile && { ruleFile }), ...(panelJob && { panelJob }) };
}

/** The rendered value at a dotted path (what the user's input became), for the report. */
function valueAt(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined), values);
}

/** A value a pack already reported is reported again by the shape check only when it stayed wrong: keep one. */
function withoutRepeats(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = formatIssue(issue);
    return !seen.has(key) && seen.add(key);
  });
}

function renderedOf(stack: ServiceStack, platform: PlatformConfig, ruleGroups: readonly RuleGroup[]): RenderedService {
  return { stack, platform, ruleGroups, ruleFile: RULE_FILE, manifests: [], helmValues: new Map(), files: new Map() };
}

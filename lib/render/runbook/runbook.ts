import { metricsContractFor, metricsContractMarkdown, type MetricsContract } from '../contract/metrics-contract.js';
import type { AlertSpec } from '../../core/alert.js';
import type { PlatformConfig } from '../../core/platform.js';
import type { RunbookProcedure, ServiceStack } from '../../core/stack.js';
import { alertExpression, threshold, valueQuery } from '../../promql/signals.js';
import { defaultProvenance, runbookProvenance, type Provenance } from '../../core/provenance.js';
import { headingAnchor } from './anchor.js';
import { sloRunbookSections } from './slo-runbook.js';

/**
 * RUNBOOK.md for one service: one `## <AlertName>` section per alert (each alert's runbook_url points
 * at it), with the threshold, `for` and PromQL taken from the same spec that renders the rule; then the
 * SLOs, each with its burn-rate alerts' sections.
 */
/** `contract`: the service's metrics contract when the caller has it already (synth renders it for metrics-contract.yaml). */
export function renderRunbook(stack: ServiceStack, platform: PlatformConfig, provenance: Provenance = defaultProvenance(), contract?: MetricsContract): string {
  const { service } = stack;
  const lines: string[] = [
    `# ${service.title} runbook`,
    '',
    runbookProvenance(service, provenance),
    '',
    `- Namespace: \`${service.namespace}\` · team: \`${service.team}\``,
    ...service.workloads.map((w) => `- Workload \`${w.name}\` (${w.kind}, job \`${w.job}\`, port ${w.port}, health \`${w.healthPath}\`)`),
    ...(service.dependencies.length ? [`- Depends on: ${service.dependencies.map((d) => `${d.name} (${d.port})`).join(', ')}`] : []),
    ...stack.dashboards.map((d) => `- Dashboard: [${d.title}](${dashboardUrl(platform, d.uid)})`),
    '',
    '## Alerts',
    '',
    '| Alert | Severity | Threshold | For |',
    '| --- | --- | --- | --- |',
    ...stack.alerts.map((a) => `| [${a.name}](#${headingAnchor(a.name)}) | ${a.level.severity} (${a.level.sev}) | ${describeThreshold(a)} | ${a.for.text} |`),
    '',
    ...((stack.slos ?? []).length > 0 ? ['SLO burn-rate alerts: see [Service level objectives](#service-level-objectives).', ''] : []),
    ...procedureIndex(stack),
  ];
  for (const alert of stack.alerts) lines.push(...alertSection(stack, alert, platform), '');
  for (const procedure of stack.procedures ?? []) lines.push(...procedureSection(procedure), '');
  // SLOs: an overview, a section per SLO, per burn-rate alert and for the meta-alert (slo-runbook.ts).
  lines.push(...sloRunbookSections(stack, platform));
  lines.push('', ...metricsContractMarkdown(contract ?? metricsContractFor(stack, platform)));
  return `${lines.join('\n').trimEnd()}\n`;
}

function alertSection(stack: ServiceStack, alert: AlertSpec, platform: PlatformConfig): string[] {
  const { runbook } = alert;
  return [
    `## ${alert.name}`,
    '',
    `**Severity:** ${alert.level.severity} (${alert.level.sev}) · **Fires when:** ${describeThreshold(alert)} for ${alert.for.text}`,
    '',
    '### What it means',
    '',
    runbook.meaning,
    '',
    '### Threshold and why',
    '',
    `${capitalize(describeThreshold(alert))}, held for ${alert.for.text}. ${runbook.why}`,
    '',
    '### Diagnose',
    '',
    ...runbook.diagnose.map((step, i) => `${i + 1}. ${step}`),
    '',
    '### First actions',
    '',
    ...runbook.act.map((step, i) => `${i + 1}. ${step}`),
    '',
    '### PromQL',
    '',
    'Current value:',
    '',
    '```promql',
    valueQuery(alert.signal),
    '```',
    '',
    'Alert expression:',
    '',
    '```promql',
    alertExpression(alert.signal),
    '```',
    ...(stack.dashboards.length
      ? ['', `### Dashboard`, '', ...stack.dashboards.map((d) => `- [${d.title}](${dashboardUrl(platform, d.uid)})`)]
      : []),
  ];
}

/** Procedures no alert starts (a reported incident, an audit request), linked under the alert table. */
function procedureIndex(stack: ServiceStack): string[] {
  const procedures = stack.procedures ?? [];
  if (procedures.length === 0) return [];
  return ['## Procedures', '', 'Started by a report or a request, not by an alert:', '',
    ...procedures.map((p) => `- [${p.title}](#${headingAnchor(p.title)})`), ''];
}

function procedureSection(procedure: RunbookProcedure): string[] {
  return [
    `## ${procedure.title}`,
    '',
    `**When:** ${procedure.when}`,
    '',
    ...procedure.steps.map((step, i) => `${i + 1}. ${step}`),
  ];
}

/** The threshold as a sentence fragment, e.g. `p95 of http_request_duration_seconds > 5s`. */
export function describeThreshold(alert: AlertSpec): string {
  const s = alert.signal;
  const t = threshold(s);
  switch (s.kind) {
    case 'targetDown':
      return `no healthy target of \`${s.job}\` (all down or missing)`;
    case 'instanceDown':
      return `a target of \`${s.job}\` down`;
    case 'errorRatio':
      return `5xx ratio > ${t.display}` + (s.minRequests === undefined ? '' : ` with at least ${s.minRequests} requests in ${s.window.text}`);
    case 'latencyQuantile':
      return `p${Math.round(s.quantile * 100)} of \`${s.metric}\` > ${t.display}`;
    case 'resourceUtilisation':
      return `${s.resource === 'cpu' ? 'CPU' : 'memory'} > ${t.display} of the limit`;
    case 'lowThroughput':
      return `\`${s.metric}\` < ${t.display} while serving requests`;
    case 'counterRatio':
      return `\`${s.numerator.metric}\` / \`${s.denominator.metric}\` ${t.comparator} ${t.display}` +
        (s.minEvents === undefined ? '' : ` with at least ${s.minEvents} \`${s.denominator.metric}\` events in ${s.window.text}`);
    case 'gaugeThreshold':
      return `${s.aggregation} of \`${s.series.metric}\` ${t.comparator} ${t.display}`;
    case 'counterIncrease':
      return `\`${s.series.metric}\` grew by more than ${t.display}`;
    case 'queueStalled':
      return `jobs waiting in \`${s.backlog.metric}\` and \`${s.processed.metric}\` flat or missing for ${s.window.text}`;
  }
}

export function dashboardUrl(platform: PlatformConfig, uid: string): string {
  return `${platform.grafanaUrl.replace(/\/+$/, '')}/d/${uid}`;
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

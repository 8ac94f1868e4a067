import {
  availabilityAlerts, containerResourcesAlerts, histogramLatencyAlert, httpGoldenSignalsAlerts, lowThroughputAlert,
} from '../alerts/index.js';
import { performanceDashboard } from '../dashboards/service-performance.js';
import { successRatioQuery } from '../dashboards/service-performance-queries.js';
import { sloDashboard } from '../dashboards/slo.js';
import { SEV1, SEV2_WARNING, SEV3, type AlertSpec, type RunbookProcedure, type ServiceStack, type Slo } from '../lib/core/index.js';
import { defineSlo } from '../lib/slo/define-slo.js';
import { harveyBackendService as service } from './harvey-backend.service.js';

const NS = service.namespace;
const CONFIG_PATCH = (data: string): string => `\`kubectl patch configmap harvey-config -n ${NS} -p '{"data":${data}}'\``;

/** Alerts from the runbooks; the four fixed ones carry exactly the thresholds of the service contract. */
const alerts: AlertSpec[] = [
  ...availabilityAlerts(service, {
    workload: 'harvey-backend', name: 'HarveyBackendDown', for: '1m', level: SEV1,
    // One replica down longer than its start-up window (startup probe: 30 x 10s = 300s) is a ticket, not a page.
    instanceDown: { name: 'HarveyBackendInstanceDown', for: '10m', level: SEV3 },
    runbook: {
      diagnose: [
        `Check the pods: \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=harvey-backend\` and the rollout: \`kubectl rollout status deployment/harvey-backend -n ${NS}\``,
        `Read the last logs: \`kubectl logs -n ${NS} deployment/harvey-backend --tail=100\``,
        'Smoke-test the API from outside: `curl -f https://harvey-api.example.com/health`',
        `A database outage takes the API down with it: \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=postgresql\``,
      ],
      act: [
        `If a release just went out, roll it back: \`helm rollback harvey-production -n ${NS}\`, then \`kubectl get pods -n ${NS}\`.`,
        `If PostgreSQL is down, bring it back first (\`kubectl scale deployment postgres --replicas=1 -n ${NS}\`), then re-check \`/health\`.`,
      ],
    },
  }),
  ...httpGoldenSignalsAlerts(service, {
    workload: 'harvey-backend',
    latency: {
      name: 'HarveyHighLatency', above: '5s', for: '5m', level: SEV2_WARNING,
      runbook: {
        diagnose: [
          'Open the dashboard "Harvey Backend - Performance": request latency, `harvey_llm_latency_seconds`, CPU and memory per pod.',
          `Look for performance log lines: \`kubectl logs -n ${NS} deployment/harvey-backend | grep PERFORMANCE\``,
          `Check pod CPU and memory: \`kubectl top pods -n ${NS}\``,
          `Follow the agent traces (LangGraph): \`kubectl logs -n ${NS} deployment/harvey-backend | grep langgraph\``,
        ],
        act: [
          `The HPA scales out by itself (2 to 10 pods at 70% CPU): check it with \`kubectl get hpa harvey-backend -n ${NS}\`; at 10 already, raise maxReplicas in stacks/harvey-backend.service.ts and redeploy (\`kubectl scale\` would be reverted by the HPA).`,
          `Turn on the LLM fallback: ${CONFIG_PATCH('{"LLM_FALLBACK_ENABLED":"true"}')}`,
          `Raise the API timeout for now: ${CONFIG_PATCH('{"API_TIMEOUT":"30"}')}`,
          'Afterwards: shorten prompts, retrieve fewer RAG documents (top_k), cache embeddings in Redis.',
        ],
      },
    },
    errors: {
      name: 'HarveyHighErrorRate', above: '5%', for: '5m', level: SEV1,
      runbook: {
        diagnose: [
          'Find the failing handlers: `sum by (handler) (rate(http_requests_total{job="harvey-backend",status=~"5.."}[5m]))`',
          `Read the errors: \`kubectl logs -n ${NS} deployment/harvey-backend --tail=200 | grep -i error\``,
          `Check the datastores the API needs: \`kubectl get pods -n ${NS}\` (PostgreSQL, Redis, Qdrant).`,
          'Check the LLM providers: https://status.openai.com/ and https://status.anthropic.com/',
        ],
        act: [
          `If the errors began with a release, roll back: \`helm rollback harvey-production -n ${NS}\``,
          `If an LLM provider fails, turn on the fallback: ${CONFIG_PATCH('{"LLM_FALLBACK_ENABLED":"true"}')}`,
        ],
      },
    },
  }),
  ...containerResourcesAlerts(service, {
    workload: 'harvey-backend',
    // the service contract: the CPU alert (80% of the limit) stays above the HPA target (70% of the request).
    cpu: { name: 'HarveyHighCPU', above: '80%', for: '5m', level: SEV2_WARNING },
    // Not in the fixed list: the ops guide ranks "resources limited" SEV-2. 90% of the 4Gi limit leaves
    // ~400Mi before an OOM kill, above the HPA's 80% memory target so scaling gets its chance first.
    memory: {
      name: 'HarveyHighMemory', above: '90%', for: '5m', level: SEV2_WARNING,
      runbook: {
        act: [
          'Restart the pod to buy time: `kubectl delete pod <pod> -n production`.',
          `Scale vertically if the load is real: \`helm upgrade harvey-production ./helm/harvey --set resources.limits.memory=<more> -n ${NS}\` and raise the limit in this stack too.`,
        ],
      },
    },
  }),
  // The ops guide lists "low document generation" as SEV-3 without a number. Chosen: less than one
  // document over the last hour while requests keep arriving, i.e. generation has stalled.
  lowThroughputAlert(service, {
    name: 'HarveyLowDocumentGeneration', workload: 'harvey-backend', metric: 'documents_generated_total',
    what: 'documents generated', minPerHour: 1, window: '1h', for: '15m', level: SEV3,
    runbook: {
      meaning: 'The API receives requests but (almost) no legal documents are being produced.',
      why: 'The runbook gives no number; below one document per hour while traffic flows means generation has stalled, whatever the normal volume.',
      diagnose: [
        'Is the audit gate blocking processing? `kubectl get configmap harvey-config -n production -o yaml | grep AUDIT_REQUIRED`',
        `Look for policy violations: \`kubectl logs -n ${NS} deployment/harvey-backend | grep POLICY_VIOLATION\``,
        'Check LLM latency and errors on the dashboard (Dependencies row).',
      ],
      act: [
        'If an LLM provider is failing, turn on the fallback: ' + CONFIG_PATCH('{"LLM_FALLBACK_ENABLED":"true"}'),
        'Re-run audits for runs left without one (scripts/reprocess_audit.py) once processing is back.',
      ],
    },
  }),
  // The runbook watches `harvey_llm_latency_seconds` when the API is slow. Chosen: p95 over 10s for
  // 10m as a SEV-3 ticket that points at the provider as the cause (the API alert pages separately).
  histogramLatencyAlert(service, {
    name: 'HarveyLLMHighLatency', workload: 'harvey-backend', metric: 'harvey_llm_latency_seconds',
    group: 'dependencies', subject: 'LLM call', above: '10s', for: '10m', level: SEV3,
  }, {
    meaning: 'Calls to the LLM providers (OpenAI, Anthropic) are slow; document generation and API latency follow.',
    why: '10s is a bucket bound of harvey_llm_latency_seconds; 10 minutes separates a provider incident from a few long prompts.',
    diagnose: [
      'See which provider is slow: `histogram_quantile(0.95, sum by (le, provider) (rate(harvey_llm_latency_seconds_bucket{job="harvey-backend"}[5m])))`',
      'Check https://status.openai.com/ and https://status.anthropic.com/',
    ],
    act: [`Switch to the fallback provider: ${CONFIG_PATCH('{"LLM_FALLBACK_ENABLED":"true"}')}`],
  }),
];

const job = 'job="harvey-backend"';
const dashboard = performanceDashboard({
  service,
  workload: service.workload('harvey-backend'),
  alerts,
  title: 'Harvey Backend - Performance',
  uid: 'harvey-backend-performance',
  business: [
    { title: 'Documents generated per hour', description: 'From documents_generated_total.', expr: `sum(rate(documents_generated_total{${job}}[1h])) * 3600`, legend: 'documents/h', unit: 'none', thresholds: [{ alert: 'HarveyLowDocumentGeneration' }] },
    { title: 'Request success rate', description: 'Share of non-5xx responses.', expr: successRatioQuery(service.workload('harvey-backend')), legend: 'success', unit: 'percentunit' },
    { title: 'Positive feedback ratio', description: 'feedback_positive_total over feedback_total.', expr: `sum(rate(feedback_positive_total{${job}}[1h])) / sum(rate(feedback_total{${job}}[1h]))`, legend: 'positive', unit: 'percentunit' },
  ],
  dependencies: [
    { title: 'LLM latency p95 by provider', description: 'harvey_llm_latency_seconds per provider.', expr: `histogram_quantile(0.95, sum by (le, provider) (rate(harvey_llm_latency_seconds_bucket{${job}}[5m])))`, legend: '{{provider}}', unit: 's', thresholds: [{ alert: 'HarveyLLMHighLatency' }], dependency: 'llm-providers' },
    { title: 'LLM calls per second by provider', description: 'Rate of LLM calls.', expr: `sum by (provider) (rate(harvey_llm_latency_seconds_count{${job}}[5m]))`, legend: '{{provider}}', unit: 'reqps', dependency: 'llm-providers' },
  ],
});

/**
 * the service contract: availability 99.9% (non-5xx) and latency 95% of requests under 5s, both over 30 days,
 * with the Workbook's burn-rate tiers (pages at 14.4x over 1h/5m and 6x over 6h/30m, tickets at 3x over
 * 1d/2h and 1x over 3d/6h). 5s is a bucket bound of http_request_duration_seconds (prometheus_client defaults).
 */
const slos: Slo[] = [
  defineSlo(service, {
    name: 'availability',
    description: 'Requests to Harvey Backend are answered without a server error (any status but 5xx).',
    sli: { kind: 'availability', workload: 'harvey-backend' },
    objective: '99.9%',
    period: '30d',
    runbook: {
      diagnose: [
        'Find the failing handlers: `sum by (handler, status) (rate(http_requests_total{job="harvey-backend",status=~"5.."}[5m]))`',
        `Read the errors: \`kubectl logs -n ${NS} deployment/harvey-backend --tail=200 | grep -i error\``,
        `Check the datastores the API needs: \`kubectl get pods -n ${NS}\` (PostgreSQL, Redis, Qdrant), and the LLM providers' status pages.`,
      ],
      act: [
        `If the errors began with a release, roll back: \`helm rollback harvey-production -n ${NS}\``,
        `If an LLM provider fails, turn on the fallback: ${CONFIG_PATCH('{"LLM_FALLBACK_ENABLED":"true"}')}`,
      ],
    },
  }),
  defineSlo(service, {
    name: 'latency',
    description: 'Requests to Harvey Backend are answered within 5s.',
    sli: { kind: 'latency', workload: 'harvey-backend', threshold: '5s' },
    objective: '95%',
    period: '30d',
    runbook: {
      diagnose: [
        'Find the slow handlers: `histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="harvey-backend"}[5m])))`',
        'Compare with LLM latency: `histogram_quantile(0.95, sum by (le, provider) (rate(harvey_llm_latency_seconds_bucket{job="harvey-backend"}[5m])))`',
        `Check pod CPU and memory: \`kubectl top pods -n ${NS}\``,
      ],
      act: [
        `The HPA scales out by itself (2 to 10 pods at 70% CPU): check it with \`kubectl get hpa harvey-backend -n ${NS}\`; at 10 already, raise maxReplicas in stacks/harvey-backend.service.ts and redeploy (\`kubectl scale\` would be reverted by the HPA).`,
        `If an LLM provider is slow, turn on the fallback: ${CONFIG_PATCH('{"LLM_FALLBACK_ENABLED":"true"}')}`,
      ],
    },
  }),
];

const sloOverview = sloDashboard({ service, slos, title: 'Harvey Backend - SLOs', uid: 'harvey-backend-slos' });

/**
 * The runbook's procedures no alert starts: wrong legal content and personal data are reported by people
 * (users, reviewers, clients, auditors), not measured, and each needs the same containment and the same
 * evidence every time.
 */
const AUDIT_GATE_ON = CONFIG_PATCH('{"AUDIT_REQUIRED":"true"}');
const PRESERVE_LOGS = `\`kubectl logs -n ${NS} -l app.kubernetes.io/name=harvey-backend --since=48h --prefix > harvey-incident-$(date +%F).log\``;
const procedures: RunbookProcedure[] = [
  {
    title: 'SEV-1: LLM hallucination or wrong legal content reaches users',
    when: 'A user, reviewer or client reports a generated document with invented case law or citations, the wrong jurisdiction, or advice the source documents contradict; or the positive feedback ratio on the dashboard drops sharply. Wrong legal content that was delivered is SEV-1 whatever the volume.',
    steps: [
      'Declare SEV-1: page the on-call engineer and the Harvey team lead (team `harvey`), name an incident lead, and tell legal/compliance within the hour.',
      `Stop unreviewed output: turn the audit gate on, so no document leaves without an audit: ${AUDIT_GATE_ON}. Document generation slows down (HarveyLowDocumentGeneration may fire): expected while the gate is on.`,
      `If the content started with a release (model, prompt template, retrieval settings), roll it back: \`helm rollback harvey-production -n ${NS}\`.`,
      `If one provider or model produces it, switch to the fallback provider: ${CONFIG_PATCH('{"LLM_FALLBACK_ENABLED":"true"}')}`,
      `Preserve the evidence before anything is regenerated or deleted: the reported document ids, their request ids, provider and model, prompt version and the RAG sources retrieved (Qdrant point ids); save the logs: ${PRESERVE_LOGS}, and \`grep POLICY_VIOLATION\` in them. Store them in the restricted incident folder: they contain client data.`,
      'Find every affected document: the same model, prompt version and time window, by document type; list the users who received them. Never replace a delivered document silently: the incident lead and legal decide how users are told and which documents are withdrawn.',
      'Re-run audits for the affected runs (scripts/reprocess_audit.py) once the cause is fixed; turn the audit gate off only when the incident lead agrees.',
      'Afterwards: add the reported cases to the evaluation set, so a release that brings them back fails before production.',
    ],
  },
  {
    title: 'PII exposure or audit request',
    when: 'Personal or client data appears where it must not (in another user\'s document, in logs, in a request to an LLM provider outside the agreement), or a client, regulator or internal audit asks for the record of what was generated, from which data, and who accessed it.',
    steps: [
      'Exposure: declare SEV-1, page the on-call engineer and the Harvey team lead, and tell the data protection officer at once: legal notification deadlines (72 hours under the GDPR) run from discovery.',
      `Contain the path that leaks: a release is rolled back (\`helm rollback harvey-production -n ${NS}\`); data shown across users or sent to a provider stops with the audit gate on (${AUDIT_GATE_ON}) until the cause is known.`,
      `Preserve, never delete: no log, document, audit record or database row is removed or edited during the investigation. Snapshot the database first: \`kubectl exec -n ${NS} <postgresql-pod> -- pg_dump -U <user> -Fc -f /tmp/harvey-audit.dump <database>\` and \`kubectl cp ${NS}/<postgresql-pod>:/tmp/harvey-audit.dump ./harvey-audit-$(date +%F).dump\`; save the logs: ${PRESERVE_LOGS}. Keep both in the restricted incident folder.`,
      'Scope it: which records, which users, which time window, and whether the data left the cluster (LLM provider requests, exported documents). Write the timeline as you go.',
      'Audit request: answer from the audit records, never from memory: export the audit entries of the requested documents, users and time window; run scripts/reprocess_audit.py for runs left without an audit and say so in the answer. Audit records are never edited by hand.',
      'Rotate every credential that was exposed with the data (API keys, database passwords) and redeploy.',
      'The data protection officer decides on notification of the authority and the people concerned; the incident lead sends the answer to the requester.',
    ],
  },
];

export const harveyBackend: ServiceStack = { service, alerts, dashboards: [dashboard, sloOverview], slos, procedures };

import { alertName, availabilityAlerts, buildAlert, containerResourcesAlerts, histogramLatencyAlert, httpGoldenSignalsAlerts, twoLevelAlerts } from '../alerts/index.js';
import { businessRatioAlerts } from '../alerts/business-ratios.js';
import { chromadbAlerts } from '../alerts/datastores/chromadb.js';
import { mongodbAlerts } from '../alerts/datastores/mongodb.js';
import { LLM_FAILED_STATUS, llmProviderAlerts } from '../alerts/llm-providers.js';
import type { RunbookEntry } from '../lib/core/alert.js';
import { performanceDashboard } from '../dashboards/service-performance.js';
import { sloDashboard } from '../dashboards/slo.js';
import { P1, P2_CRITICAL, P2_WARNING, P3, Duration, type AlertSpec, type RunbookProcedure, type ServiceStack, type Slo } from '../lib/core/index.js';
import { eq, re, selector } from '../lib/promql/selector.js';
import { valueQuery } from '../lib/promql/signals.js';
import { defineSlo } from '../lib/slo/define-slo.js';
import { MONGODB_EXPORTER_JOB, customerSupportService as service } from './customer-support.service.js';

/**
 * Customer Support alerts (its runbook, in English).
 *
 * Severities: P1 pages (critical). P2 is "ALTO" (high) in the runbook; here it pages (critical) for
 * the fixed CustomerSupportHighResponseTime and CustomerSupportEscalationRateHigh and for the critical
 * level of every two-level threshold, and opens a ticket (warning) only for the Telegram polling
 * conflict, which degrades the bot without stopping it. Warning levels of the two-level table are P3
 * warnings (tickets). Each warning level is muted by its critical level (Alertmanager inhibit rule); the
 * critical levels of response time and error rate are in turn muted by the fixed alert on the same
 * signal at a worse value (HighResponseTime at 2s, ApiDown at 50%), so one problem pages once.
 */

const API = 'customer-support-api';
const BOT = 'customer-support-telegram-bot';
const DASHBOARD = 'customer-support-dashboard';
const NS = service.namespace;
const apiJob = service.workload(API).job;
const API_SCALING = { min: service.workload(API).autoscaling?.minReplicas ?? 1, max: service.workload(API).autoscaling?.maxReplicas ?? 1 };
const botJob = service.workload(BOT).job;
const LOGS = (workload: string, filter: string): string => `\`kubectl logs -n ${NS} deployment/${workload} --since=1h | grep ${filter} | tail -50\``;
const RESTART_API = `\`kubectl rollout restart deployment/${API} -n ${NS}\``;
const RESTART_BOT = `\`kubectl rollout restart statefulset/${BOT} -n ${NS}\``;
const HEALTH = '`curl -s https://api.example.com/health` (expect `"status": "ok"`, `"mongodb": "connected"`, `"chromadb": "connected"`, `"openai": "available"`; a 503 names the degraded dependency)';
const MONGO_PING = '`mongosh "$MONGODB_URI" --eval "db.adminCommand(\'ping\')"` (expect `{ ok: 1 }`)';
const ESCALATE = 'Not resolved within 15 minutes: call the Tech Lead (L2); after 30 minutes the CTO (L3, P1 only).';

/** The critical level of a two-level pair, muted in turn while a fixed alert on the same signal at a worse value fires. */
function mutedBy(alert: AlertSpec, stronger: string): AlertSpec {
  return { ...alert, inhibitedBy: { alert: stronger, equal: ['service'] } };
}

const responseTimeRunbook = (threshold: string): RunbookEntry => ({
  meaning: `The API's p95 response time is above ${threshold}: one request in twenty takes longer, and customers on Telegram wait for their answers.`,
  why: `${threshold} is the runbook's level (normal under 500ms, warning 500-1000ms, critical above 1000ms, P2 when above 2s for 10 minutes); ` +
    'the quantile comes from the histogram buckets, where each threshold is a bound, so it is exact.',
  diagnose: [
    `CPU and memory of the pods: \`kubectl top pods -n ${NS} -l app.kubernetes.io/name=${API}\` and \`kubectl get hpa ${API} -n ${NS}\` (at 4 replicas already?).`,
    'Slow MongoDB queries: Atlas > Performance Advisor > Slow Queries, and `histogram_quantile(0.95, sum by (le, command) (rate(mongodb_client_command_duration_seconds_bucket{job="customer-support-api"}[5m])))`.',
    'OpenAI latency: `histogram_quantile(0.95, sum by (le) (rate(llm_request_duration_seconds_bucket{job="customer-support-api"}[5m])))`, and https://status.openai.com/.',
    'MongoDB connections: `mongodb_connections{state="current"}` (Atlas: Metrics > Connections) and the pool panel of the dashboard.',
    'The slowest endpoints: `histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job="customer-support-api"}[5m])))`.',
  ],
  act: [
    `CPU above 80%: the HPA goes to 4 on its own (\`kubectl get hpa ${API} -n ${NS}\`); at 4, raise maxReplicas in stacks/customer-support.service.ts (\`kubectl scale\` would be reverted by the HPA).`,
    'Memory above 85%: raise the memory limit in stacks/customer-support.service.ts (the runbook\'s 1 GiB -> 2 GiB step is already the limit) and redeploy.',
    'MongoDB slow: check the indexes (`python scripts/setup_indexes.py`).',
    'OpenAI slow: nothing to fix on our side; answers cached per question would help (not implemented yet).',
  ],
});

const errorRateRunbook = (threshold: string): Partial<RunbookEntry> => ({
  meaning: `More than ${threshold} of the API's responses are server errors (5xx). The runbook's daily checklist expects under 1%; 0.1% is its warning level.`,
  diagnose: [
    'Failing endpoints: `sum by (handler, status) (rate(http_requests_total{job="customer-support-api",status=~"5.."}[5m]))`',
    `Health: ${HEALTH}.`,
    `Errors in the logs: ${LOGS(API, 'ERROR')}`,
    `MongoDB: ${MONGO_PING}; OpenAI: ${LOGS(API, "'OpenAI.*error'")}`,
  ],
  act: [
    `If the errors started with a release, roll back: \`helm rollback customer-support-api -n ${NS}\`.`,
    'If one dependency fails (the health endpoint says which), follow its alert: MongoDB, ChromaDB or OpenAI.',
  ],
});

/**
 * Minimum volume of the ticket ratios (escalation and resolution rate): tickets created within their 1h
 * window. At night 1 escalated ticket out of 3 reads as a 33% escalation rate and paged P2; below 10
 * tickets an hour a single conversation moves either ratio by 10 points or more, which is noise, not a
 * trend. 10 is well under the daytime volume, so the alerts still cover every working hour.
 */
const MIN_TICKETS_PER_HOUR = 10;

/**
 * Traffic floor of the 0.1% / 1% error-rate pair: requests the API served within the 5-minute window
 * (about 3.3 per second). At night a hundred requests carry one error and read as 1%, which paged P2;
 * with 1000 requests the warning needs at least 2 failed requests and the critical level more than 10,
 * a rate rather than an accident. Below the floor, CustomerSupportApiDown (5xx above 50%), the
 * api-availability SLO's burn-rate alerts and the target-down alert still cover real outages.
 */
const MIN_API_REQUESTS = 1000;

const escalationRunbook: Partial<RunbookEntry> = {
  meaning: 'More tickets than usual are escalated to a human operator: the agents cannot answer them. The operators\' queue grows and customers wait.',
  why: 'The runbook\'s levels: under 20% is normal (the end-of-day target), 20-30% a warning, above 30% over the last hour is P2. ' +
    `A 1h window smooths single conversations, and the alert waits for at least ${MIN_TICKETS_PER_HOUR} tickets created in that hour: at night a handful of tickets would move the ratio a lot.`,
  diagnose: [
    'Recent escalations: Streamlit dashboard > filter by "Escalated".',
    'Patterns: all from the same company (`sum by (company_id) (increase(tickets_escalated_total{job="customer-support-api"}[1h]))`)? The same kind of problem? A low confidence score on all of them?',
    `The Escalator agent's decisions: ${LOGS(API, 'EscalatorAgent')}`,
    'Was the knowledge base of that company changed or emptied? Are ChromaDB calls failing (the agents then lack context)?',
  ],
  act: [
    'Make escalation more permissive in the API\'s environment: `ESCALATION_MIN_CONFIDENCE=0.5` (was 0.6), `ESCALATION_MAX_INTERACTIONS=3` (was 2), then restart: ' + RESTART_API + '.',
    'Longer term: add documents to the knowledge base, train the agents with the operators\' feedback, review the company policies.',
  ],
};

const resolutionRunbook: Partial<RunbookEntry> = {
  meaning: 'Fewer tickets than usual are resolved by the agents on their own (tickets_resolved_total over tickets_created_total): more go to humans, or stay open.',
  why: 'The runbook\'s levels: above 80% is normal, 60-80% a warning, below 60% critical. Over 1h, so single conversations do not move it, ' +
    `and only with at least ${MIN_TICKETS_PER_HOUR} tickets created in that hour, so a handful of tickets at night does not alert.`,
  diagnose: [
    'Is it escalations (see the escalation-rate panel) or tickets left unprocessed? Tickets created but neither resolved nor escalated point at the pipeline.',
    `Messages arriving: ${LOGS(API, 'ingest-message')}; the agent pipeline running: ${LOGS(API, 'AgentPipeline')}`,
    'Tickets being written: `mongosh "$MONGODB_URI" --eval "db.tickets.find().sort({created_at:-1}).limit(5)"`',
    `OpenAI errors: ${LOGS(API, 'OpenAI')} and the OpenAI panels of the dashboard.`,
  ],
  act: [
    'OpenAI errors: check the API key and the rate limits (OpenAI usage page).',
    'MongoDB errors: check the connection and the indexes (`python scripts/setup_indexes.py`).',
    'Pipeline not running: look for exceptions in the logs and roll back the last release if it brought them.',
  ],
};

const telegramDiagnose: readonly string[] = [
  `Is the bot running? \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${BOT}\` (restarts, CrashLoopBackOff).`,
  'Is the token valid? `curl -s "https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/getMe"` (with the token from the secret store; never paste it in a ticket).',
  'No webhook may exist in polling mode: `curl -s "https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/getWebhookInfo"` (the `url` must be empty).',
  `What getUpdates answers: \`sum by (status) (rate(telegram_getupdates_total{job="${botJob}"}[5m]))\` (conflict = another poller or a webhook, unauthorized = token revoked).`,
  `The bot's logs: \`kubectl logs -n ${NS} statefulset/${BOT} --tail=100\``,
];

const telegramAct: readonly string[] = [
  'A webhook is set: delete it (`curl -s "https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/deleteWebhook"`); the bot resumes polling by itself.',
  `Restart the bot: ${RESTART_BOT}.`,
  'Token revoked: issue a new one with @BotFather, update the secret, restart the bot.',
  'Test by hand: send a message to the bot in Telegram and wait for the answer.',
];

/** Telegram bot alerts: built here (the bot is this service's own), with the pack helpers for names and options. */
function telegramAlerts(): AlertSpec[] {
  const notResponding = alertName(service, 'CustomerSupportTelegramBotNotResponding', 'TelegramBotNotResponding');
  const conflict = alertName(service, 'CustomerSupportTelegramBotPollingConflict', 'TelegramBotPollingConflict');
  return [
    ...availabilityAlerts(service, {
      workload: BOT, name: 'CustomerSupportTelegramBotDown', for: '2m', level: P1,
      runbook: {
        meaning: 'Prometheus cannot scrape the Telegram bot: its pod is not running or not answering. Customers writing on Telegram get no answer at all.',
        why: 'The bot runs as a single replica (a second poller would conflict), so a missing target is a full outage of the channel; ' +
          '2 minutes covers the bot\'s own restart on a rollout (the StatefulSet stops the old pod before starting the new one).',
        diagnose: telegramDiagnose,
        act: [...telegramAct, ESCALATE],
      },
    }),
    // the service contract "Telegram bot not responding (P1)". The process can run and be scraped while its
    // polling loop hangs or every getUpdates fails (token revoked, webhook set), so this watches the time
    // since the last successful poll. Long polling returns at least every 30s even with no messages; 2
    // minutes without a success is four missed polls.
    buildAlert(service, { for: '1m', level: P1 }, {
      name: notResponding,
      group: 'telegram',
      signal: {
        kind: 'gaugeThreshold', series: { metric: 'telegram_bot_last_poll_age_seconds', matchers: [eq('job', botJob)] },
        aggregation: 'max', by: [], threshold: 120, comparator: '>', unit: 's',
      },
      summary: 'Customer Support Telegram bot is not responding',
      description: 'The Telegram bot has not completed a getUpdates call for {{ $value | humanizeDuration }} (threshold 2m): customer messages are not being picked up.',
      runbook: {
        meaning: 'The Telegram bot runs but has not fetched updates from Telegram for over 2 minutes: customer messages are not picked up and go unanswered.',
        why: 'Long polling completes at least every 30 seconds even without messages, so 2 minutes without a successful getUpdates means the loop is stuck or Telegram refuses it. ' +
          'The age is computed when Prometheus scrapes, so it keeps growing while the loop hangs.',
        diagnose: telegramDiagnose,
        act: [...telegramAct, ESCALATE],
      },
    }),
    // Chosen: 409 Conflict means someone else polls with the production token (a developer's
    // run_telegram_bot.py, a second replica) or a webhook was set, and updates are split between them.
    buildAlert(service, { for: '5m', level: P2_WARNING }, {
      name: conflict,
      group: 'telegram',
      signal: {
        kind: 'counterIncrease', series: { metric: 'telegram_getupdates_total', matchers: [eq('job', botJob), eq('status', 'conflict')] },
        window: Duration.ofSeconds(600), threshold: 5, by: [],
      },
      summary: 'Customer Support Telegram bot: another client polls with the same token',
      description: 'Telegram answered {{ $value | humanize }} getUpdates calls of the bot with 409 Conflict in the last 10m (threshold 5): a second poller or a webhook uses the token.',
      runbook: {
        meaning: 'Telegram refuses the bot\'s getUpdates with 409 Conflict: another process polls with the same token, or a webhook is set. Updates go to whoever polls first, so some customers are answered by the other process, or not at all.',
        why: 'The bot is a single replica that never overlaps itself (a StatefulSet), so conflicts come from outside; more than 5 in 10 minutes is no one-off, and a ticket (not a page) because the bot still answers part of the messages.',
        diagnose: [
          'Webhook set? `curl -s "https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/getWebhookInfo"` (the `url` must be empty in polling mode).',
          'Someone running the bot locally or in staging with the production token (`python run_telegram_bot.py`)? Ask in the team channel.',
          `Only one bot pod? \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${BOT}\``,
        ],
        act: [
          'Delete the webhook if one is set; stop the other poller.',
          'If the token leaked, revoke it with @BotFather, put the new one in the secret store and restart the bot: ' + RESTART_BOT + '.',
        ],
      },
    }),
  ];
}

const alerts: AlertSpec[] = [
  // the service contract: "CustomerSupportApiDown: 5xx ratio > 50% (or API target down), P1". Alert names are
  // unique per service, so the "or" is two alerts at the same level: the fixed name for the 5xx ratio,
  // CustomerSupportApiTargetDown for the target. A window of 5m and `for` 1m: a majority of failures
  // pages within about 3 minutes.
  ...httpGoldenSignalsAlerts(service, {
    workload: API,
    errors: {
      name: 'CustomerSupportApiDown', above: '50%', for: '1m', level: P1,
      runbook: {
        meaning: 'More than half of the API\'s responses are server errors: for customers the API is down. Telegram messages are not answered and the dashboard cannot load tickets.',
        why: 'The runbook\'s "API Down" is 5xx above 50% (P1); held for 1 minute over a 5-minute window, so one bad scrape cannot page.',
        diagnose: [
          `Health: ${HEALTH}.`,
          `The last logs: \`kubectl logs -n ${NS} deployment/${API} --tail=100\``,
          `MongoDB: ${MONGO_PING}.`,
          'Failing endpoints: `sum by (handler, status) (rate(http_requests_total{job="customer-support-api",status=~"5.."}[5m]))`',
        ],
        act: [
          `Restart the API if needed: ${RESTART_API}.`,
          // The HPA owns the replica count (and GitOps the HPA): a `kubectl patch hpa` or `kubectl scale` is reverted.
          `If it persists under load (\`kubectl get hpa ${API} -n ${NS}\`: CPU high, at ${API_SCALING.max} replicas already): raise minReplicas (now ${API_SCALING.min}) and maxReplicas (now ${API_SCALING.max}) ` +
            `of ${API} in stacks/customer-support.service.ts, run \`npm run synth\` and deploy; a \`kubectl patch hpa\` or \`kubectl scale\` by hand would be reverted by GitOps and the HPA.`,
          `If a release just went out, roll back: \`helm rollback customer-support-api -n ${NS}\`.`,
          ESCALATE,
        ],
      },
    },
  }),
  ...availabilityAlerts(service, {
    workload: API, name: 'CustomerSupportApiTargetDown', for: '1m', level: P1,
    // One of the 2-4 API pods down past its start-up window (300s) while the others serve: a ticket.
    instanceDown: { name: 'CustomerSupportApiInstanceDown', for: '10m', level: P3 },
    runbook: {
      meaning: 'Prometheus cannot scrape the API: no pod is running or answering. This is the runbook\'s "API Down" seen from outside: the 5xx ratio cannot be measured when nothing answers.',
      diagnose: [
        `Health: ${HEALTH}.`,
        `Pods and restarts: \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${API}\`; events of a failing pod: \`kubectl describe pod -n ${NS} <pod>\` (OOMKilled, CrashLoopBackOff).`,
        `The last logs: \`kubectl logs -n ${NS} deployment/${API} --tail=100\``,
        `MongoDB: ${MONGO_PING} (the API fails its startup without it).`,
      ],
      act: [
        `Restart: ${RESTART_API}; if a release just went out, roll back: \`helm rollback customer-support-api -n ${NS}\`.`,
        ESCALATE,
      ],
    },
  }),
  // the service contract: p95 > 2s sustained (`for: 10m`), P2; it pages (see the header) and mutes the 1s level.
  histogramLatencyAlert(service, {
    workload: API, name: 'CustomerSupportHighResponseTime', above: '2s', for: '10m', level: P2_CRITICAL,
  }, responseTimeRunbook('2s')),
  // Runbook table: API response time warning 500ms, critical 1000ms (p95, 5-minute window, for 5m: chosen).
  ...twoLevelAlerts(service, { levels: { warning: '500ms', critical: '1s' } as const }, (level, above) => {
    const alert = histogramLatencyAlert(service, {
      workload: API, name: `CustomerSupportApiResponseTime${level === 'warning' ? 'Warning' : 'Critical'}`,
      above, for: '5m', level: level === 'warning' ? P3 : P2_CRITICAL,
    }, responseTimeRunbook(level === 'warning' ? '500ms' : '1000ms'));
    return level === 'critical' ? mutedBy(alert, 'CustomerSupportHighResponseTime') : alert;
  }),
  // Runbook table: error rate warning 0.1%, critical 1% (5-minute window, for 5m: chosen), with a traffic
  // floor of MIN_API_REQUESTS requests in the window.
  ...twoLevelAlerts(service, { levels: { warning: '0.1%', critical: '1%' } as const }, (level, above) => {
    const [alert] = httpGoldenSignalsAlerts(service, {
      workload: API,
      errors: {
        name: `CustomerSupportApiErrorRate${level === 'warning' ? 'Warning' : 'Critical'}`,
        above, for: '5m', level: level === 'warning' ? P3 : P2_CRITICAL, runbook: errorRateRunbook(above), minRequests: MIN_API_REQUESTS,
      },
    });
    return level === 'critical' ? mutedBy(alert!, 'CustomerSupportApiDown') : alert!;
  }),
  // Runbook table: CPU 50% / 80% and memory 70% / 85%, of the container limit (the service contract conventions).
  ...twoLevelAlerts(service, { levels: { warning: '50%', critical: '80%' } as const }, (level, above) => containerResourcesAlerts(service, {
    workload: API,
    cpu: {
      name: `CustomerSupportApiCpu${level === 'warning' ? 'Warning' : 'Critical'}`, above, for: '5m', level: level === 'warning' ? P3 : P2_CRITICAL,
      runbook: {
        act: [
          `The HPA scales from 2 to 4 pods at 80% of the CPU request; at 4 (\`kubectl get hpa ${API} -n ${NS}\`) raise maxReplicas in the stack (a \`kubectl scale\` would be reverted by the HPA).`,
          'Look for a hot endpoint or a loop in the agents (the same ticket processed again and again) in the logs.',
        ],
      },
    },
  })[0]!),
  ...twoLevelAlerts(service, { levels: { warning: '70%', critical: '85%' } as const }, (level, above) => containerResourcesAlerts(service, {
    workload: API,
    memory: {
      name: `CustomerSupportApiMemory${level === 'warning' ? 'Warning' : 'Critical'}`, above, for: '5m', level: level === 'warning' ? P3 : P2_CRITICAL,
      runbook: {
        diagnose: [
          `Memory per pod: \`kubectl top pods -n ${NS} -l app.kubernetes.io/name=${API}\`; a steady climb that restarts do not reset is load, one that they do is a leak.`,
          `Look for memory patterns in the logs: \`kubectl logs -n ${NS} deployment/${API} --since=1h | grep -iE "memory|leak|gc"\``,
          'The ChromaDB client cache may grow without a bound: compare with the number of companies whose knowledge base was queried.',
        ],
        act: [
          `Above 85% for long: restart at once (\`kubectl delete pod <pod> -n ${NS}\`, or ${RESTART_API} for all).`,
          'Then: an LRU cache with a size limit, a daily restart (CronJob) until the leak is fixed, or a higher memory limit in the stack.',
        ],
      },
    },
  })[0]!),
  // the service contract: escalated / created > 30% over the last hour, P2 (the fixed name), which is also the
  // critical level of the runbook's escalation table (20% / 30%): one alert, not two on the same number.
  ...businessRatioAlerts(service, {
    workload: API, what: 'escalation rate', window: '1h',
    // Not below 10 tickets created in the hour (MIN_TICKETS_PER_HOUR: 1 out of 3 at night is not a trend).
    minEvents: MIN_TICKETS_PER_HOUR,
    numerator: { metric: 'tickets_escalated_total' }, denominator: { metric: 'tickets_created_total' },
    levels: {
      warning: { name: 'CustomerSupportEscalationRateWarning', above: '20%', for: '10m', level: P3, runbook: escalationRunbook },
      critical: { name: 'CustomerSupportEscalationRateHigh', above: '30%', for: '10m', level: P2_CRITICAL, runbook: escalationRunbook },
    },
  }),
  // Runbook table: ticket resolution rate below 80% (warning) / 60% (critical), over 1h like escalations.
  ...businessRatioAlerts(service, {
    workload: API, what: 'ticket resolution rate', window: '1h',
    // Not below 10 tickets created in the hour (MIN_TICKETS_PER_HOUR: 1 out of 3 at night is not a trend).
    minEvents: MIN_TICKETS_PER_HOUR,
    numerator: { metric: 'tickets_resolved_total' }, denominator: { metric: 'tickets_created_total' },
    levels: {
      warning: { name: 'CustomerSupportResolutionRateLowWarning', below: '80%', for: '10m', level: P3, runbook: resolutionRunbook },
      critical: { name: 'CustomerSupportResolutionRateLowCritical', below: '60%', for: '10m', level: P2_CRITICAL, runbook: resolutionRunbook },
    },
  }),
  // MongoDB (Atlas, CRITICAL in the runbook): server from mongodb_exporter, pool from the API itself.
  ...mongodbAlerts(service, {
    job: MONGODB_EXPORTER_JOB,
    down: {
      for: '1m', level: P1,
      runbook: {
        diagnose: [
          `Ping it: ${MONGO_PING}.`,
          'Atlas: the cluster\'s overview (primary present? alerts?) and https://status.mongodb.com/.',
          `What the API sees: ${HEALTH}.`,
        ],
        act: [
          'Atlas incident: follow it on the status page and tell support (support@mongodb.com) if the cluster is ours alone.',
          'A cluster at its resource limits: scale it to the next tier (M20, M30) in Atlas.',
          ESCALATE,
        ],
      },
    },
    exporterDown: { for: '5m', level: P3 },
    // Runbook table: MongoDB connections warning 50, critical 90.
    connections: {
      levels: {
        warning: { name: 'CustomerSupportMongoDBConnectionsWarning', above: 50, for: '5m', level: P3 },
        critical: { name: 'CustomerSupportMongoDBConnectionsCritical', above: 90, for: '5m', level: P2_CRITICAL },
      },
    },
    // the service contract: MongoDB connection pool exhausted, P1.
    poolExhausted: {
      workload: API, for: '2m', level: P1,
      runbook: {
        act: [
          'Atlas: Metrics > Connections, to see whether the server side is full too.',
          `Restart the API (frees the pools): ${RESTART_API}.`,
          'Raise maxPoolSize in src/database/connection.py (`AsyncIOMotorClient(uri, maxPoolSize=...)`) once the slow queries are ruled out; mind pods x maxPoolSize against the cluster\'s connection limit.',
          'If MongoDB itself is the bottleneck, scale the Atlas cluster to the next tier (M20, M30).',
          ESCALATE,
        ],
      },
    },
  }),
  // ChromaDB is the knowledge base, LOW criticality in the runbook: tickets (warnings), never pages.
  ...chromadbAlerts(service, {
    workload: API,
    unreachable: {
      above: '50%', for: '5m', level: P3,
      runbook: {
        act: [
          `Restart the ChromaDB server: \`kubectl rollout restart statefulset/chromadb -n ${NS}\`.`,
          'Collection corrupted (errors when querying one knowledge base): back it up, delete the collection, re-ingest (`python scripts/ingest_knowledge.py --company-id <id> --source ./docs/knowledge_base/`), then test a query.',
        ],
      },
    },
    slow: { above: '1s', for: '10m', level: P3 },
  }),
  // OpenAI is CRITICAL in the runbook: with it failing or out of quota no ticket is processed, so those
  // page (P2); slowness is a ticket (HighResponseTime pages when it reaches the API's answers).
  ...llmProviderAlerts(service, {
    workload: API, provider: 'openai', title: 'OpenAI',
    errors: { above: '20%', for: '5m', level: P2_CRITICAL },
    quota: { above: '10%', for: '5m', level: P2_CRITICAL },
    latency: { above: '30s', for: '10m', level: P3 },
  }),
  ...telegramAlerts(),
  // The operators' dashboard (MEDIUM in the runbook): a ticket when it is down; its SLO pages on fast burns.
  ...availabilityAlerts(service, {
    workload: DASHBOARD, name: 'CustomerSupportDashboardDown', for: '5m', level: P3,
    // Its second pod (under load) down past its start-up window: a ticket like the dashboard itself.
    instanceDown: { name: 'CustomerSupportDashboardInstanceDown', for: '10m', level: P3 },
    runbook: {
      meaning: 'Prometheus cannot scrape the Streamlit dashboard: operators cannot see or answer escalated tickets.',
      why: 'The dashboard is of medium criticality (99.0%); 5 minutes rides out a restart, and a ticket is enough unless escalations pile up.',
      diagnose: [
        `Pods: \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${DASHBOARD}\`; health: \`kubectl exec -n ${NS} deployment/${DASHBOARD} -- wget -qO- http://localhost:8501/_stcore/health\` (expect ok).`,
        `The last logs: \`kubectl logs -n ${NS} deployment/${DASHBOARD} --tail=100\` (login errors point at MongoDB).`,
      ],
      act: [`Restart: \`kubectl rollout restart deployment/${DASHBOARD} -n ${NS}\`; roll back a release that broke it.`],
    },
  }),
];

const alert = (name: string): AlertSpec => {
  const found = alerts.find((a) => a.name === name);
  if (!found) throw new Error(`stacks/customer-support.ts: no alert named ${name}`);
  return found;
};
/** The exact query of an alert, so its panel draws the alert's lines (red critical, orange warning). */
const plot = (name: string): string => valueQuery(alert(name).signal);
const api = `job="${apiJob}"`;
const bot = `job="${botJob}"`;

const dashboard = performanceDashboard({
  service,
  workload: service.workload(API),
  alerts,
  title: 'Customer Support - API Performance',
  uid: 'customer-support-api-performance',
  business: [
    { title: 'Tickets created per hour', description: 'From tickets_created_total, averaged over 1h.', expr: `sum(rate(tickets_created_total{${api}}[1h])) * 3600`, legend: 'tickets/h', unit: 'none' },
    {
      title: 'Tickets escalated per hour by company', description: 'From tickets_escalated_total: are the escalations all from one company?',
      // A company's escalation counter appears on its first escalation: companies with tickets read 0 until then.
      expr: `(sum by (company_id) (rate(tickets_escalated_total{${api}}[1h])) or 0 * sum by (company_id) (rate(tickets_created_total{${api}}[1h]))) * 3600`,
      legend: '{{company_id}}', unit: 'none',
    },
    { title: 'Ticket resolution rate (1h)', description: 'Tickets resolved by the agents over tickets created. Normal above 80%.', expr: plot('CustomerSupportResolutionRateLowWarning'), legend: 'resolved', unit: 'percentunit' },
    { title: 'Escalation rate (1h)', description: 'Tickets escalated to a human over tickets created. Target under 20%.', expr: plot('CustomerSupportEscalationRateHigh'), legend: 'escalated', unit: 'percentunit' },
    {
      title: 'Telegram bot: updates received per minute', description: 'Customer messages taken from Telegram through getUpdates.',
      expr: `sum(rate(telegram_updates_received_total{${bot}}[5m])) * 60`, legend: 'received', unit: 'none',
    },
    {
      title: 'Telegram bot: share of updates without an answer', description: 'telegram_updates_failed_total over telegram_updates_received_total: the bot\'s SLI (99.5%).',
      expr: `sum(rate(telegram_updates_failed_total{${bot}}[5m])) / sum(rate(telegram_updates_received_total{${bot}}[5m]))`, legend: 'failed', unit: 'percentunit',
    },
    { title: 'Telegram bot: seconds since the last successful poll', description: 'Grows when the polling loop hangs or Telegram refuses getUpdates.', expr: plot('CustomerSupportTelegramBotNotResponding'), legend: 'age', unit: 's' },
    {
      title: 'Telegram bot: getUpdates calls by status', description: 'success, conflict (409: another poller or a webhook), unauthorized (401: token revoked), error.',
      expr: `sum by (status) (rate(telegram_getupdates_total{${bot}}[5m]))`, legend: '{{status}}', unit: 'reqps',
    },
  ],
  dependencies: [
    { title: 'MongoDB up (exporter)', description: 'mongodb_up: 1 when mongodb_exporter reaches the cluster.', expr: plot('CustomerSupportMongoDBDown'), legend: 'up', unit: 'none' },
    { title: 'MongoDB open connections', description: 'mongodb_connections{state="current"} of the busiest server. Normal under 50.', expr: plot('CustomerSupportMongoDBConnectionsCritical'), legend: 'current', unit: 'none' },
    {
      title: 'MongoDB pool use per API pod', description: 'Connections checked out over maxPoolSize, per pod (client side).',
      expr: `sum by (instance) (mongodb_pool_checked_out_connections{${api}}) / sum by (instance) (mongodb_pool_max_size{${api}})`, legend: '{{instance}}', unit: 'percentunit',
    },
    { title: 'MongoDB operations waiting for a connection', description: 'mongodb_pool_pending_checkouts: above 0 for minutes means the pool is exhausted.', expr: plot('CustomerSupportMongoDBPoolExhausted'), legend: 'waiting', unit: 'none' },
    {
      title: 'MongoDB command latency p95 by command', description: 'From the API\'s command monitoring (mongodb_client_command_duration_seconds).',
      expr: `histogram_quantile(0.95, sum by (le, command) (rate(mongodb_client_command_duration_seconds_bucket{${api}}[5m])))`, legend: '{{command}}', unit: 's',
    },
    { title: 'ChromaDB failed calls', description: 'Share of calls to ChromaDB that raised.', expr: plot('CustomerSupportChromaDBUnreachable'), legend: 'failed', unit: 'percentunit' },
    { title: 'ChromaDB call latency p95', description: 'chromadb_request_duration_seconds, all operations.', expr: plot('CustomerSupportChromaDBSlow'), legend: 'p95', unit: 's' },
    { title: 'OpenAI failed calls', description: '5xx, timeouts and connection errors over all calls to OpenAI.', expr: plot('CustomerSupportOpenAIHighErrorRate'), legend: 'failed', unit: 'percentunit' },
    { title: 'OpenAI calls refused with 429', description: 'Rate limit or quota exhausted.', expr: plot('CustomerSupportOpenAIQuotaExceeded'), legend: '429', unit: 'percentunit' },
    { title: 'OpenAI call latency p95', description: 'llm_request_duration_seconds of the API.', expr: plot('CustomerSupportOpenAIHighLatency'), legend: 'p95', unit: 's' },
    {
      title: 'OpenAI tokens per minute by type', description: 'Prompt and completion tokens, what OpenAI bills and rate-limits.',
      expr: `sum by (type) (rate(llm_tokens_total{${api},provider="openai"}[5m])) * 60`, legend: '{{type}}', unit: 'none',
    },
  ],
});

/**
 * SLOs from the runbook's uptime targets (the service contract), all over 30 days with the Workbook's tiers:
 * the three workloads measured where their users meet them, the three dependencies from the API's side
 * (a dependency's own status page does not say whether our calls succeed).
 */
const slos: Slo[] = [
  defineSlo(service, {
    name: 'api-availability',
    description: 'Requests to the Customer Support API are answered without a server error (any status but 5xx); time without a healthy API target counts as failed requests.',
    sli: { kind: 'availability', workload: API },
    objective: '99.9%',
    runbook: {
      diagnose: [
        'Failing endpoints: `sum by (handler, status) (rate(http_requests_total{job="customer-support-api",status=~"5.."}[5m]))`',
        `Health: ${HEALTH}.`,
      ],
      act: [`If the errors began with a release, roll back: \`helm rollback customer-support-api -n ${NS}\`.`],
    },
  }),
  // Updates answered over updates received (telegram_updates_*). While the bot has no healthy target
  // (`outageOf`) nothing is received, so that time counts as failed updates at the usual rate; a polling
  // loop stuck behind a live pod is still blind here (CustomerSupportTelegramBotNotResponding pages for it).
  defineSlo(service, {
    name: 'telegram-bot-availability',
    description: 'Customer messages received by the Telegram bot are answered (the handling ends with a reply); time without a running bot counts as unanswered messages.',
    sli: { kind: 'ratio', bad: `telegram_updates_failed_total{${bot}}`, total: `telegram_updates_received_total{${bot}}`, outageOf: BOT },
    objective: '99.5%',
    runbook: {
      diagnose: [`Why updates fail: \`kubectl logs -n ${NS} statefulset/${BOT} --since=1h | grep -i error\`; the API's health: ${HEALTH}.`],
      act: ['Failures calling the API: follow the API\'s alerts. Failures sending to Telegram: check the token (`getMe`) and the Bot API errors in the bot\'s logs.'],
    },
  }),
  // Streamlit has no request metrics; ingress-nginx counts what operators get, including the 502/503 it
  // answers when no dashboard pod is ready (see INGRESS_METRICS in the service file).
  defineSlo(service, {
    name: 'dashboard-availability',
    description: 'Requests to the operators\' Streamlit dashboard through the ingress are answered without a server error.',
    sli: {
      kind: 'ratio',
      bad: selector('nginx_ingress_controller_requests', eq('ingress', DASHBOARD), re('status', '5..')),
      total: selector('nginx_ingress_controller_requests', eq('ingress', DASHBOARD)),
    },
    objective: '99.0%',
    runbook: {
      diagnose: [`Pods and restarts: \`kubectl get pods -n ${NS} -l app.kubernetes.io/name=${DASHBOARD}\`; 502/503 from the ingress mean no ready pod.`],
      act: [`Restart: \`kubectl rollout restart deployment/${DASHBOARD} -n ${NS}\`; roll back a release that broke it.`],
    },
  }),
  defineSlo(service, {
    name: 'mongodb-availability',
    description: 'MongoDB commands sent by the API succeed (the server answers ok: 1), as the API\'s command monitoring records them.',
    sli: { kind: 'ratio', bad: `mongodb_client_commands_total{${api},status="error"}`, total: `mongodb_client_commands_total{${api}}` },
    objective: '99.95%',
    runbook: {
      diagnose: [`Failing commands: \`sum by (command) (rate(mongodb_client_commands_total{${api},status="error"}[5m]))\`; ${MONGO_PING}.`],
      act: ['Atlas incident: follow https://status.mongodb.com/; a cluster at its limits: scale it to the next tier.'],
    },
  }),
  // ChromaDB is LOW criticality in the runbook: every tier opens a ticket, none pages.
  defineSlo(service, {
    name: 'chromadb-availability',
    description: 'Calls from the API to ChromaDB (the knowledge base) succeed.',
    sli: { kind: 'ratio', bad: `chromadb_requests_total{${api},status="error"}`, total: `chromadb_requests_total{${api}}` },
    objective: '95.0%',
    burnRates: { 'page-fast': { severity: 'warning' }, 'page-slow': { severity: 'warning' } },
    runbook: {
      diagnose: [`Failing operations: \`sum by (operation) (rate(chromadb_requests_total{${api},status="error"}[5m]))\`.`],
      act: [`Restart the ChromaDB server (\`kubectl rollout restart statefulset/chromadb -n ${NS}\`); re-ingest a corrupted collection.`],
    },
  }),
  // Provider failures only (5xx, timeouts, connection errors): 429s are our quota, watched by
  // CustomerSupportOpenAIQuotaExceeded, and other 4xx are our own request errors.
  defineSlo(service, {
    name: 'openai-availability',
    description: 'Calls from the API to OpenAI succeed (no server error, timeout or connection failure).',
    sli: { kind: 'ratio', bad: `llm_requests_total{${api},provider="openai",status=~"${LLM_FAILED_STATUS}"}`, total: `llm_requests_total{${api},provider="openai"}` },
    objective: '99.0%',
    runbook: {
      diagnose: [`Failures by status and model: \`sum by (status, model) (rate(llm_requests_total{${api},provider="openai"}[5m]))\`; https://status.openai.com/.`],
      act: ['OpenAI incident: tell the operators that answers are delayed and more tickets will be escalated; nothing to restart on our side.'],
    },
  }),
];

const sloOverview = sloDashboard({ service, slos, title: 'Customer Support - SLOs', uid: 'customer-support-slos' });

/**
 * The runbook's procedures no alert starts: daily checks, routine operations and troubleshooting of
 * symptoms that people report. Commands are the runbook's, run where this stack deploys the service.
 */
const IN_API = `Scripts run in an API pod, where the production settings are in the environment: prefix them with \`kubectl exec -n ${NS} deployment/${API} --\`.`;
const API_URL = 'https://api.example.com';
const ADMIN_KEY = '-H "X-API-Key: $ADMIN_API_KEY"';
const INGEST = '`python scripts/ingest_knowledge.py --company-id <company-id> --source ./docs/knowledge_base/<company>/<document>.md`';
const procedures: RunbookProcedure[] = [
  {
    title: 'Morning checks',
    when: 'Every working day at 9:00.',
    steps: [
      `Health: ${HEALTH}.`,
      `Errors of the last 24 hours: \`kubectl logs -n ${NS} deployment/${API} --since=24h | grep ERROR\`.`,
      'Metrics: the "Customer Support - API Performance" and "Customer Support - SLOs" dashboards in Grafana.',
      'Pending escalations: Streamlit dashboard > Escalated tickets.',
      'Checklist: API health ok, MongoDB connected, no critical errors in the logs, fewer than 10 escalated tickets pending, error rate under 1%.',
    ],
  },
  {
    title: 'End-of-day review',
    when: 'Every working day at 18:00.',
    steps: [
      'Review the day\'s metrics: messages processed, automatic resolution rate, escalated tickets (target under 20%), average response time.',
      'Backups: check that MongoDB Atlas\'s automatic backups ran.',
      'Plan maintenance: are updates pending?',
    ],
  },
  {
    title: 'Add a new company',
    when: 'A new client company is onboarded.',
    steps: [
      IN_API,
      'Put the company\'s data in `create_test_company.py` and run it: `python create_test_company.py`.',
      'Create its API key: `python scripts/create_initial_api_key.py --company-id <company-id> --name "Production Key"`.',
      'Create its dashboard admin: `python scripts/create_dashboard_user.py --email admin@<company-domain> --password <initial-password> --company-id <company-id> --full-name "Admin" --role admin` (send the password through the secret store, never in a ticket).',
      `Ingest its knowledge base: ${INGEST}.`,
      'If it uses Telegram, configure the bot: Streamlit dashboard > Company Config > Integrations.',
    ],
  },
  {
    title: 'Update the knowledge base',
    when: 'A company sends new or changed documents for its agents.',
    steps: [
      'Prepare the documents (Markdown, TXT or JSON) in `docs/knowledge_base/<company>/`.',
      `${IN_API} Ingest: ${INGEST}.`,
      `Check: Streamlit dashboard > Company Config > Knowledge Base, or \`curl ${ADMIN_KEY} "${API_URL}/api/companies/<company-id>"\`.`,
      'Test: ask the bot a question that the new document should answer.',
    ],
  },
  {
    title: 'Revoke a compromised API key',
    when: 'An API key leaked, shows up in the logs, or a client reports it compromised.',
    steps: [
      `List the keys: \`curl ${ADMIN_KEY} ${API_URL}/api/keys\` and identify the compromised \`<key-id>\` (from the logs or the report).`,
      `Revoke it: \`curl -X DELETE ${ADMIN_KEY} ${API_URL}/api/keys/<key-id>\`.`,
      `Create a new one: \`curl -X POST ${ADMIN_KEY} -H "Content-Type: application/json" -d '{"company_id":"<company-id>","name":"New Key","permissions":["read","write"]}' ${API_URL}/api/keys\`.`,
      'Send the new key to the client through a secure channel.',
    ],
  },
  {
    title: 'Reset a dashboard user\'s password',
    when: 'A dashboard user lost their password or it must be changed.',
    steps: [
      IN_API,
      'Find the user: `python -c "from pymongo import MongoClient; from src.config import settings; db = MongoClient(settings.MONGODB_URI)[settings.DATABASE_NAME]; print(db.dashboard_users.find_one({\'email\': \'<user-email>\'}))"`.',
      'Set the new password (the script updates an existing user): `python scripts/create_dashboard_user.py --email <user-email> --password <new-password> --company-id <company-id> --full-name "<full name>" --role operator`.',
    ],
  },
  {
    title: 'Deploy a new version',
    when: 'A new version of the API is released.',
    steps: [
      `Note the revision running now, to roll back to: \`helm history ${API} -n ${NS}\`.`,
      `Release the new version, then watch it: \`kubectl rollout status deployment/${API} -n ${NS}\` and \`kubectl logs -f -n ${NS} deployment/${API}\`.`,
      `Smoke test: ${HEALTH}, then send a test message to the bot on Telegram.`,
      `If needed, roll back: \`helm rollback ${API} -n ${NS}\`.`,
    ],
  },
  {
    title: 'Clean old logs and data',
    when: 'Audit logs and old interactions pile up in MongoDB (routine cleanup).',
    steps: [
      `${IN_API} Delete MongoDB data older than 90 days (audit_logs, old interactions): \`python scripts/cleanup_old_data.py --days 90\`.`,
      `Keep a copy of the container logs before pods are replaced: \`kubectl logs -n ${NS} deployment/${API} > /tmp/backup.log\`.`,
    ],
  },
  {
    title: 'Troubleshooting: tickets not processed',
    when: 'Messages arrive but no agent answers.',
    steps: [
      `Messages ingested: ${LOGS(API, 'ingest-message')}; the pipeline running: ${LOGS(API, 'AgentPipeline')}.`,
      'Tickets being created: `mongosh "$MONGODB_URI" --eval "db.tickets.find().sort({created_at:-1}).limit(5)"`.',
      `OpenAI: ${LOGS(API, 'OpenAI')}.`,
      'OpenAI errors: check the API key and the rate limits. MongoDB errors: check the connection and the indexes (`python scripts/setup_indexes.py`). Pipeline not running: look for exceptions in the code.',
    ],
  },
  {
    title: 'Troubleshooting: answers in the wrong language',
    when: 'The bot answers in English where it should answer in Portuguese. The cause is the company\'s configuration or the agents\' prompts.',
    steps: [
      `Check the company's configuration: \`curl ${ADMIN_KEY} "${API_URL}/api/companies/<company-id>"\`.`,
      `Set its custom instructions: \`curl -X PUT ${ADMIN_KEY} -H "Content-Type: application/json" -d '{"custom_instructions": "Always answer in Brazilian Portuguese. Be courteous and professional."}' "${API_URL}/api/companies/<company-id>"\`.`,
    ],
  },
  {
    title: 'Troubleshooting: ChromaDB corrupted',
    when: 'Queries to a knowledge base fail with errors.',
    steps: [
      `Back up the data, if possible: \`kubectl exec -n ${NS} statefulset/chromadb -- cp -r <persist-dir> <persist-dir>.backup\`.`,
      `Delete the collection: \`kubectl exec -n ${NS} statefulset/chromadb -- rm -rf <persist-dir>/<collection-name>\`.`,
      `${IN_API} Re-ingest: \`python scripts/ingest_knowledge.py --company-id <company-id> --source ./docs/knowledge_base/\`.`,
      'Check: `python -c "from src.rag.knowledge_base import KnowledgeBase; print(KnowledgeBase().query(\'test query\', company_id=\'<company-id>\'))"`.',
    ],
  },
  {
    title: 'Troubleshooting: memory leak',
    when: 'The API\'s memory use keeps growing.',
    steps: [
      `Watch memory: \`kubectl top pods -n ${NS} -l app.kubernetes.io/name=${API}\`.`,
      `Above 85% sustained: restart at once: ${RESTART_API}.`,
      `Look for memory patterns in the logs: \`kubectl logs -n ${NS} deployment/${API} --since=1h | grep -iE "memory|leak|gc"\`; the ChromaDB cache may grow without a limit.`,
      'Fixes: an LRU cache with a limit, periodic restarts (a daily cron job), or more memory.',
    ],
  },
];

export const customerSupport: ServiceStack = { service, alerts, dashboards: [dashboard, sloOverview], slos, procedures };

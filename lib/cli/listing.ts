import type { ServiceStack } from '../core/stack.js';
import { threshold } from '../promql/signals.js';
import { outageAllowed } from '../render/runbook/slo-runbook.js';
import { errorBudget } from '../slo/define-slo.js';
import { humanDuration, percent } from '../slo/rules.js';

/** What `oac list --json` prints: one entry per service. */
export interface ServiceListing {
  readonly name: string;
  readonly title: string;
  readonly team: string;
  readonly namespace: string;
  readonly workloads: readonly string[];
  readonly alerts: readonly { name: string; threshold: string; for: string; severity: string; sev: string }[];
  readonly slos: readonly { name: string; objective: string; period: string; errorBudget: string; fullOutageAllowed: string }[];
  readonly dashboards: readonly string[];
}

export function listing(stack: ServiceStack): ServiceListing {
  const { service } = stack;
  return {
    name: service.name, title: service.title, team: service.team, namespace: service.namespace,
    workloads: service.workloads.map((w) => w.name),
    alerts: stack.alerts.map((a) => {
      const t = threshold(a.signal);
      return { name: a.name, threshold: `${t.comparator} ${t.display}`, for: a.for.text, severity: a.level.severity, sev: a.level.sev };
    }),
    slos: (stack.slos ?? []).map((slo) => ({
      name: slo.name, objective: String(slo.objective), period: humanDuration(slo.period),
      errorBudget: percent(errorBudget(slo)), fullOutageAllowed: humanDuration(outageAllowed(slo)),
    })),
    dashboards: stack.dashboards.map((d) => d.uid),
  };
}

import type { Duration } from '../core/units.js';

/**
 * Recording-rule names of the SLO engine, shared by the rules, the SLO dashboard and the runbook.
 * Every series carries the labels `service="<service>"` and `slo="<slo name>"`.
 * Convention: level:metric:operations (Prometheus recording-rule naming).
 */
export const SLO_RECORDS = {
  /** Per-second rate of bad events over the base (short) window, e.g. 5m. */
  errorsRate: (base: Duration) => `slo:sli_errors:rate${base.text}`,
  /** Per-second rate of all events over the base window. */
  totalRate: (base: Duration) => `slo:sli_total:rate${base.text}`,
  /** Error ratio (bad / total) over window w: `slo:sli_error:ratio_rate1h`. */
  errorRatio: (window: Duration) => `slo:sli_error:ratio_rate${window.text}`,
  /** The objective as a ratio, e.g. 0.999. */
  objective: 'slo:objective:ratio',
  /** 1 - objective: the error budget as a ratio of events. */
  errorBudget: 'slo:error_budget:ratio',
  /** Share of the period's error budget still left (1 = untouched, 0 = spent, negative = overspent). */
  budgetRemaining: 'slo:error_budget_remaining:ratio',
  /** Error ratio over the whole period (e.g. 30d). */
  periodErrorRatio: 'slo:sli_error:ratio_period',
} as const;

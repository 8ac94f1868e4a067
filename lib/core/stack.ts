import type { AlertSpec } from './alert.js';
import type { Service } from './service.js';
import type { Slo } from './slo.js';

/** A Grafana dashboard already built (with the Foundation SDK) into its JSON model. */
export interface DashboardModel {
  /** At most 40 characters (Grafana's limit), unique across the platform. */
  readonly uid: string;
  readonly title: string;
  /** The dashboard JSON as Grafana stores it. */
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * A runbook procedure that no alert starts: an incident a person reports (wrong content reached users),
 * an audit request, a planned operation. Rendered as its own section of RUNBOOK.md.
 */
export interface RunbookProcedure {
  /** Heading, unique within the stack, e.g. `SEV-1: LLM hallucination or wrong legal content reaches users`. */
  readonly title: string;
  /** When to follow it: the report or request that starts it, in one or two sentences. */
  readonly when: string;
  /** Steps in order. Shell / PromQL in backticks. */
  readonly steps: readonly string[];
}

/** Everything one stack file declares about a service; synth derives all artifacts from it. */
export interface ServiceStack {
  readonly service: Service;
  readonly alerts: readonly AlertSpec[];
  readonly dashboards: readonly DashboardModel[];
  /** Service level objectives; burn-rate rules, SLO dashboards and OpenSLO files derive from them. @default [] */
  readonly slos?: readonly Slo[];
  /** Runbook procedures no alert starts, rendered after the alerts' sections. @default [] */
  readonly procedures?: readonly RunbookProcedure[];
}

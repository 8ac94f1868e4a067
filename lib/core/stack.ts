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

/** Everything one stack file declares about a service; synth derives all artifacts from it. */
export interface ServiceStack {
  readonly service: Service;
  readonly alerts: readonly AlertSpec[];
  readonly dashboards: readonly DashboardModel[];
  /** Service level objectives; burn-rate rules, SLO dashboards and OpenSLO files derive from them. @default [] */
  readonly slos?: readonly Slo[];
}

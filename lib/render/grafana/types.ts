/**
 * What a dashboard shows, as data: templates (dashboards/) say *what* to plot (queries, units, threshold
 * lines) and in which row; `renderDashboard` decides *where* (grid positions, panel ids, refIds) and
 * applies the house style. Keeping the PromQL out of the layout code lets a template be read as a list
 * of questions the dashboard answers.
 */

/** One PromQL query of a panel. */
export interface PanelQuery {
  readonly expr: string;
  /** Grafana legend format, e.g. `{{pod}}`. @default '__auto' (Grafana derives it from the labels) */
  readonly legend?: string;
}

/** A horizontal line drawn across a panel, usually an alert threshold in the query's own unit. */
export interface ThresholdLine {
  readonly value: number;
  /** Grafana colour name or hex. @default THRESHOLD_COLOR ('red') */
  readonly color?: string;
}

export type Visualization = 'timeseries' | 'stat';

export interface PanelSpec {
  readonly title: string;
  /** Shown in the panel's (i) tooltip: what the panel measures and how to read it. */
  readonly description: string;
  /** Grafana unit id, e.g. `s`, `percentunit`, `reqps`, `Bps`. */
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
  /** @default [] */
  readonly thresholds?: readonly ThresholdLine[];
  /** @default 'timeseries' */
  readonly visualization?: Visualization;
  /** Lower bound of the value axis. @default 0 (every series we plot is a rate, ratio or size) */
  readonly min?: number;
  /** Upper bound the axis shows at least (values above still extend it), e.g. 1 for utilisation. @default none */
  readonly softMax?: number;
  /**
   * Lower bound the axis shows at least (values below still extend it), e.g. 0.99 for an SLI of 99.9%.
   * Replaces the hard `min`, for series that can go below it (an overspent error budget). @default none
   */
  readonly softMin?: number;
  /** Colour below the first threshold line (and of a stat with no line crossed). @default BASE_COLOR ('green') */
  readonly baseColor?: string;
  /**
   * Values from this one up are shown as `≥ <value>` (a value mapping): a histogram quantile reads the
   * largest finite bucket bound whenever the real quantile is beyond it, so that bound is a lower bound.
   * @default none
   */
  readonly atLeastFrom?: { readonly value: number; /** e.g. `≥ 10s` */ readonly text: string };
  /** Grid columns out of 24. @default PANEL_WIDTH (12: two panels per line) */
  readonly width?: number;
}

export interface RowSpec {
  readonly title: string;
  /** A row without panels is left out of the dashboard. */
  readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  /** Service the dashboard belongs to; names it in validation errors. */
  readonly service: string;
  /** At most 40 characters of A-Z, a-z, 0-9, `-` and `_` (Grafana's limit). */
  readonly uid: string;
  readonly title: string;
  /** @default none */
  readonly description?: string;
  /** Duplicates are dropped; order is kept. */
  readonly tags: readonly string[];
  readonly rows: readonly RowSpec[];
}

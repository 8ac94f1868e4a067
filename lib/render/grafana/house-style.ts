import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { PanelQuery, PanelSpec, ThresholdLine } from './types.js';

/**
 * The house style of every generated dashboard, in one place. Dashboards never name a concrete
 * datasource: each panel and query points at the `datasource` template variable, so the same JSON works
 * in every Grafana (provisioned by the sidecar or imported by hand) without `__inputs` / `${DS_...}`.
 */
export const DATASOURCE_VARIABLE = 'datasource';
export const DATASOURCE_TYPE = 'prometheus';
export const DATASOURCE_UID = '${' + DATASOURCE_VARIABLE + '}';

export const DEFAULT_TIME_RANGE = { from: 'now-6h', to: 'now' } as const;
export const DEFAULT_REFRESH = '1m';

/** Grafana's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;
export const PANEL_WIDTH = 12;
export const PANEL_HEIGHT = 8;

/** Colour of alert threshold lines; the base step (below the first line) is never drawn. */
export const THRESHOLD_COLOR = 'red';
export const BASE_COLOR = 'green';

/** A fresh reference to the datasource variable (the SDK keeps references, so never share one object). */
export function datasourceRef(): dashboard.DataSourceRef {
  return { type: DATASOURCE_TYPE, uid: DATASOURCE_UID };
}

/** The `datasource` variable: a picker over the Prometheus datasources, defaulting to Grafana's default one. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Data source')
    .type(DATASOURCE_TYPE);
}

export interface DashboardDefaults {
  readonly uid: string;
  readonly title: string;
  readonly description?: string;
  readonly tags: readonly string[];
}

/**
 * A dashboard with the house defaults: last 6 hours, refreshed every minute, shared crosshair, the
 * datasource variable, and read-only (the source of truth is the code; edit it there).
 * `schemaVersion` is the SDK's own.
 */
export function dashboardBuilder(defaults: DashboardDefaults): dashboard.DashboardBuilder {
  const builder = new dashboard.DashboardBuilder(defaults.title)
    .uid(defaults.uid)
    .tags([...new Set(defaults.tags)])
    .time({ ...DEFAULT_TIME_RANGE })
    .refresh(DEFAULT_REFRESH)
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly()
    .withVariable(datasourceVariable());
  return defaults.description ? builder.description(defaults.description) : builder;
}

/** A range query in code mode, pointing at the datasource variable. */
export function promQuery(query: PanelQuery, refId: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .refId(refId)
    .datasource(datasourceRef())
    .expr(query.expr)
    .legendFormat(query.legend ?? '__auto')
    .editorMode(prometheus.QueryEditorMode.Code)
    .range();
}

/** Threshold steps in ascending order; equal values collapse into one line (the first colour wins). */
export function thresholdsConfig(lines: readonly ThresholdLine[], baseColor: string = BASE_COLOR): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: baseColor }];
  const sorted = [...lines].sort((a, b) => a.value - b.value);
  for (const line of sorted) {
    if (steps.some((s) => s.value === line.value)) continue;
    steps.push({ value: line.value, color: line.color ?? THRESHOLD_COLOR });
  }
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/**
 * `≥ 10s` for values at or above the bound (tooltip, legend and stat value); the line itself stays at
 * the bound. Orange: the value is a floor, not a measurement.
 */
export function atLeastMappings(spec: PanelSpec): dashboard.ValueMapping[] {
  if (!spec.atLeastFrom) return [];
  return [{
    type: dashboard.MappingType.RangeToText,
    options: { from: spec.atLeastFrom.value, to: null, result: { text: spec.atLeastFrom.text, color: 'orange', index: 0 } },
  }];
}

/** Spreadsheet-style refIds: A..Z, AA, AB, ... */
export function refId(index: number): string {
  let n = index + 1;
  let id = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    id = String.fromCharCode(65 + r) + id;
    n = Math.floor((n - 1) / 26);
  }
  return id;
}

/** A time series panel with the house defaults; threshold lines are drawn as solid lines. */
export function timeseriesPanel(spec: PanelSpec, id: number, gridPos: dashboard.GridPos): timeseries.PanelBuilder {
  const lines = spec.thresholds ?? [];
  const started = new timeseries.PanelBuilder()
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRef())
    .targets(spec.queries.map((q, i) => promQuery(q, refId(i))))
    .unit(spec.unit);
  // A soft minimum replaces the hard one, so values below it still show.
  const builder = (spec.softMin === undefined ? started.min(spec.min ?? 0) : started.axisSoftMin(spec.softMin))
    .gridPos({ ...gridPos })
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(new common.VizLegendOptionsBuilder()
      .displayMode(common.LegendDisplayMode.List)
      .placement(common.LegendPlacement.Bottom)
      .showLegend(true)
      .calcs([]))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .thresholds(thresholdsConfig(lines, spec.baseColor))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder()
      .mode(lines.length > 0 ? common.GraphThresholdsStyleMode.Line : common.GraphThresholdsStyleMode.Off));
  if (spec.atLeastFrom) builder.mappings(atLeastMappings(spec));
  return spec.softMax === undefined ? builder : builder.axisSoftMax(spec.softMax);
}

/** A single-value panel (last value, sparkline); threshold steps colour the value. */
export function statPanel(spec: PanelSpec, id: number, gridPos: dashboard.GridPos): stat.PanelBuilder {
  const started = new stat.PanelBuilder()
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRef())
    .targets(spec.queries.map((q, i) => promQuery(q, refId(i))))
    .unit(spec.unit);
  // A stat has no axis: a soft minimum only means "no hard minimum" (the sparkline follows the data).
  const builder = (spec.softMin === undefined ? started.min(spec.min ?? 0) : started)
    .gridPos({ ...gridPos })
    .thresholds(thresholdsConfig(spec.thresholds ?? [], spec.baseColor))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return spec.atLeastFrom ? builder.mappings(atLeastMappings(spec)) : builder;
}

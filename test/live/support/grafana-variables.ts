/**
 * Grafana's variables in a panel query replaced as Grafana does before it sends the query to Prometheus:
 * `$__interval` (range / max data points, never below the data source's scrape interval), `$__rate_interval`
 * (max($__interval + scrape interval, 4 × scrape interval)), `$__range`, their `_ms`/`_s` forms, and the
 * dashboard's template variables (`$job`, `${namespace}`, `[[pod]]`, `${var:raw}`) with their values.
 */
export interface GrafanaQueryContext {
  /** The data source's scrape interval ("timeInterval"), in seconds. */
  readonly scrapeIntervalSeconds: number;
  /** The dashboard's time range, in seconds. */
  readonly rangeSeconds: number;
  /** Points per series Grafana asks for (about the panel's width in pixels). */
  readonly maxDataPoints: number;
  /** Template variable values by name. */
  readonly variables: Readonly<Record<string, string>>;
}

export function grafanaInterval(ctx: GrafanaQueryContext): number {
  return Math.max(ctx.scrapeIntervalSeconds, Math.round(ctx.rangeSeconds / ctx.maxDataPoints));
}

export function substituteGrafanaVariables(expr: string, ctx: GrafanaQueryContext): string {
  const interval = grafanaInterval(ctx);
  const rate = Math.max(interval + ctx.scrapeIntervalSeconds, 4 * ctx.scrapeIntervalSeconds);
  const builtins: Record<string, string> = {
    __rate_interval: seconds(rate), __interval: seconds(interval), __interval_ms: String(Math.round(interval * 1000)),
    __range: seconds(ctx.rangeSeconds), __range_s: String(ctx.rangeSeconds), __range_ms: String(ctx.rangeSeconds * 1000),
  };
  const value = (name: string, whole: string): string => {
    const found = builtins[name] ?? ctx.variables[name];
    if (found === undefined) throw new Error(`query uses ${whole}, which is neither a Grafana built-in nor a template variable of the dashboard`);
    return found;
  };
  return expr
    .replace(/\$\{(\w+)(?::\w+)?\}/g, (whole, name: string) => value(name, whole))
    .replace(/\[\[(\w+)(?::\w+)?\]\]/g, (whole, name: string) => value(name, whole))
    .replace(/\$(\w+)/g, (whole, name: string) => (/^\d/.test(name) ? whole : value(name, whole)));
}

/** Durations as Grafana writes them in queries: whole milliseconds below 1s (`500ms`), else seconds. */
function seconds(value: number): string {
  return value < 1 ? `${Math.round(value * 1000)}ms` : `${Math.round(value)}s`;
}

interface TemplateVariable {
  readonly name: string;
  readonly type: string;
  readonly query?: unknown;
  readonly current?: { readonly value?: unknown };
}

/**
 * Values of a dashboard's template variables, as Grafana would pick them on load: the saved current value
 * for custom, constant, textbox and interval variables; for query variables (`label_values(metric, label)`)
 * the first value Prometheus returns. Data source variables are not part of any query.
 */
export async function templateVariableValues(
  dashboardJson: Readonly<Record<string, unknown>>,
  labelValues: (label: string, match?: string) => Promise<string[]>,
): Promise<Record<string, string>> {
  const list = ((dashboardJson.templating as { list?: TemplateVariable[] } | undefined)?.list ?? []).filter((v) => v.type !== 'datasource');
  const values: Record<string, string> = {};
  for (const variable of list) {
    const current = variable.current?.value;
    if (variable.type === 'query') {
      const query = typeof variable.query === 'string' ? variable.query : String((variable.query as { query?: string } | undefined)?.query ?? '');
      const match = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(query.trim());
      if (!match) throw new Error(`template variable ${variable.name}: query '${query}' is not label_values(...)`);
      const found = await labelValues(match[2]!, match[1]);
      if (found.length === 0) throw new Error(`template variable ${variable.name}: ${query} returns no values`);
      values[variable.name] = found[0]!;
    } else if (current !== undefined) {
      values[variable.name] = Array.isArray(current) ? String(current[0]) : String(current);
    } else if (typeof variable.query === 'string') {
      values[variable.name] = variable.query.split(',')[0]!.trim();
    }
  }
  return values;
}

import type { ServiceStack } from '../core/stack.js';
import { alertExpression, threshold } from '../promql/signals.js';

export interface ThresholdRow {
  readonly alert: string;
  readonly expr: string;
  readonly threshold: string;
  readonly for: string;
  readonly severity: string;
  readonly sev: string;
}

/**
 * One row per alert: what teams snapshot in their own tests (`expect(thresholdTable(stack)).toMatchSnapshot()`),
 * so any threshold change shows up as a reviewed snapshot diff.
 */
export function thresholdTable(stack: ServiceStack): ThresholdRow[] {
  return stack.alerts.map((a) => ({
    alert: a.name,
    expr: alertExpression(a.signal),
    threshold: `${threshold(a.signal).comparator} ${threshold(a.signal).display}`,
    for: a.for.text,
    severity: a.level.severity,
    sev: a.level.sev,
  }));
}

/** The same table as aligned Markdown, readable in a snapshot diff. */
export function thresholdTableMarkdown(stack: ServiceStack): string {
  const rows = thresholdTable(stack);
  const header = ['alert', 'threshold', 'for', 'severity', 'sev', 'expr'];
  const cells = rows.map((r) => [r.alert, r.threshold, r.for, r.severity, r.sev, `\`${r.expr}\``]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

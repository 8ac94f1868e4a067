import type { DashboardModel } from '../../lib/core/index.js';

/** The parts of Grafana's panel JSON the dashboard tests read. */
export interface Target { readonly expr: string; readonly legendFormat: string; readonly refId: string; readonly datasource: unknown }
export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly datasource?: unknown;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets?: readonly Target[];
  readonly fieldConfig?: {
    readonly defaults: {
      readonly unit?: string;
      readonly min?: number;
      readonly thresholds?: { readonly steps: readonly { readonly value: number | null; readonly color: string }[] };
      readonly custom?: { readonly thresholdsStyle?: { readonly mode: string }; readonly axisSoftMin?: number; readonly axisSoftMax?: number };
    };
  };
}

export function panels(m: DashboardModel): Panel[] {
  return m.json['panels'] as Panel[];
}

export function panel(m: DashboardModel, title: string): Panel {
  const found = panels(m).find((p) => p.title === title);
  if (!found) throw new Error(`no panel '${title}' in ${panels(m).map((p) => p.title).join(', ')}`);
  return found;
}

export function steps(p: Panel): { value: number | null; color: string }[] {
  return [...(p.fieldConfig?.defaults.thresholds?.steps ?? [])];
}

/** Values of the drawn threshold lines (the base step below the first line is never drawn). */
export function lines(p: Panel): (number | null)[] {
  return steps(p).slice(1).map((s) => s.value);
}

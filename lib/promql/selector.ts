/** Typed building blocks for PromQL text: label matchers are escaped once, here. */
import type { LabelMatcher, SeriesSelector } from '../core/alert.js';

export type MatchOp = LabelMatcher['op'];
export type Matcher = LabelMatcher;

export const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
export const ne = (label: string, value: string): Matcher => ({ label, op: '!=', value });
export const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });

/** `metric{a="b",c=~"d"}`; label values are escaped as PromQL double-quoted strings. */
export function selector(metric: string, ...matchers: readonly Matcher[]): string {
  if (matchers.length === 0) return metric;
  return `${metric}{${matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}

/** A selector kept as data (in a Signal) rendered as PromQL text. */
export function renderSelector(series: SeriesSelector): string {
  return selector(series.metric, ...series.matchers);
}

/** `by (a, b) ` or nothing: the grouping clause of an aggregation. */
export function byClause(labels: readonly string[]): string {
  return labels.length ? `by (${labels.join(', ')}) ` : '';
}

/** Numbers as PromQL literals without float noise: 0.05, not 0.05000000000000001. */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** Typed building blocks for PromQL text: label matchers are escaped once, here. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

export const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
export const ne = (label: string, value: string): Matcher => ({ label, op: '!=', value });
export const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });

/** `metric{a="b",c=~"d"}`; label values are escaped as PromQL double-quoted strings. */
export function selector(metric: string, ...matchers: readonly Matcher[]): string {
  if (matchers.length === 0) return metric;
  return `${metric}{${matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}

/** Numbers as PromQL literals without float noise: 0.05, not 0.05000000000000001. */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

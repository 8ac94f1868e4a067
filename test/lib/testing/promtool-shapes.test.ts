import { describe, expect, it } from 'vitest';
import { markIdentity, proofShape, proveByShape } from '../../../lib/testing/promtool-shapes.js';

const files = (name: string, prefix: string, extra = '') => ({
  'rules.yaml': `groups:\n  - name: ${name}\n    rules:\n      - alert: ${prefix}Down\n        expr: up{job="${name}"} == 0${extra}\n        annotations:\n          summary: "${name} is down: {{ $labels.instance }} at {{ $value | humanize }}"\n`,
  'rules.test.yaml': `tests:\n  - input_series:\n      - {series: 'up{job="${name}",instance="a"}', values: 0x5}\n    promql_expr_test:\n      - {expr: 'ALERTS{alertname=~"${prefix}Down|${prefix}Up"}', eval_time: 0s, exp_samples: []}\n`,
});
const shape = (name: string, prefix: string, extra = '') => proofShape(files(name, prefix, extra), [name, prefix]);
const key = (s: ReturnType<typeof proofShape>) => ('key' in s ? s.key : `unsafe: ${s.unsafe}`);

describe('proofShape', () => {
  it('gives services whose files differ only in their names the same shape', () => {
    expect(key(shape('svc-00001', 'Svc1'))).toMatch(/^[0-9a-f]{64}$/);
    expect(key(shape('svc-00002', 'Svc2'))).toBe(key(shape('svc-00001', 'Svc1')));
  });

  it('gives a service whose rule differs in anything but its names another shape', () => {
    expect(key(shape('svc-00002', 'Svc2', ' or up{job="x"} == 2'))).not.toBe(key(shape('svc-00001', 'Svc1')));
    expect(key(proofShape({ ...files('svc-00002', 'Svc2'), 'rules.yaml': files('svc-00002', 'Svc2')['rules.yaml'].replace('== 0', '== 1') }, ['svc-00002', 'Svc2'])))
      .not.toBe(key(shape('svc-00001', 'Svc1')));
  });

  it('marks every occurrence of each name by its role', () => {
    expect(markIdentity('svc-1 Svc1Down svc-1', ['svc-1', 'Svc1']).replaceAll('\u0001', '@')).toBe('@0@ @1@Down @0@');
  });

  it('refuses names a renaming could change the meaning of', () => {
    expect(key(proofShape(files('svc.1', 'Svc1'), ['svc.1', 'Svc1']))).toContain("'svc.1' is not a plain name");
    expect(key(proofShape(files('true', 'Svc1'), ['true', 'Svc1']))).toContain('YAML or PromQL word');
    expect(key(proofShape(files('svc', 'Svc1'), ['svc', 'svc-1']))).toContain("'svc' occurs inside 'svc-1'");
    expect(key(proofShape(files('aba', 'Svc1'), ['aba', 'Svc1']))).toContain("'aba' ends with how 'aba' starts");
  });

  it('refuses a name inside a regex that is more than literal text, or a regex on values that hold a name', () => {
    expect(key(shape('svc-1', 'Svc1', ' or up{job=~"svc-1.+"} == 2'))).toContain('more than literal text');
    expect(key(shape('svc-1', 'Svc1', ' or up{job=~"s.*"} == 2'))).toContain("holds 's'");
    expect(key(shape('svc-1', 'Svc1', ' or up{job=~"...-1"} == 2'))).toContain('more than literal text');
    expect(key(shape('svc-1', 'Svc1', ' or up{pod=~"svc-1-.*"} == 2'))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a branch on $value against a number, whose text is renamed like any other', () => {
    const branch = '{{ if ge $value 10.0 }}at least 10s{{ else }}{{ $value | humanizeDuration }}{{ end }}';
    expect(key(proofShape({ 'r.yaml': `summary: "svc-1 p95 ${branch}"` }, ['svc-1']))).toMatch(/^[0-9a-f]{64}$/);
    expect(key(proofShape({ 'r.yaml': 'summary: "{{ if eq $labels.job \\"svc-1\\" }}x{{ end }}"' }, ['svc-1']))).toContain('may inspect strings');
  });

  it('refuses a template action it cannot read whole: across lines or never closed', () => {
    expect(key(proofShape({ 'r.yaml': 'summary: "{{ $labels.job\n | toUpper }}"' }, ['svc-1']))).toContain('may inspect strings');
    expect(key(proofShape({ 'r.yaml': 'summary: "svc-1 {{ $labels.job | toUpper"' }, ['svc-1']))).toContain('may inspect strings');
  });

  it('reads a regex matcher inside a double-quoted YAML string, where its quotes are escaped', () => {
    expect(key(proofShape({ 'r.yaml': 'expr: "up{job=~\\"svc-1.+\\"}"' }, ['svc-1']))).toContain('more than literal text');
  });

  it('scans long lines in one pass (each scan is linear, so a large organisation cannot stall it)', () => {
    // Quadratic scans took minutes on this: every position of a 400,000-character run started a match.
    const line = `expr: up{job="svc-1"} ${'a'.repeat(400_000)} ${'{{'.repeat(50_000)}`;
    expect(key(proofShape({ 'r.yaml': line }, ['svc-1']))).toContain('may inspect strings');
    expect(key(proofShape({ 'r.yaml': `expr: up{job="svc-1"} ${'a'.repeat(400_000)}` }, ['svc-1']))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses string functions of PromQL and templates', () => {
    expect(key(shape('svc-1', 'Svc1', ' or label_replace(up, "a", "$1", "job", "(.*)")'))).toContain('label_replace');
    expect(key(proofShape({ 'r.yaml': 'summary: "{{ $labels.job | toUpper }}"' }, ['svc-1']))).toContain('may inspect strings');
  });
});

describe('proveByShape', () => {
  /** A runner that records the jobs it is asked to run and fails those in `failing`. */
  const runner = (failing: ReadonlySet<number> = new Set()) => {
    const batches: number[][] = [];
    const run = async (indices: readonly number[], done: (i: number, r: { ok: boolean }) => void): Promise<void> => {
      batches.push([...indices]);
      for (const i of [...indices].reverse()) done(i, { ok: !failing.has(i) }); // any order
    };
    return { batches, run };
  };
  const kinds = (verdicts: readonly { kind: string; of?: number }[]) => verdicts.map((v) => (v.kind === 'renaming' ? `renaming of ${v.of}` : v.kind));

  it('runs the first job of each shape, and the other jobs of a passing shape take its verdict', async () => {
    const { batches, run } = runner();
    const verdicts = await proveByShape(['a', 'b', 'a', undefined, 'b'], run);
    expect(kinds(verdicts)).toEqual(['run', 'run', 'renaming of 0', 'run', 'renaming of 1']);
    expect(batches).toEqual([[0, 1, 3], []]);
  });

  it('runs every job of a failing shape on its own', async () => {
    const { batches, run } = runner(new Set([0, 2]));
    const verdicts = await proveByShape(['a', 'b', 'a', 'a'], run);
    expect(kinds(verdicts)).toEqual(['run', 'run', 'run', 'run']);
    expect(verdicts.map((v) => v.kind === 'proven' || v.result.ok)).toEqual([false, true, false, true]);
    expect(batches).toEqual([[0, 1], [2, 3]]);
  });

  it('runs no job of a shape proven before, and remembers the shapes that pass now, not those that fail', async () => {
    const provenShapes = new Set(['a']);
    const { batches, run } = runner(new Set([2]));
    const verdicts = await proveByShape(['a', 'b', 'c', 'a'], run, { provenShapes });
    expect(kinds(verdicts)).toEqual(['proven', 'run', 'run', 'proven']);
    expect(batches).toEqual([[1, 2], []]);
    expect([...provenShapes].sort()).toEqual(['a', 'b']);
  });
});

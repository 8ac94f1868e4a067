import { describe, expect, it } from 'vitest';
import { AlertTemplateError, renderAlertTemplate } from '../../../../lib/render/promtool/go-template.js';
import { toYaml } from '../../../../lib/render/yaml.js';
import { runPromtoolTests } from '../../../../lib/testing/promtool.js';

const render = (text: string, value: number, labels: Record<string, string> = {}): string => renderAlertTemplate(text, { value, labels });

describe('renderAlertTemplate', () => {
  it('prints $value as Go does and leaves plain text alone', () => {
    expect(render('p95 is {{ $value }}s', 5.049019607843134)).toBe('p95 is 5.049019607843134s');
    expect(render('{{$value}} requests', 1234567)).toBe('1.234567e+06 requests');
    expect(render('no actions here', 1)).toBe('no actions here');
  });

  it('humanizes values like Prometheus: SI prefixes, percentages and durations with 4 significant digits', () => {
    expect(render('{{ $value | humanize }}', 1234567)).toBe('1.235M');
    expect(render('{{ $value | humanize }}', 0.0123)).toBe('12.3m');
    expect(render('{{ $value | humanize }}', 0)).toBe('0');
    expect(render('{{ $value | humanizePercentage }}', 0.051)).toBe('5.1%');
    expect(render('{{ humanizePercentage $value }}', 0.816)).toBe('81.6%');
    expect(render('{{ $value | humanizeDuration }}', 5.049019607843134)).toBe('5.049s');
    expect(render('{{ $value | humanizeDuration }}', 90061)).toBe('1d 1h 1m 1s');
    expect(render('{{ $value | humanizeDuration }}', 3725.5)).toBe('1h 2m 5s');
    expect(render('{{ $value | humanizeDuration }}', -90)).toBe('-1m 30s');
    expect(render('{{ $value | humanizeDuration }}', 0.0421)).toBe('42.1ms');
    expect(render('{{ $value | humanizeDuration }}', 0)).toBe('0s');
  });

  it('formats with printf, in call and pipe form', () => {
    expect(render('{{ printf "%.1f" $value }} docs/h', 4.900000000016007)).toBe('4.9 docs/h');
    expect(render('{{ $value | printf "%.2f%%" }}', 12.345)).toBe('12.35%');
    expect(render('{{ printf "%s is at %.0f" $labels.pod $value }}', 3.5, { pod: 'api-0' })).toBe('api-0 is at 4');
  });

  it('expands labels, and a label the alert lacks to an empty string (missingkey=zero)', () => {
    expect(render('pod {{ $labels.pod }} in {{ $labels.namespace }}', 1, { pod: 'api-0' })).toBe('pod api-0 in ');
  });

  it('trims white space next to {{- and -}} as Go does', () => {
    expect(render('a  \n {{- $value -}} \n b', 1)).toBe('a1b');
    expect(render('a {{ $value }} b', 1)).toBe('a 1 b');
  });

  it('takes the branch Go takes for a comparison of $value with a float literal', () => {
    const atLeast = '{{ if ge $value 10.0 }}≥ {{ end }}{{ $value | humanizeDuration }}';
    expect(render(atLeast, 10)).toBe('≥ 10s');
    expect(render(atLeast, 9.5)).toBe('9.5s');
    expect(render('{{ if lt $value 1e-3 }}tiny{{ else }}{{ $value }}{{ end }}!', 0.0001)).toBe('tiny!');
    expect(render('{{ if lt $value 1e-3 }}tiny{{ else }}{{ $value }}{{ end }}!', 0.5)).toBe('0.5!');
  });

  it.each([
    ['{{ $value | title }}', 'unknown function title'],
    ['{{ .Value }}', 'cannot read ".Value "'],
    ['{{ $externalLabels.cluster }}', 'cannot read "$externalLabels.cluster "'],
    ['{{ range $labels }}x{{ end }}', 'control structures such as {{ range }} are not supported'],
    // Go refuses to compare the float64 $value with an int literal: not rendered as if it worked.
    ['{{ if gt $value 1 }}high{{ end }}', 'control structures such as {{ if }} are not supported'],
    ['{{ if gt $value 1.0 }}a{{ if lt $value 2.0 }}b{{ end }}{{ end }}', 'control structures such as {{ if }} are not supported'],
    ['{{ $labels.pod | humanize }}', 'humanize takes exactly one argument, $value'],
    ['{{ printf "%5.1f" $value }}', 'printf verb at "%5.1f" (flags and widths are not supported)'],
    ['{{ printf "%.1f" }}', 'printf format "%.1f" needs more arguments'],
    ['{{ printf "%d" $value }}', 'printf %d of a number'],
    ['{{ $value', 'unclosed action at offset 0 in template "{{ $value"'],
  ])('rejects %s with a clear error', (template, why) => {
    expect(() => render(template, 1)).toThrow(AlertTemplateError);
    expect(() => render(template, 1)).toThrow(why);
  });

  it('names the action, the template and what is supported in its error', () => {
    expect(() => render('CPU {{ $value | toUpper }}', 1)).toThrow(
      'unsupported template action {{ $value | toUpper }} in "CPU {{ $value | toUpper }}": unknown function toUpper; supported: ' +
      '{{ $value }}, {{ $value | humanize }}, {{ $value | humanizePercentage }}, {{ $value | humanizeDuration }}, ' +
      '{{ printf "%.1f" $value }}, {{ $labels.<name> }} and {{ if ge $value 10.0 }}...{{ else }}...{{ end }}',
    );
  });

  it('reads a template once and expands it anew for every value and labels', () => {
    const template = 'p95 {{ $value | humanize }}s on {{ $labels.pod }}';
    expect(render(template, 1.5, { pod: 'a' })).toBe('p95 1.5s on a');
    expect(render(template, 2500, { pod: 'b' })).toBe('p95 2.5ks on b');
    expect(render(template, 1.5, {})).toBe('p95 1.5s on ');
  });

  it('reports the first error reading and evaluating the actions in turn would meet, every time', () => {
    // The first action fails on evaluation (a label is no number), before the second, which cannot be read.
    const evaluatedFirst = '{{ humanize $labels.pod }} then {{ range $x }}';
    const unreadableFirst = '{{ range $x }} then {{ humanize $labels.pod }}';
    for (let i = 0; i < 2; i++) {
      expect(() => render(evaluatedFirst, 1, { pod: 'a' })).toThrow('humanize takes exactly one argument, $value');
      expect(() => render(unreadableFirst, 1, { pod: 'a' })).toThrow('control structures such as {{ range }} are not supported');
      expect(() => render('ok {{ $value }} {{ unclosed', 1)).toThrow('unclosed action at offset 16 in template "ok {{ $value }} {{ unclosed"');
      expect(() => render('ok {{ $value }} {{ unclosed', 1)).toThrow(AlertTemplateError);
    }
  });

  it('expands every supported form exactly as Prometheus 2.42 does (checked with the real promtool)', async () => {
    const values = [
      0, 1, -1.5, 0.05, 0.051, 0.049, 5.049019607843134, 0.8160000000000006, 4.900000000016007, 1234567, 123456, 999999,
      1e21, 1e-5, 0.0001, 0.00012345, 12345.678, 0.25, 0.35, 2.5, 1.005, 59.999, 3599.9, 86461.5, -90, 0.0005, 1e-9,
      999.95, 1023.95, 99.995, 0.9995, NaN, Infinity,
    ];
    const annotations: Record<string, string> = {
      value: '{{ $value }}',
      humanize: '{{ $value | humanize }}',
      percentage: '{{ $value | humanizePercentage }}',
      duration: '{{ humanizeDuration $value }}',
      fixed: '{{ printf "%.1f" $value }}',
      formats: '{{ printf "%.3e|%g|%.2g|%f|%v" $value $value $value $value $value }}',
      labels: '{{- $labels.pod }}/{{ $labels.missing -}} !',
      condition: '{{ if ge $value 2.5 }}≥ {{ $value | humanizeDuration }}{{ else }}{{ $value }}{{ end }} {{ if ne $value 0.0 }}set{{ end }}',
    };
    const literal = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : String(v));
    const rules = {
      groups: [{
        name: 'formats',
        interval: '1m',
        rules: values.map((v, i) => ({
          alert: `Value${i}`,
          expr: `label_replace(vector(${literal(v)}), "pod", "api-0", "", "")`,
          annotations,
        })),
      }],
    };
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{
        name: 'every supported template form matches Prometheus',
        interval: '1m',
        input_series: [],
        alert_rule_test: values.map((v, i) => ({
          eval_time: '0s',
          alertname: `Value${i}`,
          exp_alerts: [{
            exp_labels: { pod: 'api-0' },
            exp_annotations: Object.fromEntries(Object.entries(annotations).map(([k, t]) => [k, render(t, v, { pod: 'api-0' })])),
          }],
        })),
      }],
    };
    const result = await runPromtoolTests({ 'rules.yaml': toYaml(rules), 'tests.yaml': toYaml(tests) }, 'tests.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});

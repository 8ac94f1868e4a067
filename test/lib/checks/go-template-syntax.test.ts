import { describe, expect, it } from 'vitest';
import { goTemplateProblem } from '../../../lib/checks/go-template-syntax.js';

describe('goTemplateProblem', () => {
  it.each([
    'plain text',
    '{{ $value }}',
    '{{ $value | humanizePercentage }} of requests failed',
    '{{ printf "%.2f" $value }} per hour, pod {{ $labels.pod }}',
    '{{- $labels.instance -}}',
    '{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}raised{{ else }}low{{ end }}',
    '{{ range $i, $v := query "up" }}{{ $i }}: {{ $v.Value }}{{ end }}',
    '{{ $x := 1 }}{{ $x }}',
    '{{ with $labels.pod }}{{ . }}{{ end }}',
    '{{/* a comment */}}text',
    '{{ "}}" }} is a string',
    '{{ humanize (index $labels "x") }}',
  ])('accepts %s', (text) => {
    expect(goTemplateProblem(text)).toBeUndefined();
  });

  it.each([
    ['Pod {{ $labels.pod } is busy', "unclosed action '{{ $labels.pod } is busy' at character 5"],
    ['{{ $value', "unclosed action '{{ $value' at character 1"],
    ['{{ $labels.pod {{ $value }}', "unclosed action '{{ $labels.pod' at character 1"],
    ['value }} left over', "'}}' without a matching '{{' at character 7"],
    ['{{ $value | humanise }}', "unknown function 'humanise' (did you mean 'humanize'?) in {{ $value | humanise }}"],
    ['{{ $valeu }}', 'undefined variable $valeu (did you mean $value?) in {{ $valeu }}'],
    ['{{ $lables.pod }}', 'undefined variable $lables (did you mean $labels?) in {{ $lables.pod }}'],
    ['{{ if $value }}x', "'{{ if }}' is never closed with '{{ end }}'"],
    ['x{{ end }}', '{{ end }} without an opening if, range, with, define or block'],
    ['{{ else }}', '{{ else }} outside an if, range or with'],
    ['{{ }}', 'empty action {{ }}'],
    ['{{ $value | }}', "missing command after '|' in {{ $value | }}"],
    ['{{ humanize ($value }}', "unbalanced '(' in {{ humanize ($value }}"],
    ['{{ $value # }}', "unexpected '#' in {{ $value # }}"],
  ])('refuses %s: %s', (text, problem) => {
    expect(goTemplateProblem(text)).toBe(problem);
  });
});

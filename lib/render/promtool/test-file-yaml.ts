import { Document, isMap, isPair, isScalar, isSeq, visit, type Node } from 'yaml';
import type { PromtoolAlertTest, PromtoolExpectedAlert, PromtoolTestFile, PromtoolTestGroup } from './test-file.js';

/**
 * The promtool test file as compact YAML that still reads line by line in a diff: one line per input
 * series, per expected sample, per silent assertion (`exp_alerts: []`, `exp_samples: []`) and per label
 * set (flow style), and each alert's annotations written out once per file and referred to by an alias
 * (`*a3`) where they repeat. promtool (go-yaml) reads flow style, anchors and aliases like any YAML.
 * Bytes are stable: anchors are numbered in the order they first appear.
 */
export function promtoolTestFileYaml(file: PromtoolTestFile): string {
  const doc = new Document(shareAnnotations(file), { aliasDuplicateObjects: true, anchorPrefix: 'a' });
  visit(doc, {
    Map(_, node, path) {
      const parent = path[path.length - 1];
      const key = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : undefined;
      if (key === 'exp_labels' || key === 'exp_annotations') node.flow = key === 'exp_labels';
      else if (isSeriesEntry(node) || isSilentAssertion(node) || isSample(node)) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
}

/** Equal annotation blocks become one object, so the document writes it once with an anchor. */
function shareAnnotations(file: PromtoolTestFile): PromtoolTestFile {
  const seen = new Map<string, PromtoolExpectedAlert['exp_annotations']>();
  const share = (a: PromtoolExpectedAlert['exp_annotations']): PromtoolExpectedAlert['exp_annotations'] => {
    const key = JSON.stringify(a);
    if (!seen.has(key)) seen.set(key, a);
    return seen.get(key)!;
  };
  const alertTest = (t: PromtoolAlertTest): PromtoolAlertTest => ({
    ...t, exp_alerts: t.exp_alerts.map((e) => ({ exp_labels: { ...e.exp_labels }, exp_annotations: share(e.exp_annotations) })),
  });
  // Fresh objects everywhere else, so only the annotation blocks are aliased.
  const group = (g: PromtoolTestGroup): PromtoolTestGroup => ({
    ...g,
    input_series: g.input_series.map((s) => ({ ...s })),
    alert_rule_test: g.alert_rule_test.map(alertTest),
    promql_expr_test: g.promql_expr_test.map((t) => ({ ...t, exp_samples: t.exp_samples.map((s) => ({ ...s })) })),
  });
  return {
    ...file,
    rule_files: [...file.rule_files],
    ...(file.group_eval_order && { group_eval_order: [...file.group_eval_order] }),
    tests: file.tests.map(group),
  };
}

function keys(node: Node): string[] {
  return isMap(node) ? node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')) : [];
}

function isSeriesEntry(node: Node): boolean {
  return keys(node).join() === 'series,values';
}

function isSample(node: Node): boolean {
  return keys(node).join() === 'labels,value';
}

/** `{ eval_time, alertname, exp_alerts: [] }` or `{ expr, eval_time, exp_samples: [] }`. */
function isSilentAssertion(node: Node): boolean {
  if (!isMap(node)) return false;
  const last = node.items[node.items.length - 1];
  const k = keys(node).join();
  return (k === 'eval_time,alertname,exp_alerts' || k === 'expr,eval_time,exp_samples') && isSeq(last?.value) && last.value.items.length === 0;
}

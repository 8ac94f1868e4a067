import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { RuleGroup } from '../render/prometheus/rule-types.js';
import { toYaml } from '../render/yaml.js';
import { requireDnsLabel, requireDnsSubdomain } from './labels.js';

/**
 * Largest rule file one PrometheusRule may hold. The operator writes each PrometheusRule as one file into
 * the ConfigMaps it mounts into Prometheus and shards those ConfigMaps at 512 KiB (half the 1 MiB object
 * limit); it can move whole files between shards but never split one, so a larger object is not loaded.
 */
export const MAX_PROMETHEUS_RULE_BYTES = 512 * 1024;

/** Size of the rule file the operator would write for these groups (YAML, as in the object's spec). */
export function ruleFileBytes(groups: readonly RuleGroup[]): number {
  return Buffer.byteLength(ruleFileYaml(groups), 'utf8');
}

/** The last few rule files by the JSON of their groups (only strings, so equal JSON means equal YAML). */
const ruleFiles = new Map<string, string>();

/**
 * `toYaml({ groups })`, remembered: synth writes a service's rule file, then sizes the same groups to
 * split them over PrometheusRules and again (copied out of the object) to check each object's size.
 * Stringifying the groups as JSON to recognise them costs a fraction of writing them as YAML.
 */
export function ruleFileYaml(groups: readonly RuleGroup[]): string {
  const key = JSON.stringify(groups);
  let yaml = ruleFiles.get(key);
  if (yaml === undefined) {
    yaml = toYaml({ groups });
    if (ruleFiles.size >= 4) ruleFiles.clear();
    ruleFiles.set(key, yaml);
  }
  return yaml;
}

/** Properties of a {@link ServicePrometheusRule}. */
export interface ServicePrometheusRuleProps {
  /** Object name, normally the service name. */
  readonly name: string;
  /** Namespace of the service. */
  readonly namespace: string;
  /**
   * Labels the Prometheus operator's `ruleSelector` expects (e.g. kube-prometheus-stack's
   * `release: <helm release>`); without them the rules are silently never loaded.
   */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The rule groups, exactly as in the plain rule file (which is what promtool tests), so the
   * cluster evaluates the rules that were tested.
   */
  readonly groups: readonly RuleGroup[];
  /**
   * Largest rule file per object; above it the groups are split over several objects.
   * @default MAX_PROMETHEUS_RULE_BYTES (512 KiB)
   */
  readonly maxBytes?: number;
}

/**
 * A `monitoring.coreos.com/v1` PrometheusRule carrying a service's rule groups unchanged. When the
 * groups are larger than `maxBytes`, whole groups (in order) go into `<name>`, `<name>-2`, `<name>-3`, ...
 * each at most `maxBytes`; a single group larger than that still gets an object of its own (synth's
 * size check reports it, since no split can fix it).
 */
export class ServicePrometheusRule extends Construct {
  /** The first (normally the only) object. */
  readonly apiObject: ApiObject;
  /** Every object, in order. */
  readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: ServicePrometheusRuleProps) {
    super(scope, id);
    requireDnsSubdomain('name', props.name);
    requireDnsLabel('namespace', props.namespace);
    const seen = new Set<string>();
    for (const group of props.groups) {
      if (seen.has(group.name)) throw new Error(`'groups' of PrometheusRule '${props.name}': group name '${group.name}' appears twice (Prometheus rejects the file)`);
      seen.add(group.name);
    }
    const chunks = splitGroups(props.groups, props.maxBytes ?? MAX_PROMETHEUS_RULE_BYTES);
    this.apiObjects = chunks.map((groups, index) => {
      const name = index === 0 ? props.name : `${props.name}-${index + 1}`;
      const spec: IPrometheusRule['spec'] = { groups: groups as NonNullable<IPrometheusRule['spec']['groups']> };
      return new ApiObject(this, index === 0 ? 'Resource' : `Resource${index + 1}`, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name, namespace: props.namespace, labels: { ...props.labels } },
        spec,
      });
    });
    this.apiObject = this.apiObjects[0]!;
  }
}

/** Consecutive groups packed greedily into chunks of at most `maxBytes` (never fewer than one chunk). */
function splitGroups(groups: readonly RuleGroup[], maxBytes: number): RuleGroup[][] {
  if (ruleFileBytes(groups) <= maxBytes) return [[...groups]];
  const chunks: RuleGroup[][] = [];
  let current: RuleGroup[] = [];
  for (const group of groups) {
    if (current.length > 0 && ruleFileBytes([...current, group]) > maxBytes) {
      chunks.push(current);
      current = [];
    }
    current.push(group);
  }
  chunks.push(current);
  return chunks;
}

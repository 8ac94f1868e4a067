import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { RuleGroup } from '../render/prometheus/rule-types.js';
import { requireDnsLabel, requireDnsSubdomain } from './labels.js';

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
}

/** A `monitoring.coreos.com/v1` PrometheusRule carrying a service's rule groups unchanged. */
export class ServicePrometheusRule extends Construct {
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ServicePrometheusRuleProps) {
    super(scope, id);
    requireDnsSubdomain('name', props.name);
    requireDnsLabel('namespace', props.namespace);
    const seen = new Set<string>();
    for (const group of props.groups) {
      if (seen.has(group.name)) throw new Error(`'groups' of PrometheusRule '${props.name}': group name '${group.name}' appears twice (Prometheus rejects the file)`);
      seen.add(group.name);
    }
    const spec: IPrometheusRule['spec'] = { groups: props.groups as NonNullable<IPrometheusRule['spec']['groups']> };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
      spec,
    });
  }
}

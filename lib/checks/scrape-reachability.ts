import type { ValidationIssue } from '../core/issues.js';
import { WORKLOAD_NAME_LABEL } from '../k8s/labels.js';
import { HTTP_PORT_NAME } from '../render/helm/values.js';
import { allows, describePeer, policiesRestricting } from './network-policy-rules.js';
import { issueFactory, manifestsOfKind, type RenderedService } from './rendered-service.js';

interface Endpoint {
  readonly port?: string;
  readonly targetPort?: number | string;
  readonly path?: string;
}

/**
 * Prometheus can really scrape what each ServiceMonitor points at: the workload exists, the endpoint
 * port is one the workload's Service exposes (the chart's `http` port, per the Helm values), the path is
 * where the workload serves metrics, and, when NetworkPolicies restrict ingress to the pods, one of them
 * admits the Prometheus pods on that container port. Otherwise every scrape fails and `<Prefix>Down` fires.
 *
 *   k8s/servicemonitor-api.yaml: 'metrics' is invalid; allowed: a port the Service of api exposes: 'http' (8000)
 *   networkpolicies.api.ingress: 'TCP 8000 from Prometheus' is invalid; allowed: a NetworkPolicy rule admitting ...
 */
export function scrapeReachabilityIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const { prometheus } = rendered.platform;
  const issues: ValidationIssue[] = [];
  for (const monitor of manifestsOfKind(rendered, 'ServiceMonitor')) {
    const field = `k8s/${monitor.file}`;
    const spec = (monitor.object.spec ?? {}) as { selector?: { matchLabels?: Record<string, string> }; endpoints?: Endpoint[] };
    const workload = spec.selector?.matchLabels?.[WORKLOAD_NAME_LABEL] ?? '';
    const values = rendered.helmValues.get(workload);
    if (!values) {
      issues.push(issue(field, workload, `a selector naming one of the service's workloads (${[...rendered.helmValues.keys()].join(', ')})`));
      continue;
    }
    const containerPort = values.service.port;
    let reachablePort = false;
    for (const endpoint of spec.endpoints ?? []) {
      if (endpoint.port !== undefined && endpoint.port !== HTTP_PORT_NAME) {
        issues.push(issue(field, endpoint.port, `a port the Service of ${workload} exposes: '${HTTP_PORT_NAME}' (${containerPort})`));
      } else if (endpoint.targetPort !== undefined && endpoint.targetPort !== containerPort && endpoint.targetPort !== HTTP_PORT_NAME) {
        issues.push(issue(field, endpoint.targetPort, `the container port of ${workload}: ${containerPort} or '${HTTP_PORT_NAME}'`));
      } else {
        reachablePort = true;
      }
      if (endpoint.path !== undefined && endpoint.path !== values.metrics.path) {
        issues.push(issue(field, endpoint.path, `the path ${workload} serves metrics on: '${values.metrics.path}'`));
      }
    }
    if (!reachablePort) continue;
    const policies = policiesRestricting(rendered, workload, 'Ingress');
    const connection = { direction: 'Ingress', peer: prometheus, port: containerPort, protocol: 'TCP', portName: HTTP_PORT_NAME, namespace: rendered.stack.service.namespace } as const;
    if (policies.length > 0 && !allows(policies, connection)) {
      issues.push(issue(`networkpolicies.${workload}.ingress`, `TCP ${containerPort} from Prometheus`,
        `a NetworkPolicy rule admitting Prometheus (${describePeer(prometheus)}) on TCP ${containerPort}: ` +
        `${policies.map((p) => p.name).join(', ')} restrict ingress to the ${workload} pods and none admits it, so every scrape would time out`));
    }
  }
  return issues;
}

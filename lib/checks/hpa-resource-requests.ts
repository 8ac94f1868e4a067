import type { ValidationIssue } from '../core/issues.js';
import { issueFactory, manifestsOfKind, type RenderedService } from './rendered-service.js';

interface HpaSpec {
  readonly scaleTargetRef?: { readonly name?: string };
  readonly metrics?: readonly { readonly type?: string; readonly resource?: { readonly name?: string; readonly target?: { readonly type?: string } } }[];
}

/**
 * An HPA scaling on CPU or memory *utilisation* needs a request for that resource on the workload it
 * scales: utilisation is usage divided by the request, and without one the HPA reports
 * FailedGetResourceMetric and never scales. Checked between the rendered HPA and the Helm values.
 *
 *   k8s/horizontalpodautoscaler-api.yaml: 'cpu' is invalid; allowed: a resource with a request in helm/api.values.yaml ...
 */
export function hpaResourceRequestIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const hpa of manifestsOfKind(rendered, 'HorizontalPodAutoscaler')) {
    const spec = (hpa.object.spec ?? {}) as HpaSpec;
    const workload = spec.scaleTargetRef?.name ?? '';
    const requests = rendered.helmValues.get(workload)?.resources.requests as Readonly<Record<string, string>> | undefined;
    for (const metric of spec.metrics ?? []) {
      if (metric.type !== 'Resource' || metric.resource?.target?.type !== 'Utilization') continue;
      const resource = metric.resource.name ?? '';
      if (requests?.[resource]) continue;
      issues.push(issue(`k8s/${hpa.file}`, resource,
        `a resource with a request in helm/${workload}.values.yaml (resources.requests.${resource}): HPA utilisation is usage divided ` +
        'by the request, so without one the HPA cannot compute it and never scales'));
    }
  }
  return issues;
}

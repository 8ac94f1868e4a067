import type { ValidationIssue } from '../core/issues.js';
import type { PlatformCheck } from './rendered-service.js';

/**
 * No two manifests of any services share (API group, kind, namespace, name): applying both would make
 * the second silently replace the first (two services with a workload `api` in one namespace, or two
 * dashboards with one uid). Each copy is reported under its own service.
 *
 *   k8s/horizontalpodautoscaler-api.yaml: 'autoscaling/HorizontalPodAutoscaler production/api' is invalid;
 *     allowed: a (group, kind, namespace, name) no other manifest has (also written by shop-admin: k8s/horizontalpodautoscaler-api.yaml) ...
 */
export const manifestIdentityIssues: PlatformCheck = (services) => {
  const owners = new Map<string, { service: string; file: string }[]>();
  for (const summary of services) {
    for (const manifest of summary.manifests) {
      const { apiVersion, kind, metadata } = manifest.object as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
      const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : 'core';
      const key = `${group}/${kind} ${metadata?.namespace ?? 'default'}/${metadata?.name}`;
      owners.set(key, [...(owners.get(key) ?? []), { service: summary.service, file: `k8s/${manifest.file}` }]);
    }
  }
  const issues: ValidationIssue[] = [];
  for (const [key, list] of owners) {
    if (list.length < 2) continue;
    list.forEach((owner, i) => {
      const others = list.filter((_, j) => j !== i).map((o) => `${o.service}: ${o.file}`).join(', ');
      issues.push({ service: owner.service, field: owner.file, value: key,
        allowed: `a (group, kind, namespace, name) no other manifest has (also written by ${others}): applying both, one would replace the other` });
    });
  }
  return issues;
};

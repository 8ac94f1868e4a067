import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue, LABEL_KEY_ALLOWED, LABEL_VALUE_ALLOWED } from '../core/kubernetes-syntax.js';

/**
 * The label every workload's pods and Services carry (Helm's conventional chart sets it from the chart
 * name), so NetworkPolicies and ServiceMonitors can select them without knowing the release name.
 */
export const WORKLOAD_NAME_LABEL = 'app.kubernetes.io/name';

/** Namespaces are matched by the label Kubernetes (>= 1.21) sets on every namespace automatically. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Labels that identify what a generated object belongs to, for `kubectl get -l` and clean-up. */
export function ownershipLabels(serviceName: string, workloadName?: string): Record<string, string> {
  return {
    ...(workloadName !== undefined && { [WORKLOAD_NAME_LABEL]: workloadName }),
    'app.kubernetes.io/part-of': serviceName,
    'app.kubernetes.io/managed-by': 'observability-as-code',
  };
}

/** Throws naming the field unless `value` is a DNS label (the shape of names and namespaces). */
export function requireDnsLabel(field: string, value: string): void {
  if (!isDnsLabel(value)) {
    throw new Error(`'${field}' (${JSON.stringify(value)}) must be a lower-case DNS label: a-z, 0-9 and "-", at most 63 characters`);
  }
}

/** Throws naming the field unless `value` is a DNS subdomain (the shape most object names need). */
export function requireDnsSubdomain(field: string, value: string): void {
  if (!isDnsSubdomain(value)) {
    throw new Error(`'${field}' (${JSON.stringify(value)}) must be a lower-case DNS subdomain: a-z, 0-9, "-" and ".", at most 253 characters`);
  }
}

/**
 * Throws naming the field unless `labels` is a non-empty set of valid Kubernetes label keys and values.
 * The model reports these as field issues first (lib/core/fields.ts); this guards direct use of the constructs.
 */
export function requireLabels(field: string, labels: Readonly<Record<string, string>>): void {
  const entries = Object.entries(labels);
  if (entries.length === 0) throw new Error(`'${field}' is empty: an empty selector selects every pod; say so explicitly ('all-pods')`);
  for (const [key, value] of entries) {
    if (!isLabelKey(key)) throw new Error(`'${field}' key ${JSON.stringify(key)} must be ${LABEL_KEY_ALLOWED}`);
    if (!isLabelValue(value)) throw new Error(`'${field}.${key}' (${JSON.stringify(value)}) must be ${LABEL_VALUE_ALLOWED}`);
  }
}

/** Throws naming the field unless `value` is an integer in [min, max]. */
export function requireInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`'${field}' (${JSON.stringify(value)}) must be an integer from ${min} to ${max}`);
  }
}

import type { ErrorObject } from 'ajv';
// One module per kind, not the API-group barrels: `kubernetes-models/v1` alone loads every core model and
// its validator (~0.5 s per thread, and every synth thread loads this file).
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/**
 * `apiVersion/kind` -> the model class generated from the official Kubernetes OpenAPI document or the
 * prometheus-operator CRD schema. A kind missing here is reported, never passed unchecked.
 */
const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ['v1/ConfigMap', ConfigMap],
  ['v1/Service', Service],
  ['apps/v1/Deployment', Deployment],
  ['apps/v1/StatefulSet', StatefulSet],
  ['autoscaling/v2/HorizontalPodAutoscaler', HorizontalPodAutoscaler],
  ['networking.k8s.io/v1/NetworkPolicy', NetworkPolicy],
  ['policy/v1/PodDisruptionBudget', PodDisruptionBudget],
  ['monitoring.coreos.com/v1/ServiceMonitor', ServiceMonitor],
  ['monitoring.coreos.com/v1/PodMonitor', PodMonitor],
  ['monitoring.coreos.com/v1/PrometheusRule', PrometheusRule],
]);

/** The `apiVersion/kind` pairs {@link manifestProblems} can check. */
export const VALIDATED_KINDS: readonly string[] = [...MODELS.keys()];

/**
 * Checks one Kubernetes object against the schema of its apiVersion and kind. Returns readable problems
 * (`spec/maxReplicas must be integer (got "10")`); empty means valid. Note that the upstream schemas do not
 * forbid unknown fields, so a misspelled optional field is not caught here.
 */
export function manifestProblems(object: unknown): string[] {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    return [`a manifest must be an object, got ${describe(object)}`];
  }
  const { apiVersion, kind, metadata } = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [`a manifest needs string apiVersion and kind, got apiVersion ${describe(apiVersion)} and kind ${describe(kind)}`];
  }
  const Model = MODELS.get(`${apiVersion}/${kind}`);
  if (!Model) {
    return [`unknown apiVersion/kind '${apiVersion}/${kind}': no schema to validate it against (known: ${VALIDATED_KINDS.join(', ')})`];
  }
  const problems: string[] = [];
  if (typeof metadata?.name !== 'string' || metadata.name === '') problems.push('metadata/name must be a non-empty string');

  const { apiVersion: _a, kind: _k, ...data } = object as Record<string, unknown>;
  try {
    new Model(data as never).validate();
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) throw error;
    for (const e of errors) problems.push(formatError(e, object));
  }
  return problems;
}

function formatError(error: ErrorObject, root: unknown): string {
  const path = error.instancePath.replace(/^\//, '') || '(root)';
  const extra =
    error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
  const actual = error.keyword === 'required' ? '' : ` (got ${describe(valueAt(root, error.instancePath))})`;
  return `${path} ${error.message ?? 'is invalid'}${extra}${actual}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

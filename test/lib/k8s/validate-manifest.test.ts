import { describe, expect, it } from 'vitest';
import { manifestProblems } from '../../../lib/k8s/validate-manifest.js';

const hpa = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'harvey-backend', namespace: 'production' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'harvey-backend' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
};

describe('manifestProblems', () => {
  it('passes a valid HPA', () => {
    expect(manifestProblems(hpa)).toEqual([]);
  });

  it('catches an HPA whose maxReplicas is a string', () => {
    expect(manifestProblems({ ...hpa, spec: { ...hpa.spec, maxReplicas: '10' } })).toEqual(['spec/maxReplicas must be integer (got "10")']);
  });

  it('catches an HPA without its required scale target', () => {
    const { scaleTargetRef: _, ...spec } = hpa.spec;
    expect(manifestProblems({ ...hpa, spec })).toEqual(['spec must have required property scaleTargetRef']);
  });

  it('reports an unknown kind instead of passing it unchecked', () => {
    expect(manifestProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      "unknown apiVersion/kind 'example.com/v1/Widget': no schema to validate it against (known: v1/ConfigMap, v1/Service, apps/v1/Deployment, apps/v1/StatefulSet, autoscaling/v2/HorizontalPodAutoscaler, networking.k8s.io/v1/NetworkPolicy, policy/v1/PodDisruptionBudget, monitoring.coreos.com/v1/ServiceMonitor, monitoring.coreos.com/v1/PodMonitor, monitoring.coreos.com/v1/PrometheusRule)",
    ]);
  });

  it('reports a known kind under an apiVersion we do not model (autoscaling/v1)', () => {
    expect(manifestProblems({ ...hpa, apiVersion: 'autoscaling/v1' })[0]).toMatch(/^unknown apiVersion\/kind 'autoscaling\/v1\/HorizontalPodAutoscaler'/);
  });

  it('reports a manifest without a name', () => {
    expect(manifestProblems({ ...hpa, metadata: { namespace: 'production' } })).toEqual(['metadata/name must be a non-empty string']);
  });

  it('reports something that is not a manifest at all', () => {
    expect(manifestProblems(['x'])).toEqual(['a manifest must be an object, got ["x"]']);
    expect(manifestProblems({ kind: 'ConfigMap' })).toEqual(['a manifest needs string apiVersion and kind, got apiVersion nothing and kind "ConfigMap"']);
  });

  it('checks CRDs against the prometheus-operator schema: a rule with a malformed for duration', () => {
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'harvey-backend' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'HarveyBackendDown', expr: 'up == 0', for: 'one minute' }] }] },
    };
    expect(manifestProblems(rule)).toEqual([
      'spec/groups/0/rules/0/for must match pattern "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$" (got "one minute")',
    ]);
  });

  it('checks enums with their allowed values: a NetworkPolicy with an unknown policy type', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'x' },
      spec: { podSelector: {}, policyTypes: ['Inbound'] },
    };
    expect(manifestProblems(policy)).toEqual([
      'spec/policyTypes/0 must be equal to one of the allowed values ("Egress", "Ingress") (got "Inbound")',
    ]);
  });
});

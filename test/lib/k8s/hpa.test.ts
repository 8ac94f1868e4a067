import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Percent } from '../../../lib/core/index.js';
import { WorkloadAutoscaler, type WorkloadAutoscalerProps } from '../../../lib/k8s/hpa.js';
import { manifestProblems } from '../../../lib/k8s/validate-manifest.js';

function percent(text: string): Percent {
  const parsed = Percent.parse(text);
  if (!parsed.ok) throw new Error(`bad percent ${text}`);
  return parsed.value;
}

const good: WorkloadAutoscalerProps = {
  workloadName: 'api',
  namespace: 'production',
  minReplicas: 2,
  maxReplicas: 10,
  cpuUtilization: percent('70%'),
};

function render(props: WorkloadAutoscalerProps): Record<string, any> {
  const chart = new Chart(new App(), 'test');
  new WorkloadAutoscaler(chart, 'hpa', props);
  const [object] = chart.toJson() as Record<string, any>[];
  return object!;
}

describe('WorkloadAutoscaler', () => {
  it('targets a Deployment by default and renders a schema-valid HPA', () => {
    const hpa = render(good);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(manifestProblems(hpa)).toEqual([]);
  });

  it('scales up at once and down only after 5 minutes of lower recommendations, by at most half the pods a minute', () => {
    const hpa = render(good);
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] });
    expect(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(manifestProblems(hpa)).toEqual([]);
  });

  it('targets a StatefulSet as apps/v1 StatefulSet', () => {
    expect(render({ ...good, workloadKind: 'StatefulSet' }).spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'api' });
  });

  it('refuses minReplicas above maxReplicas, naming both fields', () => {
    expect(() => render({ ...good, minReplicas: 12 })).toThrowError("'minReplicas' (12) must be <= 'maxReplicas' (10)");
  });

  it('refuses a replica bound that is not a positive integer', () => {
    expect(() => render({ ...good, minReplicas: 0 })).toThrowError("'minReplicas' (0) must be an integer from 1 to 1000");
  });

  it('refuses an autoscaler with no metric to scale on', () => {
    expect(() => render({ workloadName: 'api', namespace: 'production', minReplicas: 1, maxReplicas: 3 })).toThrowError(
      "'cpuUtilization' and 'memoryUtilization' of HPA 'api' are both unset: at least one metric must drive scaling",
    );
  });

  it('refuses a fractional utilisation target, which the API stores as an integer', () => {
    expect(() => render({ ...good, cpuUtilization: percent('70.5%') })).toThrowError(
      "'cpuUtilization' (70.5%) must be a whole percentage: HPA averageUtilization is an integer",
    );
  });
});

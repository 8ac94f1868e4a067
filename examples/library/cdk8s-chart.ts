// A cdk8s user adds a service's observability objects to a Chart of their own, next to their own objects.
import { App, Chart, ApiObject } from 'cdk8s';
import { ServiceObservability } from 'observability-as-code/k8s';
import { checkout, platform } from './service.js';

const app = new App({ outdir: 'cdk8s.out' });
const chart = new Chart(app, 'checkout');
new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'checkout-config', namespace: 'production' }, data: { LOG_LEVEL: 'info' } });
new ServiceObservability(chart, 'observability', { stack: checkout, platform });

// cdk8s writes cdk8s.out/checkout.k8s.yaml: the ConfigMap, then the HPA, NetworkPolicies, ServiceMonitor and PrometheusRule.
app.synth();
for (const object of chart.toJson() as { kind: string; metadata: { name: string } }[]) console.log(`${object.kind}/${object.metadata.name}`);

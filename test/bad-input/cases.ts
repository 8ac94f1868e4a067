import { expect } from 'vitest';
import { DEFAULT_PLATFORM, type AlertSpec, type PlatformConfig, type ServiceStack } from '../../lib/core/index.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { catalogStack, shopSpec, shopStack, shopWorkload } from './fixture.js';

export interface BadInputCase {
  /** The sentence the test is named after. */
  readonly name: string;
  readonly stacks: () => ServiceStack[];
  /** @default DEFAULT_PLATFORM */
  readonly platform?: () => PlatformConfig;
  /** The exact report lines after `synth failed; <dir>/ left unchanged.` */
  readonly expected: readonly string[] | (() => readonly string[]);
}

/** 1-based lines of a rendered file (rendered even when synth refuses to write) that contain `needle`. */
function linesOf(stacks: ServiceStack[], path: string, needle: string): number[] {
  const content = synthesize(stacks, DEFAULT_PLATFORM).files.get(path) ?? '';
  return content.split('\n').flatMap((text, i) => (text.includes(needle) ? [i + 1] : []));
}

const BEARER = {
  orders: {
    runbook: {
      meaning: 'No orders.', why: 'Broken.', act: ['Fail over.'],
      diagnose: ['curl -H "Authorization: Bearer 3f9c2a7b1e8d4c6a9b0e5f2d7c1a8b3e" https://shop.example.com/admin'],
    },
  },
};
const AWS_KEY = {
  alerts: (alerts: AlertSpec[]) => alerts.map((a) => (a.name === 'ShopDown' ? { ...a, description: 'Check bucket with key AKIAIOSFODNN7EXAMPLE.' } : a)),
};

const one = (breakage: Parameters<typeof shopStack>[0]) => () => [shopStack(breakage)];
const withSummary = (alert: string, summary: string) => (alerts: AlertSpec[]) =>
  alerts.map((a) => (a.name === alert ? { ...a, summary } : a));
const resources = (requests: Record<string, string>, limits: Record<string, string> = {}) => ({
  resources: { requests: { ...shopWorkload.resources.requests, ...requests }, limits: { ...shopWorkload.resources.limits, ...limits } },
});

export const CASES: readonly BadInputCase[] = [
  // Units
  {
    name: 'a CPU request written as memory is refused',
    stacks: one({ workload: resources({ cpu: '512Mi' }) }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.resources.requests.cpu: '512Mi' is invalid; allowed: a Kubernetes CPU quantity such as '250m' or '2' (cores), greater than zero",
    ],
  },
  {
    name: 'a memory limit written in decimal gigabytes is refused',
    stacks: one({ workload: resources({}, { memory: '1GB' }) }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.resources.limits.memory: '1GB' is invalid; allowed: a Kubernetes memory quantity with a binary suffix such as '512Mi' or '4Gi', greater than zero",
    ],
  },
  {
    name: "an alert 'for' written in minutes as 'min' is refused",
    stacks: one({ errors: { for: '5min' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighErrorRate.for: '5min' is invalid; allowed: a positive Prometheus duration such as 30s, 5m, 1h or 1h30m (units ms, s, m, h, d, w, y)",
    ],
  },
  {
    name: 'an error-rate threshold without a percent sign is refused',
    stacks: one({ errors: { above: '0.05' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighErrorRate.above: '0.05' is invalid; allowed: a ratio between 0 and 1, written as a percentage such as '5%'",
    ],
  },
  {
    name: "a latency threshold written as '1sec' is refused",
    stacks: one({ latency: { above: '1sec' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighLatency.above: '1sec' is invalid; allowed: a positive latency such as '500ms', '2.5s' or '5s' (a decimal number with unit ms, s, m or h)",
    ],
  },
  // Impossible numbers
  {
    name: 'an error-rate threshold above 100% is refused',
    stacks: one({ errors: { above: '500%' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighErrorRate.above: '500%' is invalid; allowed: a ratio between 0 and 1, written as a percentage such as '5%'",
    ],
  },
  {
    name: 'a negative error-rate threshold is refused',
    stacks: one({ errors: { above: '-5%' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighErrorRate.above: '-5%' is invalid; allowed: a ratio between 0 and 1, written as a percentage such as '5%'",
    ],
  },
  {
    name: 'a zero latency threshold is refused',
    stacks: one({ latency: { above: '0s' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighLatency.above: '0s' is invalid; allowed: a positive latency such as '500ms', '2.5s' or '5s' (a decimal number with unit ms, s, m or h)",
    ],
  },
  {
    name: 'a latency quantile of 1.5 is refused',
    stacks: one({ latency: { quantile: 1.5 } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - alerts.ShopHighLatency.quantile: 1.5 is invalid; allowed: a number strictly between 0 and 1, such as 0.95',
    ],
  },
  {
    name: 'a negative minimum throughput is refused',
    stacks: one({ orders: { minPerHour: -1 } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - alerts.ShopLowOrders.minPerHour: -1 is invalid; allowed: a finite number greater than 0',
    ],
  },
  {
    name: 'port 0 is refused',
    stacks: one({ workload: { port: 0 } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - workloads.api.port: 0 is invalid; allowed: an integer from 1 to 65535',
    ],
  },
  {
    name: 'zero replicas are refused',
    stacks: one({ workload: { replicas: 0 } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - workloads.api.replicas: 0 is invalid; allowed: an integer from 1 to 1000',
    ],
  },
  {
    name: 'a CPU request above the CPU limit is refused',
    stacks: one({ workload: resources({ cpu: '2' }) }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.resources.requests.cpu: '2' is invalid; allowed: at most the CPU limit (1000m)",
    ],
  },
  {
    name: 'running as root (uid 0) is refused',
    stacks: one({ workload: { runAs: { user: 0 } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - workloads.api.runAs.user: 0 is invalid; allowed: a non-root uid: an integer greater than 0',
    ],
  },
  // Autoscaling
  {
    name: 'an HPA minimum above its maximum is refused',
    stacks: one({ workload: { autoscaling: { minReplicas: 6, maxReplicas: 4, cpuUtilization: '70%' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.autoscaling.minReplicas: 6 is invalid; allowed: at most 'maxReplicas' (4)",
    ],
  },
  {
    name: 'an HPA without any utilisation target is refused',
    stacks: one({ workload: { autoscaling: { minReplicas: 2, maxReplicas: 4 } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - workloads.api.autoscaling: {"minReplicas":2,"maxReplicas":4} is invalid; allowed: at least one of cpuUtilization or memoryUtilization',
    ],
  },
  {
    name: 'a workload without a CPU request is refused',
    stacks: one({ workload: { resources: { requests: { memory: '256Mi' }, limits: shopWorkload.resources.limits } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.resources.requests.cpu: (missing) is invalid; allowed: a Kubernetes CPU quantity such as '250m' or '2' (cores), greater than zero",
    ],
  },
  {
    name: 'an HPA CPU target that only scales after the CPU alert fires is refused, compared in cores',
    stacks: one({ workload: { ...resources({ cpu: '1' }), autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '90%' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.autoscaling.cpuUtilization: '90%' is invalid; allowed: a target below what alert ShopHighCPU fires at, compared per pod: the HPA aims for 90% of the 1000m CPU request = 900m, the alert fires at 80% of the 1000m CPU limit = 800m (HPA utilisation is relative to the request, the alert to the limit), so pods would alert before the HPA adds replicas; use a target under 80% or raise the alert threshold",
    ],
  },
  {
    name: 'a fractional HPA utilisation target, which the HPA API cannot hold, is refused at the input field',
    stacks: one({ workload: { autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: '70.5%' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.autoscaling.cpuUtilization: '70.5%' is invalid; allowed: a whole percentage such as '70%': the HPA's averageUtilization is an integer",
    ],
  },
  // Histograms, metrics and PromQL
  {
    name: 'a latency threshold between two bucket bounds is refused',
    stacks: one({ latency: { above: '3s' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighLatency.above: '3s' is invalid; allowed: a bucket bound of http_request_duration_seconds: 0.005s, 0.01s, 0.025s, 0.05s, 0.075s, 0.1s, 0.25s, 0.5s, 0.75s, 1s, 2.5s, 5s, 7.5s, 10s",
    ],
  },
  {
    name: 'a latency threshold on the largest bucket bound, which histogram_quantile never exceeds, is refused',
    stacks: one({ latency: { above: '10s' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighLatency.above: '10s' is invalid; allowed: a bucket bound below the largest one (10s) of http_request_duration_seconds: histogram_quantile never returns more than the largest finite bound, so the alert could never fire",
    ],
  },
  {
    name: 'latency buckets out of order are refused',
    stacks: one({ service: { latencyBuckets: [0.1, 0.5, 0.25, 1, 2.5] } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - latencyBuckets: [0.1,0.5,0.25,1,2.5] is invalid; allowed: a non-empty list of positive, strictly ascending bucket bounds (without +Inf)',
    ],
  },
  {
    name: 'a metric name Prometheus would read as a subtraction is refused',
    stacks: one({ service: { metrics: [...shopSpec.metrics!, { name: 'cart-size', type: 'gauge', help: 'Items per cart.', labels: ['job'], source: 'application' }] } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - metrics.cart-size.name: 'cart-size' is invalid; allowed: a Prometheus metric name: letters, digits and _, not starting with a digit (colons are for recording rules)",
    ],
  },
  {
    name: 'an alert on a counter missing from the metric catalog is refused',
    stacks: one({ orders: { metric: 'orders_placed_total' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopLowOrders.metric: 'orders_placed_total' is invalid; allowed: a counter in the service's metric catalog",
    ],
  },
  {
    name: 'a typo in a histogram bucket name in a dashboard query is refused with the closest known name',
    stacks: one({ panels: [{ title: 'Checkout latency', description: 'p95.', unit: 's', expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duraton_seconds_bucket{job="api"}[5m])))' }] }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      `    - dashboards.shop-api-performance.panels["Checkout latency"].expr: 'http_request_duraton_seconds_bucket' is invalid; allowed: a metric in the service's metric catalog (did you mean 'http_request_duration_seconds_bucket'?)`,
    ],
  },
  {
    name: 'a label the metric does not have is refused with the closest label',
    stacks: one({ panels: [{ title: 'Failed orders', description: '5xx.', unit: 'reqps', expr: 'sum(rate(http_requests_total{job="api",stauts=~"5.."}[5m]))' }] }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      `    - dashboards.shop-api-performance.panels["Failed orders"].expr: 'stauts' is invalid; allowed: a label of http_requests_total: job, handler, method, status, instance (did you mean 'status'?)`,
    ],
  },
  {
    name: 'a PromQL syntax error in a dashboard query is refused with its position',
    stacks: one({ panels: [{ title: 'Orders', description: 'Orders.', unit: 'none', expr: 'sum(rate(orders_created_total{job="api"}[1h])' }] }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      `    - dashboards.shop-api-performance.panels["Orders"].expr: 'sum(rate(orders_created_total{job="api"}[1h])' is invalid; allowed: valid PromQL (syntax error at character 46: unexpected end of expression)`,
    ],
  },
  {
    name: 'a rate window shorter than four scrape intervals is refused',
    stacks: one({ errors: { window: '1m' } }),
    expected: [
      '4 validation errors:',
      '  shop-api:',
      `    - rules.ShopHighErrorRate.expr: 'rate(http_requests_total{job="api",status=~"5.."}[1m])' is invalid; allowed: a range of at least 2m (4 x the 30s scrape interval), so rate() still has samples to compare when a scrape fails`,
      `    - rules.ShopHighErrorRate.expr: 'rate(http_requests_total{job="api"}[1m])' is invalid; allowed: a range of at least 2m (4 x the 30s scrape interval), so rate() still has samples to compare when a scrape fails`,
      `    - dashboards.shop-api-performance.panels["Error rate per endpoint (5xx)"].expr: 'rate(http_requests_total{job="api",status=~"5.."}[1m])' is invalid; allowed: a range of at least 2m (4 x the 30s scrape interval), so rate() still has samples to compare when a scrape fails`,
      `    - dashboards.shop-api-performance.panels["Error rate per endpoint (5xx)"].expr: 'rate(http_requests_total{job="api"}[1m])' is invalid; allowed: a range of at least 2m (4 x the 30s scrape interval), so rate() still has samples to compare when a scrape fails`,
    ],
  },
  {
    name: "an alert 'for' shorter than the evaluation interval is refused",
    stacks: one({ errors: { for: '30s' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - rules.ShopHighErrorRate.for: '30s' is invalid; allowed: 0s, or at least the evaluation interval of rule group 'shop-api-http' (1m): Prometheus checks the condition once per interval, so a shorter 'for' acts as 1m anyway",
    ],
  },
  // Templates
  {
    name: 'an alert summary with an unclosed template action is refused',
    stacks: one({ alerts: withSummary('ShopHighCPU', 'Pod {{ $labels.pod } is busy') }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - rules.ShopHighCPU.annotations.summary: 'Pod {{ $labels.pod } is busy' is invalid; allowed: a valid Prometheus Go template (unclosed action '{{ $labels.pod } is busy' at character 5)",
    ],
  },
  {
    name: 'an alert summary calling an unknown template function is refused with the closest function',
    stacks: one({ alerts: withSummary('ShopHighErrorRate', 'Errors at {{ $value | humanisePercentage }}') }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - rules.ShopHighErrorRate.annotations.summary: 'Errors at {{ $value | humanisePercentage }}' is invalid; allowed: a valid Prometheus Go template (unknown function 'humanisePercentage' (did you mean 'humanizePercentage'?) in {{ $value | humanisePercentage }})",
    ],
  },
  // Severities
  {
    name: 'a stack whose alerts mix sev vocabularies (P1 beside SEV-1 and the SEV burn-rate tiers) is refused',
    stacks: one({ errors: { level: { severity: 'critical', sev: 'P1' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.ShopHighErrorRate.level.sev: 'P1' is invalid; allowed: SEV-1, SEV-2, SEV-3, SEV-4 (the service's sevVocabulary 'SEV': one vocabulary per service)",
    ],
  },
  {
    name: 'a sev vocabulary other than SEV or P is refused',
    stacks: one({ service: { sevVocabulary: 'Sev' } as never }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - sevVocabulary: 'Sev' is invalid; allowed: one of 'SEV', 'P'",
    ],
  },
  // Names
  {
    name: 'an upper-case service name is refused',
    stacks: one({ service: { name: 'Shop-API' } }),
    expected: [
      '1 validation error:',
      '  Shop-API:',
      `    - name: 'Shop-API' is invalid; allowed: a lower-case DNS label: a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters`,
    ],
  },
  {
    name: 'an alert name without the service prefix is refused',
    stacks: one({ errors: { name: 'HighErrorRate' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alerts.HighErrorRate.name: 'HighErrorRate' is invalid; allowed: a name starting with the service prefix 'Shop'",
    ],
  },
  {
    name: 'two workloads with one name are refused',
    stacks: one({ service: { workloads: [shopWorkload, shopWorkload] } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads: 'api' is invalid; allowed: unique names",
    ],
  },
  {
    name: 'two alerts with one name are refused',
    stacks: one({ latency: { name: 'ShopHighErrorRate' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - alert name: 'ShopHighErrorRate' is invalid; allowed: each alert name used once across all services (used by shop-api 2 times)",
    ],
  },
  {
    name: 'a dashboard uid longer than 40 characters is refused',
    stacks: one({ dashboardUid: 'shop-api-performance-overview-for-the-checkout-team' }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      `    - dashboards["Shop API - Performance"].uid: 'shop-api-performance-overview-for-the-checkout-team' is invalid; allowed: a Grafana dashboard uid: 1 to 40 characters from A-Z, a-z, 0-9, '-' and '_'`,
    ],
  },
  {
    name: 'two services with the same dashboard uid are refused',
    stacks: () => [shopStack(), catalogStack({}, 'shop-api-performance')],
    expected: [
      '4 validation errors:',
      '  catalog:',
      "    - dashboard uid: 'shop-api-performance' is invalid; allowed: each dashboard uid used once across all services (used by shop-api, catalog)",
      "    - k8s/configmap-grafana-dashboard-shop-api-performance.yaml: 'core/ConfigMap monitoring/grafana-dashboard-shop-api-performance' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by shop-api: k8s/configmap-grafana-dashboard-shop-api-performance.yaml): applying both, one would replace the other",
      '  shop-api:',
      "    - dashboard uid: 'shop-api-performance' is invalid; allowed: each dashboard uid used once across all services (used by shop-api, catalog)",
      "    - k8s/configmap-grafana-dashboard-shop-api-performance.yaml: 'core/ConfigMap monitoring/grafana-dashboard-shop-api-performance' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by catalog: k8s/configmap-grafana-dashboard-shop-api-performance.yaml): applying both, one would replace the other",
    ],
  },
  {
    name: 'two services deploying a workload of the same name into one namespace are refused, naming the colliding manifests',
    stacks: () => [shopStack(), catalogStack({ workloads: [{ ...shopWorkload, image: { repository: 'ghcr.io/example-org/catalog', tag: 'v2.0.1' } }] })],
    expected: [
      '10 validation errors:',
      '  catalog:',
      "    - k8s/horizontalpodautoscaler-api.yaml: 'autoscaling/HorizontalPodAutoscaler production/api' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by shop-api: k8s/horizontalpodautoscaler-api.yaml): applying both, one would replace the other",
      "    - k8s/networkpolicy-api-default-deny.yaml: 'networking.k8s.io/NetworkPolicy production/api-default-deny' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by shop-api: k8s/networkpolicy-api-default-deny.yaml): applying both, one would replace the other",
      "    - k8s/networkpolicy-api-allow-ingress.yaml: 'networking.k8s.io/NetworkPolicy production/api-allow-ingress' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by shop-api: k8s/networkpolicy-api-allow-ingress.yaml): applying both, one would replace the other",
      "    - k8s/networkpolicy-api-allow-egress.yaml: 'networking.k8s.io/NetworkPolicy production/api-allow-egress' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by shop-api: k8s/networkpolicy-api-allow-egress.yaml): applying both, one would replace the other",
      "    - k8s/servicemonitor-api.yaml: 'monitoring.coreos.com/ServiceMonitor production/api' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by shop-api: k8s/servicemonitor-api.yaml): applying both, one would replace the other",
      '  shop-api:',
      "    - k8s/horizontalpodautoscaler-api.yaml: 'autoscaling/HorizontalPodAutoscaler production/api' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by catalog: k8s/horizontalpodautoscaler-api.yaml): applying both, one would replace the other",
      "    - k8s/networkpolicy-api-default-deny.yaml: 'networking.k8s.io/NetworkPolicy production/api-default-deny' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by catalog: k8s/networkpolicy-api-default-deny.yaml): applying both, one would replace the other",
      "    - k8s/networkpolicy-api-allow-ingress.yaml: 'networking.k8s.io/NetworkPolicy production/api-allow-ingress' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by catalog: k8s/networkpolicy-api-allow-ingress.yaml): applying both, one would replace the other",
      "    - k8s/networkpolicy-api-allow-egress.yaml: 'networking.k8s.io/NetworkPolicy production/api-allow-egress' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by catalog: k8s/networkpolicy-api-allow-egress.yaml): applying both, one would replace the other",
      "    - k8s/servicemonitor-api.yaml: 'monitoring.coreos.com/ServiceMonitor production/api' is invalid; allowed: a (group, kind, namespace, name) no other manifest has (also written by catalog: k8s/servicemonitor-api.yaml): applying both, one would replace the other",
    ],
  },
  // Network
  {
    name: 'a dependency with an invalid CIDR is refused',
    stacks: one({ service: { dependencies: [{ name: 'payments', kind: 'https', port: 443, external: { cidr: '0.0.0.0/33' } }] } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - dependencies.payments.external.cidr: '0.0.0.0/33' is invalid; allowed: an IPv4 CIDR such as 0.0.0.0/0",
    ],
  },
  // Secure defaults and secrets
  {
    name: "a read-only root filesystem 'opt-out' that is enabled is refused",
    stacks: one({ workload: { readOnlyRootFilesystem: { enabled: true, reason: 'n/a' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      '    - workloads.api.readOnlyRootFilesystem.enabled: true is invalid; allowed: false (leave readOnlyRootFilesystem out to keep the default read-only root filesystem)',
    ],
  },
  {
    name: 'opting out of the read-only root filesystem without a reason is refused',
    stacks: one({ workload: { readOnlyRootFilesystem: { enabled: false, reason: '' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.readOnlyRootFilesystem.reason: '' is invalid; allowed: a non-empty reason why the container needs a writable root filesystem",
    ],
  },
  {
    name: 'a bearer token pasted into a runbook step is refused and redacted',
    stacks: one(BEARER),
    // Line numbers of generated files move as renderers evolve: the report must name the line holding the token.
    expected: () => {
      const [line] = linesOf(one(BEARER)(), 'shop-api/RUNBOOK.md', 'Bearer 3f9c');
      return [
        '1 validation error:',
        '  shop-api:',
        `    - RUNBOOK.md: 'Bearer 3f9c…(redacted, 32 characters)' is invalid; allowed: no secrets in generated files (a bearer token on line ${line}): they are committed and applied by CI; reference a Kubernetes Secret or an environment variable instead`,
      ];
    },
  },
  {
    name: 'an AWS access key in an alert description is refused and redacted, in every file it reaches',
    stacks: one(AWS_KEY),
    expected: () => {
      const stacks = one(AWS_KEY)();
      const report = (file: string, line: number) =>
        `    - ${file}: 'AKIA…(redacted, 20 characters)' is invalid; allowed: no secrets in generated files (an AWS access key id on line ${line}): they are committed and applied by CI; reference a Kubernetes Secret or an environment variable instead`;
      const files = ['prometheus-rules.yaml', 'prometheus-rules.test.yaml', 'k8s/prometheusrule-shop-api.yaml'];
      // Each file it reaches holds it at least once (the test file writes the annotations once, aliased where they repeat).
      for (const file of files) expect(linesOf(stacks, `shop-api/${file}`, 'AKIA').length).toBeGreaterThan(0);
      const lines = files.flatMap((file) => linesOf(stacks, `shop-api/${file}`, 'AKIA').map((line) => report(file, line)));
      return [`${lines.length} validation errors:`, '  shop-api:', ...lines];
    },
  },
  {
    name: 'a password in an image repository URL is refused and redacted',
    stacks: one({ workload: { image: { repository: 'https://deploy:hunter22@registry.example.com/shop-api', tag: 'v1' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - workloads.api.image.repository: 'https://deploy:…(redacted)@registry.example.com/shop-api' is invalid; allowed: an image repository such as 'ghcr.io/example-org/shop-api': an optional registry host, then lower-case path components of a-z, 0-9 and single '.', '_', '__' or '-' separators, joined by '/', at most 255 characters (no scheme, credentials, tag or digest: the tag goes in 'tag')",
    ],
  },
  // SLOs
  {
    name: 'an SLO objective of 100% is refused',
    stacks: one({ slo: { objective: '100%' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - slos.availability.objective: '100%' is invalid; allowed: a percentage strictly between 0% and 100%, such as '99.9%'",
    ],
  },
  {
    name: 'an SLO period other than 30d, 28d or 7d is refused',
    stacks: one({ slo: { period: '90d' } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - slos.availability.period: '90d' is invalid; allowed: one of '30d', '28d', '7d'",
    ],
  },
  {
    name: 'a latency SLO threshold off the bucket bounds is refused',
    stacks: one({ slo: { name: 'latency', sli: { kind: 'latency', workload: 'api', threshold: '3s' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      "    - slos.latency.sli.threshold: '3s' is invalid; allowed: a bucket bound of http_request_duration_seconds: 0.005s, 0.01s, 0.025s, 0.05s, 0.075s, 0.1s, 0.25s, 0.5s, 0.75s, 1s, 2.5s, 5s, 7.5s, 10s",
    ],
  },
  {
    name: 'a ratio SLO over a counter missing from the metric catalog is refused in its recording rules',
    stacks: one({ slo: { name: 'checkout', sli: { kind: 'ratio', bad: 'orders_failed_total{job="api"}', total: 'orders_created_total{job="api"}' } } }),
    expected: [
      '1 validation error:',
      '  shop-api:',
      `    - rules.slo:sli_errors:rate5m{service="shop-api",slo="checkout"}.expr: 'orders_failed_total' is invalid; allowed: a metric in the service's metric catalog (did you mean 'orders_created_total'?)`,
    ],
  },
];

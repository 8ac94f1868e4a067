import { ALL_PODS, FieldParser, isRecord } from './fields.js';
import { DEFAULT_LATENCY_BUCKETS, httpMetrics, MetricCatalog, PLATFORM_METRICS, type MetricDefinition } from './metric-catalog.js';
import { Percent, type CpuQuantity, type CpuText, type MemoryQuantity, type MemoryText, type PercentText } from './units.js';
import { callerFile } from './caller-file.js';
import { SEV_VOCABULARIES, type SevVocabulary } from './severity.js';

/** How a service is described by its team. Plain data with unit-typed strings; `defineService` validates it. */
export interface ServiceSpec {
  /** Kebab-case id used in resource names, file paths and the `service` label, e.g. `harvey-backend`. */
  readonly name: string;
  /** Human title used in dashboards and runbooks, e.g. `Harvey Backend`. */
  readonly title: string;
  /** PascalCase prefix of every alert name, e.g. `Harvey` (the service contract: names are fixed, service-prefixed). */
  readonly alertPrefix: string;
  /** Owning team, added as the `team` label on every alert for routing. */
  readonly team: string;
  /** @default 'production' */
  readonly namespace?: string;
  /**
   * The runbook's words for its levels, used by every alert's `sev` label (SLO burn-rate tiers are levels
   * 2-4, written in these words): 'SEV' (SEV-1..SEV-4) or 'P' (P1..P4). @default 'SEV'
   */
  readonly sevVocabulary?: SevVocabulary;
  readonly workloads: readonly WorkloadSpec[];
  readonly dependencies?: readonly DependencySpec[];
  /** Application metrics beyond the standard HTTP pair (which every service gets). */
  readonly metrics?: readonly MetricDefinition[];
  /**
   * Bucket bounds (seconds) of `http_request_duration_seconds` as the service exports them.
   * @default DEFAULT_LATENCY_BUCKETS (prometheus_client defaults)
   */
  readonly latencyBuckets?: readonly number[];
}

export interface WorkloadSpec {
  /** Kubernetes name of the workload; pods are `<name>-<hash>`. */
  readonly name: string;
  /** @default 'Deployment' */
  readonly kind?: 'Deployment' | 'StatefulSet';
  /** Prometheus scrape job. @default the workload name */
  readonly job?: string;
  /** Container port serving HTTP and `/metrics` (named `http`). */
  readonly port: number;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** Path for liveness, readiness and startup probes. @default '/health' */
  readonly healthPath?: string;
  readonly image: { readonly repository: string; readonly tag: string };
  /** Helm `replicaCount`; ignored by the chart while autoscaling is enabled, so it never fights the HPA. */
  readonly replicas: number;
  readonly resources: {
    readonly requests: { readonly cpu: CpuText; readonly memory: MemoryText };
    readonly limits: { readonly cpu: CpuText; readonly memory: MemoryText };
  };
  /** Omit for a fixed replica count. */
  readonly autoscaling?: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    /** Average utilisation of the CPU *request* the HPA aims for. */
    readonly cpuUtilization?: PercentText;
    readonly memoryUtilization?: PercentText;
  };
  /** Non-root identity of the container. @default uid/gid 10001 */
  readonly runAs?: { readonly user: number; readonly group?: number; readonly userName?: string };
  /** Whether user traffic arrives through the ingress controller. @default true */
  readonly servesIngress?: boolean;
  /**
   * The container's root filesystem is read-only (the chart mounts an emptyDir where the app writes).
   * A workload that really needs a writable root filesystem opts out explicitly, saying why.
   * @default read-only
   */
  readonly readOnlyRootFilesystem?: { readonly enabled: false; readonly reason: string };
}

export type DependencyKind = 'postgresql' | 'redis' | 'qdrant' | 'mongodb' | 'chromadb' | 'https';

export interface DependencySpec {
  /** Short name used in NetworkPolicy names and dashboards, e.g. `postgresql`. */
  readonly name: string;
  readonly kind: DependencyKind;
  readonly port: number;
  /**
   * Pods inside the cluster. Exactly one of `inCluster` and `external` is set. `podLabels` selects the
   * pods; every pod of the namespace only when written as `'all-pods'` (an empty `{}` is refused).
   */
  readonly inCluster?: { readonly namespace?: string; readonly podLabels: PodLabels };
  /** Addresses outside the cluster, e.g. LLM providers over HTTPS. */
  readonly external?: { readonly cidr: string; readonly except?: readonly string[] };
  /**
   * Scrape job of the dependency's exporter or own `/metrics` (postgres_exporter, redis_exporter,
   * mongodb_exporter, Qdrant), whose series the performance dashboard's generated Dependencies panels
   * select. @default none (only client-side metrics or the stack's own panels show the dependency)
   */
  readonly exporterJob?: string;
}

/** Labels selecting pods, or the explicit choice of every pod of the namespace. */
export type PodLabels = Readonly<Record<string, string>> | typeof ALL_PODS;

export interface Workload {
  readonly name: string;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly job: string;
  readonly port: number;
  readonly metricsPath: string;
  readonly healthPath: string;
  readonly image: { readonly repository: string; readonly tag: string };
  readonly replicas: number;
  readonly requests: { readonly cpu: CpuQuantity; readonly memory: MemoryQuantity };
  readonly limits: { readonly cpu: CpuQuantity; readonly memory: MemoryQuantity };
  readonly autoscaling?: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuUtilization?: Percent;
    readonly memoryUtilization?: Percent;
  };
  readonly runAs: { readonly user: number; readonly group: number; readonly userName?: string };
  readonly servesIngress: boolean;
  /** `enabled: false` only with the reason the stack gave for the exception. */
  readonly readOnlyRootFilesystem: { readonly enabled: true } | { readonly enabled: false; readonly reason: string };
  /** Pod name pattern for cAdvisor / kube-state-metrics selectors. */
  readonly podRegex: string;
}

export interface Dependency {
  readonly name: string;
  readonly kind: DependencyKind;
  readonly port: number;
  readonly inCluster?: { readonly namespace: string; readonly podLabels: PodLabels };
  readonly external?: { readonly cidr: string; readonly except: readonly string[] };
  readonly exporterJob?: string;
}

/** A validated service. Problems found while building it (and later by alert packs) sit in `issues`. */
export interface Service {
  readonly name: string;
  readonly title: string;
  readonly alertPrefix: string;
  readonly team: string;
  readonly namespace: string;
  readonly sevVocabulary: SevVocabulary;
  readonly workloads: readonly Workload[];
  readonly dependencies: readonly Dependency[];
  readonly metrics: MetricCatalog;
  /** Collector shared by everything derived from this service; synth refuses to write if it is not empty. */
  readonly issues: FieldParser;
  /**
   * Absolute path of the file that called `defineService` (from the call stack), named in the headers of
   * generated files relative to the project root. Undefined when no user file called it.
   */
  readonly sourceFile?: string;
  /**
   * The workload of that name. An unknown name is reported at `field`, which names who refers to it
   * (`alerts.ShopHighLatency.workload`), and the first workload stands in so checking goes on.
   */
  workload(name: string, field?: string): Workload;
}

const MAX_REPLICAS = 1000;

export function defineService(spec: ServiceSpec): Service {
  const sourceFile = callerFile();
  const input: Partial<Record<keyof ServiceSpec, unknown>> = isRecord(spec) ? spec : {};
  const f = new FieldParser(typeof input.name === 'string' && input.name ? input.name : '<unnamed service>');
  if (!isRecord(spec)) f.report('(service)', spec, 'a service definition: an object with name, title, alertPrefix, team and workloads');
  const name = f.dnsLabel('name', input.name);
  const namespace = f.dnsLabel('namespace', input.namespace ?? 'production');
  const latencyBuckets = input.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS;
  checkBuckets(f, 'latencyBuckets', latencyBuckets);

  const workloadSpecs = f.list('workloads', input.workloads);
  if (Array.isArray(input.workloads) && input.workloads.length === 0) f.report('workloads', input.workloads, 'at least one workload');
  const workloads = workloadSpecs.flatMap((w, i) => {
    const spec = f.record(`workloads[${i}]`, w);
    return spec ? [parseWorkload(f, spec, i)] : [];
  });
  uniqueNames(f, 'workloads', workloads.map((w) => w.name));
  checkPodPrefixes(f, workloads);
  const dependencies = f.list('dependencies', input.dependencies, true).flatMap((d, i) => {
    const spec = f.record(`dependencies[${i}]`, d);
    return spec ? [parseDependency(f, spec, namespace)] : [];
  });
  uniqueNames(f, 'dependencies', dependencies.map((d) => d.name));
  const metrics = f.list('metrics', input.metrics, true).flatMap((m, i) => {
    const metric = f.record(`metrics[${i}]`, m);
    return metric && checkMetric(f, metric, i) ? [metric as unknown as MetricDefinition] : [];
  });

  const service: Service = {
    name,
    title: f.title('title', input.title),
    alertPrefix: f.pascalCase('alertPrefix', input.alertPrefix),
    team: f.dnsLabel('team', input.team),
    namespace,
    sevVocabulary: f.oneOf('sevVocabulary', input.sevVocabulary ?? 'SEV', SEV_VOCABULARIES),
    workloads,
    dependencies,
    metrics: new MetricCatalog([...PLATFORM_METRICS, ...httpMetrics(Array.isArray(latencyBuckets) ? latencyBuckets : DEFAULT_LATENCY_BUCKETS), ...metrics]),
    issues: f,
    ...(sourceFile !== undefined && { sourceFile }),
    workload(workloadName: string, field = 'workload'): Workload {
      const found = workloads.find((w) => w.name === workloadName);
      if (found) return found;
      if (workloads.length > 0) f.report(field, workloadName, `one of the service's workloads: ${workloads.map((w) => `'${w.name}'`).join(', ')}`);
      return workloads[0] ?? FALLBACK_WORKLOAD;
    },
  };
  return service;
}

type Input = Readonly<Record<string, unknown>>;

function parseWorkload(f: FieldParser, spec: Input, index: number): Workload {
  const name = f.dnsLabel(`workloads[${index}].name`, spec.name);
  const at = `workloads.${name}`;
  const resources = f.record(`${at}.resources`, spec.resources, false, "requests and limits, each with cpu and memory, such as { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } }");
  const requestsIn = resources && f.record(`${at}.resources.requests`, resources.requests);
  const limitsIn = resources && f.record(`${at}.resources.limits`, resources.limits);
  // A missing block is reported once, not once more per quantity inside it.
  const quiet = new FieldParser(f.service);
  const requests = {
    cpu: (requestsIn ? f : quiet).cpu(`${at}.resources.requests.cpu`, requestsIn?.cpu),
    memory: (requestsIn ? f : quiet).memory(`${at}.resources.requests.memory`, requestsIn?.memory),
  };
  const limits = {
    cpu: (limitsIn ? f : quiet).cpu(`${at}.resources.limits.cpu`, limitsIn?.cpu),
    memory: (limitsIn ? f : quiet).memory(`${at}.resources.limits.memory`, limitsIn?.memory),
  };
  if (requestsIn && limitsIn) f.check(requests.cpu.cores <= limits.cpu.cores, `${at}.resources.requests.cpu`, requestsIn?.cpu,
    `at most the CPU limit (${limits.cpu.text})`);
  if (requestsIn && limitsIn) f.check(requests.memory.bytes <= limits.memory.bytes, `${at}.resources.requests.memory`, requestsIn?.memory,
    `at most the memory limit (${limits.memory.text})`);

  let autoscaling: Workload['autoscaling'];
  const a = f.record(`${at}.autoscaling`, spec.autoscaling, true, "bounds and targets such as { minReplicas: 2, maxReplicas: 4, cpuUtilization: '70%' }, or leave autoscaling out for a fixed replica count");
  if (a) {
    const minReplicas = f.integer(`${at}.autoscaling.minReplicas`, a.minReplicas, 1, MAX_REPLICAS);
    const maxReplicas = f.integer(`${at}.autoscaling.maxReplicas`, a.maxReplicas, 1, MAX_REPLICAS);
    f.check(minReplicas <= maxReplicas, `${at}.autoscaling.minReplicas`, a.minReplicas, `at most 'maxReplicas' (${String(a.maxReplicas)})`);
    f.check(a.cpuUtilization !== undefined || a.memoryUtilization !== undefined, `${at}.autoscaling`, a,
      'at least one of cpuUtilization or memoryUtilization');
    autoscaling = {
      minReplicas,
      maxReplicas,
      ...(a.cpuUtilization !== undefined && { cpuUtilization: hpaTarget(f, `${at}.autoscaling.cpuUtilization`, a.cpuUtilization) }),
      ...(a.memoryUtilization !== undefined && { memoryUtilization: hpaTarget(f, `${at}.autoscaling.memoryUtilization`, a.memoryUtilization) }),
    };
  }
  const runAs = f.record(`${at}.runAs`, spec.runAs, true);
  const user = runAs?.user ?? 10001;
  f.check(Number.isInteger(user) && (user as number) > 0, `${at}.runAs.user`, user, 'a non-root uid: an integer greater than 0');
  const group = runAs?.group ?? user;
  if (runAs?.group !== undefined) f.check(Number.isInteger(group) && (group as number) > 0, `${at}.runAs.group`, group, 'a non-root gid: an integer greater than 0');
  const userName = runAs?.userName === undefined ? undefined : posixUserName(f, `${at}.runAs.userName`, runAs.userName);
  const rootFs = f.record(`${at}.readOnlyRootFilesystem`, spec.readOnlyRootFilesystem, true,
    "an opt-out { enabled: false, reason: '<why the container writes its root filesystem>' } (leave readOnlyRootFilesystem out to keep the default read-only root filesystem)");
  if (rootFs !== undefined) {
    f.check(rootFs.enabled === false, `${at}.readOnlyRootFilesystem.enabled`, rootFs.enabled,
      'false (leave readOnlyRootFilesystem out to keep the default read-only root filesystem)');
    f.check(typeof rootFs.reason === 'string' && rootFs.reason.trim() !== '', `${at}.readOnlyRootFilesystem.reason`, rootFs.reason,
      'a non-empty reason why the container needs a writable root filesystem');
  }
  const image = f.record(`${at}.image`, spec.image, false, "an image { repository, tag } such as { repository: 'ghcr.io/example-org/shop-api', tag: 'v1.4.0' }");

  return {
    name,
    kind: f.oneOf(`${at}.kind`, spec.kind ?? 'Deployment', ['Deployment', 'StatefulSet'] as const),
    job: f.jobName(`${at}.job`, spec.job ?? spec.name),
    port: f.integer(`${at}.port`, spec.port, 1, 65535),
    metricsPath: urlPath(f, `${at}.metricsPath`, spec.metricsPath ?? '/metrics'),
    healthPath: urlPath(f, `${at}.healthPath`, spec.healthPath ?? '/health'),
    image: image
      ? { repository: f.imageRepository(`${at}.image.repository`, image.repository), tag: f.imageTag(`${at}.image.tag`, image.tag) }
      : { repository: 'invalid', tag: 'invalid' },
    replicas: f.integer(`${at}.replicas`, spec.replicas, 1, MAX_REPLICAS),
    requests,
    limits,
    ...(autoscaling && { autoscaling }),
    runAs: { user: user as number, group: group as number, ...(userName && { userName }) },
    servesIngress: f.boolean(`${at}.servesIngress`, spec.servesIngress, true),
    readOnlyRootFilesystem: rootFs === undefined ? { enabled: true } : { enabled: false, reason: String(rootFs.reason) },
    podRegex: `${name}-.*`,
  };
}

/** HPA `averageUtilization` is an int32 in the API, so a fractional percent would be refused by the server. */
function hpaTarget(f: FieldParser, field: string, input: unknown): Percent {
  const target = f.percent(field, input);
  f.check(!Percent.parse(input).ok || Number.isInteger(target.value), field, input,
    "a whole percentage such as '70%': the HPA's averageUtilization is an integer");
  return target;
}

function parseDependency(f: FieldParser, spec: Input, serviceNamespace: string): Dependency {
  const name = f.dnsLabel('dependencies[].name', spec.name);
  const at = `dependencies.${name}`;
  f.check((spec.inCluster === undefined) !== (spec.external === undefined), at, spec,
    'exactly one of inCluster (pods in the cluster) or external (a CIDR)');
  const external = f.record(`${at}.external`, spec.external, true);
  const except = external ? f.list(`${at}.external.except`, external.except, true) : [];
  if (external) {
    f.check(isCidr(external.cidr), `${at}.external.cidr`, external.cidr, 'an IPv4 CIDR such as 0.0.0.0/0');
    for (const e of except) f.check(isCidr(e), `${at}.external.except`, e, 'an IPv4 CIDR such as 10.0.0.0/8');
  }
  const inCluster = f.record(`${at}.inCluster`, spec.inCluster, true);
  const namespace = inCluster ? f.dnsLabel(`${at}.inCluster.namespace`, inCluster.namespace ?? serviceNamespace) : serviceNamespace;
  return {
    name,
    kind: f.oneOf(`${at}.kind`, spec.kind, ['postgresql', 'redis', 'qdrant', 'mongodb', 'chromadb', 'https'] as const),
    port: f.integer(`${at}.port`, spec.port, 1, 65535),
    ...(inCluster && { inCluster: { namespace, podLabels: f.podLabels(`${at}.inCluster.podLabels`, inCluster.podLabels, namespace) } }),
    ...(external && { external: { cidr: String(external.cidr), except: except.map(String) } }),
    ...(spec.exporterJob !== undefined && { exporterJob: f.jobName(`${at}.exporterJob`, spec.exporterJob) }),
  };
}

const METRIC_TYPES = ['counter', 'gauge', 'histogram'] as const;
const METRIC_SOURCES = ['application', 'cadvisor', 'kube-state-metrics', 'prometheus'] as const;

/**
 * The shape of a metric definition; the name's Prometheus syntax is checked with the rendered catalog
 * (lib/checks/metric-catalog-names.ts). Returns whether the definition is usable.
 */
function checkMetric(f: FieldParser, metric: Input, index: number): boolean {
  const named = f.check(typeof metric.name === 'string' && metric.name !== '', `metrics[${index}].name`, metric.name, 'a non-empty metric name');
  const at = named ? `metrics.${metric.name as string}` : `metrics[${index}]`;
  const type = f.oneOf(`${at}.type`, metric.type, METRIC_TYPES);
  f.oneOf(`${at}.source`, metric.source, METRIC_SOURCES);
  f.nonEmpty(`${at}.help`, metric.help);
  const labels = f.list(`${at}.labels`, metric.labels);
  labels.forEach((label) => f.promLabelName(`${at}.labels`, label));
  if (metric.buckets !== undefined || type === 'histogram') checkBuckets(f, `${at}.buckets`, metric.buckets);
  return named && Array.isArray(metric.labels);
}

function checkBuckets(f: FieldParser, field: string, buckets: unknown): void {
  const ascending = Array.isArray(buckets) && buckets.length > 0
    && buckets.every((b: unknown, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]!));
  f.check(ascending, field, buckets, 'a non-empty list of positive, strictly ascending bucket bounds (without +Inf)');
}

/**
 * cAdvisor and kube-state-metrics series are selected with `pod=~"<workload>-.*"` (the service contract), which
 * would also catch the pods of a workload named `<workload>-<more>`; such names would mix two workloads.
 */
function checkPodPrefixes(f: FieldParser, workloads: readonly Workload[]): void {
  for (const a of workloads) {
    for (const b of workloads) {
      f.check(a === b || !b.name.startsWith(`${a.name}-`), `workloads.${b.name}.name`, b.name,
        `a name that does not start with '${a.name}-', or pod selectors of '${a.name}' would include its pods`);
    }
  }
}

function uniqueNames(f: FieldParser, field: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    f.check(!seen.has(n), field, n, 'unique names');
    seen.add(n);
  }
}

function urlPath(f: FieldParser, field: string, input: unknown): string {
  const ok = typeof input === 'string' && /^\/[A-Za-z0-9._~\/-]*$/.test(input);
  f.check(ok, field, input, "an absolute URL path such as '/health'");
  return ok ? (input as string) : '/invalid';
}

function posixUserName(f: FieldParser, field: string, input: unknown): string {
  const ok = typeof input === 'string' && /^[a-z_][a-z0-9_-]{0,31}$/.test(input);
  f.check(ok, field, input, "a POSIX user name such as 'harvey': a-z, 0-9, '_' and '-', starting with a letter or '_', at most 32 characters");
  return ok ? (input as string) : 'invalid';
}

function isCidr(text: unknown): boolean {
  const match = typeof text === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text) : null;
  return !!match && match.slice(1, 5).every((o) => Number(o) <= 255) && Number(match[5]) <= 32;
}

const FALLBACK_WORKLOAD = parseWorkload(new FieldParser('<fallback>'), {
  name: 'invalid', port: 8000, image: { repository: 'invalid', tag: 'invalid' }, replicas: 1,
  resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
}, 0);

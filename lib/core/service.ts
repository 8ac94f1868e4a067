import { FieldParser } from './fields.js';
import { DEFAULT_LATENCY_BUCKETS, httpMetrics, MetricCatalog, PLATFORM_METRICS, type MetricDefinition } from './metric-catalog.js';
import type { CpuQuantity, CpuText, MemoryQuantity, MemoryText, Percent, PercentText } from './units.js';
import { callerFile } from './caller-file.js';

/** How a service is described by its team. Plain data with unit-typed strings; `defineService` validates it. */
export interface ServiceSpec {
  /** Kebab-case id used in resource names, file paths and the `service` label, e.g. `harvey-backend`. */
  readonly name: string;
  /** Human title used in dashboards and runbooks, e.g. `Harvey Backend`. */
  readonly title: string;
  /** PascalCase prefix of every alert name, e.g. `Harvey` (SERVICES.md: names are fixed, service-prefixed). */
  readonly alertPrefix: string;
  /** Owning team, added as the `team` label on every alert for routing. */
  readonly team: string;
  /** @default 'production' */
  readonly namespace?: string;
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
  /** Pods inside the cluster. Exactly one of `inCluster` and `external` is set. */
  readonly inCluster?: { readonly namespace?: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Addresses outside the cluster, e.g. LLM providers over HTTPS. */
  readonly external?: { readonly cidr: string; readonly except?: readonly string[] };
}

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
  readonly inCluster?: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  readonly external?: { readonly cidr: string; readonly except: readonly string[] };
}

/** A validated service. Problems found while building it (and later by alert packs) sit in `issues`. */
export interface Service {
  readonly name: string;
  readonly title: string;
  readonly alertPrefix: string;
  readonly team: string;
  readonly namespace: string;
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
  workload(name: string): Workload;
}

const MAX_REPLICAS = 1000;

export function defineService(spec: ServiceSpec): Service {
  const sourceFile = callerFile();
  const f = new FieldParser(typeof spec.name === 'string' && spec.name ? spec.name : '<unnamed service>');
  const name = f.dnsLabel('name', spec.name);
  const namespace = f.dnsLabel('namespace', spec.namespace ?? 'production');
  const latencyBuckets = spec.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS;
  checkBuckets(f, 'latencyBuckets', latencyBuckets);

  if (!Array.isArray(spec.workloads) || spec.workloads.length === 0) {
    f.report('workloads', spec.workloads, 'at least one workload');
  }
  const workloads = (spec.workloads ?? []).map((w, i) => parseWorkload(f, w, i));
  uniqueNames(f, 'workloads', workloads.map((w) => w.name));
  checkPodPrefixes(f, workloads);
  const dependencies = (spec.dependencies ?? []).map((d) => parseDependency(f, d, namespace));
  uniqueNames(f, 'dependencies', dependencies.map((d) => d.name));
  for (const metric of spec.metrics ?? []) {
    if (metric.buckets) checkBuckets(f, `metrics.${metric.name}.buckets`, metric.buckets);
  }

  const service: Service = {
    name,
    title: f.nonEmpty('title', spec.title),
    alertPrefix: f.pascalCase('alertPrefix', spec.alertPrefix),
    team: f.dnsLabel('team', spec.team),
    namespace,
    workloads,
    dependencies,
    metrics: new MetricCatalog([...PLATFORM_METRICS, ...httpMetrics(latencyBuckets), ...(spec.metrics ?? [])]),
    issues: f,
    ...(sourceFile !== undefined && { sourceFile }),
    workload(workloadName: string): Workload {
      const found = workloads.find((w) => w.name === workloadName);
      if (found) return found;
      f.report('workload', workloadName, `one of the service's workloads: ${workloads.map((w) => `'${w.name}'`).join(', ')}`);
      return workloads[0] ?? FALLBACK_WORKLOAD;
    },
  };
  return service;
}

function parseWorkload(f: FieldParser, spec: WorkloadSpec, index: number): Workload {
  const name = f.dnsLabel(`workloads[${index}].name`, spec.name);
  const at = `workloads.${name}`;
  const requests = {
    cpu: f.cpu(`${at}.resources.requests.cpu`, spec.resources?.requests?.cpu),
    memory: f.memory(`${at}.resources.requests.memory`, spec.resources?.requests?.memory),
  };
  const limits = {
    cpu: f.cpu(`${at}.resources.limits.cpu`, spec.resources?.limits?.cpu),
    memory: f.memory(`${at}.resources.limits.memory`, spec.resources?.limits?.memory),
  };
  f.check(requests.cpu.cores <= limits.cpu.cores, `${at}.resources.requests.cpu`, spec.resources?.requests?.cpu,
    `at most the CPU limit (${limits.cpu.text})`);
  f.check(requests.memory.bytes <= limits.memory.bytes, `${at}.resources.requests.memory`, spec.resources?.requests?.memory,
    `at most the memory limit (${limits.memory.text})`);

  let autoscaling: Workload['autoscaling'];
  if (spec.autoscaling) {
    const a = spec.autoscaling;
    const minReplicas = f.integer(`${at}.autoscaling.minReplicas`, a.minReplicas, 1, MAX_REPLICAS);
    const maxReplicas = f.integer(`${at}.autoscaling.maxReplicas`, a.maxReplicas, 1, MAX_REPLICAS);
    f.check(minReplicas <= maxReplicas, `${at}.autoscaling.minReplicas`, a.minReplicas, `at most 'maxReplicas' (${a.maxReplicas})`);
    f.check(a.cpuUtilization !== undefined || a.memoryUtilization !== undefined, `${at}.autoscaling`, a,
      'at least one of cpuUtilization or memoryUtilization');
    autoscaling = {
      minReplicas,
      maxReplicas,
      ...(a.cpuUtilization !== undefined && { cpuUtilization: f.percent(`${at}.autoscaling.cpuUtilization`, a.cpuUtilization) }),
      ...(a.memoryUtilization !== undefined && { memoryUtilization: f.percent(`${at}.autoscaling.memoryUtilization`, a.memoryUtilization) }),
    };
  }
  const user = spec.runAs?.user ?? 10001;
  f.check(Number.isInteger(user) && user > 0, `${at}.runAs.user`, user, 'a non-root uid: an integer greater than 0');
  const rootFs = spec.readOnlyRootFilesystem;
  if (rootFs !== undefined) {
    f.check(rootFs.enabled === false, `${at}.readOnlyRootFilesystem.enabled`, rootFs.enabled,
      'false (leave readOnlyRootFilesystem out to keep the default read-only root filesystem)');
    f.check(typeof rootFs.reason === 'string' && rootFs.reason.trim() !== '', `${at}.readOnlyRootFilesystem.reason`, rootFs.reason,
      'a non-empty reason why the container needs a writable root filesystem');
  }

  return {
    name,
    kind: f.oneOf(`${at}.kind`, spec.kind ?? 'Deployment', ['Deployment', 'StatefulSet'] as const),
    job: f.nonEmpty(`${at}.job`, spec.job ?? spec.name),
    port: f.integer(`${at}.port`, spec.port, 1, 65535),
    metricsPath: urlPath(f, `${at}.metricsPath`, spec.metricsPath ?? '/metrics'),
    healthPath: urlPath(f, `${at}.healthPath`, spec.healthPath ?? '/health'),
    image: {
      repository: f.nonEmpty(`${at}.image.repository`, spec.image?.repository),
      tag: f.nonEmpty(`${at}.image.tag`, spec.image?.tag),
    },
    replicas: f.integer(`${at}.replicas`, spec.replicas, 1, MAX_REPLICAS),
    requests,
    limits,
    ...(autoscaling && { autoscaling }),
    runAs: { user, group: spec.runAs?.group ?? user, ...(spec.runAs?.userName && { userName: spec.runAs.userName }) },
    servesIngress: spec.servesIngress ?? true,
    readOnlyRootFilesystem: rootFs === undefined ? { enabled: true } : { enabled: false, reason: rootFs.reason },
    podRegex: `${name}-.*`,
  };
}

function parseDependency(f: FieldParser, spec: DependencySpec, serviceNamespace: string): Dependency {
  const name = f.dnsLabel('dependencies[].name', spec.name);
  const at = `dependencies.${name}`;
  f.check((spec.inCluster === undefined) !== (spec.external === undefined), at, spec,
    'exactly one of inCluster (pods in the cluster) or external (a CIDR)');
  if (spec.external) {
    f.check(isCidr(spec.external.cidr), `${at}.external.cidr`, spec.external.cidr, 'an IPv4 CIDR such as 0.0.0.0/0');
    for (const except of spec.external.except ?? []) f.check(isCidr(except), `${at}.external.except`, except, 'an IPv4 CIDR such as 10.0.0.0/8');
  }
  return {
    name,
    kind: f.oneOf(`${at}.kind`, spec.kind, ['postgresql', 'redis', 'qdrant', 'mongodb', 'chromadb', 'https'] as const),
    port: f.integer(`${at}.port`, spec.port, 1, 65535),
    ...(spec.inCluster && { inCluster: { namespace: spec.inCluster.namespace ?? serviceNamespace, podLabels: spec.inCluster.podLabels } }),
    ...(spec.external && { external: { cidr: spec.external.cidr, except: spec.external.except ?? [] } }),
  };
}

function checkBuckets(f: FieldParser, field: string, buckets: readonly number[]): void {
  const ascending = buckets.length > 0 && buckets.every((b, i) => Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]!));
  f.check(ascending, field, buckets, 'a non-empty list of positive, strictly ascending bucket bounds (without +Inf)');
}

/**
 * cAdvisor and kube-state-metrics series are selected with `pod=~"<workload>-.*"` (SERVICES.md), which
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

function urlPath(f: FieldParser, field: string, input: string): string {
  f.check(/^\/[A-Za-z0-9._~\/-]*$/.test(input), field, input, "an absolute URL path such as '/health'");
  return input;
}

function isCidr(text: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  return !!match && match.slice(1, 5).every((o) => Number(o) <= 255) && Number(match[5]) <= 32;
}

const FALLBACK_WORKLOAD = parseWorkload(new FieldParser('<fallback>'), {
  name: 'invalid', port: 8000, image: { repository: 'invalid', tag: 'invalid' }, replicas: 1,
  resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
}, 0);

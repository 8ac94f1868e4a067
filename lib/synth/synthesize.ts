import { PLATFORM_CHECKS } from '../checks/index.js';
import type { RuleFile } from '../checks/promtool-rules.js';
import type { RenderedService, ServiceManifests } from '../checks/rendered-service.js';
import { panelAbsenceIssuesNow, type PanelAbsenceJob } from '../checks/series-absent-panels.js';
import type { ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import { platformConfigIssues } from '../core/platform-validation.js';
import { unbuiltIssue, type Organisation } from '../core/lazy-stacks.js';
import type { ServiceStack } from '../core/stack.js';
import { alertmanagerConfigOf, alertmanagerConfigYaml, type AlertmanagerConfig } from '../render/alertmanager/config.js';
import { HELM_VALUES_SCHEMA } from '../render/helm/values-schema.js';
import type { Provenance } from '../core/provenance.js';
import { projectProvenance } from './project-provenance.js';
import { serviceArtifacts } from './service-artifacts.js';
import { digestOf, type ServiceDigest } from './service-digest.js';

export interface Synthesis {
  readonly files: Map<string, string>;
  /** Every problem of every service; synth writes nothing unless this is empty. */
  readonly issues: readonly ValidationIssue[];
  /**
   * Rule files for `promtool check rules` (asynchronous, so run by the caller: see runSynth), of the
   * services without any other problem.
   */
  readonly ruleFiles: readonly RuleFile[];
}

/**
 * Renders all services in memory and runs the checks that span services (names other repos rely on):
 * for tests and library callers that want the files as a Map. Synth itself (runSynth, oac) streams one
 * service at a time through lib/synth/incremental.ts, on the same renderService and acrossServices.
 */
export function synthesize(stacks: readonly ServiceStack[], platform: PlatformConfig, provenance: Provenance = projectProvenance()): Synthesis {
  // Every service renders with the platform's values: with bad ones, report them and each service's own issues only.
  const platformIssues = platformConfigIssues(platform);
  if (platformIssues.length > 0) return { files: new Map(), issues: [...platformIssues, ...stacks.flatMap((s) => s.service.issues.issues)], ruleFiles: [] };
  const files = new Map<string, string>();
  const issues: ValidationIssue[] = [];
  const summaries: ServiceSummary[] = [];
  const ruleFiles: RuleFile[] = [];
  for (const stack of stacks) {
    const one = renderService(stack, platform, provenance);
    one.files.forEach((content, path) => files.set(path, content));
    // In memory the panel check runs here and now (synchronously, as the Map is returned whole): every issue is in `issues`.
    const panelIssues = one.panelJob ? panelAbsenceIssuesNow(one.panelJob) : [];
    issues.push(...one.issues, ...panelIssues);
    if (one.summary) summaries.push(one.summary);
    if (one.ruleFile && panelIssues.length === 0) ruleFiles.push(one.ruleFile);
  }
  const digests = stacks.map((s) => digestOf(s, platform, undefined));
  const platformWide = acrossServices(digests, platform, summaries, issues.length === 0, digests);
  issues.push(...platformWide.issues);
  platformWide.files.forEach((content, path) => files.set(path, content));
  return { files, issues, ruleFiles };
}

/** What the checks across services (PLATFORM_CHECKS) keep of a rendered service: its manifests' identities. */
export type ServiceSummary = ServiceManifests;

/** One service rendered and checked on its own: its files, issues, summary and rule file for promtool. */
export interface RenderedOne {
  readonly service: string;
  /** Paths relative to dist/ (`<service>/...`). */
  readonly files: Map<string, string>;
  readonly issues: readonly ValidationIssue[];
  readonly summary?: ServiceSummary;
  /** Set only when the service has no other problem: promtool is the last word on rules nothing else objected to. */
  readonly ruleFile?: RuleFile;
  /**
   * The panel check, still to run by the caller (it runs promtool, asynchronously), set when every check
   * before the promtool ones passed. Its issues belong right after `issues`; `ruleFile` stands only if it has none.
   */
  readonly panelJob?: PanelAbsenceJob;
}

export function renderService(stack: ServiceStack, platform: PlatformConfig, provenance: Provenance = projectProvenance()): RenderedOne {
  const service = stack.service.name;
  try {
    const artifacts = serviceArtifacts(stack, platform, provenance);
    const summary = artifacts.rendered && summarize(service, artifacts.rendered);
    // On a service with problems promtool would mostly repeat them (a broken template, a syntax error), so it runs once those are fixed.
    const ruleFile = artifacts.ruleFile && artifacts.issues.length === 0 ? artifacts.ruleFile : undefined;
    const panelJob = artifacts.panelJob;
    return { service, files: artifacts.files, issues: artifacts.issues, ...(summary && { summary }), ...(ruleFile && { ruleFile }), ...(panelJob && { panelJob }) };
  } catch (error) {
    // Renderers are guarded one by one in serviceArtifacts; this is the net for anything else.
    return { service, files: new Map(), issues: [{ service, field: '(render)', value: (error as Error).message, allowed: 'input every renderer accepts' }] };
  }
}

/** renderService of the stack at `index`, built here: a stack that cannot be built is rendered as its issue. */
export function renderAt(organisation: Organisation, index: number, platform: PlatformConfig, provenance: Provenance): RenderedOne {
  let stack: ServiceStack;
  try {
    stack = organisation.at(index);
  } catch (error) {
    const service = organisation.names[index]!;
    return { service, files: new Map(), issues: [unbuiltIssue(service, error)] };
  }
  return renderService(stack, platform, provenance);
}

function summarize(service: string, rendered: RenderedService): ServiceSummary {
  return {
    service,
    manifests: rendered.manifests.map(({ file, object }) => {
      const { apiVersion, kind, metadata } = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
      return { file, object: { apiVersion, kind, metadata: { name: metadata?.name, namespace: metadata?.namespace } } };
    }),
  };
}

/**
 * The checks that span services (unique names, PLATFORM_CHECKS over the summaries) and, when nothing is
 * wrong anywhere (`clean`: no service had an issue), the platform-wide files: the Helm values schema
 * every service's values refer to, and the Alertmanager configuration of `platformFrom` (every service
 * of the organisation; `undefined` leaves that file out, so the writer leaves it as it is). It reads
 * the services' digests (lib/synth/service-digest.ts), never their stacks, so synth need not hold those.
 */
export function acrossServices(
  digests: readonly ServiceDigest[], platform: PlatformConfig, summaries: readonly ServiceSummary[], clean: boolean,
  platformFrom: readonly ServiceDigest[] | undefined, alertmanagerYaml: (config: AlertmanagerConfig) => string = alertmanagerConfigYaml,
): { issues: ValidationIssue[]; files: Map<string, string> } {
  const issues: ValidationIssue[] = [];
  const files = new Map<string, string>();
  issues.push(...duplicates(digests, 'service name', (s) => [s.service]));
  for (const digest of digests.filter((s) => s.service === PLATFORM_FOLDER)) {
    issues.push({ service: digest.service, field: 'name', value: PLATFORM_FOLDER, allowed: `a name other than '${PLATFORM_FOLDER}' (the folder of the platform-wide Alertmanager configuration)` });
  }
  issues.push(...duplicates(digests, 'alert name', (s) => s.alertNames));
  issues.push(...duplicates(digests, 'dashboard uid', (s) => s.dashboardUids));
  for (const check of PLATFORM_CHECKS) issues.push(...check(summaries));
  // Platform-wide, so only once every service rendered cleanly (nothing is written otherwise anyway).
  if (clean && issues.length === 0) {
    if (digests.some((s) => s.hasWorkloads)) files.set(HELM_VALUES_SCHEMA_PATH, HELM_VALUES_SCHEMA_JSON);
    if (platformFrom === undefined) return { issues, files };
    try {
      const parts = platformFrom.map((d) => {
        if ('error' in d.alertmanager) throw new Error(d.alertmanager.error);
        return d.alertmanager;
      });
      files.set(ALERTMANAGER_CONFIG_PATH, `${ALERTMANAGER_HEADER}${alertmanagerYaml(alertmanagerConfigOf(parts, platform))}`);
    } catch (error) {
      issues.push({ service: '(platform)', field: `(render ${ALERTMANAGER_CONFIG_PATH})`, value: (error as Error).message, allowed: 'input every renderer accepts' });
    }
  }
  return { issues, files };
}

/** Platform-wide, beside the service folders (`alertmanager` is therefore not a service name synth accepts). */
export const PLATFORM_FOLDER = 'alertmanager';
export const ALERTMANAGER_CONFIG_PATH = `${PLATFORM_FOLDER}/alertmanager.yaml`;
/**
 * Files every service shares, written once: `_shared` can never be a service's folder (service names are
 * DNS labels, which have no `_`), and is no writer entry (those start with `.oac-`).
 */
export const SHARED_FOLDER = '_shared';
/** The Helm values schema (identical for every service), referenced from each `helm/<workload>.values.yaml`. */
export const HELM_VALUES_SCHEMA_PATH = `${SHARED_FOLDER}/helm/values.schema.json`;
const HELM_VALUES_SCHEMA_JSON = `${JSON.stringify(HELM_VALUES_SCHEMA, null, 2)}\n`;
const ALERTMANAGER_HEADER = '# Generated by synth from every service\'s team, severities and notify labels, with their inhibit rules.\n' +
  '# Do not edit: set receiver URLs in the platform (`alertmanager.webhookUrl` / `alertmanager.receivers`).\n';

/** Names that must be unique per service and across services; each repeat is reported where it occurs. */
function duplicates(digests: readonly ServiceDigest[], what: string, namesOf: (s: ServiceDigest) => readonly unknown[]): ValidationIssue[] {
  const owners = new Map<unknown, string[]>();
  for (const digest of digests) {
    for (const name of namesOf(digest)) {
      const list = owners.get(name);
      if (list) list.push(digest.service);
      else owners.set(name, [digest.service]);
    }
  }
  const issues: ValidationIssue[] = [];
  for (const [name, services] of owners) {
    if (services.length < 2) continue;
    const users = [...new Set(services)].map((s) => {
      const times = services.filter((t) => t === s).length;
      return times > 1 ? `${s} ${times} times` : s;
    });
    for (const service of new Set(services)) {
      issues.push({ service, field: what, value: name, allowed: `each ${what} used once across all services (used by ${users.join(', ')})` });
    }
  }
  return issues;
}

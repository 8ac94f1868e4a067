import { PLATFORM_CHECKS } from '../checks/index.js';
import type { RuleFile } from '../checks/promtool-rules.js';
import type { RenderedService } from '../checks/rendered-service.js';
import type { ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import { platformConfigIssues } from '../core/platform-validation.js';
import type { ServiceStack } from '../core/stack.js';
import { serviceArtifacts } from './service-artifacts.js';

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

/** Renders all services and runs the checks that span services (names other repos rely on). */
export function synthesize(stacks: readonly ServiceStack[], platform: PlatformConfig): Synthesis {
  // Every service renders with the platform's values: with bad ones, report them and each service's own issues only.
  const platformIssues = platformConfigIssues(platform);
  if (platformIssues.length > 0) return { files: new Map(), issues: [...platformIssues, ...stacks.flatMap((s) => s.service.issues.issues)], ruleFiles: [] };
  const files = new Map<string, string>();
  const issues: ValidationIssue[] = [];
  const rendered: RenderedService[] = [];
  const ruleFiles: RuleFile[] = [];
  for (const stack of stacks) {
    try {
      const artifacts = serviceArtifacts(stack, platform);
      artifacts.files.forEach((content, path) => files.set(path, content));
      issues.push(...artifacts.issues);
      if (artifacts.rendered) rendered.push(artifacts.rendered);
      // promtool is the last word on rules nothing else objected to; on a service with problems it would
      // mostly repeat them (a broken template, a syntax error), so it runs once those are fixed.
      if (artifacts.ruleFile && artifacts.issues.length === 0) ruleFiles.push(artifacts.ruleFile);
    } catch (error) {
      // Renderers are guarded one by one in serviceArtifacts; this is the net for anything else.
      issues.push({ service: stack.service.name, field: '(render)', value: (error as Error).message, allowed: 'input every renderer accepts' });
    }
  }
  issues.push(...duplicates(stacks, 'service name', (s) => [s.service.name]));
  issues.push(...duplicates(stacks, 'alert name', (s) => listOf(s.alerts).map((a) => a?.name)));
  issues.push(...duplicates(stacks, 'dashboard uid', (s) => listOf(s.dashboards).map((d) => d?.uid)));
  for (const check of PLATFORM_CHECKS) issues.push(...check(rendered));
  return { files, issues, ruleFiles };
}

/** Names that must be unique per service and across services; each repeat is reported where it occurs. */
function duplicates(stacks: readonly ServiceStack[], what: string, namesOf: (s: ServiceStack) => string[]): ValidationIssue[] {
  const owners = new Map<string, string[]>();
  for (const stack of stacks) {
    for (const name of namesOf(stack)) owners.set(name, [...(owners.get(name) ?? []), stack.service.name]);
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

/** A stack from JavaScript may hold anything there; its shape is reported by stackShapeIssues. */
function listOf<T>(items: readonly T[]): readonly T[] {
  return Array.isArray(items) ? items : [];
}

import type { ValidationIssue } from '../core/issues.js';
import type { PlatformConfig } from '../core/platform.js';
import type { ServiceStack } from '../core/stack.js';
import { serviceArtifacts } from './service-artifacts.js';

export interface Synthesis {
  readonly files: Map<string, string>;
  /** Every problem of every service; synth writes nothing unless this is empty. */
  readonly issues: readonly ValidationIssue[];
}

/** Renders all services and runs the checks that span services (names other repos rely on). */
export function synthesize(stacks: readonly ServiceStack[], platform: PlatformConfig): Synthesis {
  const files = new Map<string, string>();
  const issues: ValidationIssue[] = [];
  for (const stack of stacks) {
    try {
      const artifacts = serviceArtifacts(stack, platform);
      artifacts.files.forEach((content, path) => files.set(path, content));
      issues.push(...artifacts.issues);
    } catch (error) {
      // A renderer that refuses its input (e.g. a ConfigMap over 256 KiB) must not hide other services' errors.
      issues.push({ service: stack.service.name, field: '(render)', value: (error as Error).message, allowed: 'input every renderer accepts' });
    }
  }
  issues.push(...duplicates(stacks, 'service name', (s) => [s.service.name]));
  issues.push(...duplicates(stacks, 'alert name', (s) => s.alerts.map((a) => a.name)));
  issues.push(...duplicates(stacks, 'dashboard uid', (s) => s.dashboards.map((d) => d.uid)));
  return { files, issues };
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
    for (const service of new Set(services)) {
      issues.push({ service, field: what, value: name, allowed: `each ${what} used once across all services (used by ${services.join(', ')})` });
    }
  }
  return issues;
}

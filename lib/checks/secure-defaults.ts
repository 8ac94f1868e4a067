import type { ValidationIssue } from '../core/issues.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/**
 * Every workload's Helm values run the container as a non-root user, without privilege escalation,
 * with all capabilities dropped and a read-only root filesystem, unless the workload opted out of the
 * read-only root filesystem in the stack with a reason (then the values carry that reason).
 *
 *   helm/api.values.yaml: 'securityContext.readOnlyRootFilesystem: false' is invalid;
 *     allowed: true, unless workloads.api.readOnlyRootFilesystem opts out with a reason
 */
export function secureDefaultIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const workload of rendered.stack.service.workloads) {
    const values = rendered.helmValues.get(workload.name);
    if (!values) continue;
    const field = `helm/${workload.name}.values.yaml`;
    const expect = (ok: boolean, setting: string, actual: unknown, allowed: string): void => {
      if (!ok) issues.push(issue(field, `${setting}: ${JSON.stringify(actual)}`, allowed));
    };
    const pod = values.podSecurityContext;
    const container = values.securityContext;
    expect(pod.runAsNonRoot === true, 'podSecurityContext.runAsNonRoot', pod.runAsNonRoot, 'true: containers never run as root');
    expect(Number.isInteger(pod.runAsUser) && pod.runAsUser > 0, 'podSecurityContext.runAsUser', pod.runAsUser, 'a uid greater than 0');
    expect(container.runAsNonRoot === true, 'securityContext.runAsNonRoot', container.runAsNonRoot, 'true: containers never run as root');
    expect(container.allowPrivilegeEscalation === false, 'securityContext.allowPrivilegeEscalation', container.allowPrivilegeEscalation, 'false');
    expect(container.capabilities.drop.includes('ALL'), 'securityContext.capabilities.drop', container.capabilities.drop, "a list containing 'ALL'");
    const optOut = workload.readOnlyRootFilesystem;
    if (optOut.enabled) {
      expect(container.readOnlyRootFilesystem === true, 'securityContext.readOnlyRootFilesystem', container.readOnlyRootFilesystem,
        `true, unless workloads.${workload.name}.readOnlyRootFilesystem opts out with a reason`);
    } else {
      expect(values.securityExceptions?.readOnlyRootFilesystem === optOut.reason, 'securityExceptions.readOnlyRootFilesystem',
        values.securityExceptions?.readOnlyRootFilesystem, `the reason given in the stack: ${JSON.stringify(optOut.reason)}`);
    }
  }
  return issues;
}

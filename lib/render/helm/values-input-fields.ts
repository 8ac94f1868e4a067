/**
 * Where each Helm value comes from in the service definition, so a problem the values schema finds is
 * reported at the field the user wrote (`workloads.api.autoscaling.cpuUtilization`), not at the output
 * file. Longest matching prefix wins; values the renderer sets itself (security settings, probe timings)
 * map to the workload.
 */
const INPUT_FIELDS: readonly (readonly [string, string])[] = [
  ['replicaCount', 'replicas'],
  ['image.repository', 'image.repository'],
  ['image.tag', 'image.tag'],
  ['image', 'image'],
  ['service.port', 'port'],
  ['autoscaling.minReplicas', 'autoscaling.minReplicas'],
  ['autoscaling.maxReplicas', 'autoscaling.maxReplicas'],
  ['autoscaling.targetCPUUtilizationPercentage', 'autoscaling.cpuUtilization'],
  ['autoscaling.targetMemoryUtilizationPercentage', 'autoscaling.memoryUtilization'],
  ['autoscaling', 'autoscaling'],
  ['resources', 'resources'],
  ['podSecurityContext.runAsUser', 'runAs.user'],
  ['podSecurityContext.runAsGroup', 'runAs.group'],
  ['podSecurityContext.fsGroup', 'runAs.group'],
  ['securityContext.readOnlyRootFilesystem', 'readOnlyRootFilesystem'],
  ['securityExceptions', 'readOnlyRootFilesystem.reason'],
  ['livenessProbe.httpGet.path', 'healthPath'],
  ['readinessProbe.httpGet.path', 'healthPath'],
  ['startupProbe.httpGet.path', 'healthPath'],
  ['metrics.path', 'metricsPath'],
  ['metrics.port', 'port'],
];

/** `workloads.<workload>.<field>` for a dotted Helm values path such as `autoscaling.targetCPUUtilizationPercentage`. */
export function helmValueInputField(workload: string, path: string): string {
  const match = INPUT_FIELDS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`));
  if (!match) return `workloads.${workload}`;
  const [prefix, field] = match;
  // Below a mapped prefix the names are the same in both (resources.requests.cpu).
  return `workloads.${workload}.${field}${path.slice(prefix.length)}`;
}

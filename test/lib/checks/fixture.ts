import type { RenderedService } from '../../../lib/checks/rendered-service.js';
import { DEFAULT_PLATFORM, type PlatformConfig, type ServiceStack } from '../../../lib/core/index.js';
import type { Manifest } from '../../../lib/k8s/service-chart.js';
import type { RuleGroup } from '../../../lib/render/prometheus/rule-types.js';
import { serviceArtifacts } from '../../../lib/synth/service-artifacts.js';
import { shopStack } from '../../bad-input/fixture.js';

/** What synth renders for the good shop fixture (or another stack), as the checks receive it. */
export function rendered(stack: ServiceStack = shopStack(), platform: PlatformConfig = DEFAULT_PLATFORM): RenderedService {
  const artifacts = serviceArtifacts(stack, platform);
  if (!artifacts.rendered || artifacts.issues.length > 0) throw new Error(`fixture does not render cleanly: ${JSON.stringify(artifacts.issues)}`);
  return artifacts.rendered;
}

/** The rendered service with its manifests changed (deep copies, so the original stays as it was). */
export function withManifests(service: RenderedService, change: (manifests: Manifest[]) => Manifest[]): RenderedService {
  return { ...service, manifests: change(structuredClone(service.manifests) as Manifest[]) };
}

/** The manifest written to `file`, as a mutable plain object. */
export function manifest(manifests: readonly Manifest[], file: string): Record<string, any> {
  const found = manifests.find((m) => m.file === file);
  if (!found) throw new Error(`no manifest ${file} among ${manifests.map((m) => m.file).join(', ')}`);
  return found.object as Record<string, any>;
}

/** The rendered service with these rule groups instead of its own. */
export function withRuleGroups(service: RenderedService, ruleGroups: readonly RuleGroup[]): RenderedService {
  return { ...service, ruleGroups };
}

export const group = (name: string, rules: RuleGroup['rules'], interval = '1m'): RuleGroup => ({ name, interval, rules });
export const alertRule = (alert: string, expr: string, extra: { for?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = {}) => ({
  alert, expr, for: extra.for ?? '5m', labels: extra.labels ?? {}, annotations: extra.annotations ?? {},
});

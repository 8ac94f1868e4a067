/**
 * The package's root entry (`observability-as-code`): the model (services, workloads, dependencies, metric
 * catalogs, units, severities, alerts and their signals, platform), `defineService`, `defineSlo`, OpenSLO
 * import/export, PromQL helpers for writing packs, and the synth API (`runSynth`, `synthesize`).
 * Alert packs, dashboard templates, cdk8s constructs and test helpers are entries of their own
 * (`/alerts`, `/dashboards`, `/k8s`, `/testing`), so a consumer loads only what it uses.
 */
export * from './core/index.js';
export * from './slo/index.js';
export * from './openslo/index.js';
export * from './promql/index.js';
export { runSynth, type SynthOptions } from './synth/cli.js';
export { synthesize, type Synthesis } from './synth/synthesize.js';
export { serviceArtifacts, RULE_FILE, RULE_TEST_FILE, type ServiceArtifacts } from './synth/service-artifacts.js';
export type { PromtoolMode } from './checks/promtool-rules.js';

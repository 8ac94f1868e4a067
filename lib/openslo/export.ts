import type { Service } from '../core/service.js';
import type { Slo } from '../core/slo.js';
import { roundFloat, type Duration } from '../core/units.js';
import { toYaml } from '../render/yaml.js';

/** OpenSLO v1 limits (https://github.com/OpenSLO/OpenSLO#slo): object names are DNS labels, descriptions short. */
export const OPENSLO_MAX_NAME_LENGTH = 63;
export const OPENSLO_MAX_DESCRIPTION_LENGTH = 1050;

/** One side of a ratio SLI: a Prometheus counter selector, inline. */
export interface OpenSloMetric {
  readonly metricSource: { readonly type: 'Prometheus'; readonly spec: { readonly query: string } };
}

/** The OpenSLO v1 `SLO` document this project writes (and `fromOpenSlo` reads back). */
export interface OpenSloDocument {
  readonly apiVersion: 'openslo/v1';
  readonly kind: 'SLO';
  readonly metadata: { readonly name: string; readonly displayName: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly description: string;
    readonly service: string;
    readonly indicator: {
      readonly metadata: { readonly name: string; readonly displayName: string };
      readonly spec: {
        readonly ratioMetric: { readonly counter: true; readonly good?: OpenSloMetric; readonly bad?: OpenSloMetric; readonly total: OpenSloMetric };
      };
    };
    readonly timeWindow: readonly [{ readonly duration: string; readonly isRolling: true }];
    readonly budgetingMethod: 'Occurrences';
    readonly objectives: readonly [{ readonly displayName: string; readonly target: number }];
  };
}

export interface OpenSloExportOptions {
  /** @default `<service title> <slo name>`, e.g. `Harvey Backend availability` */
  readonly displayName?: string;
}

/** A file of the service's output directory: `openslo/<slo>.yaml`, relative to `dist/<service>/`. */
export interface OpenSloFile {
  readonly file: string;
  readonly content: string;
}

/**
 * The SLO as an OpenSLO v1 `SLO` document, so SLO tools (Nobl9, Sloth, OpenSLO validators, catalogues) read
 * the same objective the rules here enforce. `metadata.name` is `<service>-<slo>`; the SLI is inline, as a
 * ratio of Prometheus counters (`counter: true`): the SLI's `good` or `bad` selector and its `total`.
 *
 * Availability and latency SLIs are written as that ratio too, since OpenSLO has no such kinds: read back,
 * they become `kind: 'ratio'` SLIs with the same selectors (and the same rules). Burn-rate tier changes
 * (`SloSpec.burnRates`) are not part of the document: OpenSLO alert policies are not written.
 *
 * Values OpenSLO cannot hold (a name over 63 characters, a description over 1050) are reported to
 * `service.issues`, naming the field, value and limit; synth then refuses to write.
 */
export function toOpenSlo(service: Service, slo: Slo, options: OpenSloExportOptions = {}): OpenSloDocument {
  const name = `${service.name}-${slo.name}`;
  service.issues.check(name.length <= OPENSLO_MAX_NAME_LENGTH, `slos.${slo.name}.name`, slo.name,
    `at most ${OPENSLO_MAX_NAME_LENGTH - service.name.length - 1} characters, so that the OpenSLO name '<service>-<slo>' ` +
    `has at most ${OPENSLO_MAX_NAME_LENGTH}`);
  service.issues.check(slo.description.length <= OPENSLO_MAX_DESCRIPTION_LENGTH, `slos.${slo.name}.description`, slo.description,
    `at most ${OPENSLO_MAX_DESCRIPTION_LENGTH} characters (the OpenSLO v1 limit)`);

  const displayName = options.displayName ?? `${service.title} ${slo.name}`;
  const query = (selector: string): OpenSloMetric => ({ metricSource: { type: 'Prometheus', spec: { query: selector } } });
  const duration = days(slo.period);
  // Rounded: a ratio parsed from a percentage carries float noise (99.9 / 100 = 0.9990000000000001).
  const target = roundFloat(slo.objective.value);
  return {
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name, displayName, ...(Object.keys(slo.labels).length > 0 && { labels: sortedLabels(slo.labels) }) },
    spec: {
      description: slo.description,
      service: service.name,
      indicator: {
        // The same name as the SLO: the SLI is inline and belongs to it alone.
        metadata: { name, displayName: `${displayName} SLI` },
        spec: {
          ratioMetric: {
            counter: true,
            ...(slo.sli.good !== undefined && { good: query(slo.sli.good) }),
            ...(slo.sli.bad !== undefined && { bad: query(slo.sli.bad) }),
            total: query(slo.sli.total),
          },
        },
      },
      timeWindow: [{ duration, isRolling: true }],
      budgetingMethod: 'Occurrences',
      objectives: [{ displayName: `${roundFloat(target * 100)}% of events good over ${duration}`, target }],
    },
  };
}

/**
 * One YAML file per SLO, `openslo/<slo>.yaml` (relative to `dist/<service>/`), in the order given.
 * Same input, same bytes.
 */
export function openSloFiles(service: Service, slos: readonly Slo[]): OpenSloFile[] {
  return slos.map((slo) => ({ file: `openslo/${slo.name}.yaml`, content: toYaml(toOpenSlo(service, slo)) }));
}

/** All the service's SLOs as one multi-document YAML stream (`---` between documents). */
export function openSloDocumentsYaml(service: Service, slos: readonly Slo[]): string {
  return slos.map((slo) => toYaml(toOpenSlo(service, slo))).join('---\n');
}

/** OpenSLO duration shorthand in days, as SLO periods are written: `30d`, `28d`, `7d`. */
function days(period: Duration): string {
  const count = period.seconds / 86400;
  return Number.isInteger(count) ? `${count}d` : `${Math.round(period.seconds / 60)}m`;
}

function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  // Code-point order, not localeCompare: the bytes must not depend on the machine's locale.
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

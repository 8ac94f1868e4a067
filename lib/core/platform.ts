/**
 * Cluster-wide facts shared by every service: where Prometheus, Grafana and the ingress controller run,
 * which labels their selectors expect, and where runbooks are published. Set once per platform repo.
 */
export interface PodPeer {
  /** Namespace of the peer pods (matched by `kubernetes.io/metadata.name`). */
  readonly namespace: string;
  /** Labels that select the peer pods inside that namespace. */
  readonly podLabels: Readonly<Record<string, string>>;
}

export interface PlatformConfig {
  /** Base URL under which `dist/` is browsable; runbook links are `<base>/<service>/RUNBOOK.md#<alert>`. */
  readonly runbookBaseUrl: string;
  /** Base URL of Grafana, for dashboard links in runbooks and alerts. */
  readonly grafanaUrl: string;
  /** The Prometheus pods (NetworkPolicy ingress for scraping). */
  readonly prometheus: PodPeer;
  /**
   * Labels the Prometheus operator's `ruleSelector` / `serviceMonitorSelector` expect, e.g.
   * kube-prometheus-stack's `release: <helm release>`. Configurable, never hard-coded.
   */
  readonly prometheusSelectorLabels: Readonly<Record<string, string>>;
  /** The ingress controller pods (NetworkPolicy ingress for user traffic). */
  readonly ingressController: PodPeer;
  /** Cluster DNS pods; DNS egress is allowed to these only, on UDP and TCP 53. */
  readonly dns: PodPeer;
  /** Where dashboard ConfigMaps go and the label the Grafana sidecar watches. */
  readonly grafana: {
    readonly dashboardNamespace: string;
    readonly sidecarLabel: Readonly<Record<string, string>>;
    /** Folder shown in Grafana (kube-prometheus-stack sidecar `folderAnnotation`). */
    readonly folderAnnotation: string;
  };
  /** Rule evaluation interval used by rule groups and promtool tests. */
  readonly evaluationInterval: string;
  /**
   * Also write each service's PrometheusRule as a Helm chart template (`helm/templates/prometheusrule.yaml`),
   * its Prometheus `{{ }}` templates escaped so Helm renders them unchanged. For teams whose chart ships
   * the rules. @default false
   */
  readonly helmPrometheusRuleTemplate?: boolean;
  /**
   * Where the generated Alertmanager configuration (`alertmanager/alertmanager.yaml`) sends notifications:
   * one webhook receiver per team and kind (`page`, `ticket`, `info`). Without it, every URL is a
   * placeholder under the reserved `.invalid` domain, which delivers nothing. Keep secrets out: point the
   * URLs at a relay, or fill them in at deploy time.
   */
  readonly alertmanager?: {
    /** URL of every receiver; `{team}` and `{kind}` are replaced. @default 'https://alert-receiver.invalid/{team}/{kind}' */
    readonly webhookUrl?: string;
    /** Per team and kind, overriding `webhookUrl`. */
    readonly receivers?: Readonly<Record<string, Partial<Record<'page' | 'ticket' | 'info', string>>>>;
  };
  /**
   * Accept DEFAULT_PLATFORM's placeholder URLs (`example.com`, `example-org`) in `runbookBaseUrl` and
   * `grafanaUrl`; without it synth refuses them, naming the field to set. For demos and tests. @default false
   */
  readonly allowPlaceholders?: boolean;
}

/** kube-prometheus-stack and ingress-nginx with their chart defaults. */
export const DEFAULT_PLATFORM: PlatformConfig = {
  runbookBaseUrl: 'https://github.com/example-org/observability/blob/main/dist',
  grafanaUrl: 'https://grafana.example.com',
  prometheus: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  prometheusSelectorLabels: { release: 'kube-prometheus-stack' },
  ingressController: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
  grafana: { dashboardNamespace: 'monitoring', sidecarLabel: { grafana_dashboard: '1' }, folderAnnotation: 'grafana_folder' },
  evaluationInterval: '1m',
};

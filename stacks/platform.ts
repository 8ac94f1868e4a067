import { DEFAULT_PLATFORM, type PlatformConfig } from '../lib/core/index.js';

/** This organisation's cluster: kube-prometheus-stack released as `kube-prometheus-stack`, ingress-nginx. */
export const platform: PlatformConfig = {
  ...DEFAULT_PLATFORM,
  runbookBaseUrl: 'https://github.com/harvey-platform/observability/blob/main/dist',
  grafanaUrl: 'https://grafana.harvey-platform.internal',
};

import { DEFAULT_PLATFORM, type PlatformConfig, type ServiceStack } from 'observability-as-code';
import { paymentsApi } from './payments-api.js';

// The entry `oac` loads (package.json "oac.entry"): every service, and the cluster they run on.
export const stacks: readonly ServiceStack[] = [paymentsApi];

export const platform: PlatformConfig = {
  ...DEFAULT_PLATFORM,
  runbookBaseUrl: 'https://github.com/acme/platform/blob/main/dist',
  grafanaUrl: 'https://grafana.acme.dev',
};

import { DEFAULT_PLATFORM, type PlatformConfig, type ServiceStack } from 'observability-as-code';
import { paymentsApi } from './payments-api.js';

/** The entry `oac` loads (stacks/index.ts by default): every stack and the platform they run on. */
export const stacks: readonly ServiceStack[] = [paymentsApi];

export const platform: PlatformConfig = {
  ...DEFAULT_PLATFORM,
  runbookBaseUrl: 'https://git.acme.dev/platform/observability/blob/main/dist',
  grafanaUrl: 'https://grafana.acme.dev',
};

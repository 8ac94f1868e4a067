/** Every entry of the package's `exports` (besides `./package.json`), as a consumer imports it. */
export const PACKAGE_ENTRIES = [
  'observability-as-code',
  'observability-as-code/alerts',
  'observability-as-code/dashboards',
  'observability-as-code/k8s',
  'observability-as-code/testing',
  'observability-as-code/instrument',
] as const;

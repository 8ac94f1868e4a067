import type { ValidationIssue } from './issues.js';
import type { PlatformConfig } from './platform.js';

/** What issues about the platform are filed under (they belong to no service). */
export const PLATFORM_ISSUE_OWNER = 'platform';

const FIELDS = {
  runbookBaseUrl: 'the URL under which your output folder is browsable, e.g. https://github.com/<org>/<repo>/blob/main/dist',
  grafanaUrl: "your Grafana's base URL, e.g. https://grafana.<your-domain>",
} as const satisfies Partial<Record<keyof PlatformConfig, string>>;

/**
 * URLs still holding DEFAULT_PLATFORM's placeholders (`example.com` and its subdomains, the `example-org`
 * organisation): every runbook_url and dashboard link would point nowhere. Each is an issue naming the
 * field to set, unless the platform says `allowPlaceholders: true` (demos, tests).
 */
export function placeholderIssues(platform: PlatformConfig): ValidationIssue[] {
  if (platform.allowPlaceholders === true) return [];
  const issues: ValidationIssue[] = [];
  for (const [field, what] of Object.entries(FIELDS) as [keyof typeof FIELDS, string][]) {
    const value = platform[field];
    if (typeof value === 'string' && isPlaceholderUrl(value)) {
      issues.push({ service: PLATFORM_ISSUE_OWNER, field, value, allowed: `${what} (a placeholder of DEFAULT_PLATFORM; set platform.${field}, or allowPlaceholders: true to keep it)` });
    }
  }
  return issues;
}

export function isPlaceholderUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false; // not a URL at all: the platform validation reports that
  }
  const host = parsed.hostname.toLowerCase();
  const exampleHost = /(^|\.)example\.(com|org|net)$/.test(host);
  return exampleHost || parsed.pathname.split('/').includes('example-org');
}

/**
 * GitHub's heading anchor for a runbook section: lower-case, punctuation dropped, spaces to dashes.
 * Alert names are PascalCase, so `## HarveyHighLatency` is reached at `#harveyhighlatency`.
 */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

export function runbookUrl(runbookBaseUrl: string, service: string, alertName: string): string {
  return `${runbookBaseUrl.replace(/\/+$/, '')}/${service}/RUNBOOK.md#${headingAnchor(alertName)}`;
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM } from '../../../../lib/core/index.js';
import { headingAnchor, runbookUrl } from '../../../../lib/render/runbook/anchor.js';
import { renderRunbook } from '../../../../lib/render/runbook/runbook.js';
import { shopStack } from '../../synth/fixture.js';

describe('renderRunbook', () => {
  const markdown = renderRunbook(shopStack(), DEFAULT_PLATFORM);

  it('has one section per alert, under the heading its runbook_url points at', () => {
    expect(markdown).toContain('\n## ShopHighErrorRate\n');
    expect(runbookUrl('https://x.test/dist/', 'shop-api', 'ShopHighErrorRate')).toBe('https://x.test/dist/shop-api/RUNBOOK.md#shophigherrorrate');
    expect(headingAnchor('ShopHighErrorRate')).toBe('shophigherrorrate');
  });

  it('states the threshold and for from the alert spec, and the PromQL to run', () => {
    expect(markdown).toContain('**Severity:** critical (SEV-1) · **Fires when:** 5xx ratio > 5% for 5m');
    expect(markdown).toContain('(sum(rate(http_requests_total{job="api",status=~"5.."}[5m])) or 0 * sum(rate(http_requests_total{job="api"}[5m])))'
      + ' / sum(rate(http_requests_total{job="api"}[5m])) > 0.05');
  });

  it('fills every subsection of every alert', () => {
    const sections = markdown.split('\n## ').slice(2);
    for (const section of sections) {
      for (const part of section.split('\n### ').slice(1)) {
        const body = part.split('\n').slice(1).join('\n').trim();
        expect(body, `empty subsection "${part.split('\n')[0]}"`).not.toBe('');
      }
    }
  });

  it('renders each procedure no alert starts as its own section, linked under the alert table', () => {
    const stack = {
      ...shopStack(),
      procedures: [{ title: 'SEV-1: wrong prices reach customers', when: 'A customer reports a wrong price.', steps: ['Freeze the catalog: `kubectl scale deployment/importer --replicas=0`.', 'Keep the import logs.'] }],
    };
    const text = renderRunbook(stack, DEFAULT_PLATFORM);
    expect(text).toContain('## Procedures\n\nStarted by a report or a request, not by an alert:\n\n- [SEV-1: wrong prices reach customers](#sev-1-wrong-prices-reach-customers)\n');
    expect(text).toContain('\n## SEV-1: wrong prices reach customers\n\n**When:** A customer reports a wrong price.\n\n' +
      '1. Freeze the catalog: `kubectl scale deployment/importer --replicas=0`.\n2. Keep the import logs.\n');
    expect(text.indexOf('## SEV-1: wrong prices')).toBeGreaterThan(text.indexOf('## ShopHighErrorRate'));
  });

  it('has no Procedures section for a stack without procedures', () => {
    expect(markdown).not.toContain('## Procedures');
  });
});

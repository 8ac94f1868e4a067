import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PLATFORM } from '../../lib/core/index.js';
import { manifestProblems } from '../../lib/k8s/validate-manifest.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { checkRules } from '../../lib/testing/promtool.js';
import { generatedStack } from './generated-stack.js';

/**
 * Property test: random VALID service definitions (fixed seeds, so every run is the same) pass every
 * synth check, their rules pass the real `promtool check rules`, and their manifests and Helm values
 * pass their schemas. (Running the generated threshold tests too would take seconds per service.)
 */
const SEED = 20240611;
const CASES = Array.from({ length: 20 }, (_, i) => ({ index: i + 1, seed: SEED + i * 7919 }));

describe('generated valid services', () => {
  it.each(CASES)('generated service #$index (seed $seed) synthesizes cleanly and passes promtool and the schemas', async ({ index, seed }) => {
    const stack = generatedStack(index, seed);
    const { files, issues } = synthesize([stack], DEFAULT_PLATFORM);
    expect(issues).toEqual([]);
    const name = stack.service.name;
    const file = (path: string) => files.get(`${name}/${path}`)!;

    const check = await checkRules({ 'prometheus-rules.yaml': file('prometheus-rules.yaml') }, 'prometheus-rules.yaml');
    expect(check.output).toContain('SUCCESS');
    expect(check.ok).toBe(true);

    const manifests = [...files.keys()].filter((p) => p.startsWith(`${name}/k8s/`));
    expect(manifests.length).toBeGreaterThan(3);
    for (const path of manifests) expect(manifestProblems(parse(files.get(path)!)), path).toEqual([]);

    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(files.get('_shared/helm/values.schema.json')!));
    for (const workload of stack.service.workloads) {
      expect(validate(parse(file(`helm/${workload.name}.values.yaml`))), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { isImageRepository, isImageTag, isLabelKey, isLabelValue } from '../../../lib/core/kubernetes-syntax.js';

describe('Kubernetes and registry syntax', () => {
  it('accepts label keys with a DNS prefix and refuses spaces, empty names and bad prefixes', () => {
    expect(['app', 'app.kubernetes.io/name', 'k8s-app', 'a_b.c']).toEqual(['app', 'app.kubernetes.io/name', 'k8s-app', 'a_b.c'].filter(isLabelKey));
    expect(['app name', 'app.kubernetes.io/', '/name', 'Example.COM/name', '_x', 'x'.repeat(64)].filter(isLabelKey)).toEqual([]);
  });

  it('accepts empty and 63-character label values and refuses quotes, braces and 64 characters', () => {
    expect(['', 'postgresql', 'v1.2_3-x', 'p'.repeat(63)].every(isLabelValue)).toBe(true);
    expect(['postgresql"}', 'Data Stores', '-x', 'p'.repeat(64)].filter(isLabelValue)).toEqual([]);
  });

  it('accepts registry hosts in any case but only lower-case paths, as Docker reads a reference', () => {
    expect(['ghcr.io/example-org/shop-api', 'GHCR.io/example-org/a', 'localhost:5000/a__b', 'nginx', 'library/nginx'].every(isImageRepository)).toBe(true);
    expect(['ghcr.io/Example-Org/shop-api', 'Example-Org/shop', 'ghcr.io/a:v1', 'https://ghcr.io/a', 'a//b', 'a-'].filter(isImageRepository)).toEqual([]);
  });

  it('accepts tags of up to 128 characters not starting with . or -', () => {
    expect(['v1.4.0', 'latest', '_x', 'a'.repeat(128)].every(isImageTag)).toBe(true);
    expect(['-rc1', '.x', 'v1@sha256:ab', 'a'.repeat(129), ''].filter(isImageTag)).toEqual([]);
  });
});

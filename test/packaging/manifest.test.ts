// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PackageManifest } from './builtPackage';

const manifest = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as PackageManifest & { module?: string; devDependencies?: Record<string, string> };

/** The major versions a `^a.b.c || ^x.y.z` range admits. */
const majorsOf = (range: string | undefined) =>
  (range ?? '').split('||').map((part) => Number(/^\s*\^(\d+)\.\d+\.\d+\s*$/.exec(part)?.[1]));

const root = manifest.exports['.'] as Record<string, Record<string, string>>;

describe('package.json', () => {
  it('declares only stylesheets as having side effects', () => {
    const { sideEffects } = manifest;
    expect(Array.isArray(sideEffects)).toBe(true);
    expect((sideEffects as string[]).length).toBeGreaterThan(0);
    for (const pattern of sideEffects as string[]) expect(pattern).toMatch(/\.css$/);
  });

  it('requires a Node that can require() the ESM-only jose from the CJS build', () => {
    expect(manifest.engines?.node).toBe('>=20.19');
  });

  it('takes React and React DOM 18 or 19, and TanStack Query 5, from the app', () => {
    expect(majorsOf(manifest.peerDependencies?.react)).toEqual([18, 19]);
    expect(majorsOf(manifest.peerDependencies?.['react-dom'])).toEqual([18, 19]);
    expect(majorsOf(manifest.peerDependencies?.['@tanstack/react-query'])).toEqual([5]);
    for (const peer of ['react', 'react-dom', '@tanstack/react-query']) {
      expect(manifest.dependencies?.[peer], peer).toBeUndefined();
    }
  });

  it('ships jose as a dependency', () => {
    expect(majorsOf(manifest.dependencies?.jose)).toEqual([6]);
  });

  it('publishes the build and points the legacy fields at the root entry', () => {
    expect(manifest.files).toContain('dist');
    expect(manifest.main).toBe(root.require?.default);
    expect(manifest.module).toBe(root.import?.default);
    expect(manifest.types).toBe(root.import?.types);
  });
});

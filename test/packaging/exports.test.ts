// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, moduleGraph, specifiersOf } from './builtPackage';
import type { BuiltPackage } from './builtPackage';

// What each JavaScript entry must offer (a sample of its public API, per DESIGN.md).
const jsEntries: Record<string, string[]> = {
  '.': [
    'SessionProvider',
    'useSession',
    'ActiveSessionsTable',
    'createSessionClient',
    'isSessionError',
  ],
  './client': ['createSessionClient', 'SessionError', 'isSessionError'],
  './server': ['createSessionServer', 'toNodeListener', 'verifyAccessToken', 'VerifierError'],
  './testing': ['createTestSession'],
};
const reactSpecifier = /^(react|react-dom|@tanstack\/react-query)(\/|$)/;
const useClient = '"use client";';

let pkg: BuiltPackage;
beforeAll(async () => {
  pkg = await buildPackage();
}, 60_000);
afterAll(() => pkg?.remove());

const specifierOf = (subpath: string) => `react-dpop-session${subpath.slice(1)}`;

describe('package exports', () => {
  it('offers exactly the documented entry points', () => {
    expect(Object.keys(pkg.manifest.exports).sort()).toEqual(
      ['.', './client', './server', './testing', './styles.css', './package.json'].sort(),
    );
  });

  it('lists types first in every condition', () => {
    for (const [subpath, target] of Object.entries(pkg.manifest.exports)) {
      if (typeof target === 'string') continue;
      for (const condition of ['import', 'require']) {
        expect(Object.keys(target[condition] ?? {}), `${subpath} ${condition}`).toEqual([
          'types',
          'default',
        ]);
      }
    }
  });

  it('resolves every JavaScript entry with import()', async () => {
    const found = await pkg.runInNode<Record<string, string[]>>(`
      const found = {};
      for (const specifier of ${JSON.stringify(Object.keys(jsEntries).map(specifierOf))}) {
        found[specifier] = Object.keys(await import(specifier));
      }
      console.log(JSON.stringify(found));
    `);
    for (const [subpath, names] of Object.entries(jsEntries)) {
      expect(found[specifierOf(subpath)], subpath).toEqual(expect.arrayContaining(names));
    }
  });

  it('resolves every JavaScript entry with require()', async () => {
    const found = await pkg.runInNode<Record<string, string[]>>(`
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const found = {};
      for (const specifier of ${JSON.stringify(Object.keys(jsEntries).map(specifierOf))}) {
        found[specifier] = Object.keys(require(specifier));
      }
      console.log(JSON.stringify(found));
    `);
    for (const [subpath, names] of Object.entries(jsEntries)) {
      expect(found[specifierOf(subpath)], subpath).toEqual(expect.arrayContaining(names));
    }
  });

  it('re-exports everything the client entry offers from the React entry', async () => {
    const found = await pkg.runInNode<{ root: string[]; client: string[] }>(`
      const root = Object.keys(await import('react-dpop-session'));
      const client = Object.keys(await import('react-dpop-session/client'));
      console.log(JSON.stringify({ root, client }));
    `);
    expect(found.client.length).toBeGreaterThan(0);
    expect(found.root).toEqual(expect.arrayContaining(found.client));
  });

  it('loads the ESM build for import and the CJS build for require', async () => {
    const files = await pkg.runInNode<{ esm: string[]; cjs: string[] }>(`
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const specifiers = ${JSON.stringify(Object.keys(jsEntries).map(specifierOf))};
      const base = (path) => path.slice(path.lastIndexOf('/') + 1);
      console.log(JSON.stringify({
        esm: specifiers.map((s) => base(import.meta.resolve(s))),
        cjs: specifiers.map((s) => base(require.resolve(s))),
      }));
    `);
    expect(files).toEqual({
      esm: ['index.js', 'client.js', 'server.js', 'testing.js'],
      cjs: ['index.cjs', 'client.cjs', 'server.cjs', 'testing.cjs'],
    });
  });

  it('resolves the stylesheet and package.json both ways', async () => {
    const found = await pkg.runInNode<Record<string, unknown>>(`
      import { createRequire } from 'node:module';
      import { existsSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      const require = createRequire(import.meta.url);
      const manifest = await import('react-dpop-session/package.json', { with: { type: 'json' } });
      console.log(JSON.stringify({
        cssImport: existsSync(fileURLToPath(import.meta.resolve('react-dpop-session/styles.css'))),
        cssRequire: existsSync(require.resolve('react-dpop-session/styles.css')),
        manifestImport: manifest.default.name,
        manifestRequire: require('react-dpop-session/package.json').name,
      }));
    `);
    expect(found).toEqual({
      cssImport: true,
      cssRequire: true,
      manifestImport: 'react-dpop-session',
      manifestRequire: 'react-dpop-session',
    });
  });
});

describe('"use client" directive', () => {
  it('opens both builds of the React entry', async () => {
    for (const file of ['index.js', 'index.cjs']) {
      expect((await pkg.read(file)).startsWith(useClient), file).toBe(true);
    }
  });

  it('is absent from the client, server and testing entries and from every shared chunk', async () => {
    const others = pkg.files.filter((file) => /\.c?js$/.test(file) && !/^index\.c?js$/.test(file));
    expect(others).toEqual(
      expect.arrayContaining(['client.js', 'client.cjs', 'server.js', 'testing.cjs']),
    );
    for (const file of others) {
      expect(await pkg.read(file), file).not.toMatch(/^\s*['"]use client['"]/m);
    }
  });

  // The directive sits on the entries only; that is enough while no chunk holds React code
  // that a server-side entry (./testing, ./server) could pull in without the boundary.
  it('is not needed by any shared chunk, because none imports React', async () => {
    const chunks = pkg.files.filter((file) => /^chunk-.*\.c?js$/.test(file));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(
        specifiersOf(await pkg.read(chunk)).filter((s) => reactSpecifier.test(s)),
        chunk,
      ).toEqual([]);
    }
  });
});

describe('the client entry', () => {
  it('loads no React, React DOM or TanStack Query in either format', async () => {
    for (const entry of ['client.js', 'client.cjs']) {
      const graph = await moduleGraph(pkg, entry);
      const imported = [...graph.values()].flatMap(specifiersOf);
      expect(
        imported.some((s) => s.startsWith('./chunk-')),
        entry,
      ).toBe(true);
      expect(
        imported.filter((s) => reactSpecifier.test(s)),
        entry,
      ).toEqual([]);
    }
  });

  it('does not load the React entry or the server code', async () => {
    for (const entry of ['client.js', 'client.cjs']) {
      const code = [...(await moduleGraph(pkg, entry)).values()].join('\n');
      expect(code, entry).not.toMatch(
        /\b(createContext|useSyncExternalStore|createSessionServer)\b/,
      );
    }
  });
});

describe('shared chunks', () => {
  it('are never empty', async () => {
    for (const chunk of pkg.files.filter((file) => file.startsWith('chunk-'))) {
      expect((await pkg.read(chunk)).replace(/['"]use strict['"];?/, '').trim(), chunk).not.toBe(
        '',
      );
    }
  });

  // One definition per format means every entry of that format shares one class (and one
  // client module): `instanceof` holds between entries without relying on the brand.
  it.each([
    ['SessionError', /\b(class SessionError|SessionError = class)\b/],
    ['createSessionClient', /\bfunction createSessionClient\b/],
    ['VerifierError', /\b(class VerifierError|VerifierError = class)\b/],
  ])('define %s once per format, in a chunk the entries share', async (_name, definition) => {
    for (const extension of ['.js', '.cjs']) {
      const defining: string[] = [];
      for (const file of pkg.files.filter((f) => f.endsWith(extension))) {
        if (definition.test(await pkg.read(file))) defining.push(file);
      }
      expect(defining, extension).toHaveLength(1);
      expect(defining[0], extension).toMatch(/^chunk-/);
    }
  });
});

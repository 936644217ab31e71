// @vitest-environment node
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from './builtPackage';
import type { BuiltPackage } from './builtPackage';

// Browser globals (and globals an app may patch after import, such as fetch) that no
// module of the package may read while it is being imported: server rendering and
// Node backends import the package where they are missing.
const watched = [
  'window',
  'self',
  'document',
  'navigator',
  'location',
  'history',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'BroadcastChannel',
  'fetch',
  'addEventListener',
  'matchMedia',
  'requestAnimationFrame',
];
const entries = ['', '/client', '/server', '/testing'].map((s) => `react-dpop-session${s}`);

interface Report {
  /** Reads of a watched global whose caller is a file of the built package. */
  reads: { name: string; file: string }[];
  loaded: { esm: number; cjs: number };
  missing: string[];
}

/**
 * The bundled module a `file:line` of the built package belongs to: esbuild heads each one
 * with a `// node_modules/<name>/…` or `// src/…` comment.
 */
async function moduleOf(distDir: string, where: string): Promise<string> {
  const [, file, line] = /^([^:]+):(\d+)/.exec(where) ?? [];
  if (!file || !line) return '';
  const lines = (await readFile(join(distDir, file), 'utf8')).split('\n');
  for (let i = Number(line) - 1; i >= 0; i--) {
    const head = /^\/\/ (?:node_modules\/((?:@[^/]+\/)?[^/]+)|src)\//.exec(lines[i] ?? '');
    if (head) return head[1] ?? 'src';
  }
  return '';
}

let pkg: BuiltPackage;
beforeAll(async () => {
  pkg = await buildPackage();
  // A module of the package that does read a global at import, proving the watch works.
  await writeFile(join(pkg.distDir, 'canary.js'), 'export const seen = typeof indexedDB;\n');
}, 60_000);
afterAll(() => pkg?.remove());

describe('importing the built package in plain Node', () => {
  it('succeeds for every entry in both formats without reading a browser global', async () => {
    const report = await pkg.runInNode<Report>(`
      import { createRequire } from 'node:module';
      import { fileURLToPath, pathToFileURL } from 'node:url';
      const distDir = ${JSON.stringify(pkg.distDir)};
      const distUrl = pathToFileURL(distDir).href;
      const reads = [];
      for (const name of ${JSON.stringify(watched)}) {
        const own = Object.getOwnPropertyDescriptor(globalThis, name);
        const read = own && 'value' in own ? () => own.value : own?.get ?? (() => undefined);
        Object.defineProperty(globalThis, name, {
          configurable: true,
          get() {
            // The frame after this getter is the code that read the global.
            const caller = new Error().stack.split('\\n')[2] ?? '';
            if (caller.includes(distDir) || caller.includes(distUrl)) reads.push({ name, file: caller.trim() });
            return read.call(this);
          },
        });
      }
      const missing = ['window', 'document', 'indexedDB', 'navigator'].filter((n) => globalThis[n] !== undefined);
      await import(distUrl + '/canary.js');
      const require = createRequire(import.meta.url);
      let esm = 0, cjs = 0;
      for (const entry of ${JSON.stringify(entries)}) {
        if (Object.keys(await import(entry)).length > 0) esm++;
        if (Object.keys(require(entry)).length > 0) cjs++;
      }
      console.log(JSON.stringify({
        reads: reads.map(({ name, file }) => ({ name, file: file.slice(file.lastIndexOf('/') + 1) })),
        loaded: { esm, cjs },
        missing,
      }));
    `);
    // No window, document, IndexedDB or navigator in this Node (so no navigator.locks either).
    expect(report.missing).toEqual([]);
    expect(report.loaded).toEqual({ esm: entries.length, cjs: entries.length });
    // The CJS build carries its own copy of jose, which looks at `navigator` (for a
    // User-Agent of its JWKS requests) on the server side only; the kit's code reads nothing.
    const ours: Report['reads'] = [];
    for (const read of report.reads)
      if ((await moduleOf(pkg.distDir, read.file)) !== 'jose') ours.push(read);
    expect(ours).toEqual([{ name: 'indexedDB', file: expect.stringMatching(/^canary\.js:/) }]);
  });

  it('requires no ES-only package from its CJS build (Jest, and Node 22.0–22.11, cannot)', async () => {
    const required = new Set<string>();
    for (const file of await readdir(pkg.distDir))
      if (file.endsWith('.cjs'))
        for (const [, id] of (await readFile(join(pkg.distDir, file), 'utf8')).matchAll(
          /\brequire\((?:"|')([^"']+)(?:"|')\)/g,
        ))
          if (!id!.startsWith('.')) required.add(id!);
    // Each of these has a CommonJS build of its own; jose (ESM only) is bundled instead.
    expect([...required].sort()).toEqual(
      ['@tanstack/react-query', 'bowser', 'react', 'react-dom', 'react/jsx-runtime'].filter((id) =>
        required.has(id),
      ),
    );
    expect(required.has('jose')).toBe(false);
  });
});

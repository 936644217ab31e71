import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

// Files that must start with "use client" so React Server Component frameworks accept the
// React entry. Bundlers (and tsup's rollup tree-shaking pass) drop module-level directives,
// so the directive is added back once every format is written. Only the entry files get it:
// every React hook and component is bundled into the `index` entry itself, and the shared
// chunks hold only React-free client and server code (test/packaging checks both), so
// marking a chunk would wrongly turn `./server` or `./testing` into client modules.
const directive = '"use client";\n';

// `npm run check:packaging` runs `publint --strict` and `attw --pack` on this build, with two
// choices made on purpose:
// - `--profile node16` leaves out TypeScript's `moduleResolution: node10`, which predates
//   package.json "exports" and so cannot see ./client, ./server or ./testing at all; the
//   package needs Node >=20.19, whose users resolve with node16/nodenext or bundler, which
//   all pass.
// - `--exclude-entrypoints ./styles.css`: a stylesheet has no types to check.
// test/packaging builds with this same config and checks the JavaScript side.

// The out dir follows `--out-dir` / `build({ outDir })`, so test/packaging can build into a
// temporary directory without touching dist/.
export default defineConfig((overrides) => {
  const outDir = overrides.outDir ?? 'dist';
  const build = (format: 'esm' | 'cjs') => ({
    entry: {
      index: 'src/index.ts',
      client: 'src/client/index.ts',
      server: 'src/server/index.ts',
      testing: 'src/testing/index.ts',
    },
    format: [format],
    outDir,
    dts: true,
    // Shared chunks keep one copy of each error class, context and client module per module
    // format, whichever entries an app imports. ESM and CJS builds share nothing, which is
    // why errors are also branded with Symbol.for and the React context lives on globalThis.
    splitting: true,
    treeshake: true,
    sourcemap: false,
    // One of the two builds cleans, before either writes.
    clean: format === 'esm',
    target: 'es2022' as const,
    platform: 'neutral' as const,
    external: [
      'react',
      'react-dom',
      'react/jsx-runtime',
      '@tanstack/react-query',
      'bowser',
      /^node:/,
      // jose is ESM only: the CJS build carries its own copy, so `require()` works on every
      // Node 20.19+ and in Jest, which cannot require an ES module.
      ...(format === 'esm' ? ['jose'] : []),
    ],
    ...(format === 'cjs' ? { noExternal: ['jose'] } : {}),
    async onSuccess() {
      const name = format === 'esm' ? 'index.js' : 'index.cjs';
      const file = join(outDir, name);
      const code = await readFile(file, 'utf8');
      if (!code.startsWith(directive)) await writeFile(file, directive + code);
      if (format === 'esm')
        await copyFile(
          'src/components/ActiveSessionsTable/styles.css',
          join(outDir, 'styles.css'),
        );
      // The bundled copy of jose ships with its licence (MIT).
      else await copyFile('node_modules/jose/LICENSE.md', join(outDir, 'jose-LICENSE.md'));
    },
  });
  return [build('esm'), build('cjs')];
});

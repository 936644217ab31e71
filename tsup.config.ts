import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

// Files that must start with "use client" so React Server Component frameworks accept the
// React entry. Bundlers (and tsup's rollup tree-shaking pass) drop module-level directives,
// so the directive is added back once every format is written. Only the entry files get it:
// every React hook and component is bundled into the `index` entry itself, and the shared
// chunks hold only React-free client and server code (test/packaging checks both), so
// marking a chunk would wrongly turn `./server` or `./testing` into client modules.
const clientDirectiveFiles = ['index.js', 'index.cjs'];
const directive = '"use client";\n';

// `npm run check:packaging` runs `publint --strict` and `attw --pack` on this build, with two
// choices made on purpose:
// - `--profile node16` leaves out TypeScript's `moduleResolution: node10`, which predates
//   package.json "exports" and so cannot see ./client, ./server or ./testing at all; the
//   package needs Node >=20.19 (the CJS build require()s the ESM-only jose), whose users
//   resolve with node16/nodenext or bundler, which all pass.
// - `--exclude-entrypoints ./styles.css`: a stylesheet has no types to check.
// test/packaging builds with this same config and checks the JavaScript side.

// The out dir follows `--out-dir` / `build({ outDir })`, so test/packaging can build into a
// temporary directory without touching dist/.
export default defineConfig((overrides) => {
  const outDir = overrides.outDir ?? 'dist';
  return {
    entry: {
      index: 'src/index.ts',
      client: 'src/client/index.ts',
      server: 'src/server/index.ts',
      testing: 'src/testing/index.ts',
    },
    format: ['esm', 'cjs'],
    outDir,
    dts: true,
    // Shared chunks keep one copy of each error class, context and client module per module
    // format, whichever entries an app imports. ESM and CJS builds share nothing, which is
    // why errors are also branded with Symbol.for and the React context lives on globalThis.
    splitting: true,
    treeshake: true,
    sourcemap: false,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    external: [
      'react',
      'react-dom',
      'react/jsx-runtime',
      '@tanstack/react-query',
      'jose',
      'bowser',
      /^node:/,
    ],
    async onSuccess() {
      for (const name of clientDirectiveFiles) {
        const file = join(outDir, name);
        const code = await readFile(file, 'utf8');
        if (!code.startsWith(directive)) await writeFile(file, directive + code);
      }
      await copyFile('src/components/ActiveSessionsTable/styles.css', join(outDir, 'styles.css'));
    },
  };
});

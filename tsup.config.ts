import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// React entries must keep a "use client" directive so React Server Component
// frameworks accept them; bundlers drop module-level directives, so add it back.
const clientDirectiveEntries = ['dist/index.js', 'dist/index.cjs'];

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    client: 'src/client/index.ts',
    server: 'src/server/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // Shared chunks keep one copy of each error class, context and client module
  // per module format, whichever entries an app imports.
  splitting: true,
  treeshake: true,
  sourcemap: false,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query', 'jose', 'bowser', /^node:/],
  async onSuccess() {
    for (const file of clientDirectiveEntries) {
      const code = await readFile(file, 'utf8');
      if (!code.startsWith('"use client"')) await writeFile(file, `"use client";\n${code}`);
    }
    await copyFile('src/components/ActiveSessionsTable/styles.css', 'dist/styles.css');
  },
});

// Bundle size of each public entry as an app would ship it: minified by esbuild,
// peer dependencies external, then gzip level 9.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

/** How an app's bundler ships an entry; bench/competitors.mjs measures the others alike. */
export const bundleOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
};

const entries = [
  {
    name: 'client entry (react-dpop-session/client)',
    entry: 'src/client/index.ts',
    budget: 6 * 1024,
  },
  { name: 'whole kit (react-dpop-session: hooks + table + client)', entry: 'src/index.ts' },
];

export async function measureSizes() {
  const figures = [];
  for (const { name, entry, budget } of entries) {
    const result = await build({
      ...bundleOptions,
      entryPoints: [entry],
      jsx: 'automatic',
      external: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query'],
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    figures.push({
      name: `${name}, min+gzip`,
      value: gzipSync(code, { level: 9 }).length,
      unit: 'bytes',
      budget,
      detail: `${code.length} bytes minified`,
    });
  }
  return figures;
}

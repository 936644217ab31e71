import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The hook and component tests again, on React 18 (React 19 is the main install).
// React 18 is installed by the npm workspace test/react18, where npm nests it, so that
// react-dom 18's own `require('react')` finds its sibling React 18. (An npm alias such as
// `react-dom-18: npm:react-dom@18` at the root would find the root's React 19 instead.)
// Every import of `react` and `react-dom`, subpaths included, is pointed there; the
// libraries that import React are inlined so the alias reaches them too.
// Run: npx vitest run -c vitest.react18.config.ts
const react18 = (name: string) =>
  fileURLToPath(new URL(`./test/react18/node_modules/${name}`, import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^react$/, replacement: react18('react') },
      { find: /^react\/(.*)$/, replacement: `${react18('react')}/$1` },
      { find: /^react-dom$/, replacement: react18('react-dom') },
      { find: /^react-dom\/(.*)$/, replacement: `${react18('react-dom')}/$1` },
      // Its CommonJS build would `require('react-dom')` past the alias; use the ES module build.
      {
        find: /^@testing-library\/react$/,
        replacement: fileURLToPath(
          new URL(
            './node_modules/@testing-library/react/dist/@testing-library/react.esm.js',
            import.meta.url,
          ),
        ),
      },
    ],
  },
  test: {
    name: 'react18',
    environment: 'happy-dom',
    include: ['test/react/**/*.test.{ts,tsx}', 'test/components/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup/dom.ts'],
    env: { EXPECT_REACT_MAJOR: '18' },
    server: {
      deps: { inline: [/@testing-library\/react/, /@tanstack\/react-query/] },
    },
  },
});

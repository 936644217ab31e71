import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { chromiumBrowser } from './test/setup/chromiumBrowser.ts';

// Pre-bundled up front, so a first run on a fresh clone does not discover them mid-run and
// re-optimize (a reload that once left two copies of React on the page).
const browserDeps = [
  'react',
  'react-dom',
  'react-dom/client',
  'react/jsx-dev-runtime',
  'react/jsx-runtime',
  '@tanstack/react-query',
];

// The bench measures what users get: React's production build. Pre-bundled dependencies
// (React, react-dom, scheduler, TanStack) take the optimizer's own define, which otherwise
// follows NODE_ENV ("test" under vitest, so React's dev build); the JSX of the sources must
// then call the production `jsx`, since production React has no `jsxDEV`. Not a top-level
// `define` of `process.env.NODE_ENV`: vitest turns that into a process-wide
// `process.env.NODE_ENV = "production"`, which switches every other project of the same
// run (dom, node) to production React too.
const productionReact = {
  oxc: { jsx: { development: false } },
  optimizeDeps: {
    include: browserDeps,
    rolldownOptions: { transform: { define: { 'process.env.NODE_ENV': '"production"' } } },
  },
};

export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      // Every story as a test in real Chromium, with its play function and an axe check.
      'vitest.storybook.config.ts',
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/server/**/*.test.ts', 'test/protocol/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: [
            'test/client/**/*.test.{ts,tsx}',
            'test/react/**/*.test.{ts,tsx}',
            'test/components/**/*.test.{ts,tsx}',
            'test/testing/**/*.test.{ts,tsx}',
            'test/packaging/**/*.test.ts',
          ],
          setupFiles: ['test/setup/dom.ts'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.{ts,tsx}'] },
        },
      },
      {
        extends: true,
        optimizeDeps: { include: browserDeps },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.{ts,tsx}'],
          fileParallelism: false,
          testTimeout: 30_000,
          browser: chromiumBrowser(),
        },
      },
      {
        // `npm run bench` only: figures are printed, never asserted against time.
        extends: true,
        ...productionReact,
        test: {
          name: 'bench',
          include: ['bench/**/*.bench-browser.{ts,tsx}'],
          fileParallelism: false,
          testTimeout: 120_000,
          browser: chromiumBrowser(),
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchArgs, findChromium } from './scripts/chromium.mjs';

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
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.{ts,tsx}'],
          fileParallelism: false,
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: findChromium() ?? undefined,
                args: chromiumLaunchArgs,
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // `npm run bench` only: figures are printed, never asserted against time.
        extends: true,
        test: {
          name: 'bench',
          include: ['bench/**/*.bench-browser.{ts,tsx}'],
          fileParallelism: false,
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: findChromium() ?? undefined, args: chromiumLaunchArgs },
            }),
            instances: [{ browser: 'chromium' }],
          },
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

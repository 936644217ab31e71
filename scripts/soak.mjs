#!/usr/bin/env node
// `npm run soak`: the reliability soak (issue 7, scenario 15) in real Chromium.
// It is not part of `npm test`: it runs for SOAK_SECONDS (default 600; CI uses
// e.g. SOAK_SECONDS=60) with short token lifetimes and random server faults, then
// checks every invariant and the refresh budget. SOAK_SEED replays a schedule.
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { startVitest } from 'vitest/node';
import { chromiumLaunchArgs } from './chromium.mjs';
import { ensureChromium } from './ensure-chromium.mjs';

const soakSeconds = Number(process.env.SOAK_SECONDS ?? 600);
if (!(soakSeconds >= 20)) {
  console.error('SOAK_SECONDS must be a number of seconds, at least 20.');
  process.exit(1);
}
const soakSeed = Number(process.env.SOAK_SEED ?? 0) || 0;
const executablePath = ensureChromium();

const vitest = await startVitest(
  'test',
  [],
  // Self-contained: vitest.config.ts's projects would pull in every other test.
  { config: false, watch: false },
  {
    plugins: [react()],
    test: {
      include: ['test/soak/**/*.test.ts'],
      provide: { soakSeconds, soakSeed },
      fileParallelism: false,
      testTimeout: (soakSeconds + 120) * 1000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath, args: chromiumLaunchArgs } }),
        instances: [{ browser: 'chromium' }],
      },
    },
  },
);
await vitest?.close();
process.exit(process.exitCode ?? (vitest?.state.getCountOfFailedTests() ? 1 : 0));

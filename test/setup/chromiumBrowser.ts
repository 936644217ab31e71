import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchArgs, findChromium } from '../../scripts/chromium.mjs';

/**
 * Vitest browser mode in the system Chromium (never a downloaded one), headless, with
 * the launch flags this machine needs. Shared by every browser project.
 */
export const chromiumBrowser = () => ({
  enabled: true,
  headless: true,
  screenshotFailures: false,
  provider: playwright({
    launchOptions: { executablePath: findChromium() ?? undefined, args: chromiumLaunchArgs },
  }),
  instances: [{ browser: 'chromium' as const }],
});

// Sign-out propagation between real Chromium tabs (separate renderer processes), as a
// user sees it: the built demo and the reference server over HTTP, one browser context
// (a device) with 6 tabs. Time from the click on "Sign out" in one tab until the DOM of
// each other tab shows signed out. Both ends are stamped inside the pages (Date.now, one
// machine clock), so Playwright's own actionability waits are not counted.
import { chromium } from 'playwright-core';
import { build, runnerImport } from 'vite';
import { chromiumLaunchArgs } from '../scripts/chromium.mjs';

const TABS = 6;
const ROUNDS = 8;

export async function measureSignoutBetweenTabs(executablePath) {
  const { module } = await runnerImport('./examples/demo/server/startDemoServer.ts');
  await build({
    root: module.demoRoot,
    configFile: `${module.demoRoot}/vite.config.ts`,
    logLevel: 'warn',
  });
  const demo = await module.startDemoServer({
    mode: 'static',
    port: 0,
    seed: false,
    server: { rateLimit: false },
  });
  const browser = await chromium.launch({ executablePath, args: chromiumLaunchArgs });
  try {
    const context = await browser.newContext();
    const status = (status) => `.demo-shell[data-status="${status}"]`;
    const tabs = [];
    for (let i = 0; i < TABS; i += 1) {
      const page = await context.newPage();
      await page.goto(demo.url);
      tabs.push(page);
    }
    const samples = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const [first, ...others] = tabs;
      await first.getByRole('button', { name: 'Sign in' }).click();
      // The other tabs learn of the new session from the first one (no reload).
      for (const tab of others) {
        await tab.reload();
        await tab.locator(status('authenticated')).waitFor();
      }
      await first.locator(status('authenticated')).waitFor();
      // Watch every other tab's DOM before the click, so no tab can flip unobserved.
      await Promise.all(
        others.map((tab) =>
          tab.evaluate(() => {
            const shell = document.querySelector('.demo-shell');
            window.__signedOutAt = undefined;
            const observer = new MutationObserver(() => {
              if (shell.getAttribute('data-status') !== 'unauthenticated') return;
              observer.disconnect();
              window.__signedOutAt = Date.now();
            });
            observer.observe(shell, { attributes: true, attributeFilter: ['data-status'] });
          }),
        ),
      );
      const clickedAt = await first.evaluate(() => {
        const button = [...document.querySelectorAll('.demo-header button')].find(
          (b) => b.textContent?.trim() === 'Sign out',
        );
        if (!button) throw new Error('No "Sign out" button in the header');
        const at = Date.now();
        button.click();
        return at;
      });
      const signedOutAt = await Promise.all(
        others.map(async (tab) => {
          await tab.waitForFunction(() => window.__signedOutAt !== undefined, undefined, {
            timeout: 10_000,
          });
          return tab.evaluate(() => window.__signedOutAt);
        }),
      );
      samples.push(Math.max(...signedOutAt) - clickedAt);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    return [
      {
        name: `sign-out propagation between ${TABS} real tabs (click to the other ${TABS - 1} signed out)`,
        value: median,
        unit: 'ms',
        budget: 1000,
        detail: `median of ${ROUNDS} (max ${samples.at(-1)} ms); the built demo over HTTP; Date.now() resolution (1 ms)`,
      },
    ];
  } finally {
    await browser.close();
    await demo.close();
  }
}

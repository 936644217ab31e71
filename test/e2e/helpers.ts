import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumLaunchArgs, findChromium } from '../../scripts/chromium.mjs';
import { startDemoServer, type DemoServer } from '../../examples/demo/server/startDemoServer';
import type { SessionServerOptions } from '../../src/server';

export const DEMO_USER = { identifier: 'demo@example.com', password: 'demo' };

/** Launches the system Chromium; never a downloaded one. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      'No Chromium found: run `npm test`, which installs or explains how to get one.',
    );
  return chromium.launch({ executablePath, args: chromiumLaunchArgs, headless: true });
}

/** The built demo on a free port, rate limits off. */
export function startDemo(server: Partial<SessionServerOptions> = {}): Promise<DemoServer> {
  return startDemoServer({ mode: 'static', port: 0, server: { rateLimit: false, ...server } });
}

/** Counts requests to one session API path, at the server. */
export function countRequests(demo: DemoServer, path: string) {
  let count = 0;
  const stop = demo.backend.server.onRequest((entry) => {
    if (entry.path.endsWith(path)) count += 1;
  });
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
    stop,
  };
}

/** A browser context is a device; each page in it is a tab. */
export async function newDevice(browser: Browser, userAgent?: string): Promise<BrowserContext> {
  return browser.newContext(userAgent ? { userAgent } : {});
}

export async function openTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(url);
  return page;
}

export async function signIn(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in to Acme Notes' }).waitFor();
  await page.getByLabel('Email').fill(DEMO_USER.identifier);
  await page.getByLabel('Password').fill(DEMO_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectSignedIn(page);
}

export async function expectSignedIn(page: Page): Promise<void> {
  await page.locator('.demo-shell[data-status="authenticated"]').waitFor();
}

export async function expectSignedOut(page: Page): Promise<void> {
  await page.locator('.demo-shell[data-status="unauthenticated"]').waitFor();
}

/** Fires `count` protected API calls at once from a tab, through the session client's fetch. */
export function fireProtectedCalls(page: Page, count: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const client = (window as unknown as { sessionClient: { fetch: typeof fetch } }).sessionClient;
    const responses = await Promise.all(
      Array.from({ length: n }, () => client.fetch('/api/whoami')),
    );
    return responses.map((response) => response.status);
  }, count);
}

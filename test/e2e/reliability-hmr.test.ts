import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDemoServer, type DemoServer } from '../../examples/demo/server/startDemoServer';
import type { SessionClient } from '../../src/client';
import {
  countRequests,
  expectSignedIn,
  launchChromium,
  newDevice,
  openTab,
  signIn,
} from './helpers';

// Scenario 10, hot reload half: the only test that runs against the Vite dev server.
const PROVIDER = resolve(import.meta.dirname, '../../src/react/SessionProvider.tsx');
const LOCK = 'react-dpop-session:default';

let browser: Browser;
let demo: DemoServer | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  await demo?.close();
  demo = undefined;
});
afterAll(async () => {
  await browser?.close();
});

/** The session locks this page holds or waits for. */
const locks = (page: Page) =>
  page.evaluate(async (name) => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return {
      presence: held.filter((l) => l.name === name + ':presence').length,
      refresh: [...held, ...pending].filter((l) => l.name === name).length,
    };
  }, LOCK);

/** Makes Vite send the provider module as an HMR update, as saving the file would. */
async function hotReloadProvider(server: DemoServer, page: Page, updates: string[]) {
  const before = updates.length;
  const modules = server.vite!.moduleGraph.getModulesByFile(PROVIDER);
  expect(modules?.size, 'the page never loaded the provider module').toBeGreaterThan(0);
  for (const mod of modules!) await server.vite!.reloadModule(mod);
  await vi.waitFor(() => expect(updates.length).toBeGreaterThan(before), { timeout: 20_000 });
  await expectSignedIn(page);
}

describe('hot reload of the provider (Vite dev server)', () => {
  it('keeps the session with no orphaned lock and no duplicate refresh', async () => {
    demo = await startDemoServer({
      mode: 'dev',
      port: 0,
      seed: false,
      server: { rateLimit: false },
    });
    context = await newDevice(browser);
    const page = await openTab(context, demo.url);
    const updates: string[] = [];
    page.on('console', (m) => {
      if (/hot updated: .*SessionProvider/.test(m.text())) updates.push(m.text());
    });
    await signIn(page);
    // Let the dev server finish optimizing dependencies (it may reload the page once).
    await page.waitForLoadState('networkidle');
    await expectSignedIn(page);
    await page.evaluate(() => ((window as unknown as { hmrMarker: number }).hmrMarker = 1));
    const refreshes = countRequests(demo, '/refresh');

    for (let round = 0; round < 3; round++) await hotReloadProvider(demo, page, updates);

    // An update, not a full reload: the page kept its state.
    expect(await page.evaluate(() => (window as unknown as { hmrMarker?: number }).hmrMarker)).toBe(
      1,
    );
    expect(await locks(page)).toEqual({ presence: 1, refresh: 0 });
    expect(refreshes.count).toBe(0);

    // The refresh lock is free: a forced refresh goes through once.
    const status = await page.evaluate(async () => {
      const client = (window as unknown as { sessionClient: SessionClient }).sessionClient;
      client.invalidateCache();
      await Promise.all([client.refresh(), client.getAccessToken(), client.refresh()]);
      return client.getSnapshot().status;
    });
    expect(status).toBe('authenticated');
    expect(refreshes.count).toBe(1);
    expect(await locks(page)).toEqual({ presence: 1, refresh: 0 });

    // A hot reload while a slow refresh holds the lock: the lock is released, once.
    demo.backend.server.faults.add({ path: '/refresh', latencyMs: 1_500 });
    await page.evaluate(() => {
      const w = window as unknown as {
        sessionClient: SessionClient;
        pending?: Promise<unknown>;
      };
      w.sessionClient.invalidateCache();
      w.pending = w.sessionClient.refresh();
    });
    await vi.waitFor(async () => expect((await locks(page)).refresh).toBe(1), { timeout: 5_000 });
    await hotReloadProvider(demo, page, updates);
    await page.evaluate(() => (window as unknown as { pending: Promise<unknown> }).pending);
    expect(refreshes.count).toBe(2);
    expect(await locks(page)).toEqual({ presence: 1, refresh: 0 });
    refreshes.stop();
  });
});

import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../examples/demo/server/startDemoServer';
import {
  countRequests,
  expectSignedIn,
  expectSignedOut,
  fireProtectedCalls,
  launchChromium,
  newDevice,
  openTab,
  signIn,
  startDemo,
} from './helpers';
import { expectStorageHygiene } from './hygiene';

let browser: Browser;
let demo: DemoServer | undefined;
let devices: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  // Whatever a scenario did, no device may hold anything token-like where script can read it.
  for (const device of devices) await expectStorageHygiene(device);
  for (const device of devices) await device.close();
  devices = [];
  await demo?.close();
  demo = undefined;
});

afterAll(async () => {
  await browser?.close();
});

async function device(userAgent?: string) {
  const context = await newDevice(browser, userAgent);
  devices.push(context);
  return context;
}

const sessionIdOf = (page: Page) => page.getByTestId('session-id').innerText();

async function openAccount(page: Page) {
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('table').waitFor();
}

describe('the demo, end to end in Chromium', () => {
  it('keeps the user signed in across a reload, with the same device key and session', async () => {
    demo = await startDemo();
    const tab = await openTab(await device(), demo.url);
    await signIn(tab);
    const sessionId = await sessionIdOf(tab);

    await tab.reload();
    await expectSignedIn(tab);
    expect(await sessionIdOf(tab)).toBe(sessionId);
  });

  it('spends exactly one refresh when 6 tabs fire 20 calls each after the token expired', async () => {
    demo = await startDemo({ accessTokenTtlSeconds: 8 });
    const phone = await device();
    const tabs = [await openTab(phone, demo.url)];
    await signIn(tabs[0]!);
    for (let i = 1; i < 6; i += 1) {
      const tab = await openTab(phone, demo.url);
      await expectSignedIn(tab);
      tabs.push(tab);
    }
    // Wait (by polling, not by asserting on time) until every tab's token is past its expiry.
    for (const tab of tabs) {
      await tab.waitForFunction(
        () => {
          const expiresAt = (
            window as unknown as { sessionClient: { getAccessTokenExpiresAt(): Date | null } }
          ).sessionClient.getAccessTokenExpiresAt();
          return expiresAt !== null && expiresAt.getTime() <= Date.now();
        },
        undefined,
        { timeout: 30_000, polling: 250 },
      );
    }

    const refreshes = countRequests(demo, '/refresh');
    const statuses = (await Promise.all(tabs.map((tab) => fireProtectedCalls(tab, 20)))).flat();

    expect(statuses).toHaveLength(120);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(refreshes.count).toBe(1);
  });

  it('opens a new tab next to a fresh token without any refresh request', async () => {
    demo = await startDemo();
    const laptop = await device();
    await signIn(await openTab(laptop, demo.url));

    const refreshes = countRequests(demo, '/refresh');
    const second = await openTab(laptop, demo.url);
    await expectSignedIn(second);

    expect(refreshes.count).toBe(0);
  });

  it('signs every tab of the device out when one tab signs out, without a reload', async () => {
    demo = await startDemo();
    const laptop = await device();
    const first = await openTab(laptop, demo.url);
    await signIn(first);
    const others = [await openTab(laptop, demo.url), await openTab(laptop, demo.url)];
    for (const tab of others) await expectSignedIn(tab);

    await first.getByRole('button', { name: 'Sign out', exact: true }).click();

    for (const tab of [first, ...others]) {
      await expectSignedOut(tab);
      await expect
        .poll(() => tab.getByTestId('signed-out-reason').getAttribute('data-reason'))
        .toBe('logout');
    }
  });

  it('lets device A revoke device B from the table: B is signed out at once with reason "revoked"', async () => {
    demo = await startDemo();
    const a = await openTab(await device(), demo.url);
    await signIn(a);
    const b = await openTab(await device(), demo.url);
    await signIn(b);
    const bSession = await sessionIdOf(b);

    await openAccount(a);
    const bRow = a.locator(`tr[data-session-id="${bSession}"]`);
    await bRow.getByRole('button', { name: /^Revoke / }).click();
    const dialog = a.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => bRow.count()).toBe(0);

    // B's next call to the session API fails at once, and B shows why it is signed out.
    const failure = await b.evaluate(() =>
      (window as unknown as { sessionClient: { listSessions(): Promise<unknown> } }).sessionClient
        .listSessions()
        .then(
          () => null,
          (error: { code: string }) => error.code,
        ),
    );
    expect(failure).toBe('unauthorized');
    await expectSignedOut(b);
    await expect
      .poll(() => b.getByTestId('signed-out-reason').getAttribute('data-reason'))
      .toBe('revoked');

    // A's table still does not list B after a reload.
    await a.reload();
    await openAccount(a);
    await expect.poll(() => a.locator(`tr[data-session-id="${bSession}"]`).count()).toBe(0);
  });

  it('"Sign out other sessions" leaves only this one; "Sign out everywhere" signs out every device', async () => {
    demo = await startDemo();
    const a = await openTab(await device(), demo.url);
    await signIn(a);
    const b = await openTab(await device(), demo.url);
    await signIn(b);

    await openAccount(a);
    await a.getByRole('button', { name: 'Sign out other sessions' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => a.locator('tbody tr').count()).toBe(1);
    await expect.poll(() => a.locator('tbody tr[data-current]').count()).toBe(1);

    // B learns on its next call to the session API.
    await b.getByRole('link', { name: 'Account' }).click();
    await expectSignedOut(b);

    const c = await openTab(await device(), demo.url);
    await signIn(c);
    await a.getByRole('button', { name: 'Sign out everywhere' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await expectSignedOut(a);
    await expect
      .poll(() => a.getByTestId('signed-out-reason').getAttribute('data-reason'))
      .toBe('logout');
    await c.getByRole('link', { name: 'Account' }).click();
    await expectSignedOut(c);
    expect(await demo.backend.server.admin.listUserSessions('usr_demo')).toEqual([]);
  });

  it('saves screenshots of the sign-in, home and account pages, light and dark', async () => {
    demo = await startDemo();
    const dir = 'test-results/screenshots';
    await mkdir(dir, { recursive: true });
    const laptop = await device();
    const tab = await openTab(laptop, demo.url);
    await tab.setViewportSize({ width: 1200, height: 820 });
    for (const scheme of ['light', 'dark'] as const) {
      await tab.emulateMedia({ colorScheme: scheme });
      if (scheme === 'light') {
        await tab.screenshot({ path: `${dir}/signin-${scheme}.png` });
        await signIn(tab);
      } else {
        await tab.goto(demo.url);
        await expectSignedIn(tab);
      }
      await tab.screenshot({ path: `${dir}/home-${scheme}.png` });
      await openAccount(tab);
      await tab.locator('tbody tr').first().waitFor();
      await tab.screenshot({ path: `${dir}/account-${scheme}.png`, fullPage: true });
      await tab.getByRole('link', { name: 'Home' }).click();
    }
    await tab.emulateMedia({ colorScheme: 'dark' });
    await tab.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expectSignedOut(tab);
    await tab.screenshot({ path: `${dir}/signin-dark.png` });
  });
});

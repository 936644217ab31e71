import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../examples/demo/server/startDemoServer';
import {
  DEMO_USER,
  expectSignedIn,
  launchChromium,
  newDevice,
  openTab,
  signIn,
  startDemo,
} from './helpers';

// The demo (`npm start`) as a first-time user meets it, keyboard and phone included.

let browser: Browser;
let demo: DemoServer | undefined;
let devices: BrowserContext[] = [];
let others: Server[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  for (const device of devices) await device.close();
  devices = [];
  await demo?.close();
  demo = undefined;
  for (const server of others) await new Promise<void>((done) => server.close(() => done()));
  others = [];
});

afterAll(async () => {
  await browser?.close();
});

/** A device; `options` (a phone's viewport, say) go to its browser context. */
async function device(options?: Parameters<Browser['newContext']>[0]) {
  const context = options ? await browser.newContext(options) : await newDevice(browser);
  devices.push(context);
  return context;
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return {
      tag: element?.tagName ?? null,
      inForm: Boolean(element?.closest('form')),
      text: element?.textContent?.trim().slice(0, 40) ?? null,
    };
  });

describe('demo: the printed URL', () => {
  it('opens the demo, not another app, when something else already listens on [::1] at that port', async () => {
    // Vite's own dev server (port 5173 by default, like the demo) binds "localhost", which
    // is [::1] on many machines (macOS, Node >= 17). Chromium tries [::1] first for localhost.
    const other = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end('<h1>Some other app</h1>');
    });
    others.push(other);
    await new Promise<void>((done, fail) => {
      other.once('error', fail);
      other.listen(0, '::1', () => done());
    });
    const port = (other.address() as AddressInfo).port;

    // Either the demo refuses the busy port (and `npm start` says so), or its URL shows the demo.
    const started = await startDemoServer({
      mode: 'static',
      port,
      server: { rateLimit: false },
    }).then(
      (server) => server,
      (error: NodeJS.ErrnoException) => error,
    );
    if (started instanceof Error) {
      expect(started.code).toBe('EADDRINUSE');
      return;
    }
    demo = started;
    const tab = await openTab(await device(), demo.url);
    await expect.poll(() => tab.locator('h1').first().innerText()).toBe('Sign in to Acme Notes');
  });
});

/** How long a rate-limit message asks the user to wait, in seconds. */
function waitSecondsIn(message: string): number {
  if (/\ba minute\b/i.test(message)) return 60;
  const minutes = /(\d+) minutes?/i.exec(message);
  if (minutes) return Number(minutes[1]) * 60;
  const seconds = /(\d+) seconds?/i.exec(message);
  if (seconds) return Number(seconds[1]);
  throw new Error(`The message does not say how long to wait: "${message}"`);
}

describe('demo: the sign-in page', () => {
  it('lets the right password in once the wait the rate-limit message asks for ("a minute") has passed', async () => {
    // Real rate limits, as `npm start` has them; the server's clock can be moved forward.
    let offsetMs = 0;
    demo = await startDemoServer({
      mode: 'static',
      port: 0,
      server: { now: () => Date.now() + offsetMs },
    });
    const tab = await openTab(await device(), demo.url);
    await tab.getByRole('heading', { name: 'Sign in to Acme Notes' }).waitFor();

    // A user mistyping again and again ends up refused.
    for (let i = 0; i < 12; i += 1) {
      await tab.getByLabel('Password').fill(`wrong-${i}`);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.getByRole('button', { name: 'Sign in' }).waitFor();
    }
    const alert = tab.getByRole('alert');
    await expect.poll(() => alert.innerText()).toMatch(/Too many attempts/);

    // They do as told: wait as long as the message says (and a bit), then type the right
    // password. The message says "Wait a minute".
    offsetMs = (waitSecondsIn(await alert.innerText()) + 5) * 1000;
    await tab.getByLabel('Password').fill(DEMO_USER.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();

    const outcome = async () =>
      (await tab.locator('.demo-shell').getAttribute('data-status')) === 'authenticated'
        ? 'signed in'
        : ((await alert.allInnerTexts())[0] ?? 'pending');
    await expect.poll(outcome, { timeout: 10_000 }).toBe('signed in');
  });

  it('keeps keyboard focus in the form after a wrong password submitted with the Sign in button', async () => {
    demo = await startDemo();
    const tab = await openTab(await device(), demo.url);
    await tab.getByRole('heading', { name: 'Sign in to Acme Notes' }).waitFor();
    await tab.getByLabel('Password').fill('not-the-password');
    // Keyboard only: Tab from the password field to the button, and press Enter.
    await tab.getByLabel('Password').focus();
    await tab.keyboard.press('Tab');
    expect((await focused(tab)).text).toBe('Sign in');
    await tab.keyboard.press('Enter');
    await tab.getByRole('alert').waitFor();

    // Focus must not be dropped on <body>: a screen-reader or keyboard user loses their place,
    // and pressing Enter again to retry does nothing.
    expect(await focused(tab)).toMatchObject({ inForm: true });
  });
});

describe('demo: moving between pages', () => {
  it('takes keyboard focus to the heading of each new page, not to <body>', async () => {
    demo = await startDemo();
    const tab = await openTab(await device(), demo.url);
    await tab.getByRole('heading', { name: 'Sign in to Acme Notes' }).waitFor();
    await tab.getByLabel('Password').focus();
    await tab.keyboard.press('Enter');
    await expectSignedIn(tab);
    await expect.poll(async () => (await focused(tab)).tag).toBe('H1');
    expect((await focused(tab)).text).toMatch(/^Welcome back/);

    await tab.getByRole('link', { name: 'Account' }).focus();
    await tab.keyboard.press('Enter');
    await expect.poll(async () => (await focused(tab)).text).toBe('Account security');

    await tab.locator('.demo-header').getByRole('button', { name: 'Sign out' }).focus();
    await tab.keyboard.press('Enter');
    await expect.poll(async () => (await focused(tab)).text).toBe('Sign in to Acme Notes');
  });
});

describe('demo: the account page', () => {
  it('keeps keyboard focus on "Sign in as another device" after it has added the device', async () => {
    demo = await startDemo();
    const tab = await openTab(await device(), demo.url);
    await signIn(tab);
    await tab.getByRole('link', { name: 'Account' }).click();
    await tab.locator('tbody tr').first().waitFor();
    const rows = await tab.locator('tbody tr').count();

    await tab.getByRole('button', { name: 'Sign in as another device' }).focus();
    await tab.keyboard.press('Enter');
    await expect.poll(() => tab.locator('tbody tr').count()).toBe(rows + 1);
    await tab.getByRole('button', { name: 'Sign in as another device' }).waitFor();

    expect((await focused(tab)).text).toBe('Sign in as another device');
  });
});

describe('demo: a narrow (phone) viewport', () => {
  it('fits a 360 px wide phone once signed in: no sideways scrolling, Sign out on screen', async () => {
    demo = await startDemo();
    const phone = await device({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const tab = await openTab(phone, demo.url);
    await signIn(tab);
    // The network panel now lists the sign-in calls.
    await tab.getByTestId('network-list').waitFor();

    for (const route of ['Home', 'Account'] as const) {
      await tab.getByRole('link', { name: route }).click();
      if (route === 'Account') await tab.locator('tbody tr').first().waitFor();
      await tab.screenshot({ path: `.scratch/demo-review/phone-${route.toLowerCase()}.png` });
      const { scrollWidth, clientWidth } = await tab.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth, `${route}: the page scrolls sideways`).toBeLessThanOrEqual(clientWidth);
      const signOut = await tab
        .getByRole('button', { name: 'Sign out', exact: true })
        .boundingBox();
      expect(signOut!.x + signOut!.width, `${route}: Sign out is off screen`).toBeLessThanOrEqual(
        clientWidth,
      );
    }
  });
});

describe('demo: accessibility of the home page', () => {
  it('lets keyboard users scroll the /api/whoami response (axe: scrollable-region-focusable)', async () => {
    demo = await startDemo();
    const tab = await openTab(await device(), demo.url);
    await signIn(tab);
    await tab.getByRole('button', { name: 'Call /api/whoami' }).click();
    const response = tab.locator('pre[data-status]');
    await response.waitFor();
    // The response is taller than its box: the rest is only reachable by scrolling it.
    expect(await response.evaluate((pre) => pre.scrollHeight > pre.clientHeight)).toBe(true);

    await tab.addScriptTag({
      content: await readFile('node_modules/axe-core/axe.min.js', 'utf8'),
    });
    const violations = await tab.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run(context: unknown, options: unknown): Promise<{ violations: { id: string }[] }>;
          };
        }
      ).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((violation) => violation.id);
    });
    expect(violations).toEqual([]);
    await expectSignedIn(tab);
  });
});

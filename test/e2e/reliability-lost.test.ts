import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../examples/demo/server/startDemoServer';
import { expectSignedIn, expectSignedOut, launchChromium, newDevice, openTab, signIn, startDemo } from './helpers';
import { cachedToken, tabState, watchInvariants, type InvariantWatch } from './invariants';
import { callClient } from './tabControls';

let browser: Browser;
let demo: DemoServer | undefined;
let watch: InvariantWatch | undefined;
let devices: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  watch?.stop();
  watch = undefined;
  for (const device of devices) await device.close();
  devices = [];
  await demo?.close();
  demo = undefined;
});

afterAll(async () => {
  await browser?.close();
});

async function signedInDevice(tabs: number): Promise<{ device: BrowserContext; pages: Page[] }> {
  const device = await newDevice(browser);
  devices.push(device);
  watch!.watchDevice(device);
  const pages = [await openTab(device, demo!.url)];
  await signIn(pages[0]!);
  while (pages.length < tabs) {
    const page = await openTab(device, demo!.url);
    await expectSignedIn(page);
    pages.push(page);
  }
  for (const page of pages) await watch!.recordTab(page);
  return { device, pages };
}

const refreshLog = () => watch!.presentations.filter((p) => p.path === '/refresh').map((p) => [p.state, p.status]);

describe('scenario 1: a refresh response lost after the server committed the rotation', () => {
  it('retries at once inside the grace window and stays signed in, in every tab', async () => {
    demo = await startDemo();
    watch = watchInvariants(demo);
    const { pages } = await signedInDevice(2);
    const [a, b] = pages as [Page, Page];
    const before = await cachedToken(a);
    const sessionId = (await tabState(a)).sessionId;

    demo.backend.server.faults.add({ path: '/refresh', dropResponse: true });
    const [outcome] = await callClient(a, 'refresh', { invalidate: true });

    expect(outcome).toMatchObject({ ok: true });
    const token = outcome!.ok ? outcome!.token : null;
    expect(token).not.toBe(before);
    // The lost answer, then its one immediate retry, answered by the grace rule.
    expect(refreshLog()).toEqual([
      ['current', 200],
      ['grace', 200],
    ]);
    await expect.poll(() => cachedToken(b)).toBe(token);
    expect((await tabState(b)).sessionId).toBe(sessionId);

    // The successor the grace answer repeated is live: the next refresh spends it normally.
    const [next] = await callClient(b, 'refresh', { invalidate: true });
    expect(next).toMatchObject({ ok: true });
    expect(refreshLog().at(-1)).toEqual(['current', 200]);

    watch.expectNoReuse({ allowedGrace: 1 });
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectNeverSignedOut(pages);
    await watch.expectConverged(pages);
    await watch.expectNoSecretsExposed();
  });

  it('without grace, signs every tab out once with reason "reused", and never loops', async () => {
    demo = await startDemo({ reuseGraceSeconds: 0 });
    watch = watchInvariants(demo);
    const { pages } = await signedInDevice(2);
    const [a] = pages as [Page, Page];
    const sessionId = (await tabState(a)).sessionId;

    demo.backend.server.faults.add({ path: '/refresh', dropResponse: true });
    const [outcome] = await callClient(a, 'refresh', { invalidate: true });

    expect(outcome).toMatchObject({ ok: false, code: 'token_reused' });
    // The one immediate retry presents the spent token: reuse, and the server ends the session.
    expect(refreshLog()).toEqual([
      ['current', 200],
      ['rotated', 401],
    ]);
    for (const page of pages) {
      await expectSignedOut(page);
      await expect.poll(() => page.getByTestId('signed-out-reason').getAttribute('data-reason')).toBe('reused');
      expect((await watch.tabLog(page)).signedOut).toEqual(['reused']);
    }
    expect((await demo.backend.server.admin.listUserSessions('usr_demo')).map((s) => s.id)).not.toContain(sessionId);

    // Whatever pokes the tabs afterwards (focus, online, a reload, callers), nothing is sent again.
    for (const page of pages) {
      await page.evaluate(() => {
        window.dispatchEvent(new Event('online'));
        window.dispatchEvent(new Event('visibilitychange'));
      });
    }
    await pages[1]!.reload();
    await expectSignedOut(pages[1]!);
    await watch.recordTab(pages[1]!);
    await watch.expectNoUsableToken(pages);
    for (const page of pages) {
      expect(await callClient(page, 'refresh', { times: 3 })).toEqual(
        Array.from({ length: 3 }, () => expect.objectContaining({ ok: false, code: 'unauthorized' })),
      );
    }
    expect(refreshLog()).toHaveLength(2);
    expect(watch.presentations.filter((p) => p.path === '/refresh' && p.state === 'rotated')).toHaveLength(1);

    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectConverged(pages);
    await watch.expectNoSecretsExposed();
  });
});

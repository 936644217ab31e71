import type { Route } from 'playwright-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectSignedIn, expectSignedOut, fireProtectedCalls, signIn } from './helpers';
import { cachedToken, tabState } from './invariants';
import { setUpReliabilityHarness } from './reliabilityHarness';
import { callClient, serveAppOffline } from './tabControls';

const harness = setUpReliabilityHarness();

const isOnline = (page: Page) => page.evaluate(() => navigator.onLine);

async function openAccount(page: Page) {
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('table').waitFor();
}

describe('scenario 5: the browser goes offline, then online', () => {
  it('makes no attempt while offline, one coalesced check once back online, and keeps the session', async () => {
    const { watch } = await harness.start();
    const { device, pages } = await harness.signedInDevice(3);
    const before = await cachedToken(pages[0]!);

    await device.setOffline(true);
    for (const page of pages) await expect.poll(() => isOnline(page)).toBe(false);
    const offline = (
      await Promise.all(
        pages.map((page) => callClient(page, 'refresh', { invalidate: true, times: 3 })),
      )
    ).flat();

    expect(offline).toHaveLength(9);
    for (const outcome of offline)
      expect(outcome).toEqual({ ok: false, name: 'NetworkError', code: 'network_error' });
    expect(watch.refreshesSentBy(device)).toEqual([]);

    await device.setOffline(false);
    // Every tab ends with one new token, from one refresh between them.
    await expect
      .poll(async () => {
        const tokens = new Set(await Promise.all(pages.map((page) => cachedToken(page))));
        return tokens.size === 1 && !tokens.has(before) && !tokens.has(null);
      })
      .toBe(true);
    expect(watch.presentations.map((p) => [p.path, p.state, p.status])).toEqual([
      ['/refresh', 'current', 200],
    ]);
    expect(watch.refreshesSentBy(device)).toHaveLength(1);
    expect(await fireProtectedCalls(pages[2]!, 3)).toEqual([200, 200, 200]);

    watch.expectNoReuse();
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectNeverSignedOut(pages);
    await watch.expectConverged(pages);
    await watch.expectNoSecretsExposed();
  });
});

describe('scenario 12: logout while offline', () => {
  it('signs every tab out at once, stays out across an offline reload, and revokes the session once back online', async () => {
    const { demo, watch } = await harness.start();
    const { device: laptop, pages } = await harness.signedInDevice(2);
    const [a, b] = pages as [Page, Page];
    const laptopSession = (await tabState(a)).sessionId!;
    const phone = (await harness.signedInDevice(1)).pages[0]!;
    await openAccount(phone);
    const laptopRow = () => phone.locator(`tr[data-session-id="${laptopSession}"]`).count();
    await expect.poll(laptopRow).toBe(1);

    await laptop.setOffline(true);
    await expect.poll(() => isOnline(a)).toBe(false);
    await a.getByRole('button', { name: 'Sign out', exact: true }).click();

    for (const page of pages) {
      await expectSignedOut(page);
      await expect
        .poll(() => page.getByTestId('signed-out-reason').getAttribute('data-reason'))
        .toBe('logout');
    }
    await watch.expectNoUsableToken(pages);
    expect(watch.presentations.filter((p) => p.path === '/revoke')).toEqual([]);

    // A reload while still offline (the app itself served from cache) restores nothing.
    const stopServing = await serveAppOffline(laptop);
    await b.reload();
    await expect.poll(async () => (await tabState(b)).status).not.toBe('loading');
    expect(await tabState(b)).toMatchObject({ sessionId: null, expiresAt: null });
    expect((await tabState(b)).status).not.toBe('authenticated');
    expect(await cachedToken(b)).toBeNull();
    await stopServing();

    // Back online, the pending /revoke reaches the server, once, and ends the session.
    await laptop.setOffline(false);
    await expect
      .poll(() =>
        watch.presentations
          .filter((p) => p.path === '/revoke')
          .map((p) => [p.sessionId, p.state, p.status]),
      )
      .toEqual([[laptopSession, 'current', 204]]);
    expect(
      (await demo.backend.server.admin.listUserSessions('usr_demo')).map((s) => s.id),
    ).not.toContain(laptopSession);
    await phone.reload();
    await expectSignedIn(phone);
    await openAccount(phone);
    await phone.locator('tbody tr').first().waitFor();
    expect(await laptopRow()).toBe(0);

    await expect
      .poll(() => tabState(b))
      .toMatchObject({ status: 'unauthenticated', sessionId: null });
    await watch.expectNoUsableToken(pages);
    await watch.expectConverged(pages);
    watch.expectNoReuse();
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectNoSecretsExposed();
  });

  it('a new login made before the pending /revoke got through is not harmed by it', async () => {
    const { demo, watch } = await harness.start();
    const { device: laptop, pages } = await harness.signedInDevice(2);
    const [a, b] = pages as [Page, Page];
    const oldSession = (await tabState(a)).sessionId!;

    await laptop.setOffline(true);
    await expect.poll(() => isOnline(a)).toBe(false);
    await a.getByRole('button', { name: 'Sign out', exact: true }).click();
    for (const page of pages) await expectSignedOut(page);

    // Back online, but the network still drops the /revoke: the sign-out stays pending.
    const dropRevoke = (route: Route) => route.abort('connectionreset');
    await laptop.route('**/v1/session/revoke', dropRevoke);
    const revokeTried = laptop.waitForEvent('requestfailed', (request) =>
      request.url().endsWith('/v1/session/revoke'),
    );
    await laptop.setOffline(false);
    await revokeTried;

    // The user signs in again; the other tab follows.
    await signIn(a);
    await expectSignedIn(b);
    const newSession = (await tabState(a)).sessionId!;
    expect(newSession).not.toBe(oldSession);

    // The network heals, and every later chance to send the old /revoke comes and goes.
    await laptop.unroute('**/v1/session/revoke', dropRevoke);
    for (const page of pages) await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await b.reload();
    await expectSignedIn(b);
    expect(await fireProtectedCalls(b, 2)).toEqual([200, 200]);
    expect(await callClient(a, 'refresh', { invalidate: true })).toEqual([
      expect.objectContaining({ ok: true }),
    ]);

    expect(await demo.backend.server.admin.isSessionActive(newSession)).toBe(true);
    // Finalize, sent with the old cookie, ended the old session anyway.
    expect(await demo.backend.server.admin.isSessionActive(oldSession)).toBe(false);
    expect(
      watch.presentations.filter((p) => p.path === '/revoke' && p.sessionId === newSession),
    ).toEqual([]);
    for (const page of pages)
      expect(await tabState(page)).toMatchObject({
        status: 'authenticated',
        sessionId: newSession,
      });

    await watch.expectConverged(pages);
    watch.expectNoReuse();
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectNoSecretsExposed();
  });
});

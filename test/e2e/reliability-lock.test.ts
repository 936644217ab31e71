import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cachedToken, tabState } from './invariants';
import { setUpReliabilityHarness, stolenLocks } from './reliabilityHarness';
import { callClient, startRefresh } from './tabControls';

const harness = setUpReliabilityHarness();

const LOCK = 'react-dpop-session:default';

/** The refresh lock as a tab sees it: who holds it, how many wait. */
const lockState = (page: Page) =>
  page.evaluate(async (name) => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return {
      held: held.filter((l) => l.name === name).length,
      pending: pending.filter((l) => l.name === name).length,
    };
  }, LOCK);

describe('scenario 2: the tab holding the refresh lock is closed mid-refresh', () => {
  it('lets the other tabs proceed with one refresh between them, and converge on its token', async () => {
    const { demo, watch } = await harness.start();
    const { device, pages } = await harness.signedInDevice(3);
    const [holder, b, c] = pages as [Page, Page, Page];
    const before = await cachedToken(b);

    // The holder's refresh reaches the server, which takes its time over it.
    demo.backend.server.faults.add({ path: '/refresh', latencyMs: 5_000 });
    const sent = holder.waitForRequest((request) => request.url().endsWith('/v1/session/refresh'));
    await startRefresh(holder);
    await sent;
    // The other tabs need a new token too, and queue for the lock behind it.
    const waiting = Promise.all([
      callClient(b, 'refresh', { invalidate: true, times: 5 }),
      callClient(c, 'refresh', { invalidate: true, times: 5 }),
    ]);
    await expect.poll(() => lockState(b)).toEqual({ held: 1, pending: 2 });

    await holder.close();
    const outcomes = (await waiting).flat();
    const open = [b, c];

    expect(outcomes).toHaveLength(10);
    const tokens = new Set(outcomes.map((o) => (o.ok ? o.token : o.code)));
    expect(tokens.size).toBe(1);
    const [token] = tokens;
    expect(token).toMatch(/^eyJ/);
    expect(token).not.toBe(before);
    for (const page of open) await expect.poll(() => cachedToken(page)).toBe(token);

    expect(await stolenLocks(open)).toEqual([]);
    // One of the two remaining tabs refreshed, once; the closed tab's late request landed in grace at most.
    const sentByOthers = watch.refreshesSentBy(device).filter((r) => r.page !== holder);
    expect(sentByOthers).toHaveLength(1);
    await expect
      .poll(() => watch.presentations.filter((p) => p.path === '/refresh').length, {
        timeout: 10_000,
      })
      .toBe(2);
    watch.expectNoReuse({ allowedGrace: 1 });
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectNeverSignedOut(open);
    await watch.expectConverged(open);
    await watch.expectNoSecretsExposed();

    // The session goes on: the next refresh spends the live token.
    expect(await callClient(c, 'refresh', { invalidate: true })).toEqual([
      expect.objectContaining({ ok: true }),
    ]);
    expect(watch.presentations.at(-1)).toMatchObject({
      path: '/refresh',
      state: 'current',
      status: 200,
    });
    expect((await tabState(c)).sessionId).toBe((await tabState(b)).sessionId);
  });
});

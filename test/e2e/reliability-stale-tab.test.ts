import { describe, expect, it } from 'vitest';
import { expectSignedIn, expectSignedOut, fireProtectedCalls, openTab, signIn } from './helpers';
import { tabState } from './invariants';
import { setUpReliabilityHarness } from './reliabilityHarness';
import { callClient, openMutableTab, setChannelMuted } from './tabControls';

const harness = setUpReliabilityHarness();

describe('scenario 13: a stale tab', () => {
  it('recovers by reloading the key after another tab signed out and in again, without ending the new session', async () => {
    const { demo, watch } = await harness.start();
    const device = await harness.device();
    const a = await openTab(device, demo.url);
    await signIn(a);
    const b = await openMutableTab(device, demo.url);
    await expectSignedIn(b);
    for (const page of [a, b]) await watch.recordTab(page);
    const oldSession = (await tabState(a)).sessionId!;
    // B has used its key, so it holds the old one in memory.
    expect(await fireProtectedCalls(b, 1)).toEqual([200]);

    // B misses everything its peers say, as a frozen tab would.
    await setChannelMuted(b, true);
    await a.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expectSignedOut(a);
    await signIn(a);
    const newSession = (await tabState(a)).sessionId!;
    expect(newSession).not.toBe(oldSession);
    expect(await tabState(b)).toMatchObject({ status: 'authenticated', sessionId: oldSession });

    // B's next call: its old token is refused, and its refresh with the old key meets a
    // key mismatch; B reloads the key from IndexedDB, and carries on in the new session.
    const status = await b.evaluate(() =>
      (window as unknown as { sessionClient: { fetch: typeof fetch } }).sessionClient
        .fetch('/api/whoami')
        .then((r) => r.status),
    );
    expect(status).toBe(200);
    expect(await tabState(b)).toMatchObject({ status: 'authenticated', sessionId: newSession });
    expect((await watch.tabLog(b)).signedOut).toEqual([]);
    // At most one refusal for the old key (dpop_key_mismatch: nothing spent), then one refresh
    // with the reloaded key.
    const refreshes = watch.presentations.filter((p) => p.path === '/refresh');
    expect(refreshes.map((p) => [p.sessionId, p.state, p.status])).toEqual([
      ...(refreshes.length === 2 ? [[newSession, 'current', 401]] : []),
      [newSession, 'current', 200],
    ]);

    // A's new session lives on, in both tabs.
    await setChannelMuted(b, false);
    expect(await demo.backend.server.admin.isSessionActive(newSession)).toBe(true);
    expect(await callClient(a, 'refresh', { invalidate: true })).toEqual([
      expect.objectContaining({ ok: true }),
    ]);
    expect(watch.presentations.at(-1)).toMatchObject({
      path: '/refresh',
      sessionId: newSession,
      state: 'current',
      status: 200,
    });
    expect(await tabState(a)).toMatchObject({ status: 'authenticated', sessionId: newSession });

    await watch.expectConverged([a, b]);
    watch.expectNoReuse();
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectNoSecretsExposed();
  });
});

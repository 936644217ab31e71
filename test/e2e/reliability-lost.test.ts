import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectSignedOut } from './helpers';
import { cachedToken, tabState, type InvariantWatch } from './invariants';
import { setUpReliabilityHarness } from './reliabilityHarness';
import { callClient, loseNextAnswer } from './tabControls';

const harness = setUpReliabilityHarness();
let watch: InvariantWatch;

// Chromium itself resends a request whose kept-alive connection died without an answer,
// with the same proof; the server refuses that replayed proof (400) before spending
// anything, so it is no presentation of a spent token (I1 exempts it). Only presentations
// the server acted on are listed.
const refreshLog = () =>
  watch.presentations
    .filter((p) => p.path === '/refresh' && p.status !== 400)
    .map((p) => [p.state, p.status]);
const refusedReplays = () =>
  watch.presentations.filter((p) => p.path === '/refresh' && p.status === 400).length;

describe('scenario 1: a refresh response lost after the server committed the rotation', () => {
  it('retries at once inside the grace window and stays signed in, in every tab', async () => {
    const started = await harness.start();
    const demo = started.demo;
    watch = started.watch;
    const { pages } = await harness.signedInDevice(2);
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
    // At most the browser's own transparent resend was refused, never more.
    expect(refusedReplays()).toBeLessThanOrEqual(1);
    await expect.poll(() => cachedToken(b)).toBe(token);
    expect((await tabState(b)).sessionId).toBe(sessionId);

    // The successor the grace answer repeated is live: the next refresh spends it normally.
    const [next] = await callClient(b, 'refresh', { invalidate: true });
    expect(next).toMatchObject({ ok: true });
    expect(refreshLog().at(-1)).toEqual(['current', 200]);

    watch.expectNoReuse({ allowedGrace: 1 });
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis({ transportResends: 1 });
    await watch.expectNeverSignedOut(pages);
    await watch.expectConverged(pages);
    await watch.expectNoSecretsExposed();
  });

  it('recovers the same way when the network, not the server, loses the answer', async () => {
    watch = (await harness.start()).watch;
    const { device, pages } = await harness.signedInDevice(2);
    const [a, b] = pages as [Page, Page];
    const before = await cachedToken(a);

    const lost = await loseNextAnswer(device, '/v1/session/refresh');
    const [outcome] = await callClient(a, 'refresh', { invalidate: true });
    await lost.done;

    expect(outcome).toMatchObject({ ok: true });
    const token = outcome!.ok ? outcome!.token : null;
    expect(token).not.toBe(before);
    expect(refreshLog()).toEqual([
      ['current', 200],
      ['grace', 200],
    ]);
    await expect.poll(() => cachedToken(b)).toBe(token);

    watch.expectNoReuse({ allowedGrace: 1 });
    watch.expectOneLiveTokenPerSession();
    watch.expectOneRefreshInFlightPerDevice();
    watch.expectUniqueJtis();
    await watch.expectNeverSignedOut(pages);
    await watch.expectConverged(pages);
    await watch.expectNoSecretsExposed();
  });

  it.each([
    ['the server drops its answer', 'server'],
    ['the network loses the answer', 'network'],
  ] as const)(
    'without grace, when %s, signs every tab out once with reason "reused", and never loops',
    async (_, where) => {
      const started = await harness.start({ reuseGraceSeconds: 0 });
      const demo = started.demo;
      watch = started.watch;
      const { device, pages } = await harness.signedInDevice(2);
      const [a] = pages as [Page, Page];
      const sessionId = (await tabState(a)).sessionId;

      if (where === 'server')
        demo.backend.server.faults.add({ path: '/refresh', dropResponse: true });
      else await loseNextAnswer(device, '/v1/session/refresh');
      const [outcome] = await callClient(a, 'refresh', { invalidate: true });

      expect(outcome).toMatchObject({ ok: false, code: 'token_reused' });
      // The one immediate retry presents the spent token: reuse, and the server ends the session.
      expect(refreshLog()).toEqual([
        ['current', 200],
        ['rotated', 401],
      ]);
      expect(refusedReplays()).toBeLessThanOrEqual(1);
      for (const page of pages) {
        await expectSignedOut(page);
        await expect
          .poll(() => page.getByTestId('signed-out-reason').getAttribute('data-reason'))
          .toBe('reused');
        expect((await watch.tabLog(page)).signedOut).toEqual(['reused']);
      }
      expect(
        (await demo.backend.server.admin.listUserSessions('usr_demo')).map((s) => s.id),
      ).not.toContain(sessionId);

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
          Array.from({ length: 3 }, () =>
            expect.objectContaining({ ok: false, code: 'unauthorized' }),
          ),
        );
      }
      expect(refreshLog()).toHaveLength(2);
      expect(
        watch.presentations.filter(
          (p) => p.path === '/refresh' && p.state === 'rotated' && p.status !== 400,
        ),
      ).toHaveLength(1);

      watch.expectOneLiveTokenPerSession();
      watch.expectOneRefreshInFlightPerDevice();
      watch.expectUniqueJtis({ transportResends: 1 });
      await watch.expectConverged(pages);
      await watch.expectNoSecretsExposed();
    },
  );
});

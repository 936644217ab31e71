import type { SessionClient } from '../../src/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cachedToken, type Presentation } from './invariants';
import { setUpReliabilityHarness } from './reliabilityHarness';
import { callClient, type Outcome } from './tabControls';

const harness = setUpReliabilityHarness();

/** Fails one refresh, then at once asks again `times` times in a row: the calls a backoff must absorb. */
const failThenAskAgain = (page: Page, times: number) =>
  page.evaluate(async (n) => {
    const client = (window as unknown as { sessionClient: SessionClient }).sessionClient;
    const outcome = () =>
      client.refresh().then(
        ({ user }): Outcome => ({ ok: true, token: user.accessToken }),
        (error: { name: string; code: string; retryAfterSeconds?: number }): Outcome => ({
          ok: false,
          name: error.name,
          code: error.code,
          ...(error.retryAfterSeconds !== undefined
            ? { retryAfterSeconds: error.retryAfterSeconds }
            : {}),
        }),
      );
    client.invalidateCache();
    const outcomes = [await outcome()];
    for (let i = 0; i < n; i += 1) outcomes.push(await outcome());
    return outcomes;
  }, times);

const refreshes = (presentations: Presentation[]) =>
  presentations.filter((p) => p.path === '/refresh');

describe('scenario 4: the server answers refresh with 500, 502, 503, or 429 with Retry-After', () => {
  it.each([
    [500, { name: 'ServerError', code: 'server_error' }],
    [502, { name: 'ServerError', code: 'server_error' }],
    [503, { name: 'ServerError', code: 'server_error' }],
    [429, { name: 'RateLimitedError', code: 'rate_limited', retryAfterSeconds: 2 }],
  ] as const)(
    'on %i keeps the session, fails callers with a typed error, backs off, and recovers',
    async (status, error) => {
      const { demo, watch } = await harness.start();
      const { pages } = await harness.signedInDevice(2);
      const [a, b] = pages as [Page, Page];
      const before = await cachedToken(a);

      demo.backend.server.faults.add({ path: '/refresh', status, retryAfterSeconds: 2 });
      const first = await failThenAskAgain(a, 5);
      const other = await callClient(b, 'refresh', { invalidate: true, times: 3 });

      // Every caller, in this tab and the other, gets the same typed error...
      expect(first[0]).toEqual({ ok: false, ...error });
      for (const outcome of [...first.slice(1), ...other]) {
        expect(outcome).toMatchObject({ ok: false, name: error.name, code: error.code });
        // What is left of the server's Retry-After, in whole seconds.
        if (status === 429)
          expect(outcome).toHaveProperty(
            'retryAfterSeconds',
            expect.toSatisfy((s: number) => s >= 1 && s <= 2),
          );
      }
      // ...but only the first reached the server: the others failed fast, backing off.
      expect(refreshes(watch.presentations).map((p) => p.status)).toEqual([status]);

      // Once the backoff lapses, the server (healthy again) is asked once, and every tab recovers.
      await expect
        .poll(async () => (await callClient(a, 'refresh'))[0], { timeout: 15_000, interval: 200 })
        .toMatchObject({ ok: true });
      expect(refreshes(watch.presentations).map((p) => [p.state, p.status])).toEqual([
        ['current', status],
        ['current', 200],
      ]);
      const token = await cachedToken(a);
      expect(token).not.toBe(before);
      await expect.poll(() => cachedToken(b)).toBe(token);
      expect(await callClient(b, 'refresh')).toEqual([{ ok: true, token }]);

      watch.expectNoReuse();
      watch.expectOneLiveTokenPerSession();
      watch.expectOneRefreshInFlightPerDevice();
      watch.expectUniqueJtis();
      await watch.expectNeverSignedOut(pages);
      await watch.expectConverged(pages);
      await watch.expectNoSecretsExposed();
    },
  );
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cachedToken } from './invariants';
import { setUpReliabilityHarness, stolenLocks } from './reliabilityHarness';
import { callClient } from './tabControls';

const harness = setUpReliabilityHarness();

describe('scenario 3: the server stalls the first refresh for 20 s while 3 tabs and 30 callers wait', () => {
  it('times the attempt out, retries once, gives every caller the token, and the stalled original lands in grace', async () => {
    const { demo, watch } = await harness.start();
    const { device, pages } = await harness.signedInDevice(3);
    const before = await cachedToken(pages[0]!);

    demo.backend.server.faults.add({ path: '/refresh', latencyMs: 20_000 });
    const outcomes = (
      await Promise.all(
        pages.map((page) => callClient(page, 'getAccessToken', { invalidate: true, times: 10 })),
      )
    ).flat();

    expect(outcomes).toHaveLength(30);
    const tokens = new Set(outcomes.map((o) => (o.ok ? o.token : o.code)));
    expect(tokens.size).toBe(1);
    const [token] = tokens;
    expect(token).toMatch(/^eyJ/);
    expect(token).not.toBe(before);
    for (const page of pages) await expect.poll(() => cachedToken(page)).toBe(token);

    expect(await stolenLocks(pages)).toEqual([]);
    // One tab sent the timed-out attempt and its one retry; no other tab sent its own.
    const sent = watch.refreshesSentBy(device);
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((r) => r.page)).size).toBe(1);
    // The retry spent the token; the stalled original, answered later, fell inside grace.
    await expect
      .poll(
        () =>
          watch.presentations.filter((p) => p.path === '/refresh').map((p) => [p.state, p.status]),
        {
          timeout: 20_000,
          interval: 500,
        },
      )
      .toEqual([
        ['current', 200],
        ['grace', 200],
      ]);
    watch.expectNoReuse({ allowedGrace: 1 });
    watch.expectOneLiveTokenPerSession();
    // The timed-out original is exempt from I2: the browser may tear it down after its retry left.
    watch.expectOneRefreshInFlightPerDevice({ exempt: 1 });
    watch.expectUniqueJtis();
    await watch.expectNeverSignedOut(pages);
    await watch.expectConverged(pages as Page[]);
    await watch.expectNoSecretsExposed();
  });
});

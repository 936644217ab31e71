import type { SessionClient } from '../../src/client';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { expect } from 'vitest';
import type { DemoServer } from '../../examples/demo/server/startDemoServer';
import type { RefreshTokenState } from '../../src/server';
import { expectStorageHygiene } from './hygiene';

/** One refresh token presented to `/refresh` or `/revoke`, as the server logged it. */
export interface Presentation {
  path: '/refresh' | '/revoke';
  status: number;
  state: RefreshTokenState;
  sessionId: string | undefined;
  hash: string;
}

/** What the session client in a tab looks like from outside (read through `window.sessionClient`). */
export interface TabState {
  status: string;
  reason: string | undefined;
  sessionId: string | null;
  expiresAt: number | null;
}

interface TabLog {
  statuses: string[];
  signedOut: string[];
}

interface DeviceWatch {
  inflight: Set<Request>;
  maxInflight: number;
  refreshesSent: Array<{ page: Page | null }>;
}

const TOKEN_LIKE = /eyJ[\w-]{10,}\.[\w-]{10,}/;

function pageOf(request: Request): Page | null {
  try {
    return request.frame().page();
  } catch {
    return null; // a service worker's request
  }
}

function decodeJti(proof: string): string | undefined {
  const payload = proof.split('.')[1];
  if (!payload) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    jti?: unknown;
  };
  return typeof claims.jti === 'string' ? claims.jti : undefined;
}

/** Reads a tab's session state through the demo's `window.sessionClient`. */
export function tabState(page: Page): Promise<TabState> {
  return page.evaluate(() => {
    const client = (window as unknown as { sessionClient: SessionClient }).sessionClient;
    const snapshot = client.getSnapshot();
    return {
      status: snapshot.status,
      reason: snapshot.reason,
      sessionId: client.getSessionId(),
      expiresAt: client.getAccessTokenExpiresAt()?.getTime() ?? null,
    };
  });
}

/** The access token a tab holds in memory, read without refreshing. */
export function cachedToken(page: Page): Promise<string | null> {
  return page.evaluate(
    () =>
      (window as unknown as { sessionClient: SessionClient }).sessionClient.getSnapshot().user
        ?.accessToken ?? null,
  );
}

/**
 * Records, at the server and in the browser, what the invariants of issue 7 are about, and
 * checks them: I1 and I9 from the server's log of refresh-token presentations, I2 and I5
 * from the requests each device sends, I3 (with hygiene.ts and the console), I6, I7 and I10
 * from the tabs' session clients.
 */
export function watchInvariants(demo: DemoServer) {
  const presentations: Presentation[] = [];
  const jtis: string[] = [];
  const consoleLines: string[] = [];
  const devices = new Map<BrowserContext, DeviceWatch>();
  // Proofs as the server receives them: a request the browser resent by itself shows here only.
  const serverJtis: string[] = [];
  const backend = demo.backend;
  const handle = backend.handle;
  backend.handle = (req, res, next) => {
    const proof = req.headers['dpop'];
    const jti = typeof proof === 'string' ? decodeJti(proof) : undefined;
    if (jti) serverJtis.push(jti);
    handle(req, res, next);
  };
  const stopLog = demo.backend.server.onRequest((entry) => {
    const path = entry.path.endsWith('/refresh')
      ? '/refresh'
      : entry.path.endsWith('/revoke') && !entry.path.includes('/me/')
        ? '/revoke'
        : null;
    if (!path || !entry.refreshToken) return;
    const { state, sessionId, hash } = entry.refreshToken;
    presentations.push({ path, status: entry.status, state, sessionId, hash });
  });

  const isRefresh = (request: Request) =>
    new URL(request.url()).pathname.endsWith('/v1/session/refresh');

  const watchPage = (page: Page) => {
    page.on('console', (message) => consoleLines.push(message.text()));
    page.on('pageerror', (error) => consoleLines.push(`${error.message}\n${error.stack ?? ''}`));
  };

  return {
    /** Every refresh-token presentation so far, in the server's order. */
    presentations,
    /** Follows a device (a browser context): its requests, proofs, and every tab's console. */
    watchDevice(context: BrowserContext): void {
      const watch: DeviceWatch = { inflight: new Set(), maxInflight: 0, refreshesSent: [] };
      devices.set(context, watch);
      const settle = (request: Request) => watch.inflight.delete(request);
      context.on('request', (request) => {
        const proof = request.headers()['dpop'];
        if (proof) {
          const jti = decodeJti(proof);
          if (jti) jtis.push(jti);
        }
        if (isRefresh(request)) {
          watch.inflight.add(request);
          watch.maxInflight = Math.max(watch.maxInflight, watch.inflight.size);
          watch.refreshesSent.push({ page: pageOf(request) });
        }
      });
      context.on('requestfinished', settle);
      context.on('requestfailed', settle);
      // A closed tab's request gets no further event: it is no longer in flight.
      context.on('page', (page) => {
        watchPage(page);
        page.on('close', () => {
          for (const request of watch.inflight)
            if (pageOf(request) === page) watch.inflight.delete(request);
        });
      });
      for (const page of context.pages()) watchPage(page);
    },
    /** Refresh requests a device sent, with the tab each came from. */
    refreshesSentBy(context: BrowserContext): Array<{ page: Page | null }> {
      return devices.get(context)?.refreshesSent ?? [];
    },
    /** Starts recording a tab's status changes and sign-out events (again after each reload). */
    async recordTab(page: Page): Promise<void> {
      await page.waitForFunction(() => 'sessionClient' in window);
      await page.evaluate(() => {
        const w = window as unknown as {
          sessionClient: SessionClient;
          __tabLog?: TabLog;
        };
        if (w.__tabLog) return;
        const log: TabLog = { statuses: [w.sessionClient.getSnapshot().status], signedOut: [] };
        w.__tabLog = log;
        w.sessionClient.subscribe(() => log.statuses.push(w.sessionClient.getSnapshot().status));
        w.sessionClient.on('signed-out', (event) => log.signedOut.push(event.reason));
      });
    },
    /** The statuses a recorded tab went through and the sign-outs it saw. */
    tabLog(page: Page): Promise<TabLog> {
      return page.evaluate(() => (window as unknown as { __tabLog: TabLog }).__tabLog);
    },

    /**
     * I1: no refresh token the server already spent came back, except `allowedGrace`
     * presentations inside grace (the single retry after a lost response or a timeout).
     */
    expectNoReuse({ allowedGrace = 0 }: { allowedGrace?: number } = {}): void {
      // A request refused for its proof (400) never reached the token: no presentation.
      const reached = presentations.filter((p) => p.status !== 400);
      expect(reached.filter((p) => p.state === 'rotated')).toEqual([]);
      expect(reached.filter((p) => p.state === 'grace').length).toBeLessThanOrEqual(allowedGrace);
    },
    /**
     * I9: once a refresh token was spent (a 200 on `/refresh`), the server never again
     * takes it as its session's live token.
     */
    expectOneLiveTokenPerSession(): void {
      const spent = new Set<string>();
      for (const p of presentations) {
        if (p.state === 'current')
          expect(spent.has(p.hash), 'a spent refresh token was live again').toBe(false);
        if (p.path === '/refresh' && p.status === 200 && p.state === 'current') spent.add(p.hash);
      }
    },
    /**
     * I2: at most one refresh request in flight per device, as the browser sends them, plus
     * `exempt` (a timed-out attempt the browser may still be tearing down as its retry leaves).
     */
    expectOneRefreshInFlightPerDevice({ exempt = 0 }: { exempt?: number } = {}): void {
      for (const watch of devices.values())
        expect(watch.maxInflight).toBeLessThanOrEqual(1 + exempt);
    },
    /**
     * I5: every proof `jti` is unique, retries included: as the page sent them, and as the
     * server got them. `transportResends` allows that many server-side repeats of one
     * request: the browser resending it on its own after a dead kept-alive connection (the
     * page sent it once; the server refused the replayed proof).
     */
    expectUniqueJtis({ transportResends = 0 }: { transportResends?: number } = {}): void {
      expect(jtis.length).toBeGreaterThan(0);
      expect(new Set(jtis).size).toBe(jtis.length);
      expect(serverJtis.length).toBeGreaterThan(0);
      expect(
        serverJtis.filter((jti, i) => serverJtis.indexOf(jti) !== i).length,
      ).toBeLessThanOrEqual(transportResends);
    },
    /** I3: nothing token-like in storage, readable cookies, URLs or the console of any tab. */
    async expectNoSecretsExposed(): Promise<void> {
      for (const context of devices.keys()) await expectStorageHygiene(context);
      for (const line of consoleLines) expect(line).not.toMatch(TOKEN_LIKE);
    },
    /** I7: the tab never showed signed out, nor heard a sign-out, since it was recorded. */
    async expectNeverSignedOut(pages: Page[]): Promise<void> {
      for (const page of pages) {
        const log = await this.tabLog(page);
        expect(log.signedOut).toEqual([]);
        expect(log.statuses).not.toContain('unauthenticated');
        expect((await tabState(page)).status).toBe('authenticated');
      }
    },
    /**
     * I6: no tab holds a token or gets one back: the state is signed out, and asking for a
     * token yields none.
     */
    async expectNoUsableToken(pages: Page[]): Promise<void> {
      for (const page of pages) {
        await expect
          .poll(() => tabState(page))
          .toMatchObject({ status: 'unauthenticated', sessionId: null, expiresAt: null });
        const token = await page.evaluate(() =>
          (window as unknown as { sessionClient: SessionClient }).sessionClient
            .getAccessToken()
            .catch(() => null),
        );
        expect(token).toBeNull();
        expect(await tabState(page)).toMatchObject({
          status: 'unauthenticated',
          sessionId: null,
          expiresAt: null,
        });
      }
    },
    /** I10: every tab of a device ends in the same state, on the same session (a reloaded tab may not know why it is signed out). */
    async expectConverged(pages: Page[]): Promise<void> {
      const summary = async () => {
        const states = await Promise.all(pages.map((page) => tabState(page)));
        return new Set(states.map((s) => `${s.status}|${s.sessionId ?? ''}`)).size;
      };
      await expect.poll(summary).toBe(1);
    },
    /** Stops recording. */
    stop(): void {
      stopLog();
      backend.handle = handle;
    },
  };
}

/** The checker `watchInvariants` returns. */
export type InvariantWatch = ReturnType<typeof watchInvariants>;

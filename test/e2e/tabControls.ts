import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { demoRoot } from '../../examples/demo/server/startDemoServer';
import type { SessionClient } from '../../src/client';

/** A session-client call's outcome, as plain data out of the page. */
export type Outcome =
  | { ok: true; token: string | null }
  | { ok: false; name: string; code: string; retryAfterSeconds?: number };

type ClientWindow = { sessionClient: SessionClient; __channelMuted?: boolean };

/**
 * Runs `refresh()` (or `getAccessToken()`) in a tab, after `invalidateCache()` when asked,
 * and returns the token or the typed error's name and code.
 */
export function callClient(
  page: Page,
  call: 'refresh' | 'getAccessToken',
  { invalidate = false, times = 1 }: { invalidate?: boolean; times?: number } = {},
): Promise<Outcome[]> {
  return page.evaluate(
    async ({ call, invalidate, times }) => {
      const client = (window as unknown as ClientWindow).sessionClient;
      if (invalidate) client.invalidateCache();
      const one = (): Promise<Outcome> =>
        (call === 'refresh'
          ? client.refresh().then(({ user }) => user.accessToken)
          : client.getAccessToken()
        ).then(
          (token) => ({ ok: true, token }),
          (error: { name: string; code: string; retryAfterSeconds?: number }) => ({
            ok: false,
            name: error.name,
            code: error.code,
            ...(error.retryAfterSeconds !== undefined
              ? { retryAfterSeconds: error.retryAfterSeconds }
              : {}),
          }),
        );
      return Promise.all(Array.from({ length: times }, one));
    },
    { call, invalidate, times },
  );
}

/** Starts `refresh()` in a tab (after `invalidateCache()`) without waiting for it. */
export function startRefresh(page: Page): Promise<void> {
  return page.evaluate(() => {
    const client = (window as unknown as ClientWindow).sessionClient;
    client.invalidateCache();
    void client.refresh().catch(() => {});
  });
}

/**
 * Opens a tab whose BroadcastChannels can be muted (`setChannelMuted`), to play a tab that
 * misses its peers' messages, as a frozen or discarded tab does.
 */
export async function openMutableTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.addInitScript(() => {
    const Native = window.BroadcastChannel;
    const muted = () => (window as unknown as ClientWindow).__channelMuted === true;
    class MutableChannel extends Native {
      #listener: ((this: BroadcastChannel, event: MessageEvent) => unknown) | null = null;
      override get onmessage() {
        return this.#listener;
      }
      override set onmessage(listener) {
        this.#listener = listener;
        super.onmessage = listener
          ? (event: MessageEvent) => (muted() ? undefined : listener.call(this, event))
          : null;
      }
      override postMessage(message: unknown) {
        if (!muted()) super.postMessage(message);
      }
    }
    window.BroadcastChannel = MutableChannel;
  });
  await page.goto(url);
  return page;
}

/** Mutes or unmutes a tab opened with `openMutableTab`: it neither hears nor tells its peers. */
export function setChannelMuted(page: Page, muted: boolean): Promise<void> {
  return page.evaluate((value) => {
    (window as unknown as ClientWindow).__channelMuted = value;
  }, muted);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Serves the built demo from the test process while the device is offline, as an app's
 * service worker or HTTP cache would; every API call still fails as offline. Returns the
 * function that stops it.
 */
export async function serveAppOffline(context: BrowserContext): Promise<() => Promise<void>> {
  const dist = join(demoRoot, 'dist');
  const handler = async (route: Route) => {
    const { pathname } = new URL(route.request().url());
    if (
      pathname.startsWith('/v1/') ||
      pathname.startsWith('/api/') ||
      pathname.startsWith('/.well-known/')
    ) {
      return route.abort('internetdisconnected');
    }
    const candidate = normalize(join(dist, pathname));
    const file =
      candidate.startsWith(dist) && extname(candidate) ? candidate : join(dist, 'index.html');
    const body = await readFile(file).catch(() => null);
    if (!body) return route.abort('internetdisconnected');
    return route.fulfill({
      status: 200,
      contentType: contentTypes[extname(file)] ?? 'application/octet-stream',
      body,
    });
  };
  await context.route('**/*', handler);
  return () => context.unroute('**/*', handler);
}

/**
 * Loses the answer to the next request to `path` on the network: the request reaches the
 * server (which commits), and the tab sees a connection reset. Unlike a server that drops
 * its answer on a kept-alive socket, this leaves the browser no chance to resend the
 * request by itself. Resolves when the request went through.
 */
export async function loseNextAnswer(
  context: BrowserContext,
  path: string,
): Promise<{ done: Promise<void> }> {
  let settled!: () => void;
  const done = new Promise<void>((resolve) => (settled = resolve));
  let used = false;
  const handler = async (route: Route) => {
    const request = route.request();
    if (used || !new URL(request.url()).pathname.endsWith(path)) return route.fallback();
    used = true;
    const headers = await request.allHeaders();
    const answer = await fetch(request.url(), {
      method: request.method(),
      headers: Object.fromEntries(
        Object.entries(headers).filter(([name]) => !name.startsWith(':')),
      ),
      body: request.postDataBuffer()?.toString() ?? null,
    });
    await answer.arrayBuffer(); // committed at the server; the tab never sees it
    await route.abort('connectionreset');
    await context.unroute('**/*', handler);
    settled();
  };
  await context.route('**/*', handler);
  return { done };
}

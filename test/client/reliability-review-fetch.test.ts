import { describe, expect, it } from 'vitest';
import type { SessionServerOptions } from '../../src/server';
import { verifyingApi } from './helpers/appApi';
import { ADA, BASE_URL, createWorld } from './helpers/world';

const API = 'http://api.example';

/**
 * A device whose fetch records every init; the session API goes to the reference server, and
 * API goes to an app back end that verifies with `verifyDpopRequest` unless `app` answers.
 */
function setup(
  serverOptions: SessionServerOptions = {},
  app?: (req: Request) => Promise<Response | undefined>,
) {
  const w = createWorld(serverOptions);
  const device = w.device();
  const api = verifyingApi(w);
  const sent: Array<{ url: string; init: RequestInit }> = [];
  let refreshStarted!: () => void;
  const refreshing = new Promise<void>((resolve) => (refreshStarted = resolve));
  const route: typeof fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), document.baseURI);
    sent.push({ url: url.href, init });
    if (url.origin === BASE_URL) {
      if (url.pathname.endsWith('/refresh')) refreshStarted();
      return device.bridge.fetch(input, init);
    }
    const req = new Request(input instanceof Request ? input : url.href, init);
    return (app && (await app(req.clone()))) ?? api(req);
  };
  const tab = device.tab({ fetch: route, authorizedOrigins: [BASE_URL, API] });
  return { w, tab, sent, refreshing };
}

const nonceOf = (req: Request) =>
  JSON.parse(atob(req.headers.get('dpop')!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')))
    .nonce as string | undefined;

describe('session client fetch: what it keeps of the call', () => {
  it("replaces a Request input's headers with init.headers, as fetch does", async () => {
    const { tab, sent } = setup();
    await tab.loginWithPassword(ADA);
    await tab.fetch(new Request(`${API}/orders`, { headers: { 'x-old': '1' } }), {
      headers: { 'x-new': '1' },
    });
    const headers = new Headers(sent.at(-1)!.init.headers);
    expect(headers.has('x-old')).toBe(false);
    expect(headers.get('x-new')).toBe('1');
    expect(headers.get('authorization')).toMatch(/^DPoP /);
  });

  it('resolves a relative URL against the document base URL, as fetch does', async () => {
    const base = document.createElement('base');
    base.href = `${API}/app/`;
    document.head.append(base);
    try {
      const { tab, sent } = setup();
      await tab.loginWithPassword(ADA);
      const res = await tab.fetch('orders');
      expect(sent.at(-1)!.url).toBe(`${API}/app/orders`);
      expect(res.status).toBe(200);
    } finally {
      base.remove();
    }
  });

  it("keeps a Request's own options where init names them undefined, as fetch does", async () => {
    const { tab, sent } = setup();
    await tab.loginWithPassword(ADA);
    const req = new Request(`${API}/orders`, { credentials: 'include' });
    await tab.fetch(req, { signal: undefined, credentials: undefined });
    expect(sent.at(-1)!.init.credentials).toBe('include');
  });

  it('accepts a null init, as fetch does', async () => {
    const { tab } = setup();
    await tab.loginWithPassword(ADA);
    const res = await tab.fetch(`${API}/orders`, null as unknown as RequestInit);
    expect(res.status).toBe(200);
  });
});

describe('session client fetch: aborts', () => {
  it('rejects with the abort reason when aborted while the token is refreshed', async () => {
    const { w, tab, refreshing } = setup();
    await tab.loginWithPassword(ADA);
    w.advance(400);
    w.server.faults.add({ path: '/refresh', latencyMs: 200 });
    const ctrl = new AbortController();
    const call = tab.fetch(`${API}/orders`, { signal: ctrl.signal });
    await refreshing;
    ctrl.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    // The refresh itself goes on for the others.
    await expect(tab.getAccessToken()).resolves.toEqual(expect.any(String));
  });

  it('starts no refresh for a caller that already aborted', async () => {
    const { w, tab } = setup();
    await tab.loginWithPassword(ADA);
    w.advance(400);
    w.server.faults.add({ path: '/refresh', status: 503, times: 2 });
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(tab.fetch(`${API}/orders`, { signal: ctrl.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(w.count('/refresh')).toBe(0);
  });
});

describe('session client fetch: answers of other servers', () => {
  it('takes no clock from an app answer (a cached one carries an old Date)', async () => {
    let cachedDate = '';
    const { w, tab } = setup({}, async (req) =>
      new URL(req.url).pathname === '/config'
        ? new Response('{}', { headers: { date: cachedDate } })
        : undefined,
    );
    await tab.loginWithPassword(ADA);
    cachedDate = new Date(w.now() - 600_000).toUTCString();
    await tab.fetch(`${API}/config`);
    w.advance(400); // the 300 s access token has expired at the server
    await tab.getAccessToken();
    expect(w.count('/refresh')).toBe(1);
  });

  it.each([
    ['an unquoted WWW-Authenticate error', 'DPoP error=use_dpop_nonce, algs="ES256"', null],
    [
      'a challenge next to an app body with its own code',
      'DPoP error="use_dpop_nonce"',
      JSON.stringify({ code: 'UNAUTHENTICATED' }),
    ],
  ])('retries once with the nonce of %s, spending no refresh', async (_, challenge, body) => {
    const { w, tab } = setup({}, async (req) => {
      if (new URL(req.url).pathname !== '/n') return undefined;
      if (nonceOf(req) === 'n-1') return new Response('ok');
      return new Response(body, {
        status: 401,
        headers: { 'WWW-Authenticate': challenge, 'DPoP-Nonce': 'n-1' },
      });
    });
    await tab.loginWithPassword(ADA);
    const res = await tab.fetch(`${API}/n`);
    expect(res.status).toBe(200);
    expect(w.count('/refresh')).toBe(0);
  });
});

describe('session client: 429 from a proxy, and signed-out tabs', () => {
  it('backs off on a 429 without the kit body, as it does on its own', async () => {
    const w = createWorld();
    const device = w.device();
    let limited = 0;
    const tab = device.tab({
      fetch: async (input, init) => {
        if (!String(input).endsWith('/refresh')) return device.bridge.fetch(input, init);
        limited++;
        return new Response('Too Many Requests', { status: 429, headers: { 'Retry-After': '20' } });
      },
    });
    await tab.loginWithPassword(ADA);
    tab.invalidateCache();
    await expect(tab.refresh()).rejects.toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterSeconds: 20,
    });
    for (let i = 0; i < 4; i++) await tab.refresh().catch(() => {});
    expect(limited).toBe(1);
  });

  it('answers null, not a backoff error, once signed out', async () => {
    const { w, tab } = setup();
    await tab.loginWithPassword(ADA);
    w.server.faults.add({ path: '/refresh', status: 429, retryAfterSeconds: 120 });
    tab.invalidateCache();
    await expect(tab.refresh()).rejects.toMatchObject({ code: 'rate_limited' });
    await tab.logout();
    await expect(tab.getAccessToken()).resolves.toBeNull();
    // A call that needs no token goes out without one, and the app answers it.
    expect((await tab.fetch(`${API}/public`)).status).toBe(401);
  });
});

import { describe, expect, it } from 'vitest';
import { verifyingApi } from './helpers/appApi';
import { recordRequests } from './helpers/recorder';
import { ADA, BASE_URL, createWorld } from './helpers/world';

const API = 'http://api.example';

/** A device whose fetch reaches the session server, an app API checking tokens with the kit's verifier, and any other origin. */
const setup = (serverOptions = {}, clientOptions = {}) => {
  const w = createWorld(serverOptions);
  const device = w.device();
  const api = verifyingApi(w);
  let refuseNext = 0;
  const bodies: string[] = [];
  const route: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === BASE_URL) return device.bridge.fetch(input, init);
    const req = new Request(input, init);
    bodies.push(await req.clone().text());
    if (url.origin !== API) return new Response('elsewhere');
    if (refuseNext > 0) {
      refuseNext--;
      return new Response(null, {
        status: 401,
        headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' },
      });
    }
    return api(req);
  };
  const rec = recordRequests(route);
  const tab = device.tab({
    fetch: rec.fetch,
    authorizedOrigins: [BASE_URL, API],
    ...clientOptions,
  });
  return { w, tab, rec, bodies, refuse: (n: number) => void (refuseNext = n) };
};

describe('fetch', () => {
  it('attaches the DPoP token and a proof with ath to an authorized origin', async () => {
    const { tab, rec } = setup();
    await tab.loginWithPassword(ADA);
    const res = await tab.fetch(`${API}/orders?page=2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'usr_ada' });
    const sent = rec.to('/orders')[0]!;
    expect(sent.headers.get('authorization')).toMatch(/^DPoP /);
    expect(sent.headers.get('dpop')).toEqual(expect.any(String));
  });

  it('sends no token to an origin that is not authorized', async () => {
    const { tab, rec } = setup();
    await tab.loginWithPassword(ADA);
    await tab.fetch('http://elsewhere.example/x', { headers: { 'x-app': '1' } });
    const sent = rec.to('/x')[0]!;
    expect(sent.headers.has('authorization')).toBe(false);
    expect(sent.headers.has('dpop')).toBe(false);
  });

  it('authorizes only the session API origin by default', async () => {
    const w = createWorld();
    const device = w.device();
    const rec = recordRequests(async (input, init) =>
      String(input).startsWith(BASE_URL) ? device.bridge.fetch(input, init) : new Response('ok'),
    );
    const tab = device.tab({ fetch: rec.fetch });
    await tab.loginWithPassword(ADA);
    await tab.fetch(`${API}/orders`);
    expect(rec.to('/orders')[0]!.headers.has('authorization')).toBe(false);
    const me = await tab.fetch(`${BASE_URL}/v1/session/me/list`);
    expect(me.status).toBe(200);
  });

  it('refreshes once and replays once with the same body on 401', async () => {
    const { w, tab, bodies, refuse } = setup();
    await tab.loginWithPassword(ADA);
    refuse(1);
    const res = await tab.fetch(`${API}/orders`, {
      method: 'POST',
      body: JSON.stringify({ item: 42 }),
    });
    expect(res.status).toBe(200);
    expect(w.count('/refresh')).toBe(1);
    expect(bodies.slice(-2)).toEqual(['{"item":42}', '{"item":42}']);
    refuse(5);
    const refused = await tab.fetch(`${API}/orders`, { method: 'POST', body: 'again' });
    expect(refused.status).toBe(401);
    expect(w.count('/refresh')).toBe(2);
    expect(bodies.filter((b) => b === 'again')).toHaveLength(2);
  });

  it('buffers the body of a Request input so it can replay it', async () => {
    const { tab, bodies, refuse } = setup();
    await tab.loginWithPassword(ADA);
    refuse(1);
    const res = await tab.fetch(
      new Request(`${API}/orders`, { method: 'PUT', body: 'from a request' }),
    );
    expect(res.status).toBe(200);
    expect(bodies.filter((b) => b === 'from a request')).toHaveLength(2);
  });

  it('refuses a stream body it cannot replay, before any request', async () => {
    const { tab, rec } = setup();
    await tab.loginWithPassword(ADA);
    const before = rec.sent.length;
    const body = new ReadableStream({ start: (c) => c.close() });
    await expect(tab.fetch(`${API}/upload`, { method: 'POST', body })).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(rec.sent.length).toBe(before);
  });

  it('presents an unbound token as Bearer, without a proof', async () => {
    const { tab, rec } = setup({ bindAccessTokens: false });
    await tab.loginWithPassword(ADA);
    const res = await tab.fetch(`${BASE_URL}/v1/session/me/list`);
    expect(res.status).toBe(200);
    const sent = rec.to('/me/list')[0]!;
    expect(sent.headers.get('authorization')).toMatch(/^Bearer /);
    expect(sent.headers.has('dpop')).toBe(false);
  });

  it('retries a resource call once with a new nonce', async () => {
    const { w, tab } = setup({ requireNonce: true, nonceWindowSeconds: 100 });
    await tab.loginWithPassword(ADA);
    w.advance(250);
    const res = await tab.fetch(`${BASE_URL}/v1/session/me/list`);
    expect(res.status).toBe(200);
    expect(w.log.filter((e) => e.path.endsWith('/me/list')).map((e) => e.status)).toEqual([
      401, 200,
    ]);
    expect(w.count('/refresh')).toBe(0);
  });

  it('sends requests without a token while signed out', async () => {
    const { tab, rec } = setup();
    const res = await tab.fetch(`${API}/public`);
    expect(res.status).toBe(401);
    expect(rec.to('/public')[0]!.headers.has('authorization')).toBe(false);
  });
});

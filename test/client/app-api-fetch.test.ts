import { describe, expect, it } from 'vitest';
import { createMemoryStore, VerifierError, verifyDpopRequest } from '../../src/server';
import type { SessionServerOptions } from '../../src/server';
import { createNonceManager } from '../../src/server/nonces';
import { ADA, BASE_URL, createWorld } from './helpers/world';

/**
 * The client's authenticated `fetch` against an app API that checks requests with
 * `verifyDpopRequest` and its `nonce` option (RFC 9449 §7–§9).
 */

const API = 'http://api.example';
const API2 = 'http://api2.example';

interface Seen {
  origin: string;
  method: string;
  path: string;
  status: number;
  body: string;
}

/** How the app turns a verifier failure into an answer. */
type Answer = (e: VerifierError) => Response;
/** `error.toResponse()`, the kit's ready answer (it carries `DPoP-Nonce`). */
const toResponse: Answer = (e) => e.toResponse();
/**
 * The README's Express example, transposed: status, `WWW-Authenticate` and the JSON body,
 * as `res.status(error.status).set('WWW-Authenticate', error.wwwAuthenticate).json(error.toJSON())`.
 */
const readmeExpress: Answer = (e) =>
  Response.json(e.toJSON(), {
    status: e.status,
    headers: { 'WWW-Authenticate': e.wwwAuthenticate },
  });

/**
 * The session server, plus app APIs on API, API2 (and, with `sameOriginPrefix`, on the session
 * API's own origin under that path), each checking requests with `verifyDpopRequest` and a
 * nonce manager of its own (its own secret, as a separate back end has). A success carries the
 * current `DPoP-Nonce`, as RFC 9449 §9 suggests. `redirects` maps a path to the path it
 * redirects to (307), and the device's fetch follows it as `fetch` does: same origin, same
 * method, headers and body.
 */
function setup(
  options: {
    server?: SessionServerOptions;
    answer?: Answer;
    sameOriginPrefix?: string;
    redirects?: Record<string, string>;
  } = {},
) {
  const w = createWorld(options.server);
  const device = w.device();
  const seen: Seen[] = [];
  const nonceOf = new Map(
    [API, API2, BASE_URL].map((o) => [
      o,
      createNonceManager({ store: createMemoryStore({ now: w.now }), now: w.now, required: true }),
    ]),
  );
  const app = async (origin: string, req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    const body = await req.clone().text();
    const to = options.redirects?.[path];
    if (to) {
      seen.push({ origin, method: req.method, path, status: 307, body });
      return new Response(null, { status: 307, headers: { Location: to } });
    }
    const nonce = nonceOf.get(origin)!;
    try {
      const claims = await verifyDpopRequest(req, {
        issuer: BASE_URL,
        jwks: await w.server.jwks(),
        now: w.now,
        nonce,
      });
      seen.push({ origin, method: req.method, path, status: 200, body });
      return Response.json(
        { sub: claims.sub },
        { headers: { 'DPoP-Nonce': await nonce.current() } },
      );
    } catch (e) {
      if (!(e instanceof VerifierError)) throw e;
      seen.push({ origin, method: req.method, path, status: e.status, body });
      return (options.answer ?? toResponse)(e);
    }
  };
  const dispatch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const prefix = options.sameOriginPrefix;
    if (url.origin === BASE_URL && !(prefix && url.pathname.startsWith(prefix)))
      return device.bridge.fetch(input, init);
    // As fetch does, the Request constructor refuses what fetch refuses (a GET with a body…).
    const req = new Request(input, init);
    if (url.origin === API || url.origin === API2 || url.origin === BASE_URL)
      return app(url.origin, req);
    return new Response('elsewhere');
  };
  /** Follows a 307 as fetch does (`redirect: "follow"`): same method, headers and body. */
  const route: typeof fetch = async (input, init) => {
    const res = await dispatch(input, init);
    const location = res.headers.get('location');
    if (res.status !== 307 || !location || init?.redirect === 'manual') return res;
    const next = new URL(location, input instanceof Request ? input.url : String(input)).href;
    const final = await dispatch(next, init);
    Object.defineProperty(final, 'redirected', { value: true });
    Object.defineProperty(final, 'url', { value: next });
    return final;
  };
  const tab = device.tab({ fetch: route, authorizedOrigins: [BASE_URL, API, API2] });
  return { w, tab, seen, at: (path: string) => seen.filter((s) => s.path === path) };
}

describe('client fetch against an app API using verifyDpopRequest with nonces', () => {
  it('keeps the body of a Request input when init.body is null, as fetch does', async () => {
    const { tab, at } = setup();
    await tab.loginWithPassword(ADA);
    const req = new Request(`${API}/orders`, { method: 'POST', body: '{"item":42}' });
    // fetch keeps a Request's body when init's is null (Fetch, Request constructor: "inputOrInitBody").
    expect(await new Request(req.clone(), { body: null }).text()).toBe('{"item":42}');

    const res = await tab.fetch(req, { body: null });

    expect(res.status).toBe(200);
    // What the app API received, on the nonce challenge and on the retry.
    expect(at('/orders').map((s) => s.body)).toEqual(['{"item":42}', '{"item":42}']);
  });

  it('rejects a GET with a body with a TypeError, as fetch does, not a retryable NetworkError', async () => {
    const { tab } = setup();
    await tab.loginWithPassword(ADA);
    // fetch refuses this programming error with a TypeError (happy-dom's Request differs).
    const error = await tab.fetch(`${API}/orders`, { method: 'GET', body: 'x' }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(TypeError);
    // Not a SessionError the app would retry with backoff ("having trouble reaching the server").
    expect((error as { retryable?: boolean }).retryable).not.toBe(true);
  });

  it('makes no refresh for a use_dpop_nonce challenge (README back end: no DPoP-Nonce header)', async () => {
    // The README's Express pattern answers with status, WWW-Authenticate and JSON only. A
    // nonce challenge is not about the token: refreshing cannot satisfy it.
    const { w, tab, at } = setup({ answer: readmeExpress });
    await tab.loginWithPassword(ADA);

    const res = await tab.fetch(`${API}/orders`, { method: 'POST', body: 'once' });

    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="use_dpop_nonce"/);
    expect(w.count('/refresh')).toBe(0);
    expect(at('/orders')).toHaveLength(1);
  });

  it('keeps the nonce of the session API apart from an app API on the same origin', async () => {
    // The README's default deployment: `client.fetch('/api/orders')` on the session API's
    // origin. Both servers hand out nonces, each from its own secret (RFC 9449 §8 and §9:
    // the authorization server's and the resource server's nonces are separate).
    const { w, tab, seen } = setup({ server: { requireNonce: true }, sameOriginPrefix: '/api/' });
    await tab.loginWithPassword(ADA);
    // Warm up: each server has handed its nonce out once.
    expect((await tab.fetch(`${BASE_URL}/api/orders`)).status).toBe(200);
    expect((await tab.fetch(`${BASE_URL}/v1/session/me/list`)).status).toBe(200);
    const appBefore = seen.length;
    const meBefore = w.log.length;

    for (let i = 0; i < 3; i++) {
      expect((await tab.fetch(`${BASE_URL}/api/orders`)).status).toBe(200);
      expect((await tab.fetch(`${BASE_URL}/v1/session/me/list`)).status).toBe(200);
    }

    // Every call ping-pongs through a 401 use_dpop_nonce round trip instead of going through once.
    expect(seen.slice(appBefore).map((s) => s.status)).toEqual([200, 200, 200]);
    expect(w.log.slice(meBefore).map((e) => e.status)).toEqual([200, 200, 200]);
  });

  it('reaches an app endpoint behind a same-origin redirect without a refresh', async () => {
    // A trailing-slash redirect (307), as many frameworks answer.
    const { w, tab, at } = setup({ redirects: { '/orders': '/orders/' } });
    await tab.loginWithPassword(ADA);
    expect((await tab.fetch(`${API}/orders/`)).status).toBe(200); // nonce learned

    const res = await tab.fetch(`${API}/orders`);

    // fetch sent the proof signed for /orders; the GET is sent again, signed for /orders/.
    expect(res.status).toBe(200);
    expect(w.count('/refresh')).toBe(0);
    expect(at('/orders/').at(-1)).toMatchObject({ method: 'GET', status: 200 });
  });

  it('does not send a POST again, nor refresh, when it was refused behind a redirect', async () => {
    const { w, tab, at } = setup({ redirects: { '/orders': '/orders/' } });
    await tab.loginWithPassword(ADA);
    expect((await tab.fetch(`${API}/orders/`)).status).toBe(200); // nonce learned
    const before = at('/orders/').length;

    // Behind a redirect a POST may have become a GET, or have been carried out already: it is
    // not repeated, and a refresh would not help.
    const res = await tab.fetch(`${API}/orders`, { method: 'POST', body: 'once' });

    expect(res.status).toBe(401);
    expect(w.count('/refresh')).toBe(0);
    expect(at('/orders/').length - before).toBe(1);
  });
});

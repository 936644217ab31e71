import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  RateLimitedError,
  ServerError,
  SessionError,
  type SessionClient,
} from '../../src/client';
import { ADA, createWorld } from './helpers/world';

/** A hostile answer: a status and a body built from the real answer's JSON. */
interface Hostile {
  status: number;
  /** Headers set on the answer besides its content type. */
  headers?: Record<string, string>;
  body: (real: Record<string, unknown>) => string;
  contentType: string;
  label: string;
}

type Json = Record<string, unknown>;

const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** Not JSON at all: text, HTML pages (a proxy's or a CDN's), truncated JSON, nothing. */
const notJson = fc.oneof(
  fc.constant(''),
  fc.string().filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc
    .string()
    .map((s) => `<!doctype html><html><head><title>502</title></head><body>${s}</body></html>`),
  fc.constant('{"access_token": "eyJ'),
  fc.constant('<'.repeat(300_000)),
);

/** Values of the wrong type for a string field. */
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

/** Strings that are no date. */
const badDate = fc.oneof(
  fc.constantFrom(
    '',
    'not a date',
    '2026-13-45T99:99:99Z',
    'yesterday',
    'NaN',
    '2026-11-23T25:00:00Z',
  ),
  fc.string().filter((s) => isNaN(new Date(s).getTime())),
);

const hugeString = 'x'.repeat(3_000_000);

/** Names a body builder, so a counterexample says what it sent. */
const named = <F extends (...args: never[]) => unknown>(fn: F, name: string) =>
  Object.assign(fn, { toString: () => name });

const withField = (real: Json, key: string, value: unknown) => {
  const copy = { ...real };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return JSON.stringify(copy);
};

/** A 2xx token answer (finalize, refresh) that breaks the protocol. */
const badTokenAnswer: fc.Arbitrary<Hostile['body']> = fc.oneof(
  notJson.map((s) => () => s),
  fc
    .jsonValue()
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
    .map((v) => () => JSON.stringify(v)),
  fc
    .oneof(notString, fc.constant(undefined), fc.string(), fc.constant(hugeString))
    .map((v) => (real: Json) => withField(real, 'access_token', v)),
  fc
    .oneof(
      notString.filter((v) => typeof v !== 'number'),
      fc.constant(undefined),
      badDate,
    )
    .map((v) => (real: Json) => withField(real, 'expires_at', v)),
  // A JWT-shaped token whose claims are wrong: no exp, sub or sid, or of the wrong type.
  fc
    .record(
      {
        exp: fc.oneof(fc.integer(), badDate, fc.constant(null)),
        sub: fc.oneof(fc.string(), notString),
        sid: fc.oneof(fc.string(), notString),
      },
      { requiredKeys: [] },
    )
    .filter(
      (c) => typeof c.exp !== 'number' || typeof c.sub !== 'string' || typeof c.sid !== 'string',
    )
    .map(
      (claims) => (real: Json) =>
        withField(
          real,
          'access_token',
          `${b64url('{"alg":"ES256"}')}.${b64url(JSON.stringify(claims))}.sig`,
        ),
    ),
  fc.constant(() => JSON.stringify({ access_token: hugeString, expires_at: 'soon' })),
);

const SESSION_FIELDS = ['id', 'device_type', 'device_model', 'os_version', 'country_code'];
const DATE_FIELDS = ['created_at', 'last_seen_at', 'expires_at'];

/** A 2xx `/me/list` page that breaks the protocol. */
const badPage: fc.Arbitrary<Hostile['body']> = fc.oneof(
  notJson.map((s) => () => s),
  fc
    .oneof(notString, fc.constant(undefined))
    // An empty array is a valid page (an offset past the end), not a hostile one.
    .filter((v) => !(Array.isArray(v) && v.length === 0))
    .map((v) => (real: Json) => withField(real, 'sessions', v)),
  fc
    .tuple(
      fc.constantFrom('total', 'limit', 'offset'),
      fc.oneof(
        fc.constant(-1),
        fc.constant(1.5),
        fc.string(),
        fc.constant(null),
        fc.constant(undefined),
      ),
    )
    .map(
      ([k, v]) =>
        (real: Json) =>
          withField(real, k, v),
    ),
  fc
    .tuple(
      fc.constantFrom(...SESSION_FIELDS, ...DATE_FIELDS),
      fc.oneof(notString, fc.constant(undefined)),
    )
    .map(([k, v]) => (real: Json) => {
      const [first, ...rest] = real.sessions as Json[];
      return withField(real, 'sessions', [JSON.parse(withField(first!, k, v)), ...rest]);
    }),
  fc.tuple(fc.constantFrom(...DATE_FIELDS), badDate).map(([k, v]) => (real: Json) => {
    const [first, ...rest] = real.sessions as Json[];
    return withField(real, 'sessions', [...rest, JSON.parse(withField(first!, k, v))]);
  }),
  fc
    .oneof(
      notString.filter((v) => typeof v !== 'object' || v === null),
      fc.array(fc.integer(), { maxLength: 2 }),
    )
    .map((v) => (real: Json) => withField(real, 'sessions', [...(real.sessions as Json[]), v])),
  fc.constant((real: Json) =>
    withField(
      real,
      'sessions',
      Array.from({ length: 20_000 }, () => 7),
    ),
  ),
);

/** A 4xx body that is not the protocol's `{code, message, type}`. */
const badErrorBody: fc.Arbitrary<Hostile['body']> = fc.oneof(
  notJson.map((s) => () => s),
  fc
    .jsonValue()
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
    .map((v) => () => JSON.stringify(v)),
  fc
    .record(
      {
        code: fc.oneof(
          fc.constantFrom('unauthorized', 'token_reused', 'use_dpop_nonce', 'rate_limited'),
          notString,
        ),
        message: fc.oneof(fc.string(), notString),
        type: fc.oneof(fc.string(), notString),
        reason: fc.constantFrom('revoked', 'reused'),
      },
      { requiredKeys: [] },
    )
    .filter(
      (b) =>
        typeof b.code !== 'string' || typeof b.message !== 'string' || typeof b.type !== 'string',
    )
    .map((b) => () => JSON.stringify(b)),
  fc.constant(() => JSON.stringify({ code: hugeString, message: 1, type: 'unauthorized' })),
);

/** Any body at all, including well-formed protocol errors that would sign a user out on a 401. */
const anyBody: fc.Arbitrary<Hostile['body']> = fc.oneof(
  notJson.map((s) => () => s),
  fc.jsonValue().map((v) => () => JSON.stringify(v)),
  fc
    .constantFrom('unauthorized', 'token_reused', 'dpop_key_mismatch', 'use_dpop_nonce', 'internal')
    .map(
      (code) => () =>
        JSON.stringify({ code, message: 'm', type: 'unauthorized', reason: 'revoked' }),
    ),
  fc.constant((real: Json) => JSON.stringify(real)),
);

const contentType = fc.constantFrom('application/json', 'text/html; charset=utf-8', 'text/plain');
// 429 is rate limiting whatever the body (a proxy's or a CDN's): its own property below.
const status4xx = fc.constantFrom(400, 401, 403, 404, 405, 409, 422);

const hostile = (
  status: fc.Arbitrary<number>,
  body: fc.Arbitrary<Hostile['body']>,
  label: string,
) => fc.record({ status, body, contentType, label: fc.constant(label) });

/**
 * A signed-in device whose answers from `path` are replaced while `armed`; the
 * reference server still handles every request, so its state is real.
 */
async function signedInWithHostile(path: string) {
  const w = createWorld();
  const device = w.device();
  let armed: Hostile | null = null;
  const tab = device.tab({
    fetch: async (input, init) => {
      const res = await device.bridge.fetch(input, init);
      if (!armed || new URL(String(input)).pathname !== '/v1/session' + path) return res;
      const real = (await res.json().catch(() => ({}))) as Json;
      const headers = new Headers(res.headers);
      headers.set('content-type', armed.contentType);
      for (const [k, v] of Object.entries(armed.headers ?? {})) headers.set(k, v);
      headers.delete('content-length');
      return new Response(armed.body(real), { status: armed.status, headers });
    },
  });
  await tab.loginWithPassword(ADA);
  const sessionId = tab.getSessionId()!;
  return {
    w,
    tab,
    sessionId,
    arm: (h: Hostile | null) => void (armed = h),
  };
}

/** Runs the call that reaches `path`. */
const call = (tab: SessionClient, path: string): Promise<unknown> =>
  path === '/refresh'
    ? tab.refresh()
    : path === '/me/list'
      ? tab.listSessions()
      : tab.revokeSessions('others');

/** The session survived: same state, and the next ordinary calls work. */
async function expectSessionKept(s: Awaited<ReturnType<typeof signedInWithHostile>>) {
  expect(s.tab.getSnapshot()).toMatchObject({
    status: 'authenticated',
    user: { sessionId: s.sessionId },
  });
  expect(await s.w.server.admin.isSessionActive(s.sessionId)).toBe(true);
  s.arm(null);
  // Past any backoff and past the token's lifetime: a real refresh and a real call.
  s.w.advance(301);
  const page = await s.tab.listSessions();
  expect(page.sessions.find((v) => v.isCurrent)?.id).toBe(s.sessionId);
  expect(s.tab.getSnapshot()).toMatchObject({
    status: 'authenticated',
    user: { sessionId: s.sessionId },
  });
  expect(s.w.log.filter((e) => e.refreshToken?.state === 'rotated')).toEqual([]);
}

async function expectFailure(
  path: string,
  h: Hostile,
  check: (e: SessionError) => void,
  prepare?: (s: Awaited<ReturnType<typeof signedInWithHostile>>) => void,
) {
  const s = await signedInWithHostile(path);
  if (path === '/refresh') s.w.advance(301);
  prepare?.(s);
  s.arm(h);
  const error = await call(s.tab, path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `${h.label} ${h.status} on ${path} was accepted`).toBeInstanceOf(SessionError);
  check(error as SessionError);
  await expectSessionKept(s);
}

const RUNS = { numRuns: 25 };

describe('hostile server answers (property-based)', () => {
  it('answers a malformed 2xx token answer from /refresh with ProtocolError and keeps the session', async () => {
    await fc.assert(
      fc.asyncProperty(hostile(fc.constantFrom(200, 201), badTokenAnswer, '2xx'), (h) =>
        expectFailure('/refresh', h, (e) => expect(e).toBeInstanceOf(ProtocolError)),
      ),
      RUNS,
    );
  });

  it('answers a token answer whose expires_at is no date, or not after the token was issued, with ProtocolError', async () => {
    // Beyond ±8.64e12 s a Date is invalid; at or before the token's iat it expired before it was issued.
    const iatOf = (real: Json) =>
      (
        JSON.parse(
          atob(String(real.access_token).split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')),
        ) as { iat: number }
      ).iat;
    const badExpiry: fc.Arbitrary<Hostile['body']> = fc.oneof(
      fc
        .oneof(
          fc.double({ min: 8.7e12, max: 1e308, noNaN: true }),
          fc.double({ min: -1e308, max: -8.7e12, noNaN: true }),
        )
        .map((v) => named((real: Json) => withField(real, 'expires_at', v), `expires_at: ${v}`)),
      fc
        .integer({ min: 0, max: 2e9 })
        .map((back) =>
          named(
            (real: Json) => withField(real, 'expires_at', iatOf(real) - back),
            `expires_at: iat - ${back}`,
          ),
        ),
    );
    await fc.assert(
      fc.asyncProperty(hostile(fc.constant(200), badExpiry, '2xx'), (h) =>
        expectFailure('/refresh', h, (e) => expect(e).toBeInstanceOf(ProtocolError)),
      ),
      RUNS,
    );
  });

  it('answers a malformed 2xx page from /me/list with ProtocolError and keeps the session', async () => {
    await fc.assert(
      fc.asyncProperty(hostile(fc.constant(200), badPage, '2xx'), (h) =>
        expectFailure('/me/list', h, (e) => expect(e).toBeInstanceOf(ProtocolError)),
      ),
      RUNS,
    );
  });

  it('answers a malformed 4xx error body with ProtocolError and keeps the session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/refresh', '/me/list', '/me/revoke'),
        hostile(status4xx, badErrorBody, '4xx'),
        (path, h) => expectFailure(path, h, (e) => expect(e).toBeInstanceOf(ProtocolError)),
      ),
      RUNS,
    );
  });

  it('answers any 429 with RateLimitedError, whatever its body, and keeps the session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/refresh', '/me/list', '/me/revoke'),
        hostile(fc.constant(429), anyBody, '429'),
        (path, h) =>
          expectFailure(path, h, (e) => {
            expect(e).toBeInstanceOf(RateLimitedError);
            expect(e).toMatchObject({ code: 'rate_limited', retryable: true });
          }),
      ),
      RUNS,
    );
  });

  it('answers any 5xx with ServerError, whatever its body, and keeps the session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/refresh', '/me/list', '/me/revoke'),
        hostile(fc.integer({ min: 500, max: 599 }), anyBody, '5xx'),
        (path, h) =>
          expectFailure(path, h, (e) => {
            expect(e).toBeInstanceOf(ServerError);
            expect(e).toMatchObject({ code: 'server_error', status: h.status });
          }),
      ),
      RUNS,
    );
  });

  const retryAfter = fc.oneof(
    fc.integer({ min: 3_601, max: Number.MAX_SAFE_INTEGER }).map(String),
    fc.constantFrom('Infinity', '1e400', '-5', 'soon', '', 'Wed, 21 Oct 2099 07:28:00 GMT'),
  );
  const rateLimited = (value: string): Hostile => ({
    status: 429,
    contentType: 'application/json',
    label: `Retry-After: ${value}`,
    body: () => JSON.stringify({ code: 'rate_limited', message: 'm', type: 'rate_limited' }),
    headers: { 'retry-after': value },
  });

  it('reads any Retry-After of a 429 as a finite, non-negative number of seconds', async () => {
    await fc.assert(
      fc.asyncProperty(retryAfter, async (value) => {
        const s = await signedInWithHostile('/me/list');
        s.arm(rateLimited(value));
        const error = await s.tab.listSessions().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RateLimitedError);
        const seconds = (error as RateLimitedError).retryAfterSeconds;
        expect(Number.isFinite(seconds) && seconds >= 0, `retryAfterSeconds ${seconds}`).toBe(true);
        await expectSessionKept(s);
      }),
      RUNS,
    );
  });

  it('lets no Retry-After lock a device out of refreshing for more than an hour', async () => {
    await fc.assert(
      fc.asyncProperty(retryAfter, async (value) => {
        const s = await signedInWithHostile('/refresh');
        s.w.advance(301);
        s.arm(rateLimited(value));
        await expect(s.tab.refresh()).rejects.toBeInstanceOf(RateLimitedError);
        // The backoff is kept in IndexedDB for every tab and reload: it must end.
        s.arm(null);
        s.w.advance(3_600);
        await expect(s.tab.refresh()).resolves.toMatchObject({ user: { sessionId: s.sessionId } });
      }),
      RUNS,
    );
  });

  it('signs no one in on hostile login answers, and a later login works', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(
            fc.constant('/login/finalize'),
            hostile(fc.constant(200), badTokenAnswer, '2xx'),
          ),
          fc.tuple(
            fc.constant('/login/email/password'),
            hostile(
              fc.constant(200),
              fc.oneof(
                notJson.map((s) => () => s),
                fc
                  .oneof(notString, fc.constant(undefined))
                  .map((v) => (real: Json) => withField(real, 'challenge_token', v)),
              ),
              '2xx',
            ),
          ),
          fc.tuple(
            fc.constantFrom('/login/finalize', '/login/email/password'),
            hostile(status4xx, badErrorBody, '4xx'),
          ),
          fc.tuple(
            fc.constantFrom('/login/finalize', '/login/email/password'),
            hostile(fc.integer({ min: 500, max: 599 }), anyBody, '5xx'),
          ),
        ),
        async ([path, h]) => {
          const w = createWorld();
          const device = w.device();
          let armed = true;
          const tab = device.tab({
            fetch: async (input, init) => {
              const res = await device.bridge.fetch(input, init);
              if (!armed || new URL(String(input)).pathname !== '/v1/session' + path) return res;
              const real = (await res.json().catch(() => ({}))) as Json;
              return new Response(h.body(real), {
                status: h.status,
                headers: { 'content-type': h.contentType },
              });
            },
          });
          const error = await tab.loginWithPassword(ADA).then(
            () => null,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(h.status >= 500 ? ServerError : ProtocolError);
          expect(tab.getSnapshot().status).not.toBe('authenticated');
          expect(tab.getSessionId()).toBeNull();
          armed = false;
          await tab.loginWithPassword(ADA);
          expect(tab.getSnapshot().status).toBe('authenticated');
          // A finalize whose answer was lost in garbage leaves no ghost row behind the new login.
          expect((await tab.listSessions()).total).toBe(1);
        },
      ),
      RUNS,
    );
  });

  it('takes a huge but well-formed page without crashing', async () => {
    const s = await signedInWithHostile('/me/list');
    s.arm({
      status: 200,
      contentType: 'application/json',
      label: 'huge',
      body: (real) => {
        const row = (real.sessions as Json[])[0]!;
        const rows = Array.from({ length: 5_000 }, (_, i) => ({
          ...row,
          id: `ses_${i}`,
          device_model: 'm'.repeat(1_000),
        }));
        return JSON.stringify({ ...real, sessions: rows, total: rows.length });
      },
    });
    const page = await s.tab.listSessions();
    expect(page.sessions).toHaveLength(5_000);
    await expectSessionKept(s);
  });
});

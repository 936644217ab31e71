import { createEnvironment } from './environment';
import { DisposedError, SessionError, UnauthorizedError, UnexpectedError } from './errors';
import { createHttp, type SendOptions } from './http';
import { createKeyStore } from './keyStore';
import { createNonceCache } from './nonceCache';
import { API_PATH, parseChallenge, parseSessionPage } from './protocol';
import { createRefreshCoordinator, type SignedOut } from './refreshCoordinator';
import { createStorage, finite } from './storage';
import { refreshDueAt, type CachedToken } from './tokenCache';
import type {
  ListSessionsOptions,
  Profile,
  RevokeTarget,
  SessionClient,
  SessionClientOptions,
  SessionEvent,
  SessionSnapshot,
  SignOutReason,
  User,
} from './types';

const POST = 'POST';
const PENDING = 'pendingSignOut';
const JSON_HEADERS = { 'Content-Type': 'application/json' };
const nonBlank = (v: unknown, name: string) => {
  if (typeof v !== 'string' || !v.trim())
    throw new TypeError(`"${name}" must be a non-empty string`);
  return v;
};
const notSignedIn = () => new UnauthorizedError('Not signed in');
/** A throwing listener is the app's bug: reported (window `error`), never in the kit's way. */
const safely = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    const g = globalThis as { reportError?: (e: unknown) => void };
    if (g.reportError) g.reportError(e);
    else
      setTimeout(() => {
        throw e;
      });
  }
};
/** A `Request`'s options that `fetch(url, init)` takes again (a navigation's mode it does not). */
const requestOptions = (r: Request): RequestInit => ({
  cache: r.cache,
  credentials: r.credentials,
  integrity: r.integrity,
  keepalive: r.keepalive,
  ...(r.mode !== 'navigate' && { mode: r.mode }),
  redirect: r.redirect,
  referrer: r.referrer,
  referrerPolicy: r.referrerPolicy,
  signal: r.signal,
});
/** Option `name`, when given, as a number in [0, max]. */
const bounded = (v: unknown, name: string, max = Infinity) => {
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= max))
    throw new TypeError(`"${name}" must be a number from 0 to ${max}`);
  return v as number | undefined;
};

/**
 * Creates the framework-agnostic DPoP session client.
 *
 * @example
 * const session = createSessionClient({ baseUrl: 'https://app.example.com' })
 * await session.loginWithPassword({ identifier, password })
 * const res = await session.fetch('/api/orders') // Authorization: DPoP … plus a proof
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
export function createSessionClient<P extends Profile = Profile>(
  options: SessionClientOptions,
): SessionClient<P> {
  const baseUrl = nonBlank(options.baseUrl, 'baseUrl');
  let base: URL | undefined;
  try {
    base = new URL(baseUrl);
  } catch {
    // Not an absolute URL: refused just below, naming the option.
  }
  if (!base || !/^https?:$/.test(base.protocol) || base.search || base.hash)
    throw new TypeError('"baseUrl" must be an absolute http(s) URL with no query or fragment');
  const apiOrigin = base.origin;
  // Timers take at most 2^31 - 1 ms.
  for (const k of ['refreshTimeoutMs', 'lockTimeoutMs', 'peerWaitMs'] as const)
    bounded(options[k], k, 2 ** 31 - 1);
  // As URLs come out of `new URL` (lower-case host, no default port), so session API calls
  // made through `fetch` are recognised as such.
  const api = base.href.replace(/\/+$/, '') + API_PATH;
  const skew = bounded(options.refreshSkewSeconds, 'refreshSkewSeconds') ?? 30;
  const authorized = new Set(
    (options.authorizedOrigins ?? [apiOrigin]).map((o) => new URL(o).origin),
  );
  const env = createEnvironment(options);
  const listeners = new Set<() => void>();
  const handlers: { [K in SessionEvent['type']]?: Set<(e: SessionEvent) => void> } = {};
  const emit = (e: SessionEvent) => handlers[e.type]?.forEach((l) => safely(() => l(e)));
  const warn = (code: string, message: string) => emit({ type: 'warning', code, message });
  const storage = createStorage(
    () => env.indexedDB,
    (options.namespace ?? 'default') + ':',
    () => warn('storage_unavailable', 'No IndexedDB: the key lives in this tab only'),
  );
  const keys = createKeyStore(storage, () => env.crypto);
  const http = createHttp(env, storage, createNonceCache(storage), api);

  let token: CachedToken | null = null;
  let snapshot: SessionSnapshot<P> = { status: 'loading' };
  /** Tokens of this generation or older belong to a session that ended. */
  let outGeneration = 0;
  /** Tokens obtained at or before this were invalidated. */
  let staleAt = 0;
  let inflight: Promise<CachedToken | null> | null = null;
  let loggingOut: Promise<void> | null = null;
  let disposed: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;

  const setSnapshot = (next: SessionSnapshot<P>) => {
    const s = snapshot;
    if (
      s.status !== next.status ||
      s.user !== next.user ||
      s.error !== next.error ||
      s.reason !== next.reason
    ) {
      snapshot = next;
      listeners.forEach(safely);
    }
  };

  const usable = (t: CachedToken) => http.serverNow() < refreshDueAt(t, skew);
  const fresh = (t: CachedToken | null) => !!t && t.refreshedAt > staleAt && usable(t);

  /**
   * What `online`, `visibilitychange`, `pageshow` (and the background timer) run. A page back
   * from the back/forward cache may have missed a sign-out or a login in another tab: the
   * stored key tells.
   */
  const check = async () => {
    if (disposed) return;
    void retryPendingSignOut();
    const t = token;
    const key = t && (await coordinator.usableKey(true));
    if (t && key && key.generation !== t.generation) staleAt = Math.max(staleAt, t.refreshedAt);
    if (snapshot.status !== 'unauthenticated' && !fresh(token)) ensure().catch(() => {});
  };

  const accept = (t: CachedToken, login?: boolean) => {
    if (
      t.generation <= outGeneration ||
      (token &&
        (t.generation < token.generation ||
          (t.generation === token.generation && t.refreshedAt <= token.refreshedAt)))
    )
      return;
    // A token of another generation (a login elsewhere) goes with a key this tab has not loaded.
    if (login || t.generation !== token?.generation) keys.reset();
    token = t;
    const user = t.user as User<P>;
    setSnapshot({ status: 'authenticated', user });
    emit({ type: login ? 'signed-in' : 'refreshed', user });
    if (options.backgroundRefresh) {
      clearTimeout(timer);
      timer = setTimeout(check, refreshDueAt(t, skew) - http.serverNow());
    }
  };

  const signOut = (reason: SignOutReason, generation: number, broadcast?: boolean) => {
    if (token && token.generation > generation) return;
    outGeneration = Math.max(outGeneration, generation);
    keys.reset();
    const had = token;
    token = null;
    clearTimeout(timer);
    setSnapshot({ status: 'unauthenticated', reason });
    if (had) emit({ type: 'signed-out', reason });
    if (broadcast) {
      coordinator.post({ t: 'out', reason, generation });
      void storage.set('signedOut', { generation, reason } satisfies SignedOut);
    }
  };

  const coordinator = createRefreshCoordinator({
    options,
    env,
    storage,
    keys,
    http,
    api,
    token: () => token,
    usable,
    accept,
    signOut,
  });

  const events = ['online', 'visibilitychange', 'pageshow'];
  const start = () => {
    if (disposed) throw new DisposedError();
    if (!started) {
      started = true;
      coordinator.start();
      void http.load();
      // A sign-out left pending by an earlier visit is finished as soon as the client runs.
      void retryPendingSignOut();
      events.forEach((e) => env.window?.addEventListener(e, check));
    }
  };

  /** One refresh in flight per tab; every caller awaits it. */
  const ensure = () =>
    (inflight ??= coordinator
      .run(staleAt)
      .then(
        (t) => {
          if (!token) setSnapshot({ status: 'unauthenticated', reason: snapshot.reason });
          return t && token;
        },
        (thrown: unknown) => {
          // Whatever failed, the caller and the snapshot get a typed error.
          const e = thrown instanceof SessionError ? thrown : new UnexpectedError(thrown);
          if (!token && snapshot.status !== 'unauthenticated')
            setSnapshot({ status: 'error', error: e });
          throw e;
        },
      )
      .finally(() => (inflight = null)));

  /** Wraps a method: it starts the client, and after `dispose` throws (or rejects) `DisposedError`. */
  const live =
    <A extends unknown[], R>(fn: (...args: A) => R, async?: 1) =>
    (...args: A): R => {
      try {
        start();
      } catch (e) {
        if (async) return Promise.reject(e) as R;
        throw e;
      }
      return fn(...args);
    };

  const getAccessToken = (): Promise<string | null> =>
    // The hot path: a valid cached token costs no crypto, storage or network.
    fresh(token)
      ? Promise.resolve(token!.user.accessToken)
      : ensure().then(
          (t) => t?.user.accessToken ?? null,
          (e: unknown) => {
            // A token that is due but not expired still works while the server is unreachable.
            const t = token;
            if (
              (e as SessionError).retryable &&
              t &&
              t.refreshedAt > staleAt &&
              http.serverNow() < t.expiresAt
            )
              return t.user.accessToken;
            throw e;
          },
        );

  /**
   * Sends with the access token (and a proof when it is bound); on 401 one refresh and one
   * replay. A caller that aborts stops waiting for the token at once, with its abort reason,
   * as `fetch` would (the refresh goes on for the others).
   */
  const authorizedSend = async (o: SendOptions) => {
    const signal = o.init?.signal;
    const token$ = () =>
      signal
        ? new Promise<unknown>((resolve, reject) => {
            const abort = () => reject(signal.reason);
            if (signal.aborted) return abort();
            signal.addEventListener('abort', abort, { once: true });
            getAccessToken()
              .then(resolve, reject)
              .finally(() => signal.removeEventListener('abort', abort));
          })
        : getAccessToken();
    const attempt = async (t: CachedToken) => {
      const bound = !!t.claims.cnf?.jkt;
      return http.send({
        ...o,
        key: bound ? await keys.get() : undefined,
        token: { value: t.user.accessToken, bound },
      });
    };
    await token$();
    const t = token;
    if (!t) return http.send(o);
    let res = await attempt(t);
    if (res.status === 401 && res.redirected) {
      // `fetch` followed a redirect with the proof signed for the first URL. A GET or HEAD is
      // sent again, signed for where it landed; another method may have changed on the way,
      // or been carried out, so it is not.
      if (!/^(GET|HEAD)$/.test(o.method) || !authorized.has(new URL(res.url).origin)) return res;
      o = { ...o, url: res.url };
      res = await attempt(t);
    }
    // A refresh cannot satisfy a nonce challenge (`http.send` answered one when it could).
    if (
      res.status === 401 &&
      !/\berror="?use_dpop_nonce\b/.test(res.headers.get('www-authenticate') ?? '')
    ) {
      staleAt = Math.max(staleAt, t.refreshedAt);
      await token$();
      if (token) res = await attempt(token);
    }
    return res;
  };

  /** Calls `/me/*`; an `unauthorized` that survives a refresh ends the session. */
  const callMe = async (method: string, path: string) => {
    if (!(await getAccessToken())) throw notSignedIn();
    try {
      return http.parse(await authorizedSend({ method, url: api + path, credentials: 'include' }));
    } catch (e) {
      if (e instanceof UnauthorizedError && token) signOut(e.reason, token.generation, true);
      throw e;
    }
  };

  const finalizeLogin = async (challengeToken: string) => {
    nonBlank(challengeToken, 'challengeToken');
    const device = await (
      globalThis.navigator as
        { userAgentData?: { getHighEntropyValues(h: string[]): Promise<object> } } | undefined
    )?.userAgentData
      ?.getHighEntropyValues(['model', 'platformVersion'])
      .catch(() => undefined);
    return coordinator.withLock(async () => {
      // Header mode sends the older session's refresh token, as the cookie does, so finalize
      // ends that session; read before a pending sign-out's clean-up deletes it.
      const older = await coordinator.refreshHeader();
      // A sign-out left pending is finished first, with its own key; if the server cannot be
      // told, its key goes anyway.
      await revokePending(undefined, true);
      // The old key stays until the server accepted the new one: a failed login ends nothing.
      const key = await keys.create(Math.max(outGeneration, token?.generation ?? 0));
      const answer = await coordinator.tokenCall(
        {
          method: POST,
          url: api + '/login/finalize',
          key,
          headers: { ...JSON_HEADERS, ...older },
          // Client hints name the device better than a reduced User-Agent; the server bounds them.
          body: JSON.stringify({ challenge_token: challengeToken, device }),
        },
        // Accepted: this key is the session's now, whether or not its answer can be read.
        () => keys.save(key),
      );
      const t = await coordinator.complete(answer, key, true);
      if (!t) throw notSignedIn();
      return { user: t.user as User<P> };
    });
  };

  /**
   * Sends `/revoke` for the pending sign-out and forgets it; call under the lock. While the
   * network fails it rejects and keeps the marker, unless `regardless` (a login: finalize, with
   * the old cookie, ends that session too for the same user; another user's leaves it keyless).
   */
  const revokePending = async (proof?: string, regardless?: boolean) => {
    const stored = await storage.get(PENDING);
    if (stored === undefined) return;
    // Written as a number; a record of another shape names no generation, and just goes.
    const generation = finite(stored);
    const key = await keys.get();
    if (key && key.generation === generation)
      await http
        .call({
          method: POST,
          url: api + '/revoke',
          key,
          proof,
          headers: await coordinator.refreshHeader(),
        })
        .catch((e: SessionError) => {
          if (e.retryable && !regardless) throw e;
        });
    if (generation !== undefined) await coordinator.forget(generation);
    await storage.del(PENDING);
  };

  const revoke = (proof?: string) =>
    coordinator
      .withLock(() => revokePending(proof))
      .catch(() => warn('logout_pending', 'Sign-out finishes when back online'));

  const retryPendingSignOut = async () => {
    if (env.onLine() && (await storage.get(PENDING)) !== undefined) await revoke();
  };

  const logout = () =>
    (loggingOut ??= (async () => {
      const key = await keys.get();
      // A key that cannot sign does not stop the sign-out here (the server session then
      // cannot be told, and ends on its own).
      const proof =
        key &&
        (await http.sign({ method: POST, url: api + '/revoke', key }).catch(() => undefined));
      // Stored before the broadcast: a tab that opens after it finds the sign-out pending.
      if (key) await storage.set(PENDING, key.generation);
      // Ends the session of the key it signed for: a login this tab took meanwhile stays.
      signOut('logout', key ? key.generation : (token?.generation ?? 0), true);
      if (key) await revoke(proof);
    })().finally(() => (loggingOut = null)));

  const revokeSessions = async (target: RevokeTarget | 'session', sessionId?: string) => {
    const id =
      target === 'session'
        ? sessionId
        : typeof target === 'object' && target
          ? target.session
          : undefined;
    const query =
      id !== undefined || target === 'session'
        ? 'session&session_id=' + encodeURIComponent(nonBlank(id, 'session'))
        : target === 'all' || target === 'others' || target === 'mine'
          ? target
          : null;
    if (!query) throw new TypeError('"target" must be "all", "others", "mine" or { session: id }');
    // This tab's session (loaded first, so a fresh tab knows whether the target includes it).
    await getAccessToken();
    const mine = token;
    await callMe(POST, '/me/revoke?target=' + query);
    if (mine && (target === 'all' || target === 'mine' || id === mine.user.sessionId)) {
      // Signed out first: its stored reason is written before the key goes (see refreshAtServer).
      signOut('logout', mine.generation, true);
      await coordinator.withLock(() => coordinator.forget(mine.generation)).catch(() => {});
    }
  };

  return {
    refresh: live(async () => {
      const t = await ensure();
      if (!t) throw notSignedIn();
      return { user: t.user as User<P> };
    }, 1),
    getAccessToken: live(getAccessToken, 1),
    getProfile: live(() => (token?.user.profile as P) ?? null),
    getSessionId: live(() => token?.user.sessionId ?? null),
    getAccessTokenExpiresAt: live(() => token?.user.expiresAt ?? null),
    invalidateCache: live(() => {
      if (token) staleAt = Math.max(staleAt, token.refreshedAt);
    }),
    logout: live(logout, 1),
    listSessions: live(async ({ limit, offset }: ListSessionsOptions = {}) => {
      const q = new URLSearchParams();
      if (limit !== undefined) q.set('limit', String(limit));
      if (offset !== undefined) q.set('offset', String(offset));
      return parseSessionPage(
        (await callMe('GET', '/me/list?' + q)).body,
        token?.user.sessionId ?? null,
      );
    }, 1),
    revokeSessions: live(revokeSessions, 1) as SessionClient<P>['revokeSessions'],
    fetch: live(async (input: RequestInfo | URL, given?: RequestInit | null) => {
      const req = input instanceof Request ? input : null;
      // Relative URLs resolve as `fetch` resolves them: against the document's base URL.
      const g = globalThis as { document?: Document; location?: Location };
      const url = new URL(req ? req.url : String(input), g.document?.baseURI ?? g.location?.href);
      if (!authorized.has(url.origin)) return env.fetch(input, given ?? undefined);
      const init = given ?? {};
      if (init.body instanceof ReadableStream)
        throw new TypeError('"body" cannot be a stream (no replay)');
      // As `new Request(req, init)`: init's headers replace the request's, other options merge.
      const headers = new Headers(init.headers ?? req?.headers);
      const method = (init.method ?? req?.method ?? 'GET').toUpperCase();
      // Buffered once, so a nonce retry or a replay after refresh sends the same bytes. A
      // null `init.body` keeps the Request's, as for fetch.
      const body = init.body ?? (req?.body ? await req.arrayBuffer() : undefined);
      // A programming error, refused as fetch refuses it, not sent to fail as a network error.
      if (body != null && (method === 'GET' || method === 'HEAD'))
        throw new TypeError('"body" cannot go with a GET or HEAD request');
      return authorizedSend({
        // An `undefined` member of init is absent, as for fetch: it keeps the Request's own.
        init: req
          ? {
              ...requestOptions(req),
              ...Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined)),
            }
          : init,
        method,
        url: url.href,
        headers,
        body,
      });
    }, 1),
    loginWithPassword: live(async (input) => {
      const identifier = nonBlank(input?.identifier, 'identifier');
      if (typeof input.password !== 'string') throw new TypeError('"password" must be a string');
      const { body } = await http.call({
        method: POST,
        url: api + '/login/email/password',
        headers: JSON_HEADERS,
        body: JSON.stringify({ identifier, password: input.password }),
      });
      return finalizeLogin(parseChallenge(body));
    }, 1),
    finalizeLogin: live(finalizeLogin, 1),
    getSnapshot: () => {
      if (disposed) throw new DisposedError();
      return snapshot;
    },
    subscribe: live((listener: () => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    }),
    on: live((type, listener) => {
      const set = (handlers[type] ??= new Set());
      set.add(listener as (e: SessionEvent) => void);
      return () => void set.delete(listener as (e: SessionEvent) => void);
    }),
    dispose: () =>
      (disposed ??= (async () => {
        clearTimeout(timer);
        coordinator.stop();
        events.forEach((e) => env.window?.removeEventListener(e, check));
        listeners.clear();
        for (const k in handlers) delete handlers[k as SessionEvent['type']];
        // Work in flight (a refresh at the server, a logout) still stores what it got, then
        // the connection closes: once this resolves, the client writes nothing more.
        await Promise.allSettled([inflight, loggingOut]);
        await storage.close();
      })()),
  };
}

import { createEnvironment } from './environment';
import { DisposedError, DpopError, SessionError, UnauthorizedError } from './errors';
import { createHttp, type SendOptions } from './http';
import { createKeyStore } from './keyStore';
import { createNonceCache } from './nonceCache';
import { API_PATH, parseChallenge, parseSessionPage, parseTokenAnswer } from './protocol';
import { createRefreshCoordinator } from './refreshCoordinator';
import { createStorage } from './storage';
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

const typeError = (what: string) => new TypeError(what);
const nonBlank = (v: unknown, name: string) => {
  if (typeof v !== 'string' || !v.trim()) throw typeError(`"${name}" must be a non-empty string`);
  return v;
};

/** Device hints for `/login/finalize` from User-Agent Client Hints, where the browser has them. */
async function deviceHints() {
  type Hints = { model?: string; platform?: string; platformVersion?: string; mobile?: boolean };
  const data = (globalThis.navigator as { userAgentData?: { getHighEntropyValues(h: string[]): Promise<Hints> } })
    ?.userAgentData;
  const v = await data?.getHighEntropyValues(['model', 'platformVersion']).catch(() => undefined);
  return v && { model: v.model, platform: v.platform, platformVersion: v.platformVersion, mobile: v.mobile };
}

/**
 * Creates the framework-agnostic DPoP session client.
 *
 * @example
 * const session = createSessionClient({ baseUrl: 'https://app.example.com' })
 * await session.loginWithPassword({ identifier, password })
 * const res = await session.fetch('/api/orders') // Authorization: DPoP … plus a proof
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
export function createSessionClient<P extends Profile = Profile>(options: SessionClientOptions): SessionClient<P> {
  const apiOrigin = new URL(nonBlank(options.baseUrl, 'baseUrl')).origin;
  const api = options.baseUrl.replace(/\/+$/, '') + API_PATH;
  const namespace = options.namespace ?? 'default';
  const skew = options.refreshSkewSeconds ?? 30;
  const header = options.refreshTokenTransport === 'header';
  const authorized = new Set((options.authorizedOrigins ?? [apiOrigin]).map((o) => new URL(o).origin));
  const env = createEnvironment(options);
  const listeners = new Set<() => void>();
  const handlers: { [K in SessionEvent['type']]?: Set<(e: SessionEvent) => void> } = {};
  const emit = (e: SessionEvent) => handlers[e.type]?.forEach((l) => l(e));
  const storage = createStorage(
    () => env.indexedDB,
    namespace + ':',
    () =>
      emit({
        type: 'warning',
        code: 'storage_unavailable',
        message: 'IndexedDB is unavailable: the key lives in this tab only',
      }),
  );
  const keys = createKeyStore(storage, () => env.crypto);
  const http = createHttp(env, storage, createNonceCache(storage));

  let token: CachedToken | null = null;
  let snapshot: SessionSnapshot<P> = { status: 'loading' };
  /** Tokens of this generation or older belong to a session that ended. */
  let outGeneration = 0;
  /** Tokens obtained at or before this (local ms) were invalidated. */
  let staleAt = 0;
  let inflight: Promise<CachedToken | null> | null = null;
  let loggingOut: Promise<void> | null = null;
  let disposed: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;

  const setSnapshot = (next: SessionSnapshot<P>) => {
    const s = snapshot;
    if (s.status === next.status && s.user === next.user && s.error === next.error && s.reason === next.reason) return;
    snapshot = next;
    listeners.forEach((l) => l());
  };

  const usable = (t: CachedToken) => http.serverNow() < refreshDueAt(t, skew);

  const check = () => {
    if (disposed) return;
    void retryPendingSignOut();
    if (snapshot.status !== 'unauthenticated' && (!token || !usable(token))) ensure().catch(() => {});
  };

  const accept = (t: CachedToken, login?: boolean) => {
    if (t.generation <= outGeneration) return false;
    if (token && (t.generation < token.generation || (t.generation === token.generation && t.refreshedAt <= token.refreshedAt)))
      return false;
    if (login) keys.reset();
    token = t;
    const user = t.user as User<P>;
    setSnapshot({ status: 'authenticated', user });
    emit({ type: login ? 'signed-in' : 'refreshed', user });
    if (options.backgroundRefresh) {
      clearTimeout(timer);
      timer = setTimeout(check, Math.max(0, refreshDueAt(t, skew) - http.serverNow()));
    }
    return true;
  };

  const signOut = (reason: SignOutReason, generation: number, broadcast: boolean) => {
    if (token && token.generation > generation) return;
    outGeneration = Math.max(outGeneration, generation);
    keys.reset();
    const had = token;
    token = null;
    clearTimeout(timer);
    setSnapshot({ status: 'unauthenticated', reason });
    if (had) emit({ type: 'signed-out', reason });
    if (broadcast) coordinator.post({ t: 'out', reason, generation });
  };

  const coordinator = createRefreshCoordinator({
    env,
    storage,
    keys,
    http,
    api,
    namespace,
    header,
    lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
    peerWaitMs: options.peerWaitMs ?? 1_000,
    refreshTimeoutMs: options.refreshTimeoutMs ?? 10_000,
    token: () => token,
    usable,
    accept,
    signOut,
  });

  const events = ['online', 'visibilitychange', 'pageshow'];
  const start = () => {
    if (disposed) throw new DisposedError();
    if (started) return;
    started = true;
    coordinator.start();
    void http.load();
    events.forEach((e) => env.window?.addEventListener(e, check));
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
        (e: unknown) => {
          if (!token && snapshot.status !== 'unauthenticated' && e instanceof SessionError)
            setSnapshot({ status: 'error', error: e });
          throw e;
        },
      )
      .finally(() => (inflight = null)));

  /** Wraps a method: it starts the client, and after `dispose` throws (or rejects) `DisposedError`. */
  const live = <A extends unknown[], R>(fn: (...args: A) => R, async?: 1) =>
    ((...args: A) => {
      try {
        start();
      } catch (e) {
        if (async) return Promise.reject(e);
        throw e;
      }
      return fn(...args);
    }) as (...args: A) => R;

  const refresh = async () => {
    const t = await ensure();
    if (!t) throw new UnauthorizedError('Not signed in');
    return { user: t.user as User<P> };
  };

  const getAccessToken = (): Promise<string | null> => {
    const t = token;
    // The hot path: a valid cached token costs no crypto, storage or network.
    if (t && t.refreshedAt > staleAt && usable(t)) return Promise.resolve(t.user.accessToken);
    return ensure().then(
      (n) => n?.user.accessToken ?? null,
      (e: unknown) => {
        // A token that is due but not yet expired still works while the server is unreachable.
        const c = token;
        if (e instanceof SessionError && e.retryable && c && c.refreshedAt > staleAt && http.serverNow() < c.expiresAt)
          return c.user.accessToken;
        throw e;
      },
    );
  };

  /** Requests with the access token (and a proof when it is bound); one refresh and replay on 401. */
  const authorizedSend = async (o: SendOptions, send: (o: SendOptions) => Promise<Response>) => {
    const attempt = async (t: CachedToken) => {
      const bound = !!t.claims.cnf?.jkt;
      const key = bound ? await keys.get() : undefined;
      return send({ ...o, key, token: { value: t.user.accessToken, bound } });
    };
    await getAccessToken();
    const t = token;
    if (!t) return null;
    let res = await attempt(t);
    if (res.status === 401) {
      staleAt = Math.max(staleAt, t.refreshedAt);
      await getAccessToken();
      if (token) res = await attempt(token);
    }
    return res;
  };

  /** Calls `/me/*`; a 401 `unauthorized` that survives a refresh ends the session. */
  const callMe = async (method: string, path: string) => {
    let failure: SessionError | undefined;
    let keyReloaded = false;
    let body: unknown;
    const res = await authorizedSend({ method, url: api + path }, async (o) => {
      try {
        const r = await http.call(o);
        body = r.body;
        return r.res;
      } catch (e) {
        if (e instanceof DpopError && e.code === 'dpop_key_mismatch' && !keyReloaded) {
          // The token may come from a tab that logged in with a newer key.
          keyReloaded = true;
          keys.reset();
          const r = await http.call({ ...o, key: await keys.get() });
          body = r.body;
          return r.res;
        }
        if (!(e instanceof UnauthorizedError)) throw e;
        failure = e;
        return new Response(null, { status: 401 });
      }
    });
    if (!res) throw new UnauthorizedError('Not signed in');
    if (res.status === 401) {
      if (failure instanceof UnauthorizedError && token) signOut(failure.reason, token.generation, true);
      throw failure ?? new UnauthorizedError('Not signed in');
    }
    return body;
  };

  const finalizeLogin = async (challengeToken: string) => {
    nonBlank(challengeToken, 'challengeToken');
    return coordinator.withLock(async () => {
      // A pending sign-out's key goes first; finalize (with the old cookie) ends that session anyway.
      const pending = await storage.get<number>('pendingSignOut');
      if (pending !== undefined) {
        await storage.del('pendingSignOut');
        await coordinator.forget(pending);
      }
      const key = await keys.create();
      const { res, body } = await http.call({
        method: 'POST',
        url: api + '/login/finalize',
        key,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ challenge_token: challengeToken, device: await deviceHints() }),
      });
      const t = await coordinator.complete(parseTokenAnswer(body), res, key, true);
      if (!t) throw new UnauthorizedError('Signed out during login');
      return { user: t.user as User<P> };
    });
  };

  /** Sends `/revoke` for a signed-out session; keeps the pending marker while it cannot. */
  const revoke = (proof?: string) =>
    coordinator
      .withLock(async () => {
        const generation = await storage.get<number>('pendingSignOut');
        if (generation === undefined) return;
        const key = await keys.get();
        if (key?.generation === generation) {
          const rt = header ? await storage.get<string>('refreshToken') : undefined;
          try {
            await http.call({
              method: 'POST',
              url: api + '/revoke',
              key,
              proof,
              headers: rt ? { 'X-Refresh-Token': rt } : undefined,
            });
          } catch (e) {
            if (e instanceof SessionError && e.retryable) throw e;
          }
        }
        await coordinator.forget(generation);
        await storage.del('pendingSignOut');
      })
      .catch((e: unknown) =>
        emit({ type: 'warning', code: 'logout_pending', message: `Sign-out will finish when back online (${String(e)})` }),
      );

  const retryPendingSignOut = async () => {
    if (env.onLine() && (await storage.get('pendingSignOut')) !== undefined) await revoke();
  };

  const logout = () =>
    (loggingOut ??= (async () => {
      const key = await keys.get();
      const proof = key && (await http.sign({ method: 'POST', url: api + '/revoke', key }));
      const generation = Math.max(key?.generation ?? 0, token?.generation ?? 0);
      signOut('logout', generation, true);
      if (!key) return;
      await storage.set('pendingSignOut', key.generation);
      await revoke(proof);
    })().finally(() => (loggingOut = null)));

  const revokeSessions = async (target: RevokeTarget | 'session', sessionId?: string) => {
    if (target === 'session') target = { session: sessionId as string };
    let query: string;
    if (typeof target === 'object' && target) query = 'session&session_id=' + encodeURIComponent(nonBlank(target.session, 'session'));
    else if (target === 'all' || target === 'others' || target === 'mine') query = target;
    else throw typeError('"target" must be "all", "others", "mine" or { session: id }');
    const mine = token;
    await callMe('POST', '/me/revoke?target=' + query);
    const current = mine?.claims.sid;
    if (mine && (target === 'all' || target === 'mine' || (typeof target === 'object' && target.session === current))) {
      await coordinator.withLock(() => coordinator.forget(mine.generation)).catch(() => {});
      signOut('logout', mine.generation, true);
    }
  };

  const client: SessionClient<P> = {
    refresh: live(refresh, 1),
    getAccessToken: live(getAccessToken, 1),
    getProfile: live(() => (token?.user.profile as P) ?? null),
    getSessionId: live(() => token?.user.sessionId ?? null),
    getAccessTokenExpiresAt: live(() => token?.user.expiresAt ?? null),
    invalidateCache: live(() => {
      if (token) staleAt = Math.max(staleAt, token.refreshedAt);
    }),
    logout: live(logout, 1),
    listSessions: live(async (o: ListSessionsOptions = {}) => {
      const q = new URLSearchParams();
      if (o.limit !== undefined) q.set('limit', String(o.limit));
      if (o.offset !== undefined) q.set('offset', String(o.offset));
      return parseSessionPage(await callMe('GET', '/me/list?' + q), token?.user.sessionId ?? null);
    }, 1),
    revokeSessions: live(revokeSessions, 1) as SessionClient<P>['revokeSessions'],
    fetch: live(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      if (init.body instanceof ReadableStream)
        throw typeError('"body" must not be a ReadableStream: a stream cannot be replayed');
      const req = input instanceof Request ? input : null;
      const url = new URL(req ? req.url : String(input), (globalThis as { location?: Location }).location?.href);
      if (!authorized.has(url.origin)) return env.fetch(input, init);
      const headers = new Headers(req?.headers);
      new Headers(init.headers).forEach((v, k) => headers.set(k, v));
      const o: SendOptions = {
        init: req ? { ...init, credentials: init.credentials ?? req.credentials, signal: init.signal ?? req.signal } : init,
        method: (init.method ?? req?.method ?? 'GET').toUpperCase(),
        url: url.href,
        headers,
        // Buffered once, so a nonce retry or a replay after refresh sends the same bytes.
        body: init.body !== undefined ? init.body : req?.body ? await req.arrayBuffer() : undefined,
      };
      return (await authorizedSend(o, http.send)) ?? http.send(o);
    }, 1),
    loginWithPassword: live(async (input) => {
      const identifier = nonBlank(input?.identifier, 'identifier');
      if (typeof input.password !== 'string') throw typeError('"password" must be a string');
      const { body } = await http.call({
        method: 'POST',
        url: api + '/login/email/password',
        headers: { 'Content-Type': 'application/json' },
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
      })()),
  };
  return client;
}

import { deadline, type Environment } from './environment';
import {
  DisposedError,
  DpopError,
  LockTimeoutError,
  NetworkError,
  RateLimitedError,
  ServerError,
  SessionError,
  TokenReusedError,
  UnauthorizedError,
} from './errors';
import type { Http, SendOptions } from './http';
import type { KeyRecord, KeyStore } from './keyStore';
import { MAX_RETRY_AFTER_SECONDS, parseTokenAnswer, type TokenAnswer } from './protocol';
import { finite, type Storage } from './storage';
import { lifetime, toUser, type CachedToken } from './tokenCache';
import type { SessionClientOptions, SignOutReason } from './types';

/** The non-secret refresh marker every tab reads under the lock (no token in it). */
export interface RefreshMarker {
  generation: number;
  /** Local clock, ms. */
  refreshedAt: number;
  /** Server clock, ms. */
  expiresAt: number;
  /** Local clock, ms: until then every tab fails fast with `error`. */
  backoffUntil?: number;
  failures?: number;
  error?: { code: string; status?: number };
}

/** The last session ended with a broadcast sign-out, for a tab that missed the message. */
export interface SignedOut {
  generation: number;
  reason: SignOutReason;
}

/** What tabs of one namespace tell each other. */
export type TabMessage =
  | { t: 'token'; token: CachedToken; login?: true | undefined }
  | { t: 'out'; reason: SignOutReason; generation: number }
  | { t: 'ask' }
  | { t: 'none' };

/** What the coordinator needs from the client. */
export interface CoordinatorHost {
  options: SessionClientOptions;
  env: Environment;
  storage: Storage;
  keys: KeyStore;
  http: Http;
  /** `baseUrl` + `/v1/session`. */
  api: string;
  token(): CachedToken | null;
  /** Not due for refresh. */
  usable(token: CachedToken): boolean;
  /** Takes a token from this tab, a peer or a login, unless it is older or signed out. */
  accept(token: CachedToken, login?: boolean): void;
  /** Ends the session locally (and in every tab when `broadcast`). */
  signOut(reason: SignOutReason, generation: number, broadcast?: boolean): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && !!v;

/** A token as this version sends it: what `accept` and the snapshot read is there. */
const wellFormedToken = (t: unknown): t is CachedToken =>
  isObject(t) &&
  isObject(t.claims) &&
  isObject(t.user) &&
  typeof t.user.accessToken === 'string' &&
  typeof t.user.sessionId === 'string' &&
  typeof t.user.userId === 'string' &&
  t.user.expiresAt instanceof Date &&
  [t.expiresAt, t.refreshedAt, t.generation].every((n) => finite(n) !== undefined);

const wellFormed = (m: unknown): m is TabMessage =>
  isObject(m) &&
  (m.t === 'ask' ||
    m.t === 'none' ||
    (m.t === 'token' && wellFormedToken(m.token)) ||
    (m.t === 'out' && typeof m.reason === 'string'));

/** Network and server failures back off exponentially up to this. */
const MAX_BACKOFF_MS = 30_000;
/** No backoff lasts longer, whatever `Retry-After` says; a marker promising more is bogus. */
const MAX_WAIT_MS = MAX_RETRY_AFTER_SECONDS * 1000;

/**
 * Makes refreshes happen once: one in flight per tab; across tabs, an exclusive
 * Web Lock, a marker written before the lock is released, the token broadcast,
 * and peers asked (found through a shared presence lock) before the server is.
 */
export function createRefreshCoordinator(h: CoordinatorHost) {
  const { env, storage, keys, http, options } = h;
  const header = options.refreshTokenTransport === 'header';
  const name = 'react-dpop-session:' + (options.namespace ?? 'default');
  const presence = name + ':presence';
  let channel: BroadcastChannel | null | undefined;
  let releasePresence: (() => void) | undefined;
  let present = false;
  let settled: Promise<void> | undefined;
  let stopped = false;
  let replies = 0;
  const waiters = new Set<() => void>();

  const post = (m: TabMessage) => {
    if (!storage.memoryOnly) channel?.postMessage(m);
  };

  /**
   * The key to refresh with (`reload`: read again from storage); none while a sign-out is
   * pending or once the key is gone, and then a tab still holding a token signs out (locally)
   * rather than stay "authenticated".
   */
  const usableKey = async (reload?: boolean) => {
    if (reload) keys.reset();
    // A sign-out pending for this key's session (or an older one, with no newer login)
    // blocks it; a login made since has a key of its own. While one is pending the key is
    // read, not cached: the sign-out is about to delete it.
    const signingOut = finite(await storage.get('pendingSignOut'));
    const stored =
      signingOut === undefined ? await keys.get() : await storage.get<KeyRecord>('key');
    const pending = signingOut !== undefined && (stored?.generation ?? 0) <= signingOut;
    const key = pending ? undefined : stored;
    const mine = h.token();
    if (!key && mine) {
      // A sign-out this tab missed (a frozen page) left its reason behind.
      const out = await storage.get<SignedOut>('signedOut');
      h.signOut(
        pending
          ? 'logout'
          : out?.generation === mine.generation && typeof out.reason === 'string'
            ? out.reason
            : 'key-lost',
        mine.generation,
      );
    }
    return key;
  };

  const receive = async (m: TabMessage) => {
    // Another version of the kit in another tab, or another library on the channel name,
    // may post anything: only well-formed messages are read.
    if (storage.memoryOnly || !wellFormed(m)) return;
    if (m.t === 'ask') {
      const t = h.token();
      post(t && h.usable(t) ? { t: 'token', token: t } : { t: 'none' });
      return;
    }
    // A tab that holds no token may have opened after a sign-out was broadcast: a peer that
    // has not seen it yet must not hand it a token of the ended session.
    if (
      m.t === 'token' &&
      (h.token() || (await usableKey(true))?.generation === m.token.generation)
    )
      h.accept(m.token, m.login);
    // A sign-out naming no generation (not this version's) ends whatever session is current.
    else if (m.t === 'out') h.signOut(m.reason, finite(m.generation) ?? h.token()?.generation ?? 0);
    if (m.t !== 'out') replies++;
    waiters.forEach((w) => w());
  };

  /** Opens the channel and takes the presence lock; idempotent. */
  const start = () => {
    if (channel !== undefined) return;
    const BC = env.BroadcastChannel;
    channel = BC ? new BC(name) : null;
    if (channel) channel.onmessage = (e: MessageEvent<TabMessage>) => void receive(e.data);
    // Held until dispose; settled once granted (or refused), so counting peers never counts this tab by mistake.
    settled = new Promise<void>((ready) =>
      env.locks
        ?.request(presence, { mode: 'shared' }, () => {
          // A client disposed before the grant lets go at once.
          present = !stopped;
          ready();
          return present ? new Promise<void>((r) => (releasePresence = r)) : undefined;
        })
        .catch(ready),
    );
  };

  const stop = () => {
    stopped = true;
    channel?.close();
    channel = null;
    releasePresence?.();
    waiters.forEach((w) => w());
  };

  /** Runs `fn` under the namespace's exclusive lock, waiting at most `lockTimeoutMs`; never steals. */
  const withLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    const locks = env.locks;
    if (!locks) return fn();
    const limit = deadline(options.lockTimeoutMs ?? 30_000);
    let granted = false;
    try {
      return await locks.request(name, { signal: limit.signal }, () => {
        granted = true;
        limit.clear();
        return fn();
      });
    } catch (cause) {
      if (!granted && limit.signal.aborted)
        throw new LockTimeoutError('Refresh lock timed out', { cause });
      throw cause;
    } finally {
      limit.clear();
    }
  };

  /** Live peers (other holders of the presence lock), or -1 when unknown. */
  const peers = async () => {
    if (!env.locks?.query) return -1;
    await settled;
    const { held = [] } = await env.locks.query();
    return held.filter((l) => l.name === presence).length - (present ? 1 : 0);
  };

  /** Asks peers for a token; waits at most `peerWaitMs`, less when every known peer answered. */
  const askPeers = (count: number, wanted: (t: CachedToken | null) => boolean) =>
    new Promise<CachedToken | null>((resolve) => {
      const finish = (t: CachedToken | null) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(t);
      };
      const check = () => {
        const t = h.token();
        if (wanted(t)) finish(t);
        else if ((count > 0 && replies >= count) || !channel) finish(null);
      };
      const timer = setTimeout(finish, options.peerWaitMs ?? 1_000, null);
      waiters.add(check);
      replies = 0;
      post({ t: 'ask' });
    });

  const backoffError = (m: RefreshMarker | undefined): SessionError | null => {
    const left = (m?.backoffUntil ?? 0) - env.now();
    // A marker of an older version, or a clock set back, must not lock every tab out for good.
    if (!(left > 0 && left <= MAX_WAIT_MS) || !m?.error) return null;
    const msg = 'Refresh backing off';
    const { code, status } = m.error;
    return code === 'rate_limited'
      ? new RateLimitedError(Math.ceil(left / 1000), msg)
      : status
        ? new ServerError(status, msg)
        : new NetworkError(msg);
  };

  /** Stores the answer's token (and header-mode refresh token), writes the marker, tells the tabs. */
  const complete = async (answer: TokenAnswer, key: KeyRecord, login?: true) => {
    const previous = h.token();
    const marker = await storage.get<RefreshMarker>('marker');
    const token: CachedToken = {
      user: toUser(answer.accessToken, answer.claims, answer.expiresAt),
      claims: answer.claims,
      expiresAt: answer.expiresAt,
      // Strictly newer than any token before it, even when the clock stands still.
      refreshedAt: Math.max(
        env.now(),
        (previous?.refreshedAt ?? 0) + 1,
        (finite(marker?.refreshedAt) ?? 0) + 1,
      ),
      generation: key.generation,
    };
    // Capped at the session's end: the lifetime shrank (without `iat`, the expiry did not
    // grow), or a capped token's expiry stayed. Two refreshes within one second of server
    // time share their expiry, and are not capped for that.
    if (
      !login &&
      previous?.generation === key.generation &&
      (lifetime(token) < lifetime(previous) ||
        ((lifetime(token) === Infinity || previous.capped) &&
          answer.expiresAt <= previous.expiresAt))
    )
      token.capped = true;
    await storage.set('marker', {
      generation: key.generation,
      refreshedAt: token.refreshedAt,
      expiresAt: token.expiresAt,
    } satisfies RefreshMarker);
    h.accept(token, login);
    // A newer token (from another tab) may have won; a sign-out leaves none. Only a token this
    // tab took goes to the others: a late answer must not reach a tab that missed the sign-out.
    const t = h.token();
    if (t === token) post({ t: 'token', token, login });
    return t;
  };

  /**
   * Deletes what a finished session leaves behind, unless a newer login's is stored by now
   * (its key, nonces and header-mode refresh token stay); call under the lock.
   */
  const forget = async (generation: number) => {
    if (!(await keys.remove(generation))) return;
    await storage.del('nonces');
    if (header) await storage.del('refreshToken');
  };

  /**
   * Calls a token endpoint (finalize, refresh) under the lock. A 2xx means the server bound a
   * session to the proof's key and rotated its refresh token: header mode's copy is kept, and
   * `accepted` runs, before the body is read, so an unreadable answer cannot cost the session.
   */
  const tokenCall = async (o: SendOptions, accepted?: () => Promise<void>) => {
    const res = await http.send({ ...o, credentials: 'include' });
    if (res.ok) {
      const rt = header && res.headers.get('x-refresh-token');
      if (rt) await storage.set('refreshToken', rt);
      await accepted?.();
    }
    return parseTokenAnswer((await http.parse(res)).body);
  };

  /** Header mode: the refresh token to send, read under the lock. */
  const refreshHeader = async (): Promise<HeadersInit | undefined> => {
    const rt = header && (await storage.get<string>('refreshToken'));
    return rt ? { 'X-Refresh-Token': rt } : undefined;
  };

  const refreshAtServer = async (key: KeyRecord, marker: RefreshMarker | undefined) => {
    const headers = await refreshHeader();
    // The key of the last attempt: a refusal ends its session (a reloaded key's, if any).
    let used = key;
    const attempt = async (
      k: KeyRecord,
      netRetried: boolean,
      reloaded: boolean,
    ): Promise<CachedToken | null> => {
      used = k;
      const limit = deadline(options.refreshTimeoutMs ?? 10_000);
      try {
        const answer = await tokenCall({
          method: 'POST',
          url: h.api + '/refresh',
          key: k,
          timeout: limit.signal,
          headers,
        }).finally(limit.clear);
        return await complete(answer, k);
      } catch (e) {
        // A lost answer is recovered inside the server's grace window: retry at once, with a
        // fresh proof. A browser that resends the request on a dropped kept-alive connection
        // replays our proof, which the server refuses as `invalid_dpop_proof` without spending
        // the token; that is a lost answer too. A refused proof never spends a token.
        const lost =
          e instanceof NetworkError || (e instanceof DpopError && e.code === 'invalid_dpop_proof');
        if (lost && !netRetried) return attempt(k, true, reloaded);
        if (e instanceof DpopError && e.code === 'dpop_key_mismatch' && !reloaded) {
          // Another tab may have logged in with a newer key; a stale tab must not sign everyone out.
          keys.reset();
          const fresh = await keys.get();
          if (fresh && fresh.generation !== k.generation) return attempt(fresh, netRetried, true);
        }
        throw e;
      }
    };
    try {
      return await attempt(key, false, false);
    } catch (e) {
      if (e instanceof SessionError && e.retryable) {
        const failures = (marker?.failures ?? 0) + 1;
        const wait =
          e instanceof RateLimitedError
            ? Math.min(MAX_WAIT_MS, e.retryAfterSeconds * 1000)
            : Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures);
        await storage.set('marker', {
          ...(marker ?? { generation: key.generation, refreshedAt: 0, expiresAt: 0 }),
          backoffUntil: env.now() + wait,
          failures,
          error: { code: e.code, status: (e as ServerError).status },
        } satisfies RefreshMarker);
      } else {
        const reason: SignOutReason | null =
          e instanceof TokenReusedError
            ? 'reused'
            : e instanceof UnauthorizedError
              ? e.reason
              : e instanceof DpopError && e.code === 'dpop_key_mismatch'
                ? 'key-lost'
                : null;
        if (reason) {
          // Signed out first: its stored reason is written before the key goes, so a tab that
          // takes the lock next and finds no key gives the true reason.
          h.signOut(reason, used.generation, true);
          await forget(used.generation);
        }
      }
      throw e;
    }
  };

  /**
   * Gets a token newer than `staleAt` (local ms) that is not due: from this tab,
   * a peer, the broadcast the marker promises, or else the server. Resolves to
   * null when there is no session to refresh.
   */
  const run = async (staleAt: number): Promise<CachedToken | null> => {
    start();
    // Offline, or backing off: fail at once (the client's `online` listener runs one coalesced
    // check). A tab with nothing to restore (signed out, or a sign-out still pending) is signed
    // out, not failing: those are failures of a session it does not have.
    const early = env.onLine()
      ? backoffError(await storage.get<RefreshMarker>('marker'))
      : new NetworkError('Browser offline');
    if (early) {
      if (!(await usableKey())) return null;
      throw early;
    }
    return withLock(async () => {
      const wanted = (t: CachedToken | null) => !!t && h.usable(t) && t.refreshedAt > staleAt;
      const mine = h.token();
      if (wanted(mine)) return mine!;
      const key = await usableKey();
      if (!key) return null;
      const marker = await storage.get<RefreshMarker>('marker');
      const failing = backoffError(marker);
      if (failing) throw failing;
      const promised =
        !!marker &&
        marker.generation === key.generation &&
        marker.refreshedAt > Math.max(staleAt, mine?.refreshedAt ?? 0) &&
        marker.expiresAt > http.serverNow();
      const live = await peers();
      // A lone tab refreshes at once; otherwise peers (or the broadcast the marker
      // promises) usually have a token, and a lapsed wait ends in a safe refresh.
      if (channel && !storage.memoryOnly && (live > 0 || (live < 0 && promised))) {
        const t = await askPeers(live, wanted);
        if (t) return t;
      }
      // A client disposed while it waited must not spend the refresh token for nobody.
      if (stopped) throw new DisposedError();
      return refreshAtServer(key, marker);
    });
  };

  return {
    start,
    stop,
    post,
    withLock,
    run,
    complete,
    forget,
    refreshHeader,
    tokenCall,
    usableKey,
  };
}

/** The coordinator's handle, as the client uses it. */
export type RefreshCoordinator = ReturnType<typeof createRefreshCoordinator>;

import type { ResolvedOptions, ServerContext } from './context';
import { createCore } from './core';
import { createFaults } from './faults';
import { fromFetchRequest, toFetchResponse } from './fetchAdapter';
import { createMemoryStore } from './memoryStore';
import { createNonceManager } from './nonces';
import { createStoreReplayCache } from './proofVerifier';
import { createRateLimiter } from './rateLimit';
import {
  listLiveSessions,
  revokeSession,
  sessionEndReason,
  sessionKey,
  toWireView,
  type SessionRecord,
} from './sessions';
import { createTokenIssuer } from './tokenIssuer';
import type { RequestLogEntry, SessionServer, SessionServerOptions } from './types';
import { createUserDirectory } from './users';

const DAY_SECONDS = 24 * 60 * 60;

function positive(
  value: number | undefined,
  fallback: number,
  name: string,
  allowZero = false,
): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0 || (!allowZero && result === 0)) {
    throw new RangeError(`"${name}" must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return result;
}

function resolveOptions(options: SessionServerOptions): ResolvedOptions {
  const publicOrigin =
    options.publicOrigin === undefined ? undefined : new URL(options.publicOrigin).origin;
  return {
    accessTokenTtlSeconds: positive(options.accessTokenTtlSeconds, 300, 'accessTokenTtlSeconds'),
    sessionLifetimeSeconds: positive(
      options.sessionLifetimeSeconds,
      30 * DAY_SECONDS,
      'sessionLifetimeSeconds',
    ),
    inactivityTimeoutSeconds:
      options.inactivityTimeoutSeconds === null
        ? null
        : positive(options.inactivityTimeoutSeconds, 7 * DAY_SECONDS, 'inactivityTimeoutSeconds'),
    reuseGraceSeconds: positive(options.reuseGraceSeconds, 30, 'reuseGraceSeconds', true),
    requireNonce: options.requireNonce ?? false,
    bindAccessTokens: options.bindAccessTokens ?? true,
    refreshTokenTransport: options.refreshTokenTransport ?? 'cookie',
    cookieName: options.cookieName ?? 'refresh_token',
    cookieSameSite: options.cookieSameSite ?? 'Strict',
    cookiePath: options.cookiePath ?? '/v1/session',
    cookieSecure: options.cookieSecure,
    allowedOrigins: allowedOrigins(options.allowedOrigins),
    publicOrigin,
    trustProxy: options.trustProxy ?? false,
    issuer: options.issuer,
    countryHeader: (options.countryHeader ?? 'cf-ipcountry').toLowerCase(),
    users: options.users ?? [],
  };
}

/**
 * Exact origins only (`*` and `null` would hand credentials to any page or sandbox), kept
 * as browsers send them in `Origin`: `https://App.example.com:443/` is `https://app.example.com`.
 */
function allowedOrigins(origins: readonly string[] | undefined): Set<string> {
  const allowed = new Set<string>();
  for (const origin of origins ?? []) {
    let url: URL | undefined;
    try {
      if (typeof origin === 'string' && origin !== '*') url = new URL(origin);
    } catch {
      // Not a URL: refused just below.
    }
    // An app shell's scheme (capacitor://localhost, chrome-extension://id) has no URL origin:
    // such an origin is kept as written, when it is one.
    const shell = /^[a-z][a-z\d+.-]*:\/\/[^/?#\s]+$/i.test(origin) && url?.origin === 'null';
    // As browsers send it: the scheme in lower case.
    if (shell) allowed.add(url!.protocol + '//' + url!.host);
    else if (!url || url.origin === 'null' || url.pathname !== '/' || url.search || url.hash) {
      throw new TypeError(
        `"allowedOrigins" must list exact origins such as "https://app.example.com"; ${JSON.stringify(origin)} is not one`,
      );
    } else allowed.add(url.origin);
  }
  return allowed;
}

/**
 * Creates the reference session server: the wire protocol of PROTOCOL.md over a
 * transport-neutral `handle`, with `fetch` and Node adapters around it. Runs in Node,
 * Workers and browsers (WebCrypto only).
 *
 * @example
 * const server = createSessionServer({ users: [{ identifier: 'ada@example.com', password: 'pw' }] });
 * http.createServer(toNodeListener(server)).listen(3000);
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
export function createSessionServer(options: SessionServerOptions = {}): SessionServer {
  const resolved = resolveOptions(options);
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryStore({ now });
  const server: ServerContext = {
    options: resolved,
    store,
    now,
    tokens: createTokenIssuer({
      store,
      now,
      accessTokenTtlSeconds: resolved.accessTokenTtlSeconds,
    }),
    nonce: resolved.requireNonce
      ? createNonceManager({
          store,
          now,
          windowSeconds: options.nonceWindowSeconds ?? 300,
          required: true,
        })
      : undefined,
    replay: createStoreReplayCache(store),
    limits: createRateLimiter(store, now, options.rateLimit),
    users: createUserDirectory(resolved.users),
  };
  const faults = createFaults();
  const listeners = new Set<(entry: RequestLogEntry) => void>();
  let lastOrigin: string | undefined;

  const handle = createCore({
    server,
    faults,
    log(entry) {
      for (const listener of listeners) {
        try {
          listener(entry);
        } catch (error) {
          // A faulty listener must not turn an answer into a crash.
          console.error('react-dpop-session server: request listener failed', error);
        }
      }
    },
    seenOrigin(origin) {
      lastOrigin = origin;
    },
    logging: () => listeners.size > 0,
  });

  return {
    handle,
    async fetch(request, info) {
      return toFetchResponse(await handle(await fromFetchRequest(request, info?.remoteAddress)));
    },
    admin: {
      async revokeUserSessions(userId) {
        const live = await listLiveSessions(store, userId, now(), resolved);
        const revoked = await Promise.all(
          live.map((session) => revokeSession(store, session.id, 'revoked', now())),
        );
        return revoked.filter(Boolean).length;
      },
      async listUserSessions(userId) {
        const live = await listLiveSessions(store, userId, now(), resolved);
        return live.map((session) => toWireView(session, resolved));
      },
      async isSessionActive(sessionId) {
        const session = await store.get<SessionRecord>(sessionKey(sessionId));
        return session !== undefined && sessionEndReason(session, now(), resolved) === undefined;
      },
      rotateSigningKey: () => server.tokens.rotateSigningKey(),
    },
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    jwks: () => server.tokens.jwks(),
    now: () => now(),
    get issuer() {
      return resolved.issuer ?? resolved.publicOrigin ?? lastOrigin;
    },
    publicOrigin: resolved.publicOrigin,
    onRequest(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

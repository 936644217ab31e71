import { sha256Base64url } from './encoding';
import { HttpError } from './httpError';
import type { SessionStore } from './store';
import type { RateLimitOptions } from './types';

interface Limit {
  max: number;
  windowMs: number;
}

/** The server's rate limits; each check throws a 429 `rate_limited` `HttpError` when over. */
export interface RateLimiter {
  /**
   * Counts one request from a client address. Without one (a bare `Request`), one shared
   * bucket would let a single client rate-limit every user: the limit is skipped, and a
   * warning says so once.
   */
  hitAddress(address: string | undefined): Promise<void>;
  /**
   * Counts a password attempt for an identifier before the password is checked, and refuses
   * it once the failures of the window pass the limit. Counting first makes parallel guesses
   * count too. Resolves to what to call when the password was right: a success is no failure.
   */
  passwordAttempt(identifier: string): Promise<() => Promise<void>>;
  /** Counts one refresh of a session. */
  hitRefresh(sessionId: string): Promise<void>;
}

const limitOf = (
  override: { max?: number; windowSeconds?: number } | undefined,
  max: number,
  windowSeconds: number,
): Limit => ({
  max: override?.max ?? max,
  windowMs: (override?.windowSeconds ?? windowSeconds) * 1000,
});

/**
 * Fixed-window rate limits with counters in the store, so several instances share them.
 * `rateLimit: false` makes every check pass.
 */
export function createRateLimiter(
  store: SessionStore,
  now: () => number,
  option: boolean | RateLimitOptions | undefined,
): RateLimiter {
  if (option === false) {
    const pass = async (): Promise<void> => {};
    return { hitAddress: pass, passwordAttempt: async () => pass, hitRefresh: pass };
  }
  const overrides = typeof option === 'object' ? option : {};
  const address = limitOf(overrides.address, 600, 60);
  const password = limitOf(overrides.password, 10, 300);
  const refresh = limitOf(overrides.refresh, 60, 60);

  const tooMany = (windowEndMs: number): HttpError =>
    new HttpError(429, 'rate_limited', {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil((windowEndMs - now()) / 1000))) },
    });

  const hit = async (key: string, limit: Limit): Promise<void> => {
    const { count, expiresAtMs } = await store.increment(key, {
      expiresAtMs: now() + limit.windowMs,
    });
    if (count > limit.max) throw tooMany(expiresAtMs);
  };

  let warnedNoAddress = false;

  // Identifiers come from request bodies: hash them so a key stays short whatever was sent.
  const identifierKey = async (identifier: string): Promise<string> => sha256Base64url(identifier);

  return {
    async hitAddress(clientAddress) {
      if (clientAddress) return hit(`ratelimit:address:${clientAddress}`, address);
      if (warnedNoAddress) return;
      warnedNoAddress = true;
      console.warn(
        'react-dpop-session server: a request came without a client address, so the ' +
          'per-address rate limit does not apply. Pass it to fetch(request, { remoteAddress }), ' +
          'or set trustProxy behind a proxy that sets X-Forwarded-For.',
      );
    },
    async passwordAttempt(identifier) {
      const id = await identifierKey(identifier);
      const attempts = await store.increment(`ratelimit:password:${id}`, {
        expiresAtMs: now() + password.windowMs,
      });
      // Successes are a plain value (a counter's stored form is store-specific), bumped by
      // compare-and-swap; they end with the window they belong to.
      const okKey = `ratelimit:password-ok:${id}`;
      const ok = (await store.get<number>(okKey)) ?? 0;
      if (attempts.count - ok > password.max) throw tooMany(attempts.expiresAtMs);
      return async () => {
        for (;;) {
          const seen = await store.get<number>(okKey);
          const next = (seen ?? 0) + 1;
          if (await store.compareAndSwap(okKey, seen, next, { expiresAtMs: attempts.expiresAtMs }))
            return;
        }
      };
    },
    hitRefresh: (sessionId) => hit(`ratelimit:refresh:${sessionId}`, refresh),
  };
}

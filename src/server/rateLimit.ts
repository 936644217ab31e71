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
  /** Counts one request from a client address. */
  hitAddress(address: string): Promise<void>;
  /** Refuses an identifier that failed the password step too often. */
  checkPassword(identifier: string): Promise<void>;
  /** Counts one failed password attempt for an identifier. */
  recordPasswordFailure(identifier: string): Promise<void>;
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
    return { hitAddress: pass, checkPassword: pass, recordPasswordFailure: pass, hitRefresh: pass };
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

  // Identifiers come from request bodies: hash them so a key stays short whatever was sent.
  const identifierKey = async (identifier: string): Promise<string> => sha256Base64url(identifier);

  return {
    hitAddress: (clientAddress) => hit(`ratelimit:address:${clientAddress}`, address),
    async checkPassword(identifier) {
      const blocked = await store.get<{ untilMs: number }>(
        `ratelimit:password-blocked:${await identifierKey(identifier)}`,
      );
      if (blocked) throw tooMany(blocked.untilMs);
    },
    async recordPasswordFailure(identifier) {
      const id = await identifierKey(identifier);
      const { count, expiresAtMs } = await store.increment(`ratelimit:password:${id}`, {
        expiresAtMs: now() + password.windowMs,
      });
      // The counter's own value is store-specific; a separate marker makes "blocked" readable.
      if (count >= password.max) {
        await store.set(
          `ratelimit:password-blocked:${id}`,
          { untilMs: expiresAtMs },
          { expiresAtMs },
        );
      }
    },
    hitRefresh: (sessionId) => hit(`ratelimit:refresh:${sessionId}`, refresh),
  };
}

/**
 * The storage interface of the reference session server.
 *
 * Everything two server instances must share lives here: sessions and refresh
 * tokens (rotated by compare-and-swap), signing keys, the `jti` replay cache,
 * the nonce secret and rate-limit counters. Values are JSON-serialisable, so a
 * SQL or Redis store can back it.
 *
 * Expiry is given as an absolute time in milliseconds of the server's clock
 * (`expiresAtMs`); a store treats an entry as absent once its clock reaches it.
 */
export interface SessionStore {
  /** The value under `key`, or `undefined` when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /** Sets `key` unconditionally. */
  set<T>(key: string, value: T, options?: StoreWriteOptions): Promise<void>;
  /** Sets `key` only when it is absent; resolves to whether it was set. */
  add<T>(key: string, value: T, options?: StoreWriteOptions): Promise<boolean>;
  /**
   * Replaces the value under `key` only when the stored value is deep-equal to
   * `expected` (`undefined`: absent). `next === undefined` deletes. Resolves to
   * whether the swap happened.
   */
  compareAndSwap<T>(
    key: string,
    expected: T | undefined,
    next: T | undefined,
    options?: StoreWriteOptions,
  ): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Adds 1 to the counter under `key` and resolves to the new value. A new
   * counter starts at 1 and expires at `expiresAtMs`; incrementing keeps the
   * expiry it was created with (a fixed window).
   */
  increment(
    key: string,
    options: { expiresAtMs: number },
  ): Promise<{ count: number; expiresAtMs: number }>;
}

export interface StoreWriteOptions {
  /** Absolute expiry in milliseconds of the server clock. */
  expiresAtMs?: number;
}

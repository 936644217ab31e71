import { fromBase64url, randomToken, toBase64url } from './encoding';
import type { NonceCheck } from './proofVerifier';
import type { SessionStore } from './store';

/** Options of `createNonceManager`. */
export interface NonceManagerOptions {
  /** Where the shared secret lives, so every instance on the store hands out the same nonces. */
  store: SessionStore;
  /** Length of a nonce window (default 300); the current and previous windows are accepted. */
  windowSeconds?: number;
  /** Server clock in milliseconds. */
  now: () => number;
  /** Whether proofs must carry a nonce (default false). */
  required?: boolean;
}

const SECRET_KEY = 'nonce-secret';
/** Longer than any nonce this manager makes; spares hashing attacker-sized strings. */
const MAX_NONCE_LENGTH = 128;

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Stateless DPoP nonces: base64url(HMAC-SHA256(secret, window number)). Nothing is stored
 * per nonce; only the secret, created once in the store and read back, so concurrent
 * instances converge on the first one written.
 *
 * @example
 * const nonces = createNonceManager({ store, now: Date.now, required: true })
 * response.headers.set('DPoP-Nonce', await nonces.current())
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export function createNonceManager(
  options: NonceManagerOptions,
): NonceCheck & { required: boolean } {
  const { store, now } = options;
  const windowSeconds = options.windowSeconds ?? 300;
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) {
    throw new TypeError('"windowSeconds" must be a positive number');
  }
  let key: Promise<CryptoKey> | undefined;
  const byWindow = new Map<number, Promise<string>>();

  async function loadKey(): Promise<CryptoKey> {
    let secret = await store.get<string>(SECRET_KEY);
    if (secret === undefined) {
      const fresh = randomToken(32);
      await store.add(SECRET_KEY, fresh);
      // Another instance may have won the race: use whatever the store kept.
      secret = await store.get<string>(SECRET_KEY);
      if (secret === undefined) throw new Error('The store did not keep the nonce secret.');
    }
    return crypto.subtle.importKey(
      'raw',
      fromBase64url(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  }

  function hmacKey(): Promise<CryptoKey> {
    if (key === undefined) {
      key = loadKey();
      key.catch(() => {
        key = undefined;
      });
    }
    return key;
  }

  function nonceFor(window: number): Promise<string> {
    let nonce = byWindow.get(window);
    if (nonce === undefined) {
      nonce = hmacKey().then(async (k) => {
        const mac = await crypto.subtle.sign(
          'HMAC',
          k,
          new TextEncoder().encode(`dpop-nonce:${window}`),
        );
        return toBase64url(new Uint8Array(mac));
      });
      nonce.catch(() => byWindow.delete(window));
      byWindow.set(window, nonce);
      // Only this window and the previous one are ever asked for again.
      for (const w of byWindow.keys()) if (w < window - 1) byWindow.delete(w);
    }
    return nonce;
  }

  const currentWindow = (): number => Math.floor(now() / 1000 / windowSeconds);

  return {
    required: options.required ?? false,
    current: () => nonceFor(currentWindow()),
    async verify(nonce) {
      if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > MAX_NONCE_LENGTH) {
        return false;
      }
      const window = currentWindow();
      const [current, previous] = await Promise.all([nonceFor(window), nonceFor(window - 1)]);
      // Evaluate both comparisons so timing does not reveal which window matched.
      const matchesCurrent = constantTimeEqual(nonce, current);
      const matchesPrevious = constantTimeEqual(nonce, previous);
      return matchesCurrent || matchesPrevious;
    },
  };
}

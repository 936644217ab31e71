import type { Storage } from './storage';

/** The newest `DPoP-Nonce` per server (an origin, or the session API), in memory and in storage (so a reload starts with it). */
export interface NonceCache {
  get(origin: string): Promise<string | undefined>;
  set(origin: string, nonce: string): void;
}

/**
 * Creates the nonce cache.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export function createNonceCache(storage: Storage): NonceCache {
  let nonces: Promise<Record<string, string>> | undefined;
  const load = () =>
    (nonces ??= storage.get<Record<string, string>>('nonces').then((n) => n ?? {}));
  return {
    get: async (origin) => (await load())[origin],
    set(origin, nonce) {
      void load().then((all) => {
        if (all[origin] !== nonce) {
          all[origin] = nonce;
          return storage.set('nonces', all);
        }
      });
    },
  };
}

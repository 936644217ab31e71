import type { SessionClientEnvironment, SessionClientOptions } from './types';

/** The platform pieces the client uses, each read on first use, never at import time. */
export interface Environment {
  readonly fetch: typeof fetch;
  readonly indexedDB: IDBFactory | null;
  readonly locks: LockManager | null;
  readonly BroadcastChannel: typeof BroadcastChannel | null;
  readonly crypto: Crypto;
  readonly window: EventTarget | null;
  /** False while the browser says it is offline. */
  onLine(): boolean;
  /** Local clock in milliseconds. */
  now(): number;
}

/** Builds the lazy environment from the client options; globals are read per access. */
export function createEnvironment(options: SessionClientOptions): Environment {
  const env: SessionClientEnvironment = options.environment ?? {};
  const g = globalThis as typeof globalThis & { navigator?: Navigator; window?: Window };
  const pick = <K extends keyof SessionClientEnvironment>(key: K, fallback: () => unknown) =>
    (key in env ? env[key] : fallback()) ?? null;
  return {
    get fetch() {
      const f = options.fetch ?? env.fetch ?? g.fetch;
      return f === g.fetch ? g.fetch.bind(g) : f;
    },
    get indexedDB() {
      return pick('indexedDB', () => g.indexedDB) as IDBFactory | null;
    },
    get locks() {
      return pick('locks', () => g.navigator?.locks) as LockManager | null;
    },
    get BroadcastChannel() {
      return pick('BroadcastChannel', () => g.BroadcastChannel) as typeof BroadcastChannel | null;
    },
    get crypto() {
      return env.crypto ?? g.crypto;
    },
    get window() {
      return pick('window', () => g.window) as EventTarget | null;
    },
    onLine: () => (env.onLine ? env.onLine() : g.navigator?.onLine !== false),
    now: () => (options.now ?? Date.now)(),
  };
}

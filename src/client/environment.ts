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
  // `null` in `environment` switches a piece off; absent means the global.
  const pick = (key: keyof SessionClientEnvironment, global: unknown) =>
    (key in env ? env[key] : global) ?? null;
  return {
    get fetch() {
      // Called through globalThis: a detached window.fetch throws "Illegal invocation".
      return options.fetch ?? env.fetch ?? ((input, init) => g.fetch(input, init));
    },
    get indexedDB() {
      return pick('indexedDB', g.indexedDB) as IDBFactory | null;
    },
    get locks() {
      return pick('locks', g.navigator?.locks) as LockManager | null;
    },
    get BroadcastChannel() {
      return pick('BroadcastChannel', g.BroadcastChannel) as typeof BroadcastChannel | null;
    },
    get crypto() {
      return env.crypto ?? g.crypto;
    },
    get window() {
      return pick('window', g.window) as EventTarget | null;
    },
    onLine: () => (env.onLine ? env.onLine() : g.navigator?.onLine !== false),
    now: () => (options.now ?? Date.now)(),
  };
}

/**
 * A signal that aborts after `ms`, as `AbortSignal.timeout` does, and `clear` to drop its
 * timer once the work is done: a disposed client leaves no timer behind.
 */
export const deadline = (ms: number) => {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
    ms,
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
};

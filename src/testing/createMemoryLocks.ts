interface Waiting {
  name: string;
  mode: LockMode;
  clientId: string;
  grant: () => void;
}

let clients = 0;

/**
 * An in-memory Web Locks manager (exclusive and shared modes, `ifAvailable`,
 * `signal`, `query()`), for test environments such as happy-dom and jsdom that have
 * no `navigator.locks`. Clients that share one act as tabs of one origin: they
 * coalesce refreshes and see each other as live peers, as they would in a browser.
 *
 * @example
 * const locks = createMemoryLocks()
 * createSessionClient({ baseUrl, fetch, environment: { locks } })
 * @see https://w3c.github.io/web-locks/
 */
export function createMemoryLocks(): LockManager {
  const held: Array<{ name: string; mode: LockMode; clientId: string }> = [];
  const waiting: Waiting[] = [];

  const grantable = (name: string, mode: LockMode): boolean =>
    !held.some((lock) => lock.name === name && (mode === 'exclusive' || lock.mode === 'exclusive'));

  // First come, first served per name: a waiter never overtakes an earlier one.
  const pump = (): void => {
    for (const entry of [...waiting]) {
      const earlier = waiting
        .slice(0, waiting.indexOf(entry))
        .some((other) => other.name === entry.name);
      if (earlier || !grantable(entry.name, entry.mode)) continue;
      waiting.splice(waiting.indexOf(entry), 1);
      entry.grant();
    }
  };

  const request = <T>(
    name: string,
    optionsOrCallback: LockOptions | LockGrantedCallback<T>,
    maybeCallback?: LockGrantedCallback<T>,
  ): Promise<T> => {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!;
    const mode = options.mode ?? 'exclusive';
    const clientId = `memory-lock-client-${(clients += 1)}`;
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);

    if (options.ifAvailable && !(grantable(name, mode) && !waiting.some((w) => w.name === name))) {
      return Promise.resolve().then(() => callback(null));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = { name, mode, clientId, grant: () => resolve() };
      waiting.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const at = waiting.indexOf(entry);
          if (at === -1) return;
          waiting.splice(at, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      pump();
    }).then(async () => {
      const lock = { name, mode, clientId };
      held.push(lock);
      try {
        return await callback({ name, mode } as Lock);
      } finally {
        held.splice(held.indexOf(lock), 1);
        pump();
      }
    });
  };

  return {
    request: request as LockManager['request'],
    query: async () => ({
      held: held.map(({ name, mode, clientId }) => ({ name, mode, clientId })),
      pending: waiting.map(({ name, mode, clientId }) => ({ name, mode, clientId })),
    }),
  };
}

/**
 * An in-process Web Locks manager (exclusive and shared modes, `ifAvailable`,
 * `signal` abort and `query()`), so several client instances in one test act as
 * tabs of one origin. Grants are first come, first served per name, as in browsers.
 */
export function createWebLocks(): LockManager & { heldCount(name: string): number } {
  interface Entry {
    name: string;
    mode: LockMode;
    grant: () => void;
  }
  const held: Array<{ name: string; mode: LockMode }> = [];
  const pending: Entry[] = [];

  const compatible = (name: string, mode: LockMode) =>
    !held.some((l) => l.name === name && (mode === 'exclusive' || l.mode === 'exclusive'));

  const pump = () => {
    for (const name of new Set(pending.map((p) => p.name))) {
      for (const entry of pending.filter((p) => p.name === name)) {
        if (!compatible(name, entry.mode)) break;
        pending.splice(pending.indexOf(entry), 1);
        entry.grant();
      }
    }
  };

  function request<T>(
    name: string,
    optionsOrCallback: LockOptions | ((lock: Lock | null) => T),
    maybeCallback?: (lock: Lock | null) => T,
  ): Promise<Awaited<T>> {
    const options: LockOptions = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!;
    const mode = options.mode ?? 'exclusive';
    const signal = options.signal;
    return new Promise<Awaited<T>>((resolve, reject) => {
      const abortError = () => signal?.reason ?? new DOMException('The lock request was aborted', 'AbortError');
      if (signal?.aborted) return reject(abortError());
      const run = () => {
        const lock = { name, mode };
        held.push(lock);
        Promise.resolve()
          .then(() => callback(lock as Lock))
          .then(resolve as (v: unknown) => void, reject)
          .finally(() => {
            held.splice(held.indexOf(lock), 1);
            pump();
          });
      };
      const free = compatible(name, mode) && !pending.some((p) => p.name === name);
      if (options.ifAvailable && !free) {
        Promise.resolve()
          .then(() => callback(null))
          .then(resolve as (v: unknown) => void, reject);
        return;
      }
      const entry: Entry = {
        name,
        mode,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          run();
        },
      };
      const onAbort = () => {
        const i = pending.indexOf(entry);
        if (i >= 0) {
          pending.splice(i, 1);
          reject(abortError());
        }
      };
      signal?.addEventListener('abort', onAbort);
      pending.push(entry);
      pump();
    });
  }

  return {
    request: request as LockManager['request'],
    query: async () => ({
      held: held.map(({ name, mode }) => ({ name, mode, clientId: 'test' })),
      pending: pending.map(({ name, mode }) => ({ name, mode, clientId: 'test' })),
    }),
    heldCount: (name: string) => held.filter((l) => l.name === name).length,
  };
}

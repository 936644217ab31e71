interface Held {
  readonly name: string;
  readonly mode: LockMode;
  readonly clientId: string;
  /** Rejects the request's promise when the lock is stolen. */
  readonly steal: (reason: DOMException) => void;
}

interface Pending {
  readonly name: string;
  readonly mode: LockMode;
  readonly clientId: string;
  readonly grant: () => void;
}

let managers = 0;

const notSupported = (message: string) =>
  Promise.reject(new DOMException(message, 'NotSupportedError'));

/**
 * An in-memory Web Locks manager (exclusive and shared modes, `ifAvailable`, `steal`,
 * `signal`, `query()`), for test environments such as happy-dom and jsdom that have
 * no `navigator.locks`. Clients that share one act as tabs of one origin: they
 * coalesce refreshes and see each other as live peers, as they would in a browser.
 *
 * @example
 * const locks = createMemoryLocks()
 * createSessionClient({ baseUrl, fetch, environment: { locks } })
 * @see https://w3c.github.io/web-locks/#api-lock-manager
 */
export function createMemoryLocks(): LockManager {
  const clientId = `memory-lock-client-${(managers += 1)}`;
  const held: Held[] = [];
  const queues = new Map<string, Pending[]>();

  const queueOf = (name: string): Pending[] => {
    let queue = queues.get(name);
    if (!queue) queues.set(name, (queue = []));
    return queue;
  };

  // https://w3c.github.io/web-locks/#lock-request-grantable: only the first of the name's queue,
  // and only when no held lock conflicts (shared is compatible with shared).
  const free = (name: string, mode: LockMode): boolean =>
    !held.some((lock) => lock.name === name && (mode === 'exclusive' || lock.mode === 'exclusive'));

  // https://w3c.github.io/web-locks/#process-the-lock-request-queue: grants in order, stops at
  // the first request that must wait, so none overtakes an earlier one.
  const processQueue = (name: string): void => {
    const queue = queueOf(name);
    while (queue.length > 0 && free(name, queue[0]!.mode)) queue.shift()!.grant();
    if (queue.length === 0) queues.delete(name);
  };

  const request = <T>(
    name: string,
    optionsOrCallback: LockOptions | LockGrantedCallback<T>,
    maybeCallback?: LockGrantedCallback<T>,
  ): Promise<T> => {
    const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
    const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
    const mode = options.mode ?? 'exclusive';
    const { ifAvailable = false, steal = false, signal } = options;

    if (typeof callback !== 'function')
      return Promise.reject(new TypeError('"callback" must be a function'));
    if (mode !== 'exclusive' && mode !== 'shared')
      return Promise.reject(new TypeError('"mode" must be "exclusive" or "shared"'));
    if (name.startsWith('-')) return notSupported('Lock names starting with "-" are reserved');
    if (steal && ifAvailable) return notSupported('"steal" and "ifAvailable" cannot be combined');
    if (steal && mode !== 'exclusive') return notSupported('"steal" requires mode "exclusive"');
    if (signal && (steal || ifAvailable))
      return notSupported('"signal" cannot be combined with "steal" or "ifAvailable"');
    if (signal?.aborted) return Promise.reject(signal.reason);

    const queue = queueOf(name);
    if (ifAvailable && (queue.length > 0 || !free(name, mode))) {
      if (queue.length === 0) queues.delete(name);
      return Promise.resolve().then(() => callback(null));
    }

    return new Promise<T>((resolve, reject) => {
      let stolen = false;
      const lock: Held = {
        name,
        mode,
        clientId,
        steal: (reason) => {
          stolen = true;
          reject(reason);
        },
      };
      // The bookkeeping is synchronous, so every later request, `ifAvailable` and query() see
      // the lock taken; the callback runs a microtask later, as a browser runs it in a task.
      const grant = () => {
        signal?.removeEventListener('abort', abort);
        held.push(lock);
        const release = () => {
          const at = held.indexOf(lock);
          if (at === -1) return;
          held.splice(at, 1);
          processQueue(name);
        };
        // A stolen lock's promise has rejected already; its callback's outcome is dropped.
        Promise.resolve()
          .then(() => callback({ name, mode } as Lock))
          .then(
            (value) => {
              release();
              if (!stolen) resolve(value);
            },
            (error: unknown) => {
              release();
              if (!stolen) reject(error);
            },
          );
      };
      const pending: Pending = { name, mode, clientId, grant };
      const abort = () => {
        const at = queue.indexOf(pending);
        if (at === -1) return;
        queue.splice(at, 1);
        reject(signal!.reason);
        processQueue(name);
      };
      signal?.addEventListener('abort', abort, { once: true });

      if (steal) {
        for (const other of held.filter((lock) => lock.name === name)) {
          held.splice(held.indexOf(other), 1);
          other.steal(new DOMException('The lock was stolen', 'AbortError'));
        }
        queue.unshift(pending);
      } else {
        queue.push(pending);
      }
      processQueue(name);
    });
  };

  return {
    request: request as LockManager['request'],
    query: async () => ({
      held: held.map(({ name, mode, clientId }) => ({ name, mode, clientId })),
      pending: [...queues.values()]
        .flat()
        .map(({ name, mode, clientId }) => ({ name, mode, clientId })),
    }),
  };
}

/** One call to the session API, as the network panel lists it. */
export interface NetworkEntry {
  id: number;
  method: string;
  path: string;
  status: number | 'failed';
  at: Date;
  ms: number;
}

type Listener = () => void;

function createNetworkLog(limit = 50) {
  let entries: NetworkEntry[] = [];
  let nextId = 1;
  const listeners = new Set<Listener>();
  const emit = () => listeners.forEach((listener) => listener());

  function record(entry: Omit<NetworkEntry, 'id'>) {
    entries = [{ ...entry, id: nextId++ }, ...entries].slice(0, limit);
    emit();
  }

  return {
    getSnapshot: () => entries,
    subscribe(listener: Listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      entries = [];
      emit();
    },
    /** Wraps a fetch so every call to the session API is recorded (never its body or headers). */
    wrap(fetchImpl: typeof fetch): typeof fetch {
      return async (input, init) => {
        const href =
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
        const path = new URL(href, window.location.href).pathname.replace('/v1/session', '');
        const started = performance.now();
        const base = { method: method.toUpperCase(), path, at: new Date() };
        try {
          const response = await fetchImpl(input, init);
          record({ ...base, status: response.status, ms: performance.now() - started });
          return response;
        } catch (error) {
          record({ ...base, status: 'failed', ms: performance.now() - started });
          throw error;
        }
      };
    },
  };
}

export const networkLog = createNetworkLog();

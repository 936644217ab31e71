/** A small key-value store over one IndexedDB object store. */
export interface Storage {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  /** True while values live in this tab's memory only (IndexedDB missing or failing). */
  readonly memoryOnly: boolean;
}

const STORE = 'kv';

const done = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/**
 * Opens the kit's database on first use. When IndexedDB is missing or fails, the
 * values fall back to this tab's memory and `onFallback` is called once.
 */
export function createStorage(
  getFactory: () => IDBFactory | null,
  prefix: string,
  onFallback: (cause: unknown) => void,
): Storage {
  const memory = new Map<string, unknown>();
  let db: Promise<IDBDatabase | null> | undefined;
  let memoryOnly = false;

  const fallback = (cause: unknown) => {
    if (!memoryOnly) {
      memoryOnly = true;
      onFallback(cause);
    }
    return null;
  };

  const open = () =>
    (db ??= (async () => {
      await 0; // let the caller subscribe to the warning first
      const factory = getFactory();
      if (!factory) return fallback(new Error('IndexedDB is unavailable'));
      const req = factory.open('react-dpop-session', 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      return done(req);
    })().catch(fallback));

  /** The IndexedDB answer in a box, or undefined when IndexedDB is missing or failing. */
  const idb = async <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>) => {
    const handle = await open();
    if (handle) {
      try {
        return [await done(op(handle.transaction(STORE, mode).objectStore(STORE)))] as const;
      } catch (cause) {
        fallback(cause);
      }
    }
  };

  // Memory mirrors every value this tab read or wrote, so a store that fails mid-session
  // still has this tab's key.
  const mirror = (key: string, value: unknown) =>
    void (value === undefined ? memory.delete(key) : memory.set(key, value));

  return {
    get memoryOnly() {
      return memoryOnly;
    },
    async get<T>(key: string) {
      const k = prefix + key;
      const found = await idb('readonly', (s) => s.get(k));
      if (found) mirror(k, found[0]);
      return memory.get(k) as T | undefined;
    },
    async set(key, value) {
      await idb('readwrite', (s) => s.put(value, prefix + key));
      mirror(prefix + key, value);
    },
    async del(key) {
      await idb('readwrite', (s) => s.delete(prefix + key));
      mirror(prefix + key, undefined);
    },
  };
}

/** A small key-value store over one IndexedDB object store. */
export interface Storage {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<unknown>;
  del(key: string): Promise<unknown>;
  /** True while values live in this tab's memory only (IndexedDB missing or failing). */
  readonly memoryOnly: boolean;
  /** Closes the database connection once the operations in flight are done (dispose). */
  close(): Promise<void>;
}

/**
 * A stored number as a number, or undefined: a record another version of the kit wrote,
 * or a damaged one, must not turn arithmetic into string concatenation or NaN.
 */
export const finite = (v: unknown): number | undefined => {
  // A number written as a string (by another version) still counts.
  const n = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

const DATABASE = 'react-dpop-session';
const STORE = 'kv';

const done = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** The kit's database at whatever version it has now (another tab may have upgraded it). */
const openDatabase = (factory: IDBFactory) => {
  const req = factory.open(DATABASE);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return done(req);
};

/**
 * Opens the kit's database on first use. When IndexedDB is missing or fails, the
 * values fall back to this tab's memory and `onFallback` is called once.
 */
export function createStorage(
  getFactory: () => IDBFactory | null,
  prefix: string,
  onFallback: () => void,
): Storage {
  const memory = new Map<string, unknown>();
  let db: Promise<IDBDatabase | null> | undefined;
  let memoryOnly = false;

  const fallback = () => {
    if (!memoryOnly) {
      memoryOnly = true;
      onFallback();
    }
    return null;
  };

  // Operations in flight, and whether the client asked to close: the connection closes
  // once they are done, and a write that comes later (a refresh answered after dispose)
  // opens it again rather than be lost.
  let pending = 0;
  let closing = false;
  let closed: (() => void) | undefined;
  const release = () => {
    if (closing && !pending) {
      const handle = db;
      db = undefined;
      void Promise.resolve(handle?.then((h) => h?.close())).then(closed);
    }
  };

  const open = () =>
    (db ??= (async () => {
      await 0; // let the caller subscribe to the warning first
      const factory = getFactory();
      if (!factory) return fallback();
      const handle = await openDatabase(factory);
      // The app deletes or upgrades the database: give way, and open it afresh when next used.
      handle.onversionchange = () => {
        handle.close();
        db = undefined;
      };
      return handle;
    })().catch(fallback));

  /**
   * Reads, writes or (`write` without a value) deletes. Memory mirrors every value this tab
   * read or wrote, so a store that fails mid-session still has this tab's key.
   */
  const access = async (key: string, write?: boolean, value?: unknown) => {
    const k = prefix + key;
    pending++;
    try {
      const handle = await open();
      if (handle) {
        const store = handle
          .transaction(STORE, write ? 'readwrite' : 'readonly')
          .objectStore(STORE);
        const read = await done(
          (write
            ? value === undefined
              ? store.delete(k)
              : store.put(value, k)
            : store.get(k)) as IDBRequest<unknown>,
        );
        if (!write) {
          value = read;
          write = true;
        }
      }
    } catch {
      fallback();
    } finally {
      pending--;
      release();
    }
    if (write) void (value === undefined ? memory.delete(k) : memory.set(k, value));
    return memory.get(k);
  };

  return {
    get memoryOnly() {
      return memoryOnly;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        closed = resolve;
        release();
      }),
    get: (key) => access(key) as Promise<never>,
    set: (key, value) => access(key, true, value),
    del: (key) => access(key, true),
  };
}

/**
 * Deletes every value stored for `namespace` and its devices: the clean slate
 * of the testing entry, so a later test of the same namespace finds no key.
 */
export async function deleteStored(factory: IDBFactory, namespace: string): Promise<void> {
  const db = await openDatabase(factory);
  try {
    // The namespace's own values and its devices' (`ns:device-1:key`), not another
    // namespace that merely starts alike (`ns:other:key`).
    const prefix = namespace + ':';
    const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
    const keys = await done(store.getAllKeys(IDBKeyRange.bound(prefix, prefix + '\uffff')));
    await Promise.all(
      keys
        .filter((key) => /^(device-\d+:)?[^:]+$/.test(String(key).slice(prefix.length)))
        .map((key) => done(store.delete(key))),
    );
  } finally {
    db.close();
  }
}

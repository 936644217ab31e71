/** Reads or writes one value of the client's IndexedDB store, as another script on the origin could. */
export async function idb<T>(
  key: string,
  value?: unknown,
  remove?: boolean,
): Promise<T | undefined> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('react-dpop-session', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('kv');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const store = db
    .transaction('kv', value === undefined && !remove ? 'readonly' : 'readwrite')
    .objectStore('kv');
  const req = remove
    ? store.delete(key)
    : value === undefined
      ? store.get(key)
      : store.put(value, key);
  const result = await new Promise<unknown>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  db.close();
  return (value === undefined && !remove ? result : undefined) as T | undefined;
}

/** Every key and value of the client's IndexedDB store. */
export async function idbDump(): Promise<Array<[string, unknown]>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('react-dpop-session', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('kv');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const store = db.transaction('kv').objectStore('kv');
  const [keys, values] = await Promise.all(
    [store.getAllKeys(), store.getAll()].map(
      (req) =>
        new Promise<unknown[]>((resolve, reject) => {
          req.onsuccess = () => resolve(req.result as unknown[]);
          req.onerror = () => reject(req.error);
        }),
    ),
  );
  db.close();
  return keys!.map((k, i) => [String(k), values![i]]);
}

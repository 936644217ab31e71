const request = <T>(req: IDBRequest<T> | IDBOpenDBRequest) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });

/** Runs `op` on the client's IndexedDB store, as another script on the origin could. */
async function withStore<T>(
  mode: IDBTransactionMode,
  op: (store: IDBObjectStore) => IDBRequest<T>,
) {
  const open = indexedDB.open('react-dpop-session');
  open.onupgradeneeded = () => open.result.createObjectStore('kv');
  const db = await request<IDBDatabase>(open);
  try {
    return await request(op(db.transaction('kv', mode).objectStore('kv')));
  } finally {
    db.close();
  }
}

/** Reads one value of the client's store; with `value`, writes it; with `remove`, deletes the key. */
export async function idb<T>(
  key: string,
  value?: unknown,
  remove?: boolean,
): Promise<T | undefined> {
  if (remove) await withStore('readwrite', (s) => s.delete(key));
  else if (value !== undefined) await withStore('readwrite', (s) => s.put(value, key));
  else return (await withStore('readonly', (s) => s.get(key))) as T | undefined;
  return undefined;
}

/** Every key and value of the client's store. */
export async function idbDump(): Promise<Array<[string, unknown]>> {
  const keys = await withStore('readonly', (s) => s.getAllKeys());
  const values = await withStore('readonly', (s) => s.getAll());
  return keys.map((k, i) => [String(k), values[i]]);
}

import type { SessionStore, StoreWriteOptions } from './store';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock in milliseconds that decides expiry; defaults to `Date.now`. Pass the server's clock. */
  now?: () => number;
}

interface Entry {
  json: string;
  expiresAtMs: number | undefined;
}

// Expired entries are also dropped lazily on read; this bounds how much one write sweeps.
const SWEEP_BATCH = 64;

/**
 * An in-memory {@link SessionStore}. Values are kept as JSON strings, so two server
 * instances sharing one store never share object references, exactly as with an
 * external store. Compare-and-swap compares values as JSON holds them, deep and
 * whatever the order of object keys.
 *
 * @example
 * const store = createMemoryStore();
 * const a = createSessionServer({ store, users });
 * const b = createSessionServer({ store, users }); // behaves as a second node
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let sweepCursor: Iterator<[string, Entry]> | undefined;

  const isLive = (entry: Entry): boolean =>
    entry.expiresAtMs === undefined || now() < entry.expiresAtMs;

  const read = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && !isLive(entry)) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  // Visits a bounded number of entries per write, resuming where the last sweep stopped,
  // so memory stays bounded without a timer and without a full scan on the hot path.
  const sweep = (): void => {
    for (let i = 0; i < SWEEP_BATCH; i += 1) {
      sweepCursor ??= entries.entries();
      const step = sweepCursor.next();
      if (step.done) {
        sweepCursor = undefined;
        return;
      }
      const [key, entry] = step.value;
      if (!isLive(entry)) entries.delete(key);
    }
  };

  const write = (key: string, value: unknown, writeOptions?: StoreWriteOptions): void => {
    sweep();
    entries.set(key, { json: serialize(value), expiresAtMs: writeOptions?.expiresAtMs });
  };

  return {
    async get<T>(key: string): Promise<T | undefined> {
      const entry = read(key);
      return entry ? (JSON.parse(entry.json) as T) : undefined;
    },
    async set<T>(key: string, value: T, writeOptions?: StoreWriteOptions): Promise<void> {
      write(key, value, writeOptions);
    },
    async add<T>(key: string, value: T, writeOptions?: StoreWriteOptions): Promise<boolean> {
      if (read(key)) return false;
      write(key, value, writeOptions);
      return true;
    },
    async compareAndSwap<T>(
      key: string,
      expected: T | undefined,
      next: T | undefined,
      writeOptions?: StoreWriteOptions,
    ): Promise<boolean> {
      const entry = read(key);
      if (expected === undefined ? entry !== undefined : !sameJson(entry, expected)) return false;
      if (next === undefined) entries.delete(key);
      else write(key, next, writeOptions);
      return true;
    },
    async delete(key: string): Promise<void> {
      entries.delete(key);
    },
    async increment(
      key: string,
      incrementOptions: { expiresAtMs: number },
    ): Promise<{ count: number; expiresAtMs: number }> {
      const entry = read(key);
      if (!entry) {
        write(key, 1, { expiresAtMs: incrementOptions.expiresAtMs });
        return { count: 1, expiresAtMs: incrementOptions.expiresAtMs };
      }
      const count = (JSON.parse(entry.json) as number) + 1;
      const expiresAtMs = entry.expiresAtMs ?? incrementOptions.expiresAtMs;
      entries.set(key, { json: JSON.stringify(count), expiresAtMs });
      return { count, expiresAtMs };
    },
  };
}

/** Deep equality of the stored value and `expected` as JSON reads them (key order aside). */
function sameJson(entry: Entry | undefined, expected: unknown): boolean {
  return entry !== undefined && deepEqual(JSON.parse(entry.json), JSON.parse(serialize(expected)));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every(
    (key) =>
      Object.hasOwn(b, key) &&
      deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

function serialize(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('"value" must be JSON-serialisable');
  return json;
}

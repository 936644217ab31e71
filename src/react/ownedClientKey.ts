import type { SessionClientOptions } from '../client/types';

// Ids for values compared by identity. Weak, so a key keeps no fetch, clock or lock manager alive.
const ids = new WeakMap<object, number>();
let lastId = 0;

function idOf(value: object): number {
  let id = ids.get(value);
  if (id === undefined) ids.set(value, (id = ++lastId));
  return id;
}

// Deep enough for `environment` and `authorizedOrigins`; anything deeper compares by identity.
const MAX_DEPTH = 3;

function canonical(value: unknown, depth: number): unknown {
  // A symbol's description does not identify it.
  if (typeof value === 'symbol') throw new TypeError('a symbol cannot be compared');
  // Tagged with the type so that `1` and `"1"`, or `NaN` and `null`, stay apart.
  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return `${typeof value}:${String(value)}`;
  if (depth >= MAX_DEPTH || typeof value === 'function') return { ref: idOf(value) };
  if (Array.isArray(value)) return value.map((item) => canonical(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  // A class instance (a LockManager, an IDBFactory, `window`) may hold state no field shows.
  if (prototype !== Object.prototype && prototype !== null) return { ref: idOf(value) };
  return Object.keys(value)
    .sort()
    .filter((name) => (value as Record<string, unknown>)[name] !== undefined)
    .map((name) => [name, canonical((value as Record<string, unknown>)[name], depth + 1)]);
}

/**
 * The identity of the client `createSessionClient(options)` makes, or `undefined` when the
 * options cannot be compared safely: two providers whose option sets give the same key
 * would build clients that behave alike, so they may share one. Values compare by content
 * (strings, numbers, arrays, plain objects such as `environment`), and functions and
 * class instances (`fetch`, `now`, a lock manager) by identity, so an inline
 * `environment={{ locks }}` matches while two different `fetch` functions do not.
 */
export function ownedClientKey(options: SessionClientOptions): string | undefined {
  try {
    // "default" is the documented namespace: leaving it out names the same keys and locks.
    return JSON.stringify(canonical({ ...options, namespace: options.namespace ?? 'default' }, 0));
  } catch {
    // A symbol, or an object whose getters throw: such a client is simply not shared.
    return undefined;
  }
}

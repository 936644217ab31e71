import { generateProofKey, type ProofKeyPair } from './dpopProof';
import { finite, type Storage } from './storage';

/** The stored key: a non-extractable pair (it survives structured clone) and its generation. */
export interface KeyRecord extends ProofKeyPair {
  /** Grows by one with every login on this origin and namespace. */
  generation: number;
}

/** The proof key of this origin and namespace, cached in memory, kept in IndexedDB. */
export interface KeyStore {
  /** The cached key, loading it from storage the first time. */
  get(): Promise<KeyRecord | undefined>;
  /** Drops the cache so the next `get` reads storage again (another tab may have logged in). */
  reset(): void;
  /**
   * A fresh key of the next generation (above `floor` too, the newest this tab has seen),
   * not yet stored: a login keeps the old key until the server accepted the new one.
   */
  create(floor: number): Promise<KeyRecord>;
  /** Stores `record` as the key, replacing any other. Call inside the refresh lock. */
  save(record: KeyRecord): Promise<void>;
  /**
   * Deletes the key when it is still of `generation` (a newer login keeps its key); true
   * when no newer key is stored.
   */
  remove(generation: number): Promise<boolean>;
}

/** Creates the key store over the client's storage. */
export function createKeyStore(storage: Storage, getCrypto: () => Crypto): KeyStore {
  let cached: Promise<KeyRecord | undefined> | undefined;
  return {
    get: () => (cached ??= storage.get<KeyRecord>('key')),
    reset: () => void (cached = undefined),
    async create(floor) {
      const last = Math.max(finite(await storage.get('generation')) ?? 0, finite(floor) ?? 0);
      return { ...(await generateProofKey(getCrypto())), generation: last + 1 };
    },
    async save(record) {
      await storage.set('generation', record.generation);
      await storage.set('key', record);
      cached = Promise.resolve(record);
    },
    async remove(generation) {
      const stored = await storage.get<KeyRecord>('key');
      if (stored?.generation === generation) await storage.del('key');
      cached = undefined;
      return !stored || stored.generation <= generation;
    },
  };
}

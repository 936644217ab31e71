import { afterEach, describe, expect, it } from 'vitest';
import type { SessionClient, SessionClientOptions } from '../../src/client';
import { ADA, createRig, disposeRigs, expectInvariants, type RigDevice } from './helpers/createRig';

afterEach(disposeRigs);

/** A BroadcastChannel that records what the client posts. */
function spyChannel(posted: unknown[]) {
  return class extends BroadcastChannel {
    override postMessage(message: unknown) {
      posted.push(message);
      super.postMessage(message);
    }
  };
}

/** An IndexedDB whose database opens, then refuses every transaction (as a closed or broken one does). */
function failingIndexedDB(fail: () => boolean): IDBFactory {
  const name = 'rel-broken-' + crypto.randomUUID();
  return {
    open(_: string, version?: number) {
      const req = indexedDB.open(name, version);
      req.addEventListener('success', () => {
        const db = req.result;
        const transaction = db.transaction.bind(db);
        db.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
          if (fail())
            throw new DOMException('The database connection is closing.', 'InvalidStateError');
          return transaction(...args);
        }) as IDBDatabase['transaction'];
      });
      return req;
    },
  } as unknown as IDBFactory;
}

/** Every key of the kit's real database that belongs to a namespace. */
const storedKeys = (namespace: string) =>
  new Promise<string[]>((resolve, reject) => {
    const open = indexedDB.open('react-dpop-session', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('kv').objectStore('kv').getAllKeys();
      req.onsuccess = () => {
        open.result.close();
        resolve(req.result.map(String).filter((k) => k.startsWith(namespace + ':')));
      };
      req.onerror = () => reject(req.error);
    };
  });

/** A tab whose requests and broadcasts are its own to count. */
function tabOf(device: RigDevice, options: Partial<SessionClientOptions> = {}) {
  const posted: unknown[] = [];
  const refreshes: number[] = [];
  const client: SessionClient = device.tab({
    ...options,
    fetch: (input, init): Promise<Response> => {
      if (String(input).endsWith('/refresh')) refreshes.push(1);
      return device.fetch(input, init);
    },
    environment: { BroadcastChannel: spyChannel(posted), ...options.environment },
  });
  return { client, posted, refreshes, events: device.events(client) };
}

describe('IndexedDB unavailable or failing', () => {
  const factories: Array<[string, () => IDBFactory | null]> = [
    ['unavailable', () => null],
    ['failing', () => failingIndexedDB(() => true)],
  ];
  it.for(factories)(
    'keeps the tab that logs in working on an in-memory key when IndexedDB is %s; the others stay out',
    async ([, factory]) => {
      const rig = createRig();
      const device = rig.device();
      const env = { environment: { indexedDB: factory() } };
      const a = tabOf(device, env);
      const b = tabOf(device, env);
      const c = tabOf(device, env);
      await b.client.getAccessToken();
      await a.client.loginWithPassword(ADA);
      expect(a.events.filter((e) => e.type === 'warning')).toMatchObject([
        { code: 'storage_unavailable' },
      ]);

      for (let round = 1; round <= 3; round++) {
        rig.advance(301);
        await expect(a.client.getAccessToken()).resolves.toEqual(expect.any(String));
        await expect(a.client.listSessions()).resolves.toMatchObject({ total: 1 });
        // The others never refresh with a key they lack, and never get a token.
        expect(await b.client.getAccessToken()).toBeNull();
        await c.client.refresh().catch(() => null);
        expect(c.client.getSnapshot().status).toBe('unauthenticated');
      }
      expect(a.refreshes).toHaveLength(3);
      expect([...b.refreshes, ...c.refreshes]).toEqual([]);
      expect([...a.posted, ...b.posted, ...c.posted]).toEqual([]);
      expect(a.client.getSnapshot().status).toBe('authenticated');
      // Key material is nowhere but the tab's memory: not in IndexedDB, web storage or cookies.
      expect(await storedKeys(device.namespace)).toEqual([]);
      expectInvariants(rig, [device]);

      await a.client.logout();
      expect(rig.count('/revoke', 204)).toBe(1);
      expect(await rig.server.admin.listUserSessions('usr_ada')).toEqual([]);
      expect(await a.client.getAccessToken()).toBeNull();
    },
  );

  it('keeps working with the key it holds when IndexedDB starts failing mid-session', async () => {
    const rig = createRig();
    const device = rig.device();
    let broken = false;
    const a = tabOf(device, { environment: { indexedDB: failingIndexedDB(() => broken) } });
    await a.client.loginWithPassword(ADA);
    expect(a.events.filter((e) => e.type === 'warning')).toEqual([]);
    broken = true;
    for (let round = 1; round <= 3; round++) {
      rig.advance(301);
      await expect(a.client.listSessions()).resolves.toMatchObject({ total: 1 });
    }
    expect(a.events.filter((e) => e.type === 'warning')).toMatchObject([
      { code: 'storage_unavailable' },
    ]);
    expect(a.refreshes).toHaveLength(3);
    expect(a.client.getSnapshot().status).toBe('authenticated');
    expectInvariants(rig, [device]);
  });
});

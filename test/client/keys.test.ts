import { describe, expect, it, vi } from 'vitest';
import type { SessionEvent } from '../../src/client';
import { idb } from './helpers/idb';
import { ADA, createWorld } from './helpers/world';

interface StoredKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  generation: number;
}

describe('keyStore', () => {
  it('keeps a non-extractable P-256 key with a generation that survives a new instance', async () => {
    const w = createWorld();
    const device = w.device();
    const first = device.tab();
    await first.loginWithPassword(ADA);
    const stored = await idb<StoredKey>(`${device.namespace}:key`);
    expect(stored?.generation).toBe(1);
    expect(stored?.privateKey.extractable).toBe(false);
    expect(stored?.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    await expect(crypto.subtle.exportKey('jwk', stored!.privateKey)).rejects.toThrow();
    await first.dispose();
    const second = device.tab();
    await expect(second.refresh()).resolves.toBeTruthy();
    expect(w.count('/refresh', 200)).toBe(1);
  });

  it('creates one key when several tabs log in and start together', async () => {
    const w = createWorld();
    const device = w.device();
    const tabs = [0, 1, 2, 3].map(() => device.tab());
    await tabs[0]!.loginWithPassword(ADA);
    await Promise.all(tabs.map((t) => t.getAccessToken()));
    expect((await idb<StoredKey>(`${device.namespace}:key`))?.generation).toBe(1);
    expect(w.log.filter((e) => e.status === 401)).toHaveLength(0);
  });

  it('broadcasts a new login, so other tabs follow the new key and session', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    const b = device.tab();
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    const { user } = await a.loginWithPassword(ADA);
    await vi.waitFor(() => expect(b.getSnapshot().user?.sessionId).toBe(user.sessionId));
    expect((await idb<StoredKey>(`${device.namespace}:key`))?.generation).toBe(2);
    w.advance(300);
    await b.refresh();
    expect(w.log.filter((e) => e.status === 401)).toHaveLength(0);
  });

  it('reloads the key on dpop_key_mismatch and retries once before signing anyone out', async () => {
    const w = createWorld();
    const device = w.device();
    // This tab hears no broadcast, so it keeps the first login's key in memory.
    const stale = device.tab({ environment: { BroadcastChannel: null } });
    const other = device.tab();
    await other.loginWithPassword(ADA);
    await stale.listSessions(); // loads (and caches) the first key
    await other.loginWithPassword(ADA);
    w.advance(300);
    const before = w.log.length;
    await expect(stale.refresh()).resolves.toBeTruthy();
    expect(
      w.log
        .slice(before)
        .filter((e) => e.path.endsWith('/refresh'))
        .map((e) => e.status),
    ).toEqual([401, 200]);
    expect(stale.getSnapshot().status).toBe('authenticated');
    expect(other.getSnapshot().status).toBe('authenticated');
  });

  it('signs out with "key-lost" when the mismatch is confirmed after the reload', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    await a.loginWithPassword(ADA);
    await a.dispose();
    // The stored key is replaced behind the client's back (same generation).
    const impostor = await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    await idb(`${device.namespace}:key`, { ...impostor, generation: 1 });
    const tab = device.tab();
    const peer = device.tab();
    peer.subscribe(() => {});
    await expect(tab.refresh()).rejects.toMatchObject({ code: 'dpop_key_mismatch' });
    expect(tab.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'key-lost' });
    await vi.waitFor(() =>
      expect(peer.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'key-lost' }),
    );
    expect(
      w.log.filter((e) => e.path.endsWith('/refresh') && e.status === 401).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it('keeps the key in this tab only, with a warning, when IndexedDB is unavailable', async () => {
    const w = createWorld();
    const device = w.device();
    const warnings: SessionEvent[] = [];
    const tab = device.tab({ environment: { indexedDB: null } });
    tab.on('warning', (e) => warnings.push(e));
    await tab.loginWithPassword(ADA);
    expect(warnings).toMatchObject([{ type: 'warning', code: 'storage_unavailable' }]);
    w.advance(300);
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(await idb(`${device.namespace}:key`)).toBeUndefined();
  });

  it('falls back to memory when IndexedDB fails', async () => {
    const w = createWorld();
    const broken = {
      open: () => {
        throw new Error('quota');
      },
    } as unknown as IDBFactory;
    const tab = w.device().tab({ environment: { indexedDB: broken } });
    const warnings: string[] = [];
    tab.on('warning', (e) => warnings.push(e.code));
    await tab.loginWithPassword(ADA);
    expect(warnings).toEqual(['storage_unavailable']);
    expect(tab.getSnapshot().status).toBe('authenticated');
  });

  it('never refreshes nor broadcasts in a tab without IndexedDB that did not log in', async () => {
    const w = createWorld();
    const device = w.device();
    const loggedIn = device.tab({ environment: { indexedDB: null } });
    const other = device.tab({ environment: { indexedDB: null } });
    const bystander = device.tab();
    await loggedIn.loginWithPassword(ADA);
    expect(await other.getAccessToken()).toBeNull();
    await other.refresh().catch(() => null);
    expect(w.count('/refresh')).toBe(0);
    expect(other.getSnapshot().status).toBe('unauthenticated');
    expect(loggedIn.getSnapshot().status).toBe('authenticated');
    expect(bystander.getSnapshot().status).not.toBe('authenticated');
  });
});

describe('a stale tab whose reloaded key is refused too', () => {
  it('ends the session of the key it reloaded, so no tab spends a refresh on it again', async () => {
    const w = createWorld();
    const device = w.device();
    let refused = 0;
    // No channel: this tab misses the login made in the other one, and keeps key 1 cached.
    const stale = device.tab({
      environment: { BroadcastChannel: null },
      fetch: async (input, init) => {
        const res = await device.bridge.fetch(input, init);
        // Key 1 is refused for the newer session's cookie; meanwhile that session is revoked.
        if (String(input).endsWith('/refresh') && !res.ok && (refused += 1) === 1)
          await w.server.admin.revokeUserSessions('usr_ada');
        return res;
      },
    });
    await stale.loginWithPassword(ADA);
    await stale.listSessions(); // signs with key 1, which stays cached
    const other = device.tab();
    await other.loginWithPassword(ADA);
    expect((await idb<{ generation: number }>(`${device.namespace}:key`))?.generation).toBe(2);
    w.advance(300);
    // Key 2, reloaded, is refused as revoked.
    await expect(stale.getAccessToken()).rejects.toMatchObject({ reason: 'revoked' });
    expect(w.count('/refresh')).toBe(2);
    // What ended is session 2, key 2's: its key goes, and its reason stays for the other tab,
    // which then spends no refresh on it.
    expect(await idb(`${device.namespace}:key`)).toBeUndefined();
    expect(await other.getAccessToken()).toBeNull();
    expect(other.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'revoked' });
    expect(w.count('/refresh')).toBe(2);
  });
});

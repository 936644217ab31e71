import { afterEach, describe, expect, it } from 'vitest';
import { deleteStored } from '../../src/client/storage';
import { createTestSession } from '../../src/testing';
import { idb, idbDump } from './helpers/idb';
import { networkGate } from './helpers/networkGate';

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('a test session disposed while a refresh is in flight', () => {
  it('a test session dispose leaves a clean namespace even when a refresh was in flight', async () => {
    const gate = networkGate('/v1/session/refresh');
    const session = createTestSession({ fetch: gate.fetch });
    const ns = session.namespace;
    await session.signIn();
    session.client.invalidateCache();
    gate.arm();
    const refreshing = session.client.refresh().catch(() => {});
    await gate.reached;
    // The test ends while the refresh is at the server; the server answers a moment later.
    const disposing = session.dispose();
    gate.release();
    await disposing;
    // Once dispose resolved: clean, as documented ("no key, marker or nonce left")...
    expect((await idbDump()).filter(([k]) => k.startsWith(ns + ':'))).toEqual([]);
    await refreshing;
    await settle();
    // ...and nothing is written afterwards: dispose waited for the refresh to store its answer.
    expect((await idbDump()).filter(([k]) => k.startsWith(ns + ':')).map(([k]) => k)).toEqual([]);
  });
});

describe('deleteStored', () => {
  afterEach(async () => {
    for (const [k] of await idbDump()) if (k.startsWith('dsx')) await idb(k, undefined, true);
  });
  it('deletes the namespace and its devices, keeps others', async () => {
    await idb('dsx:key', 1);
    await idb('dsx:device-1:key', 1);
    await idb('dsx:other:key', 1);
    await idb('dsx2:key', 1);
    await deleteStored(indexedDB, 'dsx');
    expect(
      (await idbDump())
        .map(([k]) => k)
        .filter((k) => k.startsWith('dsx'))
        .sort(),
    ).toEqual(['dsx2:key', 'dsx:other:key']);
  });
});

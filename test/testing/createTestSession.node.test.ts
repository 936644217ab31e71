// @vitest-environment node
// A plain Node test environment (no DOM, no navigator). The `node` project only includes
// test/server and test/protocol, so this file runs in the `dom` project with a per-file
// environment; test/setup/dom.ts still loads fake-indexeddb, removed here as a plain Node
// test (without that shim) would not have it.
import { expect, it } from 'vitest';
import { createTestSession } from '../../src/testing';

it('signs in in plain Node without IndexedDB, and says openTab() needs fake-indexeddb', async () => {
  expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB')!;
  delete (globalThis as { indexedDB?: unknown }).indexedDB;
  const session = createTestSession();
  try {
    await expect(session.signIn()).resolves.toHaveProperty('sessionId');
    expect(() => session.openTab()).toThrow(/fake-indexeddb/);
  } finally {
    await session.dispose();
    Object.defineProperty(globalThis, 'indexedDB', descriptor);
  }
});

// The `react-dpop-session/testing` entry as an app developer uses it in their own unit tests:
// server options, a DOM without IndexedDB, fake timers, option mistakes, clean-up.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDevice, createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { createSessionServer } from '../../src/server';

// Captured before any test fakes the timers, to bound a hang with real time.
const realSetTimeout = globalThis.setTimeout;
const settleWithin = <T>(promise: Promise<T>, ms = 2_000): Promise<T | 'still pending'> =>
  Promise.race([
    promise,
    new Promise<'still pending'>((resolve) => realSetTimeout(() => resolve('still pending'), ms)),
  ]);

let sessions: TestSession[] = [];
const track = (session: TestSession) => (sessions.push(session), session);
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(sessions.map((session) => session.dispose()));
  sessions = [];
});

describe('createTestSession as an app test uses it', () => {
  // First in the file: a timer left by another test's session would keep the window busy too.
  it('dispose() leaves no timer behind: happy-dom settles at once afterwards', async () => {
    const session = createTestSession();
    await session.signIn();
    await session.dispose();
    const { happyDOM } = window as unknown as { happyDOM: { waitUntilComplete(): Promise<void> } };
    // The lock wait and the refresh timeout clear their timers once done.
    expect(await settleWithin(happyDOM.waitUntilComplete().then(() => 'idle'))).toBe('idle');
  });

  it('signs in against a server configured with publicOrigin', async () => {
    const session = track(
      createTestSession({ server: { publicOrigin: 'https://app.example.com' } }),
    );
    await expect(session.signIn()).resolves.toMatchObject({ userId: 'test@example.com' });
  });

  it('addDevice() defaults baseUrl to the server publicOrigin, as AddDeviceOptions documents', async () => {
    const server = createSessionServer({
      rateLimit: false,
      publicOrigin: 'https://app.example.com',
      users: [{ identifier: 'dana@example.com', password: 'demo' }],
    });
    await expect(
      addDevice(server, { identifier: 'dana@example.com', password: 'demo' }),
    ).resolves.toHaveProperty('sessionId');
  });

  it('says openTab() needs fake-indexeddb when the test DOM has no IndexedDB', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB')!;
    delete (globalThis as { indexedDB?: unknown }).indexedDB;
    try {
      const session = track(createTestSession());
      // One client works (its key in memory, as in a browser without IndexedDB)…
      await expect(session.signIn()).resolves.toHaveProperty('sessionId');
      // …but tabs share nothing then: a clear error, not a tab that is silently signed out.
      expect(() => session.openTab()).toThrow(/fake-indexeddb/);
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', descriptor);
    }
  });

  it('signs in under fake timers that leave fake-indexeddb its setImmediate, as the README shows', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    const session = track(createTestSession());
    const outcome = await settleWithin(session.signIn().then(() => 'signed in'));
    expect(outcome).toBe('signed in');
  });

  it('a new test session with the same namespace starts from a clean browser', async () => {
    const namespace = `shop-${crypto.randomUUID()}`;
    const first = createTestSession({ namespace });
    await first.signIn();
    await first.dispose(); // end of the previous test

    const second = track(createTestSession({ namespace }));
    const requests: string[] = [];
    second.server.onRequest((entry) => requests.push(`${entry.path} ${entry.status}`));
    await expect(second.client.refresh()).rejects.toMatchObject({ code: 'unauthorized' });
    // A fresh browser has nothing to refresh: no request, and no "expired" reason to show.
    expect(requests).toEqual([]);
    expect(second.client.getSnapshot().reason).toBeUndefined();
  });

  it('cleans only its own namespace at dispose, not one that merely starts alike', async () => {
    const base = `shop-${crypto.randomUUID()}`;
    const first = createTestSession({ namespace: base });
    const other = track(createTestSession({ namespace: `${base}:other` }));
    await first.signIn();
    const me = await other.signIn();
    await first.dispose();
    // The other namespace keeps its key: another tab of it still restores the session.
    const { user } = await other.openTab().refresh();
    expect(user.sessionId).toBe(me.sessionId);
  });

  it('refuses a baseUrl that is not an http(s) URL with an error naming the option', () => {
    expect(() => createTestSession({ baseUrl: 'localhost:3000' })).toThrow(/baseUrl/);
  });

  it('keeps the session across a reload with a plain-http baseUrl', async () => {
    const session = track(createTestSession({ baseUrl: 'http://app.test' }));
    const me = await session.signIn();
    await session.client.dispose(); // reload
    const { user } = await session.openTab().refresh();
    expect(user.sessionId).toBe(me.sessionId);
  });

  it('refuses a baseUrl with a path up front, naming the option', () => {
    // The in-memory server answers at its root: this would only fail at sign-in, with a 404.
    expect(() => createTestSession({ baseUrl: 'http://localhost/api' })).toThrow(/baseUrl/);
  });

  it('refuses a device country that is not a two-letter code instead of dropping it', async () => {
    const session = track(createTestSession());
    await session.signIn();
    await expect(session.addDevice({ country: 'France' })).rejects.toThrow(/country/);
  });
});

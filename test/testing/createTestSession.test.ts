import { afterEach, describe, expect, it } from 'vitest';
import { addDevice, createMemoryLocks, createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { createSessionServer } from '../../src/server';

let session: TestSession | undefined;
afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

describe('createTestSession', () => {
  it('starts signed out, with a client wired to an in-memory server', async () => {
    session = createTestSession();
    await expect(session.client.refresh()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(session.client.getSnapshot().status).toBe('unauthenticated');
  });

  it('signs the default test user in through the protocol', async () => {
    session = createTestSession();
    const paths: string[] = [];
    session.server.onRequest((entry) => paths.push(entry.path));
    const user = await session.signIn();
    expect(user.userId).toBe('test@example.com');
    expect(user.profile).toMatchObject({ email: 'test@example.com' });
    expect(paths).toEqual(['/v1/session/login/email/password', '/v1/session/login/finalize']);
    expect(session.bridge.cookies().map((cookie) => cookie.name)).toEqual(['refresh_token']);
  });

  it('signs in a custom user with a custom profile', async () => {
    session = createTestSession<{ plan: string }>({
      user: { identifier: 'ann@example.com', password: 'pw', profile: { plan: 'pro' } },
    }) as TestSession;
    const user = await session.signIn();
    expect(user).toMatchObject({ userId: 'ann@example.com', profile: { plan: 'pro' } });
  });

  it('adds sessions of the same user from other devices and countries', async () => {
    session = createTestSession();
    await session.signIn();
    const phone = await session.addDevice({
      deviceType: 'mobile',
      model: 'Pixel 9',
      country: 'FR',
    });
    const tablet = await session.addDevice({ deviceType: 'tablet', country: 'JP' });
    const page = await session.client.listSessions();
    expect(page.total).toBe(3);
    const byId = new Map(page.sessions.map((row) => [row.id, row]));
    expect(byId.get(phone.sessionId)).toMatchObject({
      deviceType: 'mobile',
      deviceModel: 'Pixel 9',
      countryCode: 'FR',
      isCurrent: false,
    });
    expect(byId.get(tablet.sessionId)).toMatchObject({ deviceType: 'tablet', countryCode: 'JP' });
    expect(page.sessions.filter((row) => row.isCurrent)).toHaveLength(1);
  });

  it('describes each device by its own options, not by the client hints of the browser running the test', async () => {
    const hints = { platform: 'Linux', platformVersion: '6.1', mobile: false, model: '' };
    Object.defineProperty(navigator, 'userAgentData', {
      configurable: true,
      value: { getHighEntropyValues: () => Promise.resolve(hints) },
    });
    try {
      session = createTestSession();
      const me = await session.signIn();
      const phone = await session.addDevice({ deviceType: 'mobile', country: 'FR' });
      const rows = new Map(
        (await session.client.listSessions()).sessions.map((row) => [row.id, row]),
      );
      expect(rows.get(phone.sessionId)).toMatchObject({
        deviceType: 'mobile',
        osVersion: 'Android 14',
      });
      expect(rows.get(me.sessionId)).toMatchObject({
        deviceType: 'desktop',
        osVersion: 'macOS 10.15.7',
      });
    } finally {
      delete (navigator as { userAgentData?: unknown }).userAgentData;
    }
  });

  it('gives each device its own key and cookie jar', async () => {
    session = createTestSession();
    const me = await session.signIn();
    const other = await session.addDevice();
    expect(other.sessionId).not.toBe(me.sessionId);
    expect(other.bridge.cookies()[0]?.value).not.toBe(session.bridge.cookies()[0]?.value);
    await other.client.logout();
    expect((await session.client.listSessions()).total).toBe(1);
  });

  it('opens another tab that shares the signed-in session', async () => {
    session = createTestSession();
    const me = await session.signIn();
    const tab = session.openTab();
    const { user } = await tab.refresh();
    expect(user.sessionId).toBe(me.sessionId);
  });

  it('drives the server and the clients with one injected clock', async () => {
    let t = Date.UTC(2030, 0, 1);
    session = createTestSession({ now: () => t });
    const me = await session.signIn();
    expect(me.expiresAt.getTime()).toBe(t + 300_000);
    t += 290_000;
    const refreshes: number[] = [];
    session.server.onRequest(
      (entry) => entry.path.endsWith('/refresh') && refreshes.push(entry.status),
    );
    expect(await session.client.getAccessToken()).not.toBe(me.accessToken);
    expect(refreshes).toEqual([200]);
  });

  it("wraps this device's fetch when asked", async () => {
    const seen: string[] = [];
    session = createTestSession({
      fetch: (inner) => (input, init) => {
        seen.push(new URL(String(input)).pathname);
        return inner(input, init);
      },
    });
    await session.signIn();
    await session.addDevice();
    expect(seen).toEqual(['/v1/session/login/email/password', '/v1/session/login/finalize']);
  });

  it('restores a reloaded tab with one refresh, and a second tab from its peer with none', async () => {
    session = createTestSession();
    await session.signIn();
    await session.client.dispose();
    const refreshes: number[] = [];
    session.server.onRequest(
      (entry) => entry.path.endsWith('/refresh') && refreshes.push(entry.status),
    );
    const reloaded = session.openTab();
    await reloaded.refresh();
    expect(refreshes).toEqual([200]);
    const second = session.openTab();
    await second.refresh();
    expect(refreshes).toEqual([200]);
    expect(second.getSnapshot().user?.accessToken).toBe(reloaded.getSnapshot().user?.accessToken);
  });

  it('lets one tab at a time hold the exclusive refresh lock', async () => {
    const memory = createMemoryLocks();
    let inside = 0;
    let most = 0;
    const counting = async <T>(callback: LockGrantedCallback<T>, lock: Lock | null) => {
      inside += 1;
      most = Math.max(most, inside);
      try {
        return await callback(lock);
      } finally {
        inside -= 1;
      }
    };
    const request = <T>(
      name: string,
      optionsOrCallback: LockOptions | LockGrantedCallback<T>,
      maybeCallback?: LockGrantedCallback<T>,
    ) => {
      const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
      const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback!;
      if (options.mode === 'shared') return memory.request(name, options, callback);
      return memory.request(name, options, (lock) => counting(callback, lock));
    };
    const locks = { query: () => memory.query(), request } as LockManager;
    session = createTestSession({ client: { environment: { locks } } });
    await session.signIn();
    await session.client.dispose();
    const tabs = Array.from({ length: 4 }, () => session!.openTab());
    await Promise.all(tabs.map((tab) => tab.refresh()));
    expect(most).toBe(1);
  });

  it('rejects an identifier that is not one of its users', async () => {
    session = createTestSession();
    await expect(session.signIn('nobody@example.com')).rejects.toBeInstanceOf(TypeError);
  });
});

describe('addDevice', () => {
  it('seeds a session on any server through the protocol', async () => {
    const server = createSessionServer({
      rateLimit: false,
      users: [{ id: 'usr_dana', identifier: 'dana@example.com', password: 'demo' }],
    });
    const { sessionId } = await addDevice(server, {
      identifier: 'dana@example.com',
      password: 'demo',
      country: 'BR',
      device: { platform: 'Windows', browser: 'Edge', mobile: false },
    });
    const [view] = await server.admin.listUserSessions('usr_dana');
    expect(view).toMatchObject({
      id: sessionId,
      country_code: 'BR',
      device_type: 'desktop',
      browser_name: 'Edge',
    });
  });
});

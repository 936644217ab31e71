import { afterEach, describe, expect, it, vi } from 'vitest';
import { idb } from './helpers/idb';
import { ADA, createWorld } from './helpers/world';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A device's fetch whose `/revoke` fails as a lost network while `down` is set. */
function offlineRevoke(device: ReturnType<ReturnType<typeof createWorld>['device']>) {
  const network: { down: boolean; fetch: typeof fetch } = {
    down: false,
    fetch: (input, init) =>
      network.down && String(input).endsWith('/revoke')
        ? Promise.reject(new TypeError('Failed to fetch'))
        : device.bridge.fetch(input, init),
  };
  return network;
}

describe('session client: logins that fail or repeat', () => {
  it('keeps the session of every tab when a login on this device fails', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    const b = device.tab();
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    // A stale or mistyped challenge (well formed, unknown to the server): 401.
    await expect(a.finalizeLogin('A'.repeat(43))).rejects.toMatchObject({ code: 'unauthorized' });
    w.advance(300);
    await expect(b.getAccessToken()).resolves.toEqual(expect.any(String));
    expect(b.getSnapshot().status).toBe('authenticated');
    expect(await w.server.admin.listUserSessions('usr_ada')).toHaveLength(1);
  });

  it('ends the older session on a re-login in header mode too (no ghost row)', async () => {
    const w = createWorld({ refreshTokenTransport: 'header' });
    const tab = w.device().tab({ refreshTokenTransport: 'header' });
    await tab.loginWithPassword(ADA);
    await tab.loginWithPassword(ADA);
    expect(await w.server.admin.listUserSessions('usr_ada')).toHaveLength(1);
  });

  it.each([
    ['once /revoke gets through again', true],
    ['though its /revoke keeps failing', false],
  ])(
    "ends a pending sign-out's session at a new login in header mode, %s",
    async (_, backOnline) => {
      const w = createWorld({ refreshTokenTransport: 'header' });
      const device = w.device();
      const network = offlineRevoke(device);
      const tab = device.tab({ refreshTokenTransport: 'header', fetch: network.fetch });
      await tab.loginWithPassword(ADA);
      const old = tab.getSessionId();
      network.down = true;
      await tab.logout();
      expect(await idb(`${device.namespace}:pendingSignOut`)).toBe(1);
      network.down = !backOnline;
      await tab.loginWithPassword(ADA);
      expect(await idb(`${device.namespace}:pendingSignOut`)).toBeUndefined();
      const live = await w.server.admin.listUserSessions('usr_ada');
      expect(live.map((s) => s.id)).toEqual([tab.getSessionId()]);
      expect(live.map((s) => s.id)).not.toContain(old);
    },
  );

  it('still logs in when a pending /revoke keeps failing, and finalize ends that session', async () => {
    const w = createWorld();
    const device = w.device();
    const network = offlineRevoke(device);
    const tab = device.tab({ fetch: network.fetch });
    await tab.loginWithPassword(ADA);
    const old = tab.getSessionId();
    network.down = true;
    await tab.logout();
    await tab.loginWithPassword(ADA);
    expect(await idb(`${device.namespace}:pendingSignOut`)).toBeUndefined();
    const live = await w.server.admin.listUserSessions('usr_ada');
    expect(live.map((s) => s.id)).toEqual([tab.getSessionId()]);
    expect(live.map((s) => s.id)).not.toContain(old);
    // Back online, nothing is left to send: the new session is not harmed.
    network.down = false;
    window.dispatchEvent(new Event('online'));
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(w.count('/revoke')).toBe(0);
  });

  it('keeps a session the server accepted when the login answer cannot be read', async () => {
    const w = createWorld();
    const device = w.device();
    let garble = false;
    const tab = device.tab({
      fetch: async (input, init) => {
        const res = await device.bridge.fetch(input, init);
        if (!garble || !String(input).endsWith('/login/finalize')) return res;
        garble = false;
        return new Response('{"access_token": 42}', { status: 200, headers: res.headers });
      },
    });
    await tab.loginWithPassword(ADA);
    garble = true;
    await expect(tab.loginWithPassword(ADA)).rejects.toMatchObject({ code: 'protocol_error' });
    expect(await w.server.admin.listUserSessions('usr_ada')).toHaveLength(1);
    w.advance(300);
    const reasons: unknown[] = [];
    tab.on('signed-out', (e) => reasons.push(e));
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(reasons).toEqual([]);
  });

  it('logs in again after site data was cleared in a signed-out tab that stayed open', async () => {
    const w = createWorld();
    const device = w.device();
    const tab = device.tab();
    await tab.loginWithPassword(ADA);
    await tab.logout();
    await idb(`${device.namespace}:generation`, undefined, true);
    device.bridge.clearCookies();
    await expect(tab.loginWithPassword(ADA)).resolves.toBeTruthy();
    expect(tab.getSnapshot().status).toBe('authenticated');
  });
});

describe('session client: header mode', () => {
  it('keeps the rotated refresh token of a 2xx answer whose body is malformed', async () => {
    const w = createWorld({ refreshTokenTransport: 'header' });
    const device = w.device();
    let garble = false;
    const tab = device.tab({
      refreshTokenTransport: 'header',
      fetch: async (input, init) => {
        const res = await device.bridge.fetch(input, init);
        if (!garble || !String(input).endsWith('/refresh')) return res;
        garble = false;
        return new Response('{"access_token": 42}', { status: 200, headers: res.headers });
      },
    });
    await tab.loginWithPassword(ADA);
    w.advance(300);
    garble = true;
    await expect(tab.refresh()).rejects.toMatchObject({ code: 'protocol_error' });
    // Long past the grace window: only the token of the garbled answer is still good.
    w.advance(120);
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(w.log.filter((e) => e.path.endsWith('/refresh')).map((e) => e.status)).toEqual([
      200, 200,
    ]);
  });
});

describe('session client: revoking from a tab that just opened', () => {
  it.each(['all', 'mine'] as const)(
    'signs this tab out after revokeSessions(%j), though it held no token yet',
    async (target) => {
      const w = createWorld();
      const device = w.device();
      const first = device.tab();
      await first.loginWithPassword(ADA);
      await first.dispose();
      const reloaded = device.tab();
      await reloaded.revokeSessions(target);
      expect(reloaded.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
      expect(await w.server.admin.listUserSessions('usr_ada')).toEqual([]);
    },
  );
});

describe('session client: pages that missed messages', () => {
  /** A channel that drops what arrives while its page is frozen (in the back/forward cache). */
  const freezable = () => {
    const state = { frozen: false, dropped: 0 };
    class FreezableChannel extends BroadcastChannel {
      override set onmessage(listener: ((e: MessageEvent) => void) | null) {
        super.onmessage =
          listener && ((e) => void (state.frozen ? state.dropped++ : listener.call(this, e)));
      }
    }
    return { state, FreezableChannel };
  };

  it('sees on pageshow a sign-out it missed in the back/forward cache, with its reason', async () => {
    const w = createWorld();
    const device = w.device();
    const { state, FreezableChannel } = freezable();
    const page = new EventTarget();
    const a = device.tab();
    const b = device.tab({ environment: { BroadcastChannel: FreezableChannel, window: page } });
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    state.frozen = true;
    await a.logout();
    await vi.waitFor(() => expect(state.dropped).toBe(1));
    state.frozen = false;
    expect(b.getSnapshot().status).toBe('authenticated');
    page.dispatchEvent(new Event('pageshow'));
    await vi.waitFor(() =>
      expect(b.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' }),
    );
  });

  it('takes on pageshow the session of a login it missed', async () => {
    const w = createWorld();
    const device = w.device();
    const { state, FreezableChannel } = freezable();
    const page = new EventTarget();
    const a = device.tab();
    const b = device.tab({ environment: { BroadcastChannel: FreezableChannel, window: page } });
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    const before = b.getSessionId();
    state.frozen = true;
    await a.loginWithPassword(ADA);
    await vi.waitFor(() => expect(state.dropped).toBe(1));
    state.frozen = false;
    expect(b.getSessionId()).toBe(before);
    page.dispatchEvent(new Event('pageshow'));
    await vi.waitFor(() => expect(b.getSessionId()).toBe(a.getSessionId()));
    expect(b.getSessionId()).not.toBe(before);
    expect(b.getSnapshot().status).toBe('authenticated');
  });

  it('finishes a sign-out left pending by an earlier visit as soon as a client runs', async () => {
    const w = createWorld();
    const device = w.device();
    const network = offlineRevoke(device);
    network.down = true;
    const { fetch } = network;
    const first = device.tab({ fetch });
    await first.loginWithPassword(ADA);
    await first.logout();
    await first.dispose();
    network.down = false;
    const reloaded = device.tab({ fetch });
    await expect(reloaded.getAccessToken()).resolves.toBeNull();
    await vi.waitFor(async () =>
      expect(await w.server.admin.listUserSessions('usr_ada')).toEqual([]),
    );
    expect(await idb(`${device.namespace}:pendingSignOut`)).toBeUndefined();
  });
});

describe('session client: revoking this session while another tab checks', () => {
  it('gives the other tab the reason "logout", never "key-lost"', async () => {
    const w = createWorld();
    const device = w.device();
    const base = device.locks;
    let gate: Promise<void> | undefined;
    let reachedGap!: () => void;
    const inGap = new Promise<void>((resolve) => (reachedGap = resolve));
    // Holds the lock a little after the key was deleted, as a slow browser may.
    const locks = {
      request: (name: string, options: LockOptions, callback: (l: Lock | null) => unknown) =>
        base.request(name, options, async (lock) => {
          const result = await callback(lock);
          if (gate) {
            reachedGap();
            await gate;
          }
          return result;
        }),
      query: () => base.query(),
    } as unknown as LockManager;
    const a = device.tab({ environment: { locks } });
    const page = new EventTarget();
    const b = device.tab({ environment: { window: page } });
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    const reasons: string[] = [];
    b.on('signed-out', (e) => reasons.push((e as { reason: string }).reason));
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const revoking = a.revokeSessions('all');
    await inGap;
    page.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(b.getSnapshot().status).toBe('unauthenticated'));
    gate = undefined;
    open();
    await revoking;
    expect(reasons).toEqual(['logout']);
  });
});

describe('session client: the app around it', () => {
  it('reports a throwing listener and still signs out every tab and the server', async () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (e: unknown) => reported.push(e));
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    const b = device.tab();
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    const bug = new Error('app logging bug');
    a.on('signed-out', () => {
      throw bug;
    });
    a.subscribe(() => {
      throw bug;
    });
    await a.logout();
    expect(w.count('/revoke')).toBe(1);
    await vi.waitFor(() => expect(b.getSnapshot().status).toBe('unauthenticated'));
    expect(reported).toEqual([bug, bug]);
  });

  it('passes a stream upload to a foreign origin through untouched', async () => {
    const w = createWorld();
    const seen: string[] = [];
    const tab = w.device().tab({
      fetch: async (input) => {
        seen.push(String(input));
        return new Response('ok');
      },
    });
    const body = new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([1])), c.close()) });
    const init = { method: 'PUT', body, duplex: 'half' } as RequestInit;
    await expect(tab.fetch('https://uploads.example/put', init)).resolves.toBeInstanceOf(Response);
    expect(seen).toEqual(['https://uploads.example/put']);
  });

  it.each([
    [{ refreshTimeoutMs: Infinity }, /refreshTimeoutMs/],
    [{ lockTimeoutMs: -1 }, /lockTimeoutMs/],
    [{ peerWaitMs: Number.NaN }, /peerWaitMs/],
    [{ refreshSkewSeconds: Number.NaN }, /refreshSkewSeconds/],
    [{ baseUrl: 'https://app.example/?x=1' }, /baseUrl/],
    [{ baseUrl: 'https://app.example/#top' }, /baseUrl/],
    [{ baseUrl: 'app.example.com' }, /baseUrl/],
  ])('refuses the option %o with a TypeError naming it', (options, name) => {
    const w = createWorld();
    expect(() => w.device().tab(options)).toThrow(TypeError);
    expect(() => w.device().tab(options)).toThrow(name);
  });
});

describe('session client: timing', () => {
  it('keeps the refresh skew after two refreshes in one server second (a shared expiry is no cap)', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    w.advance(10);
    tab.invalidateCache();
    await tab.refresh();
    tab.invalidateCache();
    await tab.refresh(); // the same server second: the same exp
    expect(w.count('/refresh', 200)).toBe(2);
    w.advance(285); // 5 s before exp, inside the 30 s skew: due
    await tab.getAccessToken();
    expect(w.count('/refresh', 200)).toBe(3);
  });

  it('makes no refresh once disposed while it waited for peers', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    await a.loginWithPassword(ADA);
    // A live peer that cannot answer (no channel) makes the next tab wait.
    const mute = device.tab({ environment: { BroadcastChannel: null } });
    await mute.getAccessToken().catch(() => null);
    await a.dispose();
    const b = device.tab({ peerWaitMs: 3_600_000 });
    w.advance(300);
    const pending = b.getAccessToken().catch((e: unknown) => e);
    await vi.waitFor(async () =>
      expect(await device.heldCount(`react-dpop-session:${device.namespace}`)).toBe(1),
    );
    const before = w.count('/refresh');
    await b.dispose();
    expect(await pending).toMatchObject({ code: 'disposed' });
    expect(w.count('/refresh')).toBe(before);
  });
});

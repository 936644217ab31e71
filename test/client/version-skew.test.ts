import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TabMessage } from '../../src/client/refreshCoordinator';
import { idb } from './helpers/idb';
import { ADA, createWorld } from './helpers/world';

type TokenMessage = Extract<TabMessage, { t: 'token' }>;

/** Listens on a namespace's channel as another tab (or library) of the origin would, and posts on it. */
function channelOf(namespace: string) {
  const channel = new BroadcastChannel('react-dpop-session:' + namespace);
  const heard: unknown[] = [];
  channel.onmessage = (e: MessageEvent<unknown>) => heard.push(e.data);
  return {
    heard,
    post: (m: unknown) => channel.postMessage(m),
    close: () => channel.close(),
  };
}

/** A device with tab A signed in, A's login broadcast captured. */
async function signedIn() {
  const w = createWorld();
  const device = w.device();
  const ear = channelOf(device.namespace);
  const a = device.tab();
  await a.loginWithPassword(ADA);
  await vi.waitFor(() => expect(ear.heard.some((m) => (m as TabMessage).t === 'token')).toBe(true));
  const message = ear.heard.find((m) => (m as TabMessage).t === 'token') as TokenMessage;
  return { w, device, ear, a, message };
}

/** Lets queued channel deliveries and storage reads run. */
const settle = () => new Promise((r) => setTimeout(r, 50));

/** Unhandled rejections raised while a test runs (an exception escaping `onmessage`). */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => void process.off('unhandledRejection', onUnhandled));

describe('messages of another version or another library on the channel', () => {
  it('ignores a null, non-object or token-less message without an unhandled error', async () => {
    const { ear, a } = await signedIn();
    ear.post(null);
    ear.post(42);
    ear.post({ t: 'token' }); // an older kit's token message of another shape
    await settle();
    expect(unhandled).toEqual([]);
    expect(a.getSnapshot().status).toBe('authenticated');
    ear.close();
  });

  it('does not take a token without `claims` from an older tab, so getAccessToken keeps working', async () => {
    const { ear, a, message } = await signedIn();
    const { claims: _claims, ...older } = message.token;
    // An older kit's tab refreshed later and broadcast its token, of the older shape.
    ear.post({ t: 'token', token: { ...older, refreshedAt: older.refreshedAt + 1 } });
    await settle();
    // Today this throws (synchronously) "Cannot read properties of undefined (reading 'iat')".
    await expect(Promise.resolve().then(() => a.getAccessToken())).resolves.toEqual(
      expect.any(String),
    );
    ear.close();
  });

  it('does not take a token without `user` into the snapshot', async () => {
    const { ear, a, message } = await signedIn();
    const { user: _user, ...older } = message.token;
    ear.post({ t: 'token', token: { ...older, refreshedAt: older.refreshedAt + 1 } });
    await settle();
    const snap = a.getSnapshot();
    // What useSession / useAccessToken read.
    expect(snap.status === 'authenticated' ? snap.user?.userId : 'usr_ada').toBe('usr_ada');
    ear.close();
  });

  it('still revokes the session at logout after an older tab broadcast a sign-out without `generation`', async () => {
    const { w, device, ear, a } = await signedIn();
    // An older kit's sign-out message, with no generation.
    ear.post({ t: 'out', reason: 'logout' });
    await vi.waitFor(() => expect(a.getSnapshot().status).toBe('unauthenticated'));
    await a.loginWithPassword(ADA);
    await a.logout();
    // A tab opened after the logout (a reload) must not be signed in again...
    const b = device.tab();
    expect(await b.getAccessToken()).toBeNull();
    // ...and the server must have been told.
    expect(w.count('/revoke', 204) + w.count('/revoke', 200)).toBeGreaterThan(0);
    ear.close();
  });

  it("does not count another library's message as a peer's answer (no needless refresh)", async () => {
    const w = createWorld();
    const device = w.device();
    // Another library on the same channel name, which chats whenever it hears something.
    const other = new BroadcastChannel('react-dpop-session:' + device.namespace);
    other.onmessage = (e: MessageEvent<{ t?: string }>) => {
      if (e.data?.t === 'ask') other.postMessage({ type: 'cache-sync', id: 1 });
    };
    const a = device.tab();
    await a.loginWithPassword(ADA);
    const b = device.tab();
    await b.getAccessToken(); // A holds a fresh token: B should take it, not call the server
    expect(w.count('/refresh')).toBe(0);
    other.close();
  });
});

describe('records of another version, or damaged, in IndexedDB', () => {
  it('does not undo a logout when the pending sign-out was stored as a string', async () => {
    const w = createWorld();
    const device = w.device();
    const a = device.tab();
    await a.loginWithPassword(ADA);
    const { generation } = (await idb<{ generation: number }>(`${device.namespace}:key`))!;
    // An offline logout, its marker as a version that kept it as text wrote it.
    await idb(`${device.namespace}:pendingSignOut`, String(generation));
    await a.dispose();
    const b = device.tab(); // the next visit
    expect(await b.getAccessToken()).toBeNull();
    expect(w.count('/revoke', 204) + w.count('/revoke', 200)).toBeGreaterThan(0);
  });

  it('still revokes the session at logout when the stored `generation` is not a number', async () => {
    const w = createWorld();
    const device = w.device();
    await idb(`${device.namespace}:generation`, 'v2');
    const a = device.tab();
    await a.loginWithPassword(ADA);
    await a.logout();
    const b = device.tab();
    expect(await b.getAccessToken()).toBeNull();
    expect(w.count('/revoke', 204) + w.count('/revoke', 200)).toBeGreaterThan(0);
  });

  it('keeps working when the stored clock offset is a string', async () => {
    const { w, device } = await signedIn();
    await idb(`${device.namespace}:clockOffset`, '0');
    w.advance(301);
    const b = device.tab();
    await expect(b.getAccessToken()).resolves.toEqual(expect.any(String));
    expect(b.getSnapshot().status).toBe('authenticated');
  });
});

describe('a stored key pair that is no longer usable', () => {
  /** Stores, under the session's generation, a key pair WebCrypto refuses to sign or export with. */
  async function breakKey(namespace: string) {
    const stored = await idb<{ privateKey: CryptoKey; publicKey: CryptoKey; generation: number }>(
      `${namespace}:key`,
    );
    await idb(`${namespace}:key`, {
      generation: stored!.generation,
      privateKey: stored!.publicKey,
      publicKey: stored!.privateKey,
    });
  }

  it('signs out a tab that loaded it, on logout', async () => {
    const { device, ear, a } = await signedIn();
    const b = device.tab();
    await b.getAccessToken(); // from A, through the channel
    expect(b.getSnapshot().status).toBe('authenticated');
    await breakKey(device.namespace);
    await a.dispose();
    await b.logout().catch(() => {});
    expect(b.getSnapshot().status).toBe('unauthenticated');
    ear.close();
  });

  it('leaves a fresh tab signed out (not stuck in "error") when refresh cannot sign', async () => {
    const { device, ear, a } = await signedIn();
    await breakKey(device.namespace);
    await a.dispose();
    const b = device.tab();
    await b.getAccessToken().catch(() => {});
    expect(b.getSnapshot().status).toBe('unauthenticated');
    ear.close();
  });
});

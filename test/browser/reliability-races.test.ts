import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionClient } from '../../src/client';
import {
  ADA,
  BASE_URL,
  createRig,
  disposeRigs,
  expectInvariants,
  type Rig,
  type RigDevice,
} from './helpers/createRig';

afterEach(disposeRigs);

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/** A device with three tabs signed in on one session, the access token due for refresh. */
async function signedIn(rig: Rig) {
  const device = rig.device();
  const tabs = [device.tab(), device.tab(), device.tab()] as const;
  await tabs[0].loginWithPassword(ADA);
  await Promise.all(tabs.map((t) => t.getAccessToken()));
  rig.advance(301);
  return { device, tabs, sessionId: tabs[0].getSessionId()! };
}

/** Waits until `device` has sent one more request to `path` than `before`. */
const sentTo = (device: RigDevice, path: string, before: number) =>
  vi.waitFor(() => expect(device.to(path).length).toBeGreaterThan(before), { timeout: 5_000 });

/** I6: no tab holds a usable token, a new tab restores nothing, and the server ended the session. */
async function expectSignedOutEverywhere(
  rig: Rig,
  device: RigDevice,
  tabs: readonly SessionClient[],
  sessionId: string,
) {
  await vi.waitFor(() => {
    for (const t of tabs) expect(t.getSnapshot().status).toBe('unauthenticated');
  });
  for (const t of tabs) {
    expect(await t.getAccessToken()).toBeNull();
    expect(t.getSessionId()).toBeNull();
  }
  expect(await rig.server.admin.isSessionActive(sessionId)).toBe(false);
  const okBefore = rig.count('/refresh', 200);
  const reopened = device.tab();
  expect(await reopened.getAccessToken()).toBeNull();
  // Still nothing after one more round: no late answer or broadcast brought a token back.
  for (const t of [...tabs, reopened]) expect(await t.getAccessToken()).toBeNull();
  expect(rig.count('/refresh', 200)).toBe(okBefore);
  expect(device.bridge.cookies()).toEqual([]);
}

/** A token a caller got must be refused by the server once the session is over. */
async function expectDead(device: RigDevice, outcome: object) {
  const value = 'value' in outcome ? outcome.value : undefined;
  const token = (value as { user?: { accessToken?: string } } | undefined)?.user?.accessToken;
  if (!token) return;
  const res = await device.bridge.fetch(BASE_URL + '/v1/session/me/list', {
    headers: { Authorization: 'Bearer ' + token },
  });
  expect(res.status).toBe(401);
}

describe('logout racing a refresh', () => {
  it('leaves no usable token when tab A logs out while tab B refreshes', async () => {
    const rig = createRig();
    const { device, tabs, sessionId } = await signedIn(rig);
    rig.server.faults.add({ path: '/refresh', latencyMs: 300 });
    const refreshing = settle(tabs[1].refresh());
    await sentTo(device, '/refresh', 0);
    const [refreshed, loggedOut] = await Promise.all([refreshing, settle(tabs[0].logout())]);
    expect(loggedOut).toEqual({ value: undefined });
    await expectDead(device, refreshed);
    await expectSignedOutEverywhere(rig, device, tabs, sessionId);
    expect(rig.count('/revoke', 204)).toBe(1);
    expectInvariants(rig, [device]);
  });

  it('leaves no usable token when tab A logs out just before tab B refreshes', async () => {
    const rig = createRig();
    const { device, tabs, sessionId } = await signedIn(rig);
    rig.server.faults.add({ path: '/revoke', latencyMs: 300 });
    const loggingOut = settle(tabs[0].logout());
    const refreshing = settle(tabs[1].refresh());
    const [loggedOut, refreshed] = await Promise.all([loggingOut, refreshing]);
    expect(loggedOut).toEqual({ value: undefined });
    await expectDead(device, refreshed);
    await expectSignedOutEverywhere(rig, device, tabs, sessionId);
    expectInvariants(rig, [device]);
  });

  it('leaves no usable token when one tab logs out while its own refresh is in flight', async () => {
    const rig = createRig();
    const { device, tabs, sessionId } = await signedIn(rig);
    rig.server.faults.add({ path: '/refresh', latencyMs: 300 });
    const refreshing = settle(tabs[0].getAccessToken());
    await sentTo(device, '/refresh', 0);
    await tabs[0].logout();
    const late = await refreshing;
    if ('value' in late && late.value) {
      const res = await device.bridge.fetch(BASE_URL + '/v1/session/me/list', {
        headers: { Authorization: 'Bearer ' + late.value },
      });
      expect(res.status).toBe(401);
    }
    await expectSignedOutEverywhere(rig, device, tabs, sessionId);
    expectInvariants(rig, [device]);
  });
});

describe('revokeSessions("mine") racing a refresh in another tab', () => {
  it('leaves no usable token when the revoke goes first', async () => {
    const rig = createRig();
    const device = rig.device();
    const [a, b] = [device.tab(), device.tab()];
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    const sessionId = a.getSessionId()!;
    rig.server.faults.add({ path: '/me/revoke', latencyMs: 300 });
    const revoking = settle(a.revokeSessions('mine'));
    await sentTo(device, '/me/revoke', 0);
    // B's token is due while A's revoke is on its way.
    rig.advance(301);
    const [revoked, refreshed] = await Promise.all([revoking, settle(b.refresh())]);
    expect(revoked).toEqual({ value: undefined });
    await expectDead(device, refreshed);
    await expectSignedOutEverywhere(rig, device, [a, b], sessionId);
    expectInvariants(rig, [device]);
  });

  it('leaves no usable token when the refresh goes first', async () => {
    const rig = createRig();
    const device = rig.device();
    const [a, b] = [device.tab(), device.tab()];
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    const sessionId = a.getSessionId()!;
    rig.advance(301);
    rig.server.faults.add({ path: '/refresh', latencyMs: 300 });
    const refreshing = settle(b.refresh());
    await sentTo(device, '/refresh', 0);
    const [refreshed, revoked] = await Promise.all([refreshing, settle(a.revokeSessions('mine'))]);
    expect(revoked).toEqual({ value: undefined });
    await expectDead(device, refreshed);
    await expectSignedOutEverywhere(rig, device, [a, b], sessionId);
    expectInvariants(rig, [device]);
  });

  it('leaves no usable token when the refresh answer lands after the revoke', async () => {
    const rig = createRig();
    const device = rig.device();
    const [a, b] = [device.tab(), device.tab()];
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    const sessionId = a.getSessionId()!;
    // A has a fresh token for its revoke; B thinks its own is stale and refreshes slowly.
    b.invalidateCache();
    rig.server.faults.add({ path: '/refresh', latencyMs: 500 });
    const refreshing = settle(b.refresh());
    await sentTo(device, '/refresh', 0);
    const [revoked, refreshed] = await Promise.all([settle(a.revokeSessions('mine')), refreshing]);
    expect(revoked).toEqual({ value: undefined });
    await expectDead(device, refreshed);
    await expectSignedOutEverywhere(rig, device, [a, b], sessionId);
    expectInvariants(rig, [device]);
  });
});

describe('a tab opened during a logout', () => {
  it('is not handed the token of a refresh that lands after the logout', async () => {
    const rig = createRig();
    const { device, tabs, sessionId } = await signedIn(rig);
    const [a, b] = tabs;
    rig.server.faults.add({ path: '/refresh', latencyMs: 400 });
    const refreshing = settle(b.refresh());
    await sentTo(device, '/refresh', 0);
    const loggingOut = settle(a.logout());
    // The sign-out reached every open tab before the refresh answer came back.
    await vi.waitFor(() => expect(b.getSnapshot().status).toBe('unauthenticated'));
    const late = device.tab();
    const lateToken = settle(late.getAccessToken());
    await Promise.all([refreshing, loggingOut]);
    const got = await lateToken;
    expect('value' in got ? got.value : null).toBeNull();
    await expectSignedOutEverywhere(rig, device, [...tabs, late], sessionId);
    expectInvariants(rig, [device]);
  });
});

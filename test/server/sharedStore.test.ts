import { describe, expect, it } from 'vitest';
import { createMemoryStore, createSessionServer, type SessionServer } from '../../src/server';
import { createClock, createDevice, errorOf, USER } from './helpers/device';

function twoInstances(options: { reuseGraceSeconds?: number } = {}) {
  const clock = createClock();
  const store = createMemoryStore({ now: clock.now });
  const make = () =>
    createSessionServer({
      store,
      now: clock.now,
      rateLimit: false,
      users: [{ id: 'usr_ada', ...USER }],
      ...options,
    });
  return { a: make(), b: make(), clock };
}

/** A load balancer alternating between instances. */
function alternating(a: SessionServer, b: SessionServer): SessionServer {
  let next = 0;
  return { ...a, handle: (req) => (next++ % 2 === 0 ? a : b).handle(req) };
}

describe('two instances sharing one store', () => {
  it('serve one session with requests alternating between them', async () => {
    const { a, b } = twoInstances();
    const device = await createDevice(alternating(a, b));
    await device.login();
    for (let i = 0; i < 4; i += 1) {
      expect((await device.refresh()).status).toBe(200);
      expect((await device.list()).status).toBe(200);
    }
  });

  it('share the replay cache', async () => {
    const { a, b } = twoInstances();
    const onA = await createDevice(a);
    await onA.login();
    const jti = 'shared-jti';
    expect((await onA.refresh({ proof: { jti } })).status).toBe(200);
    const onB = await createDevice(b);
    onB.key = onA.key;
    const replay = await onB.refresh({
      proof: { jti },
      headers: { 'X-Refresh-Token': onA.refreshToken()! },
    });
    expect((await errorOf(replay)).code).toBe('invalid_dpop_proof');
  });

  it('rotate once for parallel refreshes spread over both', async () => {
    const { a, b } = twoInstances();
    const device = await createDevice(a);
    await device.login();
    const token = device.refreshToken()!;
    const onB = await createDevice(b);
    onB.key = device.key;
    const responses = await Promise.all([
      device.refresh({ headers: { 'X-Refresh-Token': token } }),
      onB.refresh({ headers: { 'X-Refresh-Token': token } }),
      device.refresh({ headers: { 'X-Refresh-Token': token } }),
      onB.refresh({ headers: { 'X-Refresh-Token': token } }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(device.refreshToken()).toBe(onB.refreshToken());
  });

  it('detect reuse across instances', async () => {
    const { a, b, clock } = twoInstances();
    const device = await createDevice(a);
    await device.login();
    const old = device.refreshToken()!;
    await device.refresh();
    clock.advance(31);
    const onB = await createDevice(b);
    onB.key = device.key;
    const reused = await onB.refresh({ headers: { 'X-Refresh-Token': old } });
    expect((await errorOf(reused)).code).toBe('token_reused');
    expect((await device.list()).status).toBe(401);
  });

  it('accept each other tokens (shared signing keys)', async () => {
    const { a, b } = twoInstances();
    const device = await createDevice(a);
    await device.login();
    const onB = await createDevice(b);
    onB.key = device.key;
    onB.accessToken = device.accessToken;
    expect((await onB.list()).status).toBe(200);
    expect(await b.jwks()).toEqual(await a.jwks());
  });
});

import { describe, expect, it } from 'vitest';
import { createDevice, errorOf, USER } from './helpers/device';
import { createTestServer } from './helpers/server';

async function challenge(
  device: Awaited<ReturnType<typeof createDevice>>,
  identifier = USER.identifier,
  password = USER.password,
) {
  const response = await device.send('/login/email/password', {
    body: { identifier, password },
    proof: false,
  });
  return {
    response,
    token:
      response.status === 200
        ? ((await response.clone().json()) as { challenge_token: string }).challenge_token
        : '',
  };
}

describe('password step', () => {
  it('answers a challenge token for the right password', async () => {
    const { server } = createTestServer();
    const { response, token } = await challenge(await createDevice(server));
    expect(response.status).toBe(200);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('matches identifiers trimmed and case-insensitively', async () => {
    const { server } = createTestServer();
    const { response } = await challenge(await createDevice(server), '  ADA@Example.com ');
    expect(response.status).toBe(200);
  });

  it('answers the same 401 for a wrong password and an unknown user', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const wrong = await errorOf((await challenge(device, USER.identifier, 'nope')).response);
    const unknown = await errorOf((await challenge(device, 'eve@example.com', 'nope')).response);
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ code: 'unauthorized', type: 'unauthorized' });
  });

  it.each([
    ['a non-object', '[]'],
    ['invalid JSON', '{'],
    ['a missing password', '{"identifier":"ada@example.com"}'],
    ['a numeric identifier', '{"identifier":1,"password":"x"}'],
    ['an empty body', ''],
  ])('answers 400 bad_request for %s', async (_name, rawBody) => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const response = await device.send('/login/email/password', { rawBody, proof: false });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'bad_request', type: 'bad_request' });
  });

  it('parses JSON without a Content-Type and ignores unknown fields', async () => {
    const { server } = createTestServer();
    const response = await server.handle({
      method: 'POST',
      url: 'http://localhost/v1/session/login/email/password',
      headers: new Headers(),
      body: new TextEncoder().encode(JSON.stringify({ ...USER, step_up_token: 'x' })),
    });
    expect(response.status).toBe(200);
  });

  it('answers 400 for a non-JSON Content-Type and for a body over 64 KiB', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const text = await device.send('/login/email/password', {
      rawBody: JSON.stringify(USER),
      headers: { 'Content-Type': 'text/plain' },
      proof: false,
    });
    expect((await errorOf(text)).code).toBe('bad_request');
    const big = await device.send('/login/email/password', {
      body: { ...USER, padding: 'x'.repeat(64 * 1024) },
      proof: false,
    });
    expect((await errorOf(big)).code).toBe('bad_request');
  });
});

describe('finalize', () => {
  it('binds the session to the proof key', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const { token } = await challenge(device);
    const response = await device.send('/login/finalize', { body: { challenge_token: token } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; expires_at: number };
    expect(body.expires_at).toBe(Math.floor(server.now() / 1000) + 300);
    expect(device.refreshToken()).toBeTruthy();
  });

  it('spends a challenge only on success, and only once', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const { token } = await challenge(device);
    expect(
      (await device.send('/login/finalize', { body: { challenge_token: token }, proof: false }))
        .status,
    ).toBe(400);
    expect(
      (await device.send('/login/finalize', { body: { challenge_token: token } })).status,
    ).toBe(200);
    const again = await device.send('/login/finalize', { body: { challenge_token: token } });
    expect(again.status).toBe(401);
    expect((await errorOf(again)).code).toBe('unauthorized');
  });

  it('answers 400 for a malformed challenge and 401 for an unknown one', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    for (const challenge_token of [undefined, 42, '', 'short', 'x'.repeat(43) + '!']) {
      const response = await device.send('/login/finalize', { body: { challenge_token } });
      expect((await errorOf(response)).code).toBe('bad_request');
    }
    const unknown = await device.send('/login/finalize', {
      body: { challenge_token: 'A'.repeat(43) },
    });
    expect(unknown.status).toBe(401);
  });

  it('checks the proof before the body', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const response = await device.send('/login/finalize', { rawBody: '[', proof: false });
    expect((await errorOf(response)).code).toBe('missing_dpop_proof');
  });

  it('ends the older session whose refresh token the browser still presents', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const first = await device.login();
    const oldToken = device.refreshToken()!;
    await device.newKey();
    const second = await device.login();
    expect(second.sessionId).not.toBe(first.sessionId);
    const sessions = await server.admin.listUserSessions('usr_ada');
    expect(sessions.map((s) => s.id)).toEqual([second.sessionId]);
    const stale = await device.refresh({ headers: { 'X-Refresh-Token': oldToken } });
    expect(await errorOf(stale)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
  });
});

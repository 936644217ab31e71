import { describe, expect, it } from 'vitest';
import { createDevice, errorOf, USER } from '../helpers/device';
import { createTestServer } from '../helpers/server';
import { createSessionServer } from '../../../src/server';
import { bodyOf, claimsOf, proofFor, raw, signedIn } from './support';

const PASSWORD = '/v1/session/login/email/password';

function passwordStep(
  server: ReturnType<typeof createTestServer>['server'],
  body: string,
  contentType?: string,
) {
  return raw(server, {
    method: 'POST',
    path: PASSWORD,
    body,
    headers: contentType ? { 'Content-Type': contentType } : {},
  });
}

describe('password step', () => {
  it.each([
    ['{}'],
    ['{"identifier":"ada@example.com"}'],
    ['{"identifier":5,"password":"x"}'],
    ['{"identifier":"ada@example.com","password":null}'],
    ['[]'],
    ['"text"'],
    ['null'],
    ['42'],
    ['{"identifier":'],
    [''],
  ])('answers 400 bad_request for the body %s', async (body) => {
    const { server } = createTestServer();
    const response = await passwordStep(server, body, 'application/json');
    expect(response.status).toBe(400);
    expect(bodyOf(response)).toMatchObject({ code: 'bad_request', type: 'bad_request' });
  });

  it('matches configured identifiers trimmed and case-insensitively, the id defaulting to them', async () => {
    const server = createSessionServer({
      rateLimit: false,
      users: [{ identifier: ' Eve@Example.COM ', password: 'pw' }],
    });
    const device = await createDevice(server);
    const { accessToken } = await device.login('EVE@example.com', 'pw');
    expect(claimsOf(accessToken).sub).toBe('eve@example.com');
  });

  it('answers the same 401 unauthorized for a wrong password and an unknown user', async () => {
    const { server } = createTestServer();
    const wrong = await passwordStep(server, JSON.stringify({ ...USER, password: 'nope' }));
    const unknown = await passwordStep(
      server,
      JSON.stringify({ identifier: 'nobody@example.com', password: 'nope' }),
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(bodyOf(wrong).reason).toBeUndefined();
  });

  it('parses JSON without Content-Type and with a charset, and ignores unknown fields', async () => {
    const { server } = createTestServer();
    const body = JSON.stringify({ ...USER, remember: true, step_up_token: 'x' });
    expect((await passwordStep(server, body)).status).toBe(200);
    expect((await passwordStep(server, body, 'application/json; charset=utf-8')).status).toBe(200);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses Content-Type %s with 400',
    async (type) => {
      const { server } = createTestServer();
      const response = await passwordStep(server, JSON.stringify(USER), type);
      expect(bodyOf(response).code).toBe('bad_request');
    },
  );

  it('accepts a body of exactly 64 KiB and refuses one byte more', async () => {
    const { server } = createTestServer();
    const base = JSON.stringify({ ...USER, pad: '' });
    const exact = JSON.stringify({ ...USER, pad: 'x'.repeat(64 * 1024 - base.length) });
    expect(new TextEncoder().encode(exact).length).toBe(64 * 1024);
    expect((await passwordStep(server, exact, 'application/json')).status).toBe(200);
    const over = JSON.stringify({ ...USER, pad: 'x'.repeat(64 * 1024 - base.length + 1) });
    expect(bodyOf(await passwordStep(server, over, 'application/json')).code).toBe('bad_request');
  });
});

describe('challenge tokens', () => {
  async function challenge(server: ReturnType<typeof createTestServer>['server']) {
    return (
      JSON.parse((await passwordStep(server, JSON.stringify(USER))).body!) as {
        challenge_token: string;
      }
    ).challenge_token;
  }

  it('can be finalized 299 s later but not 300 s later', async () => {
    const { server, clock } = createTestServer();
    const device = await createDevice(server);
    const early = await challenge(server);
    const late = await challenge(server);
    clock.advance(299);
    expect(
      (await device.send('/login/finalize', { body: { challenge_token: early } })).status,
    ).toBe(200);
    clock.advance(1);
    const expired = await device.send('/login/finalize', { body: { challenge_token: late } });
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).code).toBe('unauthorized');
  });

  it('is used up by a successful finalize only', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    const token = await challenge(server);
    expect(
      (await device.send('/login/finalize', { body: { challenge_token: token }, proof: false }))
        .status,
    ).toBe(400);
    expect(
      (
        await device.send('/login/finalize', {
          body: { challenge_token: token },
          proof: { htm: 'GET' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await device.send('/login/finalize', { body: { challenge_token: token } })).status,
    ).toBe(200);
    const used = await device.send('/login/finalize', { body: { challenge_token: token } });
    expect(used.status).toBe(401);
    expect((await errorOf(used)).code).toBe('unauthorized');
  });

  it('is spent once when several finalizes race with it', async () => {
    const { server } = createTestServer();
    const token = await challenge(server);
    const devices = await Promise.all(Array.from({ length: 5 }, () => createDevice(server)));
    const answers = await Promise.all(
      devices.map((device) => device.send('/login/finalize', { body: { challenge_token: token } })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401]);
    expect(await server.admin.listUserSessions('usr_ada')).toHaveLength(1);
  });

  it('is refused with 400 when malformed and 401 when unknown', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    for (const challenge_token of [null, 12, '', { a: 1 }]) {
      const response = await device.send('/login/finalize', { body: { challenge_token } });
      expect((await errorOf(response)).code).toBe('bad_request');
    }
    const unknown = await device.send('/login/finalize', {
      body: { challenge_token: 'A'.repeat(43) },
    });
    expect(unknown.status).toBe(401);
  });

  it('ignores unknown finalize fields and a non-object device', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    for (const extra of [{ step_up_token: 'x', foo: [1] }, { device: 'Pixel' }, { device: null }]) {
      const response = await device.send('/login/finalize', {
        body: { challenge_token: await challenge(server), ...extra },
      });
      expect(response.status).toBe(200);
    }
  });
});

describe('bodies of /refresh and /revoke', () => {
  it('are ignored, whatever their type, shape or size', async () => {
    const { server, device } = await signedIn();
    let token = device.refreshToken()!;
    for (const [body, type] of [
      ['not json', 'text/plain'],
      ['[]', 'application/json'],
      ['x'.repeat(65 * 1024), 'application/octet-stream'],
      ['', 'application/json'],
    ] as const) {
      const response = await raw(server, {
        method: 'POST',
        path: '/v1/session/refresh',
        headers: {
          DPoP: await proofFor(server, device.key, '/refresh'),
          Cookie: `refresh_token=${token}`,
          'Content-Type': type,
        },
        body,
      });
      expect(response.status).toBe(200);
      token = response.cookies[0]!.value;
    }
    const logout = await raw(server, {
      method: 'POST',
      path: '/v1/session/revoke',
      headers: {
        DPoP: await proofFor(server, device.key, '/revoke'),
        Cookie: `refresh_token=${token}`,
        'Content-Type': 'text/plain',
      },
      body: '<<<',
    });
    expect(logout.status).toBe(204);
    expect(await server.admin.listUserSessions('usr_ada')).toEqual([]);
  });
});

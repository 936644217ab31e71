import { describe, expect, it } from 'vitest';
import { createDevice, errorOf, type TestDevice } from './helpers/device';
import { createProofKey } from './helpers/dpop';
import { createTestServer } from './helpers/server';

type Page = { sessions: Array<{ id: string }>; total: number; limit: number; offset: number };

async function signedIn(options: Parameters<typeof createTestServer>[0] = {}) {
  const { server, clock } = createTestServer(options);
  const device = await createDevice(server);
  const { sessionId } = await device.login();
  return { server, clock, device, sessionId };
}

describe('/me/* authentication', () => {
  it('answers 401 unauthorized with a DPoP challenge without a token', async () => {
    const { device } = await signedIn();
    const response = await device.list('', { accessToken: undefined, proof: false });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthorized');
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP/);
  });

  it('answers 401 unauthorized for a token with a bad signature', async () => {
    const { device } = await signedIn();
    const [h, p, s] = device.accessToken!.split('.');
    const forged = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    const response = await device.list('', { accessToken: forged });
    expect((await errorOf(response)).code).toBe('unauthorized');
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('answers 401 unauthorized for an expired token', async () => {
    const { device, clock } = await signedIn();
    clock.advance(301);
    const response = await device.list();
    expect((await errorOf(response)).code).toBe('unauthorized');
  });

  it('answers 401 unauthorized for a bound token sent as Bearer, with a DPoP challenge', async () => {
    const { device } = await signedIn();
    const response = await device.list('', { scheme: 'Bearer' });
    expect((await errorOf(response)).code).toBe('unauthorized');
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP/);
  });

  it('answers 401 unauthorized for an unbound token sent as DPoP, and accepts it as Bearer', async () => {
    const { device } = await signedIn({ bindAccessTokens: false });
    expect((await errorOf(await device.list('', { scheme: 'DPoP' }))).code).toBe('unauthorized');
    expect((await device.list('', { scheme: 'Bearer', proof: false })).status).toBe(200);
  });

  it('answers 401 unauthorized for several Authorization headers', async () => {
    const { server, device } = await signedIn();
    const url = 'http://localhost/v1/session/me/list';
    const headers = new Headers();
    headers.append('Authorization', `DPoP ${device.accessToken}`);
    headers.append('Authorization', `DPoP ${device.accessToken}`);
    headers.set(
      'DPoP',
      await device.key.sign({
        htm: 'GET',
        htu: url,
        iat: Math.floor(server.now() / 1000),
        accessToken: device.accessToken!,
      }),
    );
    const response = await server.handle({ method: 'GET', url, headers });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body!).code).toBe('unauthorized');
  });

  it('answers 401 missing_dpop_proof without a proof', async () => {
    const { device } = await signedIn();
    expect((await errorOf(await device.list('', { proof: false }))).code).toBe(
      'missing_dpop_proof',
    );
  });

  it('answers 401 invalid_dpop_proof for a proof without ath', async () => {
    const { device } = await signedIn();
    const response = await device.list('', {
      proof: { accessToken: undefined, claims: { ath: undefined } },
    });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('invalid_dpop_proof');
  });

  it('answers 401 dpop_key_mismatch for a proof by another key', async () => {
    const { device } = await signedIn();
    const response = await device.list('', { key: await createProofKey() });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('dpop_key_mismatch');
  });

  it('answers 401 use_dpop_nonce with a nonce when nonces are required, then accepts it', async () => {
    const { device } = await signedIn({ requireNonce: true });
    device.nonce = undefined;
    const first = await device.list();
    expect(first.status).toBe(401);
    expect((await errorOf(first)).code).toBe('use_dpop_nonce');
    expect(first.headers.get('www-authenticate')).toContain('use_dpop_nonce');
    expect((await device.list()).status).toBe(200);
  });

  it('checks the token before the query', async () => {
    const { device } = await signedIn();
    const response = await device.list('?limit=abc', { accessToken: undefined, proof: false });
    expect((await errorOf(response)).code).toBe('unauthorized');
  });

  it('refuses a revoked session at once, with reason revoked', async () => {
    const { device } = await signedIn();
    const other = await createDevice(
      device.bridge as never as Parameters<typeof createDevice>[0],
    ).catch(() => undefined);
    void other;
    expect((await device.revoke('?target=mine')).status).toBe(204);
    const response = await device.list();
    expect(await errorOf(response)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
  });

  it('refuses tokens of a session ended by inactivity: their exp is capped at its end', async () => {
    const { device, clock } = await signedIn({ inactivityTimeoutSeconds: 100 });
    clock.advance(99);
    expect((await device.list()).status).toBe(200);
    clock.advance(1);
    expect((await errorOf(await device.list())).code).toBe('unauthorized');
  });
});

describe('/me/list', () => {
  async function withSessions(count: number) {
    const { server, clock } = createTestServer();
    const devices: TestDevice[] = [];
    for (let i = 0; i < count; i += 1) {
      const device = await createDevice(server);
      await device.login();
      devices.push(device);
      clock.advance(1);
    }
    return { server, clock, devices };
  }

  it('lists live sessions, last seen first, with defaults limit 10 and offset 0', async () => {
    const { devices, clock } = await withSessions(3);
    await devices[0]!.refresh();
    clock.advance(1);
    const page = (await (await devices[2]!.list()).json()) as Page;
    expect(page.total).toBe(3);
    expect(page.limit).toBe(10);
    expect(page.offset).toBe(0);
    const ids = await Promise.all(
      devices.map(async (d) => ((await (await d.list()).json()) as Page).sessions),
    );
    expect(ids[0]!.map((s) => s.id)).toEqual(page.sessions.map((s) => s.id));
    const sid = (d: TestDevice) =>
      JSON.parse(atob(d.accessToken!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')))
        .sid as string;
    expect(page.sessions.map((s) => s.id)).toEqual([
      sid(devices[0]!),
      sid(devices[2]!),
      sid(devices[1]!),
    ]);
  });

  it('breaks ties on last_seen_at by created_at, newest first', async () => {
    const { server } = createTestServer();
    const a = await createDevice(server);
    await a.login();
    const b = await createDevice(server);
    await b.login();
    const page = (await (await a.list()).json()) as Page;
    expect(page.sessions).toHaveLength(2);
    const views = page.sessions as unknown as Array<{
      last_seen_at: string;
      created_at: string;
      id: string;
    }>;
    expect(views[0]!.last_seen_at).toBe(views[1]!.last_seen_at);
    const sorted = [...views].sort(
      // ids compare by code unit (locale-independent), as the server does.
      (x, y) =>
        y.created_at.localeCompare(x.created_at) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
    );
    expect(views).toEqual(sorted);
  });

  it('pages with limit and offset, echoing both, and gives an empty page past the end', async () => {
    const { devices } = await withSessions(3);
    const page = (await (await devices[0]!.list('?limit=2&offset=1')).json()) as Page;
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.sessions).toHaveLength(2);
    const past = (await (await devices[0]!.list('?offset=10')).json()) as Page;
    expect(past).toMatchObject({ sessions: [], total: 3, offset: 10 });
  });

  it('gives an empty page for a digits-only offset beyond the safe integers, echoing the largest one', async () => {
    const { devices } = await withSessions(2);
    for (const offset of [`1${'0'.repeat(400)}`, '9007199254740993']) {
      const response = await devices[0]!.list(`?offset=${offset}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        sessions: [],
        total: 2,
        limit: 10,
        offset: Number.MAX_SAFE_INTEGER,
      });
    }
    const page = (await (await devices[0]!.list(`?offset=${'0'.repeat(400)}1`)).json()) as Page;
    expect(page).toMatchObject({ total: 2, offset: 1 });
    expect(page.sessions).toHaveLength(1);
  });

  it.each(['0', '101', '+5', '5.0', '1e1', '-1', '', 'abc', ' 5'])(
    'refuses limit=%j',
    async (limit) => {
      const { devices } = await withSessions(1);
      const response = await devices[0]!.list(`?limit=${encodeURIComponent(limit)}`);
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({
        code: 'invalid_pagination_limit',
        type: 'bad_request',
      });
    },
  );

  it.each(['+1', '1.0', '-1', '', 'x'])('refuses offset=%j', async (offset) => {
    const { devices } = await withSessions(1);
    const response = await devices[0]!.list(`?offset=${encodeURIComponent(offset)}`);
    expect((await errorOf(response)).code).toBe('invalid_pagination_offset');
  });

  it('reports the limit when both are bad', async () => {
    const { devices } = await withSessions(1);
    expect((await errorOf(await devices[0]!.list('?limit=x&offset=y'))).code).toBe(
      'invalid_pagination_limit',
    );
  });

  it('counts only live sessions in total', async () => {
    const { devices } = await withSessions(3);
    await devices[1]!.logout();
    expect(((await (await devices[0]!.list()).json()) as Page).total).toBe(2);
  });

  it("never shows another user's sessions", async () => {
    const { server } = createTestServer();
    const ada = await createDevice(server);
    await ada.login();
    const bob = await createDevice(server);
    await bob.login('bob@example.com', 'hunter2');
    expect(((await (await bob.list()).json()) as Page).total).toBe(1);
  });
});

describe('/me/revoke', () => {
  async function three() {
    const { server } = createTestServer();
    const devices: TestDevice[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const device = await createDevice(server);
      ids.push((await device.login()).sessionId);
      devices.push(device);
    }
    return { server, devices, ids };
  }

  it('ends all but the caller with target=others and keeps its cookie', async () => {
    const { devices } = await three();
    expect((await devices[0]!.revoke('?target=others')).status).toBe(204);
    expect(devices[0]!.refreshToken()).toBeTruthy();
    expect((await devices[0]!.list()).status).toBe(200);
    expect((await devices[1]!.list()).status).toBe(401);
    expect((await devices[2]!.refresh()).status).toBe(401);
  });

  it('ends every session with target=all and clears the caller cookie', async () => {
    const { devices } = await three();
    expect((await devices[0]!.revoke('?target=all')).status).toBe(204);
    expect(devices[0]!.refreshToken()).toBeUndefined();
    for (const device of devices) expect((await device.list()).status).toBe(401);
  });

  it('ends the caller with target=mine', async () => {
    const { devices } = await three();
    expect((await devices[1]!.revoke('?target=mine')).status).toBe(204);
    expect(devices[1]!.refreshToken()).toBeUndefined();
    expect((await devices[1]!.list()).status).toBe(401);
    expect((await devices[0]!.list()).status).toBe(200);
  });

  it('ends one session by id', async () => {
    const { devices, ids } = await three();
    expect((await devices[0]!.revoke(`?target=session&session_id=${ids[2]}`)).status).toBe(204);
    expect((await devices[2]!.list()).status).toBe(401);
    expect((await devices[1]!.list()).status).toBe(200);
    expect(devices[0]!.refreshToken()).toBeTruthy();
  });

  it.each([
    '',
    '?target=',
    '?target=everything',
    '?target=session',
    '?target=session&session_id=%20',
  ])('answers 400 bad_request for %j', async (query) => {
    const { devices } = await three();
    const response = await devices[0]!.revoke(query);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('bad_request');
  });

  it("answers 404 for an unknown id, an ended session, or another user's", async () => {
    const { server, devices, ids } = await three();
    expect((await devices[0]!.revoke('?target=session&session_id=ses_nope')).status).toBe(404);
    await devices[1]!.logout();
    const ended = await devices[0]!.revoke(`?target=session&session_id=${ids[1]}`);
    expect(ended.status).toBe(404);
    expect(await errorOf(ended)).toMatchObject({ code: 'not_found', type: 'not_found' });
    const bob = await createDevice(server);
    await bob.login('bob@example.com', 'hunter2');
    expect((await bob.revoke(`?target=session&session_id=${ids[0]}`)).status).toBe(404);
    expect((await devices[0]!.list()).status).toBe(200);
  });
});

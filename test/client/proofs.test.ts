import {
  EmbeddedJWK,
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  jwtVerify,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { b64url } from '../../src/client/dpopProof';
import { idb } from './helpers/idb';
import { recordRequests, type Sent } from './helpers/recorder';
import { ADA, BASE_URL, createWorld } from './helpers/world';

const verifyProof = async (sent: Sent) => {
  const proof = sent.headers.get('dpop');
  expect(proof).toEqual(expect.any(String));
  const { payload, protectedHeader } = await jwtVerify(proof!, EmbeddedJWK, {
    typ: 'dpop+jwt',
    algorithms: ['ES256'],
  });
  expect(Object.keys(protectedHeader.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  const url = new URL(sent.url);
  expect(payload).toMatchObject({
    htm: sent.method,
    htu: url.origin + url.pathname,
    jti: expect.any(String),
  });
  return payload;
};

const sha256 = async (text: string) =>
  base64url.encode(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))),
  );

describe('dpopProof', () => {
  it('signs every kind of proof so jose verifies it with the embedded key', async () => {
    const w = createWorld();
    const device = w.device();
    const rec = recordRequests(device.bridge.fetch);
    const tab = device.tab({ fetch: rec.fetch });
    await tab.loginWithPassword(ADA);
    w.advance(300);
    await tab.refresh();
    await tab.listSessions();
    await tab.fetch(`${BASE_URL}/v1/session/me/list`);
    await tab.logout();
    const proofs = rec.sent.filter((s) => s.headers.has('dpop'));
    expect(proofs.map((s) => new URL(s.url).pathname)).toEqual([
      '/v1/session/login/finalize',
      '/v1/session/refresh',
      '/v1/session/me/list',
      '/v1/session/me/list',
      '/v1/session/revoke',
    ]);
    const payloads = await Promise.all(proofs.map(verifyProof));
    expect(new Set(payloads.map((p) => p.jti)).size).toBe(payloads.length);
    // One key for the whole session, the one the access token is bound to.
    const jkts = await Promise.all(
      proofs.map((s) => calculateJwkThumbprint(decodeProtectedHeader(s.headers.get('dpop')!).jwk!)),
    );
    expect(new Set(jkts).size).toBe(1);
    // Resource calls carry ath = b64url(SHA-256(token)), token endpoints do not.
    for (const [i, s] of proofs.entries()) {
      const auth = s.headers.get('authorization');
      if (auth) {
        expect(auth.startsWith('DPoP ')).toBe(true);
        expect(payloads[i]!.ath).toBe(await sha256(auth.slice(5)));
      } else expect(payloads[i]!.ath).toBeUndefined();
    }
  });

  it('puts iat in server time, whatever the local clock', async () => {
    const w = createWorld();
    const device = w.device();
    const rec = recordRequests(device.bridge.fetch);
    const tab = device.tab({ fetch: rec.fetch, now: () => w.now() + 3_600_000 });
    await tab.loginWithPassword(ADA);
    const payload = await verifyProof(rec.to('/login/finalize')[0]!);
    expect(Math.abs(payload.iat! - w.now() / 1000)).toBeLessThanOrEqual(2);
  });

  it('retries once with the nonce on use_dpop_nonce, with a fresh jti', async () => {
    const w = createWorld({ requireNonce: true, nonceWindowSeconds: 300 });
    const device = w.device();
    const rec = recordRequests(device.bridge.fetch);
    const tab = device.tab({ fetch: rec.fetch });
    await tab.loginWithPassword(ADA);
    // Every answer carried a nonce: the finalize proof had one at once.
    expect(rec.to('/login/finalize')).toHaveLength(1);
    expect((await verifyProof(rec.to('/login/finalize')[0]!)).nonce).toEqual(expect.any(String));
    // Two windows later the kept nonce is stale.
    w.advance(700);
    await tab.refresh();
    expect(w.log.filter((e) => e.path.endsWith('/refresh')).map((e) => e.status)).toEqual([
      400, 200,
    ]);
    const [first, second] = await Promise.all(rec.to('/refresh').map(verifyProof));
    expect(second!.nonce).not.toBe(first!.nonce);
    expect(second!.jti).not.toBe(first!.jti);
    await tab.listSessions();
    expect(rec.to('/me/list')).toHaveLength(1);
  });

  it('keeps the nonce across a reload', async () => {
    const w = createWorld({ requireNonce: true });
    const device = w.device();
    const first = device.tab();
    await first.loginWithPassword(ADA);
    await first.dispose();
    const rec = recordRequests(device.bridge.fetch);
    const reloaded = device.tab({ fetch: rec.fetch });
    await reloaded.refresh();
    expect(rec.to('/refresh')).toHaveLength(1);
  });

  it('corrects a stale clock offset and retries once when a proof is refused for skew', async () => {
    const w = createWorld();
    const device = w.device();
    const first = device.tab();
    await first.loginWithPassword(ADA);
    await first.dispose();
    // The device clock jumps ten minutes ahead; the offset stored after the last visit is stale.
    const rec = recordRequests(device.bridge.fetch);
    const tab = device.tab({ fetch: rec.fetch, now: () => w.now() + 600_000 });
    await expect(tab.refresh()).resolves.toBeTruthy();
    expect(w.log.filter((e) => e.path.endsWith('/refresh')).map((e) => e.status)).toEqual([
      400, 200,
    ]);
    const [a, b] = await Promise.all(rec.to('/refresh').map(verifyProof));
    expect(b!.jti).not.toBe(a!.jti);
    expect(Math.abs(b!.iat! - w.now() / 1000)).toBeLessThanOrEqual(2);
    // The corrected offset is kept for the next visit.
    expect(
      Math.abs((await idb<number>(`${device.namespace}:clockOffset`))! + 600_000),
    ).toBeLessThanOrEqual(2_000);
  });

  it('encodes bytes of every value and length as unpadded base64url', () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 37 + length * 101) % 256);
      expect(b64url(bytes.buffer)).toBe(base64url.encode(bytes));
    }
    const all = new Uint8Array(256).map((_, i) => i);
    expect(b64url(all.buffer)).toBe(base64url.encode(all));
    expect(b64url('{"typ":"dpop+jwt"}~?')).toBe(base64url.encode('{"typ":"dpop+jwt"}~?'));
  });

  it('never carries a nonce that is not 1*NQCHAR into a proof', async () => {
    const w = createWorld();
    const device = w.device();
    // A broken proxy or server answers with a nonce RFC 9449 does not allow (a quote, a space).
    const broken: typeof fetch = async (input, init) => {
      const res = await device.bridge.fetch(input, init);
      const headers = new Headers(res.headers);
      headers.set('DPoP-Nonce', 'bad "nonce"');
      return new Response(res.body, { status: res.status, headers });
    };
    const rec = recordRequests(broken);
    const tab = device.tab({ fetch: rec.fetch });
    await tab.loginWithPassword(ADA);
    w.advance(300);
    await tab.refresh();
    for (const sent of rec.sent.filter((s) => s.headers.has('dpop')))
      expect((await verifyProof(sent)).nonce).toBeUndefined();
  });
});

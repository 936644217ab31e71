import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/server/memoryStore';
import { createNonceManager } from '../../src/server/nonces';
import type { SessionStore } from '../../src/server/store';
import { createClock } from './helpers/joseProofs';

let clock: ReturnType<typeof createClock>;
let store: SessionStore;

beforeEach(() => {
  clock = createClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  store = createMemoryStore({ now: clock.now });
});

describe('createNonceManager', () => {
  it('is not required unless asked', () => {
    expect(createNonceManager({ store, now: clock.now }).required).toBe(false);
    expect(createNonceManager({ store, now: clock.now, required: true }).required).toBe(true);
  });

  it('hands out one base64url nonce per window and accepts it', async () => {
    const nonces = createNonceManager({ store, now: clock.now });
    const nonce = await nonces.current();
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    clock.advance(10);
    expect(await nonces.current()).toBe(nonce);
    expect(await nonces.verify(nonce)).toBe(true);
  });

  it('accepts the previous window and refuses anything older', async () => {
    const nonces = createNonceManager({ store, now: clock.now, windowSeconds: 300 });
    const first = await nonces.current();
    clock.advance(300);
    const second = await nonces.current();
    expect(second).not.toBe(first);
    expect(await nonces.verify(first)).toBe(true);
    clock.advance(300);
    expect(await nonces.verify(first)).toBe(false);
    expect(await nonces.verify(second)).toBe(true);
  });

  it('refuses made-up, empty and oversized nonces', async () => {
    const nonces = createNonceManager({ store, now: clock.now });
    const real = await nonces.current();
    expect(await nonces.verify(`${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`)).toBe(
      false,
    );
    expect(await nonces.verify('')).toBe(false);
    expect(await nonces.verify('a'.repeat(10_000))).toBe(false);
  });

  it('agrees between two instances sharing a store, even when they start together', async () => {
    const a = createNonceManager({ store, now: clock.now });
    const b = createNonceManager({ store, now: clock.now });
    const [fromA, fromB] = await Promise.all([a.current(), b.current()]);
    expect(fromA).toBe(fromB);
    expect(await b.verify(fromA)).toBe(true);
  });

  it('differs between servers with separate stores', async () => {
    const a = createNonceManager({ store, now: clock.now });
    const b = createNonceManager({ store: createMemoryStore({ now: clock.now }), now: clock.now });
    expect(await b.verify(await a.current())).toBe(false);
  });

  it('changes on every request when the window is tiny', async () => {
    const nonces = createNonceManager({ store, now: clock.now, windowSeconds: 1 });
    const first = await nonces.current();
    clock.advance(1);
    expect(await nonces.current()).not.toBe(first);
  });

  it('rejects a window that is not positive', () => {
    expect(() => createNonceManager({ store, now: clock.now, windowSeconds: 0 })).toThrow(
      TypeError,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/server';
import { createClock } from './helpers/device';

describe('createMemoryStore', () => {
  it('never shares object references', async () => {
    const store = createMemoryStore();
    const value = { list: [1] };
    await store.set('k', value);
    value.list.push(2);
    const read = await store.get<{ list: number[] }>('k');
    expect(read).toEqual({ list: [1] });
    read!.list.push(3);
    expect(await store.get('k')).toEqual({ list: [1] });
  });

  it('adds only when absent', async () => {
    const store = createMemoryStore();
    expect(await store.add('k', 1)).toBe(true);
    expect(await store.add('k', 2)).toBe(false);
    expect(await store.get('k')).toBe(1);
  });

  it('compares values deeply in compareAndSwap, whatever the order of object keys', async () => {
    const store = createMemoryStore();
    const swap = (expected: unknown) => store.compareAndSwap<unknown>('k', expected, 'swapped');
    await store.set('k', { a: 1, b: { c: [1, { d: 2, e: 3 }] } });
    expect(await swap({ b: { c: [1, { d: 2 }] }, a: 1 })).toBe(false);
    expect(await swap({ b: { c: [{ e: 3, d: 2 }, 1] }, a: 1 })).toBe(false);
    expect(await swap({ a: 1, b: { c: [1, { d: 2, e: 3 }], f: 4 } })).toBe(false);
    expect(await swap({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
    expect(await store.get('k')).toBe('swapped');
  });

  it('compares values in compareAndSwap, and deletes with undefined', async () => {
    const store = createMemoryStore();
    expect(await store.compareAndSwap('k', undefined, { a: 1 })).toBe(true);
    expect(await store.compareAndSwap('k', undefined, { a: 2 })).toBe(false);
    expect(await store.compareAndSwap('k', { a: 2 }, { a: 3 })).toBe(false);
    expect(await store.compareAndSwap('k', { a: 1 }, { a: 3 })).toBe(true);
    expect(await store.compareAndSwap('k', { a: 3 }, undefined)).toBe(true);
    expect(await store.get('k')).toBeUndefined();
  });

  it('expires entries by its clock', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    await store.set('k', 'v', { expiresAtMs: clock.now() + 1000 });
    clock.advance(0.999);
    expect(await store.get('k')).toBe('v');
    clock.advance(0.001);
    expect(await store.get('k')).toBeUndefined();
    expect(await store.add('k', 'w')).toBe(true);
  });

  it('counts in fixed windows', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const end = clock.now() + 60_000;
    expect(await store.increment('c', { expiresAtMs: end })).toEqual({
      count: 1,
      expiresAtMs: end,
    });
    clock.advance(30);
    expect(await store.increment('c', { expiresAtMs: clock.now() + 60_000 })).toEqual({
      count: 2,
      expiresAtMs: end,
    });
    clock.advance(30);
    expect((await store.increment('c', { expiresAtMs: clock.now() + 60_000 })).count).toBe(1);
  });

  it('refuses values JSON cannot hold', async () => {
    const store = createMemoryStore();
    await expect(store.set('k', undefined)).rejects.toThrow(TypeError);
  });
});

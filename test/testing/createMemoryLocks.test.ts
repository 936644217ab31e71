import { describe, expect, it } from 'vitest';
import { createMemoryLocks } from '../../src/testing';

/**
 * Lock callbacks that stay inside until the test lets them out one at a time, counting
 * how many were ever inside together.
 */
function room() {
  const inside: Array<() => void> = [];
  let arrived: (() => void) | undefined;
  let count = 0;
  let most = 0;
  const enter = () =>
    new Promise<void>((leave) => {
      count += 1;
      most = Math.max(most, count);
      inside.push(() => {
        count -= 1;
        leave();
      });
      arrived?.();
    });
  /** Waits for a callback to be inside and lets the first one out. */
  const letOneOut = async () => {
    while (inside.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    inside.shift()!();
  };
  return { enter, letOneOut, most: () => most };
}

const names = (locks: Array<{ name?: string }> = []) => locks.map((lock) => lock.name);

describe('createMemoryLocks', () => {
  it('grants one of several exclusive requests made together and queues the others', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const all = Promise.all([1, 2, 3].map(() => locks.request('x', holders.enter)));
    const { held, pending } = await locks.query();
    expect(names(held)).toEqual(['x']);
    expect(names(pending)).toEqual(['x', 'x']);
    for (let i = 0; i < 3; i++) await holders.letOneOut();
    await all;
    expect(holders.most()).toBe(1);
  });

  it('lets queued exclusive waiters in one at a time when the holder releases', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const first = locks.request('x', holders.enter);
    const waiters = [locks.request('x', holders.enter), locks.request('x', holders.enter)];
    await holders.letOneOut();
    await first;
    const { held, pending } = await locks.query();
    expect(names(held)).toEqual(['x']);
    expect(names(pending)).toEqual(['x']);
    for (let i = 0; i < 2; i++) await holders.letOneOut();
    await Promise.all(waiters);
    expect(holders.most()).toBe(1);
  });

  it('grants shared requests together, and an exclusive one only once they are all released', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const readers = [1, 2].map(() => locks.request('x', { mode: 'shared' }, holders.enter));
    const writer = locks.request('x', holders.enter);
    expect((await locks.query()).held).toMatchObject([{ mode: 'shared' }, { mode: 'shared' }]);
    for (let i = 0; i < 3; i++) await holders.letOneOut();
    await Promise.all([...readers, writer]);
    expect(holders.most()).toBe(2);
  });

  it('keeps a shared request behind an earlier queued exclusive one', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const reader = locks.request('x', { mode: 'shared' }, holders.enter);
    const writer = locks.request('x', holders.enter);
    const lateReader = locks.request('x', { mode: 'shared' }, holders.enter);
    const { held, pending } = await locks.query();
    expect(held).toMatchObject([{ mode: 'shared' }]);
    expect(pending).toMatchObject([{ mode: 'exclusive' }, { mode: 'shared' }]);
    for (let i = 0; i < 3; i++) await holders.letOneOut();
    await Promise.all([reader, writer, lateReader]);
  });

  it('answers ifAvailable with null right after another request was granted', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const holder = locks.request('x', holders.enter);
    const probe = locks.request('x', { ifAvailable: true }, (lock) => lock);
    await expect(probe).resolves.toBeNull();
    await holders.letOneOut();
    await holder;
  });

  it('answers ifAvailable with null while an earlier request for the name is queued', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const reader = locks.request('x', { mode: 'shared' }, holders.enter);
    const writer = locks.request('x', holders.enter);
    const probe = locks.request('x', { mode: 'shared', ifAvailable: true }, (lock) => lock);
    await expect(probe).resolves.toBeNull();
    for (let i = 0; i < 2; i++) await holders.letOneOut();
    await Promise.all([reader, writer]);
  });

  it('lists a lock as held in query() while its callback runs', async () => {
    const locks = createMemoryLocks();
    const snapshot = await locks.request('x', () => locks.query());
    expect(names(snapshot.held)).toEqual(['x']);
  });

  it('resolves the request with what the callback returns and rejects with what it throws', async () => {
    const locks = createMemoryLocks();
    await expect(locks.request('x', () => 42)).resolves.toBe(42);
    const failure = new Error('inside');
    await expect(
      locks.request('x', () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await locks.query()).held).toEqual([]);
  });

  it('steals the held lock: grants the thief at once and rejects the holder with AbortError', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const holder = locks.request('x', holders.enter);
    const waiter = locks.request('x', () => 'waited');
    const thief = locks.request('x', { steal: true }, () => 'stolen');
    const { held, pending } = await locks.query();
    expect(held).toHaveLength(1);
    expect(pending).toHaveLength(1);
    await expect(holder).rejects.toMatchObject({ name: 'AbortError' });
    await expect(thief).resolves.toBe('stolen');
    await expect(waiter).resolves.toBe('waited');
    await holders.letOneOut();
  });

  it('keeps the thief holding when the robbed callback ends later', async () => {
    const locks = createMemoryLocks();
    const robbed = room();
    const thieves = room();
    const holder = locks.request('x', robbed.enter);
    holder.catch(() => {});
    const thief = locks.request('x', { steal: true }, thieves.enter);
    await robbed.letOneOut();
    const next = locks.request('x', () => 'next');
    const { held, pending } = await locks.query();
    expect(names(held)).toEqual(['x']);
    expect(names(pending)).toEqual(['x']);
    await thieves.letOneOut();
    await thief;
    await expect(next).resolves.toBe('next');
  });

  it('lets the compatible waiters behind an aborted waiter in at once', async () => {
    const locks = createMemoryLocks();
    const holders = room();
    const reader = locks.request('x', { mode: 'shared' }, holders.enter);
    const controller = new AbortController();
    const writer = locks.request('x', { signal: controller.signal }, () => 'written');
    const lateReader = locks.request('x', { mode: 'shared' }, holders.enter);
    expect(names((await locks.query()).pending)).toEqual(['x', 'x']);
    controller.abort(new Error('gave up'));
    const { held, pending } = await locks.query();
    expect(held).toMatchObject([{ mode: 'shared' }, { mode: 'shared' }]);
    expect(pending).toEqual([]);
    await expect(writer).rejects.toThrow('gave up');
    for (let i = 0; i < 2; i++) await holders.letOneOut();
    await Promise.all([reader, lateReader]);
  });

  it('rejects a request whose signal is already aborted with its reason', async () => {
    const locks = createMemoryLocks();
    const reason = new Error('too late');
    const request = locks.request('x', { signal: AbortSignal.abort(reason) }, () => 'ran');
    await expect(request).rejects.toBe(reason);
  });

  it.each([
    ['steal with ifAvailable', 'x', { steal: true, ifAvailable: true }],
    ['steal with mode shared', 'x', { steal: true, mode: 'shared' }],
    ['a signal with steal', 'x', { steal: true, signal: new AbortController().signal }],
    ['a signal with ifAvailable', 'x', { ifAvailable: true, signal: new AbortController().signal }],
    ['a name starting with "-"', '-x', {}],
  ] as Array<[string, string, LockOptions]>)(
    'rejects %s with NotSupportedError, without running the callback',
    async (_, name, options) => {
      const locks = createMemoryLocks();
      let ran = false;
      const request = locks.request(name, options, () => {
        ran = true;
      });
      await expect(request).rejects.toBeInstanceOf(DOMException);
      await expect(request).rejects.toMatchObject({ name: 'NotSupportedError' });
      expect(ran).toBe(false);
      expect(await locks.query()).toEqual({ held: [], pending: [] });
    },
  );

  it('gives all requests of one manager one clientId, and each manager its own', async () => {
    const locks = createMemoryLocks();
    const other = createMemoryLocks();
    const mine = await locks.request('a', () =>
      locks.request('b', async () => (await locks.query()).held!.map((lock) => lock.clientId)),
    );
    const theirs = await other.request('a', async () => (await other.query()).held![0]!.clientId);
    expect(mine).toHaveLength(2);
    expect(new Set(mine).size).toBe(1);
    expect(theirs).not.toBe(mine[0]);
  });
});

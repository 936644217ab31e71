import { act, renderHook, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Timers } from '../../src/components/ActiveSessionsTable/useSteppedNow';
import { useSteppedNow } from '../../src/components/ActiveSessionsTable/useSteppedNow';
import { createClock, renderTable } from './helpers/renderTable';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('ActiveSessionsTable relative times', () => {
  it('turn over when they would read differently, with nothing else rendering the table', async () => {
    // The table's clock stands still while the table loads, 100 ms before "1 hour ago"
    // becomes "2 hours ago" for this device, then runs at real speed from there.
    let standing = 0;
    let runningSince: number | null = null;
    const now = () =>
      runningSince === null ? standing : standing + performance.now() - runningSince;
    await renderTable({
      props: { now },
      before: async (session) => {
        const [mine] = await session.server.admin.listUserSessions('test@example.com');
        standing = new Date(mine!.created_at).getTime() + 1.5 * HOUR - 100;
      },
    });
    const row = (await screen.findByRole('rowheader', { name: /MacBook Pro/ })).closest('tr')!;
    const signedIn = () => row.querySelector('.rds-cell-signedIn')!.textContent;
    expect(signedIn()).toBe('1 hour ago');

    runningSince = performance.now();
    await waitFor(() => expect(signedIn()).toBe('2 hours ago'));
  });
});

/** Timers the test fires by hand. */
function handTimers() {
  const pending = new Map<number, () => void>();
  let handles = 0;
  const timers: Timers = {
    setTimeout: vi.fn((callback: () => void) => {
      pending.set((handles += 1), callback);
      return handles;
    }),
    clearTimeout: vi.fn((handle: unknown) => {
      pending.delete(handle as number);
    }),
  };
  const fireAll = () => {
    const due = [...pending.values()];
    pending.clear();
    for (const callback of due) callback();
  };
  return { timers, pending, fireAll };
}

describe('useSteppedNow', () => {
  it('sets no timer while no time is shown', () => {
    const clock = createClock();
    const { timers } = handTimers();
    renderHook(() => useSteppedNow(clock.now, [], timers));
    expect(timers.setTimeout).not.toHaveBeenCalled();
  });

  it('moves on when its timer fires at the change, and waits again when the clock is late', () => {
    const clock = createClock();
    const { timers, pending, fireAll } = handTimers();
    const signedIn = [new Date(clock.now() - 80 * MINUTE)];
    const { result } = renderHook(() => useSteppedNow(clock.now, signedIn, timers));
    const start = result.current;
    // "1 hour ago" reads "2 hours ago" at 90 minutes.
    expect(timers.setTimeout).toHaveBeenLastCalledWith(expect.any(Function), 10 * MINUTE);

    clock.advance(10 * MINUTE - 1);
    act(fireAll);
    expect(result.current).toBe(start);
    expect(timers.setTimeout).toHaveBeenLastCalledWith(expect.any(Function), 1);

    clock.advance(1);
    act(fireAll);
    expect(result.current).toBe(start + 10 * MINUTE);
    // Next: "3 hours ago" at 150 minutes.
    expect(timers.setTimeout).toHaveBeenLastCalledWith(expect.any(Function), HOUR);
    expect(pending.size).toBe(1);
  });

  it('clears its timer when unmounted', () => {
    const clock = createClock();
    const { timers, pending } = handTimers();
    const { unmount } = renderHook(() =>
      useSteppedNow(clock.now, [new Date(clock.now() - 5 * MINUTE)], timers),
    );
    expect(pending.size).toBe(1);
    unmount();
    expect(pending.size).toBe(0);
  });
});

import { useEffect, useState } from 'react';
import { msUntilRelativeChange, SECONDS_STEP } from './format';

/** The timer functions {@link useSteppedNow} waits with (tests pass their own). */
export interface Timers {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

// Read when called, not when imported, so a server or a test that swaps them is followed.
const globalTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// setTimeout fires at once past 2^31 - 1 ms (about 24.8 days); after a day it just waits again.
const LONGEST_WAIT = 24 * 60 * 60 * 1000;

/**
 * The clock's time for relative times: it moves when one of `dates` would read
 * differently ("1 hour ago" becoming "2 hours ago"), by a timer set for that moment,
 * and on a render at least ten seconds after the last step. Rows stay memoized across
 * the renders of one step (a pending flag, a removal, a dialog), which keeps a revoke on
 * a 100-row page within a frame. No timer runs while no date is shown.
 */
export function useSteppedNow(
  now: () => number,
  dates: readonly Date[],
  timers: Timers = globalTimers,
): number {
  const current = now();
  const [snapshot, setSnapshot] = useState(current);
  let shown = snapshot;
  if (Math.abs(current - snapshot) >= SECONDS_STEP) {
    // Adjusting state while rendering, as React documents for values derived from props.
    setSnapshot(current);
    shown = current;
  }

  let changeAt: number | null = null;
  for (const date of dates) {
    const wait = msUntilRelativeChange(date, shown);
    if (wait !== null && (changeAt === null || shown + wait < changeAt)) changeAt = shown + wait;
  }

  useEffect(() => {
    if (changeAt === null) return undefined;
    let handle: unknown;
    const check = () => {
      const time = now();
      // A timer may fire early, or the clock may not follow real time (a test clock):
      // then wait for what is left.
      if (time >= changeAt) setSnapshot(time);
      else handle = timers.setTimeout(check, Math.min(changeAt - time, LONGEST_WAIT));
    };
    handle = timers.setTimeout(check, Math.max(0, Math.min(changeAt - now(), LONGEST_WAIT)));
    return () => timers.clearTimeout(handle);
  }, [changeAt, now, timers]);

  return shown;
}

import { useState } from 'react';

const STEP_MS = 10_000;

/**
 * The clock's time, moving in ten-second steps. Rows stay memoized across the renders
 * of one step (a pending flag, a removal, a dialog), which keeps a revoke on a 100-row
 * page within a frame; relative times are rounded far coarser than that anyway.
 */
export function useSteppedNow(now: () => number): number {
  const current = now();
  const [snapshot, setSnapshot] = useState(current);
  if (Math.abs(current - snapshot) >= STEP_MS) {
    // Adjusting state while rendering, as React documents for values derived from props.
    setSnapshot(current);
    return current;
  }
  return snapshot;
}

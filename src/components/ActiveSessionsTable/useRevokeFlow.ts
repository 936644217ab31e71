import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { RevokeTarget, SessionView } from '../../client/types';
import type { UseRevokeResult } from '../../react';
import { sameTarget } from '../../react/sessionsCache';
import type { ConfirmFunction, ConfirmRequest } from './confirmRequest';
import { describeDevice } from './describeDevice';
import type { ActiveSessionsMessages } from './messages';
import type { RowFocus } from './useRowFocus';

/** A sign-out action above the table. */
export type BulkRevokeTarget = Extract<RevokeTarget, string>;

/** A revocation the server refused, for the alert. */
export interface RevokeFailure {
  target: RevokeTarget;
  device: string;
}

/** The built-in dialog's open question. */
export interface PendingConfirm {
  request: ConfirmRequest;
  resolve: (confirmed: boolean) => void;
}

interface Options {
  revoke: UseRevokeResult;
  messages: ActiveSessionsMessages;
  confirm: boolean | ConfirmFunction;
  onRevoked: ((target: RevokeTarget) => void) | undefined;
  focus: Pick<RowFocus, 'leaving' | 'returning'>;
}

/**
 * One revocation from click to outcome: confirmation (the built-in dialog, a custom
 * function, or none), the mutation, then an announcement or a failure alert, with focus
 * handed back to the trigger and on to the next row.
 */
export function useRevokeFlow({ revoke, messages, confirm, onRevoked, focus }: Options) {
  const [dialog, setDialog] = useState<PendingConfirm | null>(null);
  const [failure, setFailure] = useState<RevokeFailure | null>(null);
  const [announcement, setAnnouncement] = useState('');

  // Handlers read the latest props through a ref, so memoized rows keep one callback.
  const latest = useRef({ messages, confirm, onRevoked, revoke, focus });
  useLayoutEffect(() => {
    latest.current = { messages, confirm, onRevoked, revoke, focus };
  });

  const run = useCallback(async (target: RevokeTarget, row: SessionView | null) => {
    const { messages: m, confirm: confirmOption } = latest.current;
    const device = row ? describeDevice(row, m).name : '';
    const request: ConfirmRequest = {
      target,
      session: row,
      title: m.confirmTitle(target, device),
      description: m.confirmBody(target, device),
      confirmLabel: m.confirmButton(target),
    };
    const trigger = document.activeElement as HTMLElement | null;
    let confirmed = true;
    if (confirmOption === true) {
      confirmed = await new Promise<boolean>((resolve) => setDialog({ request, resolve }));
      // Close the modal first: the trigger is inert until it is gone.
      flushSync(() => setDialog(null));
      if (trigger?.isConnected) trigger.focus();
    } else if (typeof confirmOption === 'function') {
      confirmed = (await confirmOption(request)) === true;
    }
    if (!confirmed) return;

    setFailure(null);
    setAnnouncement('');
    if (row) latest.current.focus.leaving(row.id);
    try {
      await latest.current.revoke.mutateAsync(target);
      setAnnouncement(latest.current.messages.revoked(target, device));
      latest.current.onRevoked?.(target);
    } catch {
      if (row) latest.current.focus.returning(row.id);
      setFailure({ target, device });
    }
  }, []);

  const requestRow = useCallback(
    (row: SessionView) => {
      void run(row.isCurrent ? 'mine' : { session: row.id }, row);
    },
    [run],
  );
  const requestBulk = useCallback(
    (target: BulkRevokeTarget) => {
      void run(target, null);
    },
    [run],
  );

  const pendingTargets = revoke.pendingTargets;
  const isBulkPending = useCallback(
    (target: BulkRevokeTarget) => pendingTargets.some((pending) => sameTarget(pending, target)),
    [pendingTargets],
  );

  return {
    dialog,
    failure,
    dismissFailure: useCallback(() => setFailure(null), []),
    announcement,
    requestRow,
    requestBulk,
    pendingTargets,
    isBulkPending,
  };
}

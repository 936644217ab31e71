import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { RevokeTarget, SessionView } from '../../client/types';
import type { UseRevokeResult } from '../../react';
import { sameTarget } from '../../react/sessionsCache';
import type { ConfirmFunction, ConfirmRequest } from './confirmRequest';
import { describeDevice } from './describeDevice';
import type { ActiveSessionsMessages } from './messages';
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect';
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

/** A piece of the flow's state, with the owner it was shown for. */
interface Owned<T> {
  owner: string | null;
  value: T;
}

interface Options {
  /** Whose sessions these are (see `useSessionOwner`): state of an earlier owner is dropped. */
  owner: string | null;
  revoke: UseRevokeResult;
  messages: ActiveSessionsMessages;
  confirm: boolean | ConfirmFunction;
  onRevoked: ((target: RevokeTarget) => void) | undefined;
  focus: Pick<RowFocus, 'leaving' | 'returning'>;
}

const ownedBy = <T>(state: Owned<T> | null, owner: string | null): T | null =>
  state !== null && state.owner === owner ? state.value : null;

/**
 * One revocation from click to outcome: confirmation (the built-in dialog, a custom
 * function, or none), the mutation, then an announcement or a failure alert, with focus
 * handed back to the trigger and on to the next row. Everything it shows belongs to the
 * owner it started for: after signing out, in again or as someone else, an open dialog
 * is cancelled, an alert or announcement is dropped, and a confirmation that comes back
 * late revokes nothing.
 */
export function useRevokeFlow({ owner, revoke, messages, confirm, onRevoked, focus }: Options) {
  const [dialogState, setDialog] = useState<Owned<PendingConfirm> | null>(null);
  const [failureState, setFailure] = useState<Owned<RevokeFailure> | null>(null);
  const [announcementState, setAnnouncement] = useState<Owned<string> | null>(null);
  const dialog = ownedBy(dialogState, owner);

  // Handlers read the latest props through a ref, so memoized rows keep one callback.
  const latest = useRef({ owner, messages, confirm, onRevoked, revoke, focus });
  useIsomorphicLayoutEffect(() => {
    latest.current = { owner, messages, confirm, onRevoked, revoke, focus };
  });

  // A dialog left open by an earlier owner is hidden already; answering it "no" lets its
  // revocation end.
  useEffect(() => {
    if (dialogState && dialogState.owner !== owner) dialogState.value.resolve(false);
  }, [dialogState, owner]);

  const run = useCallback(async (target: RevokeTarget, row: SessionView | null) => {
    const { owner: startedFor, messages: m, confirm: confirmOption } = latest.current;
    const ownerChanged = () => latest.current.owner !== startedFor;
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
      confirmed = await new Promise<boolean>((resolve) =>
        setDialog({ owner: startedFor, value: { request, resolve } }),
      );
      // Close the modal first: the trigger is inert until it is gone.
      flushSync(() => setDialog(null));
      if (trigger?.isConnected && !ownerChanged()) trigger.focus();
    } else if (typeof confirmOption === 'function') {
      confirmed = (await confirmOption(request)) === true;
    }
    // "Sign out other sessions", confirmed for one account, must not run in the next one.
    if (!confirmed || ownerChanged()) return;

    setFailure(null);
    setAnnouncement(null);
    if (row) latest.current.focus.leaving(row.id);
    try {
      await latest.current.revoke.mutateAsync(target);
      // Signing this device out changes the owner: the signed-out message says it then.
      setAnnouncement({
        owner: startedFor,
        value: latest.current.messages.revoked(target, device),
      });
      latest.current.onRevoked?.(target);
    } catch {
      if (row && !ownerChanged()) latest.current.focus.returning(row.id);
      setFailure({ owner: startedFor, value: { target, device } });
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
    failure: ownedBy(failureState, owner),
    dismissFailure: useCallback(() => setFailure(null), []),
    announcement: ownedBy(announcementState, owner) ?? '',
    requestRow,
    requestBulk,
    pendingTargets,
    isBulkPending,
  };
}

import type { RevokeTarget } from '../../client/types';
import type { ActiveSessionsMessages } from './messages';

type BulkTarget = Extract<RevokeTarget, string>;

/** Props of `<ActionsBar>`. */
export interface ActionsBarProps {
  messages: ActiveSessionsMessages;
  isPending: (target: BulkTarget) => boolean;
  onRequest: (target: BulkTarget) => void;
}

const targets: BulkTarget[] = ['others', 'mine', 'all'];

/** The three sign-out actions above the table. */
export function ActionsBar({ messages, isPending, onRequest }: ActionsBarProps) {
  const labels: Record<BulkTarget, string> = {
    others: messages.signOutOthers,
    mine: messages.signOutMine,
    all: messages.signOutAll,
  };
  return (
    <div className="rds-actions" role="group" aria-label={messages.actionsLabel}>
      {targets.map((target) => {
        const pending = isPending(target);
        return (
          <button
            key={target}
            type="button"
            className={`rds-button rds-action rds-action-${target}${target === 'others' ? '' : ' rds-button-danger'}`}
            data-state={pending ? 'pending' : 'idle'}
            aria-disabled={pending || undefined}
            aria-label={pending ? `${labels[target]} (${messages.pending})` : undefined}
            onClick={() => !pending && onRequest(target)}
          >
            {labels[target]}
          </button>
        );
      })}
    </div>
  );
}

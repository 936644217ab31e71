import type { RevokeTarget, SessionView } from '../../client/types';

/** What a confirmation is asked about, with the texts the default dialog shows. */
export interface ConfirmRequest {
  target: RevokeTarget;
  /** The row's session, for a per-row revoke; `null` for the actions above the table. */
  session: SessionView | null;
  title: string;
  description: string;
  confirmLabel: string;
}

/** A custom confirmation: resolve `true` to go ahead. */
export type ConfirmFunction = (request: ConfirmRequest) => boolean | Promise<boolean>;

import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import type { SessionError } from '../client/errors';
import type {
  ListSessionsOptions,
  LoginWithPasswordInput,
  Profile,
  RevokeTarget,
  SessionPage,
  SessionSnapshot,
  SessionStatus,
  SignOutReason,
  User,
} from '../client/types';
import type { SessionsIdentity } from './queryOptions';
import type { RemovedFromPage } from './sessionsCache';

/** What `useSession()` returns. */
export interface UseSessionResult<P extends Profile = Profile> {
  status: SessionStatus;
  user: User<P> | null;
  profile: P | null;
  sessionId: string | null;
  userId: string | null;
  error: SessionError | null;
  reason: SignOutReason | null;
  snapshot: SessionSnapshot<P>;
  /** Stable. */
  refresh: () => Promise<{ user: User<P> }>;
  /** Stable. */
  logout: () => Promise<void>;
}

/** What `useAccessToken()` returns. Properties are tracked: read only what you use. */
export interface UseAccessTokenResult {
  accessToken: string | null;
  expiresAt: Date | null;
  /** Stable across renders. */
  getAccessToken: () => Promise<string | null>;
}

export type UseSessionsOptions = ListSessionsOptions & {
  /** Extra switch; the query is always disabled while signed out. */
  enabled?: boolean;
};

/** `useSessions()`: the TanStack query result plus convenient fields. */
export type UseSessionsResult = UseQueryResult<SessionPage, SessionError> & {
  /** The page's sessions, `[]` while there is no data. */
  sessions: SessionPage['sessions'];
  /** `total` of the page, 0 while there is no data. */
  total: number;
};

/** `useRevoke()`: the TanStack mutation over `revokeSessions`, plus per-target pending state. */
export type UseRevokeResult = UseMutationResult<void, SessionError, RevokeTarget, RevokeContext> & {
  /** Whether a revocation of exactly this target is in flight. */
  isRevoking: (target: RevokeTarget) => boolean;
  /** Targets in flight now. */
  pendingTargets: RevokeTarget[];
};

/** Rollback context of one optimistic revocation. */
export interface RevokeContext {
  /** Ids of the rows taken out of the cached pages. */
  removedIds: string[];
  /**
   * What was taken out of each cached page, to put back for this target only; a failed
   * revocation hands over here the rows this one still ends.
   */
  pages: RemovedFromPage[];
  /** Whose sessions list the pages belong to. */
  identity: SessionsIdentity;
}

export type UseLoginResult<P extends Profile = Profile> = UseMutationResult<
  { user: User<P> },
  SessionError,
  LoginWithPasswordInput
>;

export type UseLogoutResult = UseMutationResult<void, SessionError, void>;

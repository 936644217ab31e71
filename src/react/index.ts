export { SessionProvider } from './SessionProvider';
export type { SessionProviderProps } from './SessionProvider';
export { SessionContext } from './sessionContext';
export type { SessionContextValue } from './sessionContext';
export { MissingSessionProviderError } from './errors';
export { useSession } from './useSession';
export { useAccessToken } from './useAccessToken';
export { useAuthFetch } from './useAuthFetch';
export { useSessions } from './useSessions';
export { useRevoke } from './useRevoke';
export { useLogin } from './useLogin';
export { useLogout } from './useLogout';
export { sessionQueryKeys, sessionsQueryOptions, QUERY_KEY_ROOT } from './queryOptions';
export type { SessionsIdentity, SessionsQueryKey, SessionsQueryOptions } from './queryOptions';
export type { RemovedFromPage } from './sessionsCache';
export type {
  RevokeContext,
  UseAccessTokenResult,
  UseLoginResult,
  UseLogoutResult,
  UseRevokeResult,
  UseSessionResult,
  UseSessionsOptions,
  UseSessionsResult,
} from './types';

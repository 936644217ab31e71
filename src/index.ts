// The convenience entry: React bindings, the sessions table, and the whole API of the
// `react-dpop-session/client` entry (test/packaging checks that nothing is missing).
// tsup adds a "use client" directive to its built files.
//
// The client names come from their modules, not from src/client/index.ts: importing one
// entry from another makes esbuild split that entry into an empty shared chunk.
export * from './react';
export * from './components';
export { createSessionClient } from './client/sessionClient';
export {
  BadRequestError,
  DisposedError,
  DpopError,
  isSessionError,
  LockTimeoutError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  RateLimitedError,
  ServerError,
  SessionError,
  TokenReusedError,
  UnauthorizedError,
} from './client/errors';
export type { AnySessionError, DpopErrorCode, SessionErrorCode } from './client/errors';
export type {
  DeviceType,
  ListSessionsOptions,
  LoginWithPasswordInput,
  Profile,
  RefreshTokenTransport,
  RevokeTarget,
  SessionClient,
  SessionClientEnvironment,
  SessionClientOptions,
  SessionEvent,
  SessionEventType,
  SessionPage,
  SessionSnapshot,
  SessionStatus,
  SessionView,
  SignOutReason,
  User,
} from './client/types';

export { createSessionServer } from './createSessionServer';
export { createMemoryStore } from './memoryStore';
export type { MemoryStoreOptions } from './memoryStore';
export { toNodeListener } from './nodeAdapter';
export type { NodeListenerOptions } from './nodeAdapter';
export { createBrowserBridge } from './browserBridge';
export type { BridgeCookie, BrowserBridge, BrowserBridgeOptions } from './browserBridge';
export type { SessionStore, StoreWriteOptions } from './store';
export type {
  CookieSameSite,
  CoreRequest,
  CoreResponse,
  FaultInjector,
  FaultRule,
  RateLimitOptions,
  RefreshTokenState,
  RequestLogEntry,
  SessionServer,
  SessionServerAdmin,
  SessionServerOptions,
  SessionServerUser,
  SetCookie,
  WireSessionView,
} from './types';
export {
  InvalidProofError,
  InvalidTokenError,
  KeyMismatchError,
  MissingProofError,
  UseDpopNonceError,
  VerifierError,
} from './errors';
export type {
  ChallengeScheme,
  SessionEndReason,
  VerifierErrorCode,
  VerifierErrorOptions,
} from './errors';
export type { AccessTokenClaims } from './accessTokenClaims';
export { verifyAccessToken, verifyDpopRequest } from './verify';
export type { VerifiableRequest, VerifyDpopRequestOptions, VerifyOptions } from './verify';
export { createNonceManager } from './nonces';
export type { NonceManagerOptions } from './nonces';
export type { NonceCheck, ReplayCache } from './proofVerifier';

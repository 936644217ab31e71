import type { RequestContext, ServerContext } from './context';
import type { Faults } from './faults';
import { HttpError, errorBody } from './httpError';
import { finalizeLogin, passwordLogin } from './loginEndpoints';
import { listSessions, revokeSessions } from './meEndpoints';
import { logout, refresh } from './refreshEndpoints';
import { clearedRefreshToken, readRefreshToken, type Reply } from './reply';
import { isInGrace, lookupRefreshToken } from './rotation';
import { JWKS_MAX_AGE_SECONDS } from './tokenIssuer';
import type { CoreRequest, CoreResponse, RequestLogEntry } from './types';

/** Where the session API lives on its origin. */
export const BASE_PATH = '/v1/session';
/** Where the JWKS lives: the origin root. */
export const JWKS_PATH = '/.well-known/jwks.json';

type Handler = (server: ServerContext, ctx: RequestContext) => Promise<Reply>;

const routes = new Map<string, { method: 'GET' | 'POST'; handler: Handler }>([
  [`${BASE_PATH}/login/email/password`, { method: 'POST', handler: passwordLogin }],
  [`${BASE_PATH}/login/finalize`, { method: 'POST', handler: finalizeLogin }],
  [`${BASE_PATH}/refresh`, { method: 'POST', handler: refresh }],
  [`${BASE_PATH}/revoke`, { method: 'POST', handler: logout }],
  [`${BASE_PATH}/me/list`, { method: 'GET', handler: listSessions }],
  [`${BASE_PATH}/me/revoke`, { method: 'POST', handler: revokeSessions }],
  [
    JWKS_PATH,
    {
      method: 'GET',
      handler: async (server) => ({ status: 200, body: await server.tokens.jwks() }),
    },
  ],
]);

const ALLOWED_HEADERS = 'DPoP, Authorization, Content-Type, X-Refresh-Token, X-SDK-User-Agent';
const EXPOSED_HEADERS =
  'DPoP-Nonce, WWW-Authenticate, Date, Retry-After, X-Refresh-Token, X-Refresh-Token-Expires-At';

/** What the core needs besides the server context. */
export interface CoreDependencies {
  server: ServerContext;
  faults: Faults;
  /** Called once per answered request. */
  log(entry: RequestLogEntry): void;
  /** Called with the origin of each request, for the `issuer` getter. */
  seenOrigin(origin: string): void;
  /** Whether anyone reads the log (classifying a token for it costs store reads). */
  logging(): boolean;
}

const TOKEN_ENDPOINTS = new Set([
  `${BASE_PATH}/login/finalize`,
  `${BASE_PATH}/refresh`,
  `${BASE_PATH}/revoke`,
]);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function firstValue(value: string | null): string | undefined {
  return value?.split(',')[0]?.trim() || undefined;
}

/** The origin clients address: `publicOrigin`, else `X-Forwarded-*` when trusted, else the URL's. */
function publicOriginOf(server: ServerContext, url: URL, headers: Headers): string {
  const { publicOrigin, trustProxy } = server.options;
  if (publicOrigin) return publicOrigin;
  if (trustProxy) {
    const proto = firstValue(headers.get('x-forwarded-proto')) ?? url.protocol.slice(0, -1);
    const host = firstValue(headers.get('x-forwarded-host')) ?? headers.get('host') ?? url.host;
    try {
      const forwarded = new URL(`${proto}://${host}`);
      if (forwarded.protocol === 'http:' || forwarded.protocol === 'https:')
        return forwarded.origin;
    } catch {
      // A malformed forwarded value falls back to the request's own origin.
    }
  }
  return url.origin;
}

/** The client address for rate limits: proxy headers count only with `trustProxy`. */
function clientAddress(server: ServerContext, request: CoreRequest): string | undefined {
  if (server.options.trustProxy) {
    // The proxy appends the address it saw: the last entry is the one it vouches for.
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return request.remoteAddress;
}

function corsHeaders(server: ServerContext, headers: Headers): Record<string, string> {
  const origin = headers.get('origin');
  if (!origin || origin === 'null' || !server.options.allowedOrigins.has(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
  };
}

async function describePresentedToken(
  server: ServerContext,
  ctx: RequestContext,
): Promise<NonNullable<RequestContext['refreshToken']>> {
  const presented = await lookupRefreshToken(server.store, readRefreshToken(server, ctx));
  if (!('session' in presented)) return { state: presented.state, hash: presented.hash };
  const grace =
    presented.state === 'rotated' &&
    isInGrace(presented.session, presented.hash, ctx.nowMs, server.options.reuseGraceSeconds);
  return {
    state: grace ? 'grace' : presented.state,
    hash: presented.hash,
    sessionId: presented.session.id,
  };
}

function errorReply(
  error: HttpError,
  server: ServerContext,
  ctx: RequestContext | undefined,
): Reply {
  return {
    status: error.status,
    body: errorBody(error.status, error.code, error.reason),
    headers: error.headers,
    cookies: error.clearRefreshToken && ctx ? clearedRefreshToken(server, ctx) : [],
  };
}

/** Builds the transport-neutral `handle(request)` of the reference server. */
export function createCore(
  deps: CoreDependencies,
): (request: CoreRequest) => Promise<CoreResponse> {
  const { server, faults } = deps;
  return async function handle(request) {
    const nowMs = server.now();
    const method = String(request.method).toUpperCase();
    let url: URL | undefined;
    try {
      url = new URL(request.url, 'http://localhost');
    } catch {
      url = undefined;
    }
    const path = url?.pathname ?? '';
    const route = routes.get(path);
    let ctx: RequestContext | undefined;
    let reply: Reply;
    let drop = false;

    try {
      if (!url || !route) throw new HttpError(404, 'not_found');
      const origin = publicOriginOf(server, url, request.headers);
      deps.seenOrigin(origin);
      ctx = {
        method,
        headers: request.headers,
        body: request.body,
        path,
        query: url.searchParams,
        origin,
        publicUrl: `${origin}${path}`,
        issuer: server.options.issuer ?? origin,
        nowMs,
      };
      if (method === 'OPTIONS') {
        const preflight: Record<string, string> = { Allow: `${route.method}, OPTIONS` };
        if (corsHeaders(server, request.headers)['Access-Control-Allow-Origin']) {
          preflight['Access-Control-Allow-Methods'] = `${route.method}, OPTIONS`;
          preflight['Access-Control-Allow-Headers'] = ALLOWED_HEADERS;
          preflight['Access-Control-Max-Age'] = '600';
        }
        reply = { status: 204, headers: preflight };
      } else if (method !== route.method) {
        throw new HttpError(405, 'method_not_allowed', {
          headers: { Allow: `${route.method}, OPTIONS` },
        });
      } else {
        const fault = faults.take(path, BASE_PATH);
        if (fault?.latencyMs) await sleep(fault.latencyMs);
        if (fault?.status !== undefined) {
          throw new HttpError(fault.status, fault.status === 429 ? 'rate_limited' : 'internal', {
            headers:
              fault.status === 429 ? { 'Retry-After': String(fault.retryAfterSeconds ?? 1) } : {},
          });
        }
        drop = fault?.dropResponse === true;
        await server.limits.hitAddress(clientAddress(server, request));
        reply = await route.handler(server, ctx);
      }
    } catch (error) {
      if (error instanceof HttpError) reply = errorReply(error, server, ctx);
      else {
        // A fault of the server itself: logged for its operator, never detailed to the client.
        console.error('react-dpop-session server: internal error', error);
        reply = errorReply(new HttpError(500, 'internal'), server, ctx);
      }
    }

    const headers: Record<string, string> = {
      ...corsHeaders(server, request.headers),
      ...reply.headers,
      Date: new Date(nowMs).toUTCString(),
      'Cache-Control':
        path === JWKS_PATH && reply.status === 200
          ? `public, max-age=${JWKS_MAX_AGE_SECONDS}`
          : 'no-store',
      Vary: 'Origin',
    };
    if (server.nonce && headers['DPoP-Nonce'] === undefined) {
      headers['DPoP-Nonce'] = await server.nonce.current().catch(() => '');
      if (!headers['DPoP-Nonce']) delete headers['DPoP-Nonce'];
    }
    let body: string | null = null;
    if (reply.body !== undefined && reply.status !== 204) {
      body = JSON.stringify(reply.body);
      headers['Content-Type'] = 'application/json';
    }
    const response: CoreResponse = {
      status: reply.status,
      headers,
      cookies: reply.cookies ?? [],
      body,
    };
    if (drop) response.drop = true;
    if (ctx && !ctx.refreshToken && TOKEN_ENDPOINTS.has(path) && deps.logging()) {
      // Refused before its token was looked up: classify it for the log alone.
      ctx.refreshToken = await describePresentedToken(server, ctx).catch(() => undefined);
    }
    deps.log({
      method,
      path,
      status: reply.status,
      at: nowMs,
      ...(ctx?.refreshToken ? { refreshToken: ctx.refreshToken } : {}),
    });
    return response;
  };
}

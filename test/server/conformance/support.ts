import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { CoreResponse, SessionServer, SessionServerOptions } from '../../../src/server';
import { createDevice, ORIGIN, BASE, type TestDevice } from '../helpers/device';
import type { ProofKey } from '../helpers/dpop';
import { createTestServer } from '../helpers/server';

/** The protocol's error body. */
export interface WireError {
  code: string;
  message: string;
  type: string;
  reason?: string;
}

/** A server with Ada signed in on one device. */
export async function signedIn(options: SessionServerOptions = {}) {
  const { server, clock } = createTestServer(options);
  const device = await createDevice(server);
  const { sessionId, accessToken } = await device.login();
  return { server, clock, device, sessionId, accessToken };
}

export interface RawRequest {
  method?: string;
  /** Path under the origin, e.g. `/v1/session/refresh`. */
  path: string;
  /** Headers; an array value is appended once per element (several headers). */
  headers?: Record<string, string | string[]>;
  body?: string | null;
  remoteAddress?: string;
}

/** Sends a request straight to the core, so cookies and repeated headers stay visible. */
export function raw(server: SessionServer, request: RawRequest): Promise<CoreResponse> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return server.handle({
    method: request.method ?? 'GET',
    url: `${ORIGIN}${request.path}`,
    headers,
    body: request.body ?? null,
    // A client's address, as every real transport has one (192.0.2.0/24 is for documentation).
    remoteAddress: request.remoteAddress ?? '192.0.2.1',
  });
}

/** A fresh proof for `path` under the base URL, signed by `key` at server time. */
export function proofFor(
  server: SessionServer,
  key: ProofKey,
  path: string,
  options: { method?: string; accessToken?: string; nonce?: string; jti?: string } = {},
): Promise<string> {
  return key.sign({
    htm: options.method ?? 'POST',
    htu: `${ORIGIN}${BASE}${path}`,
    iat: Math.floor(server.now() / 1000),
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    ...(options.nonce ? { nonce: options.nonce } : {}),
    ...(options.jti ? { jti: options.jti } : {}),
  });
}

/** The parsed error body of a core answer. */
export function bodyOf(response: CoreResponse): WireError {
  return JSON.parse(response.body ?? 'null') as WireError;
}

/** A device's refresh on the core, with the device's key and a chosen token in the cookie. */
export async function coreRefresh(
  server: SessionServer,
  device: TestDevice,
  options: { token?: string; key?: ProofKey; path?: '/refresh' | '/revoke' } = {},
): Promise<CoreResponse> {
  const path = options.path ?? '/refresh';
  const token = options.token ?? device.refreshToken();
  return raw(server, {
    method: 'POST',
    path: `${BASE}${path}`,
    headers: {
      DPoP: await proofFor(server, options.key ?? device.key, path, {
        ...(device.nonce ? { nonce: device.nonce } : {}),
      }),
      ...(token ? { Cookie: `refresh_token=${token}` } : {}),
    },
  });
}

/** The claims of a JWT. */
export const claimsOf = (token: string) => decodeJwt(token);
/** The protected header of a JWT. */
export const headerOf = (token: string) => decodeProtectedHeader(token);

/** Whether every key of `error` is one the protocol allows, with string values. */
export function isWireError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const body = error as Record<string, unknown>;
  const keys = Object.keys(body).sort();
  const allowed = ['code', 'message', 'reason', 'type'];
  return (
    keys.every((k) => allowed.includes(k)) &&
    typeof body.code === 'string' &&
    typeof body.message === 'string' &&
    typeof body.type === 'string' &&
    (body.reason === undefined || ['revoked', 'expired', 'reused'].includes(body.reason as string))
  );
}

import { decodeJwt } from 'jose';
import {
  createBrowserBridge,
  type BrowserBridge,
  type BrowserBridgeOptions,
  type SessionServer,
} from '../../../src/server';
import { createProofKey, type ProofInput, type ProofKey } from './dpop';

export const ORIGIN = 'http://localhost';
export const BASE = '/v1/session';

export interface SendOptions {
  method?: string;
  body?: unknown;
  /** Raw body text instead of JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Sign a proof (default true on proof endpoints); or a custom proof-input override. */
  proof?: boolean | Partial<ProofInput>;
  /** Sign with another key than the device's. */
  key?: ProofKey;
  /** Send the access token: `'DPoP'` (default when bound) or `'Bearer'`. */
  accessToken?: string;
  scheme?: 'DPoP' | 'Bearer';
}

/**
 * One simulated browser: its own cookie jar (through the browser bridge), its own DPoP key,
 * the newest nonce and access token, talking to the real server with real proofs.
 */
export interface TestDevice {
  key: ProofKey;
  bridge: BrowserBridge;
  accessToken: string | undefined;
  nonce: string | undefined;
  send(path: string, options?: SendOptions): Promise<Response>;
  /** Password step + finalize; throws unless both succeed. */
  login(
    identifier?: string,
    password?: string,
    device?: unknown,
  ): Promise<{ accessToken: string; sessionId: string }>;
  refresh(options?: SendOptions): Promise<Response>;
  logout(options?: SendOptions): Promise<Response>;
  list(query?: string, options?: SendOptions): Promise<Response>;
  revoke(query: string, options?: SendOptions): Promise<Response>;
  /** The refresh token in the jar (what the browser would send). */
  refreshToken(): string | undefined;
  /** A new key, as after a re-login with the old key deleted. */
  newKey(): Promise<void>;
}

export const USER = { identifier: 'ada@example.com', password: 'correct horse' };

export async function createDevice(
  server: SessionServer,
  options: BrowserBridgeOptions & { origin?: string } = {},
): Promise<TestDevice> {
  const origin = options.origin ?? ORIGIN;
  const bridge = createBrowserBridge(server, options);
  const device: TestDevice = {
    key: await createProofKey(),
    bridge,
    accessToken: undefined,
    nonce: undefined,
    async send(path, sendOptions = {}) {
      const method = sendOptions.method ?? 'POST';
      const fullPath = path.startsWith('/.well-known') ? path : `${BASE}${path}`;
      const url = `${origin}${fullPath}`;
      const headers: Record<string, string> = { ...sendOptions.headers };
      const token = sendOptions.accessToken;
      if (sendOptions.proof !== false) {
        const key = sendOptions.key ?? device.key;
        const overrides = typeof sendOptions.proof === 'object' ? sendOptions.proof : {};
        headers.DPoP = await key.sign({
          htm: method,
          htu: url.split('?')[0]!,
          iat: Math.floor(server.now() / 1000),
          ...(device.nonce ? { nonce: device.nonce } : {}),
          ...(token && (sendOptions.scheme ?? 'DPoP') === 'DPoP' ? { accessToken: token } : {}),
          ...overrides,
        });
      }
      if (token) headers.Authorization = `${sendOptions.scheme ?? 'DPoP'} ${token}`;
      let body: string | undefined;
      if (sendOptions.rawBody !== undefined) {
        body = sendOptions.rawBody;
        headers['Content-Type'] ??= 'application/json';
      } else if (sendOptions.body !== undefined) {
        body = JSON.stringify(sendOptions.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const response = await bridge.fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) device.nonce = nonce;
      return response;
    },
    async login(identifier = USER.identifier, password = USER.password, hints) {
      const step = await device.send('/login/email/password', {
        body: { identifier, password },
        proof: false,
      });
      if (step.status !== 200) throw new Error(`password step answered ${step.status}`);
      const { challenge_token } = (await step.json()) as { challenge_token: string };
      let finalize = await device.send('/login/finalize', {
        body: { challenge_token, ...(hints === undefined ? {} : { device: hints }) },
      });
      if (finalize.status === 400 && device.nonce) {
        const error = (await finalize.clone().json()) as { code: string };
        if (error.code === 'use_dpop_nonce') {
          finalize = await device.send('/login/finalize', {
            body: { challenge_token, ...(hints === undefined ? {} : { device: hints }) },
          });
        }
      }
      if (finalize.status !== 200)
        throw new Error(`finalize answered ${finalize.status}: ${await finalize.text()}`);
      const { access_token } = (await finalize.json()) as { access_token: string };
      device.accessToken = access_token;
      return { accessToken: access_token, sessionId: String(decodeJwt(access_token).sid) };
    },
    async refresh(sendOptions) {
      const response = await device.send('/refresh', sendOptions);
      if (response.status === 200) {
        device.accessToken = (
          (await response.clone().json()) as { access_token: string }
        ).access_token;
      }
      return response;
    },
    logout: (sendOptions) => device.send('/revoke', sendOptions),
    list: (query = '', sendOptions) =>
      device.send(`/me/list${query}`, {
        method: 'GET',
        accessToken: device.accessToken,
        ...sendOptions,
      }),
    revoke: (query, sendOptions) =>
      device.send(`/me/revoke${query}`, { accessToken: device.accessToken, ...sendOptions }),
    refreshToken: () => bridge.cookies().find((c) => c.name === 'refresh_token')?.value,
    async newKey() {
      device.key = await createProofKey();
    },
  };
  return device;
}

/** A mutable clock for the server (milliseconds). */
export function createClock(start = Date.UTC(2026, 10, 23, 10, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
    set(ms: number) {
      now = ms;
    },
  };
}

export async function errorOf(
  response: Response,
): Promise<{ code: string; message: string; type: string; reason?: string }> {
  return (await response.json()) as {
    code: string;
    message: string;
    type: string;
    reason?: string;
  };
}

/**
 * A Fetch API refresh request as a browser sends it (cookie + proof), for going through
 * `server.fetch` where the Set-Cookie header itself is under test.
 */
export async function refreshRequest(
  server: SessionServer,
  device: TestDevice,
  options: { origin?: string; token?: string } = {},
): Promise<Request> {
  const url = `${options.origin ?? ORIGIN}${BASE}/refresh`;
  return new Request(url, {
    method: 'POST',
    headers: {
      Cookie: `refresh_token=${options.token ?? device.refreshToken()}`,
      DPoP: await device.key.sign({ htm: 'POST', htu: url, iat: Math.floor(server.now() / 1000) }),
    },
  });
}

import { isInsecureLocalhost } from './cookies';
import type { CookieSameSite, SessionServer } from './types';

/** Options of {@link createBrowserBridge}: what this simulated device sends. */
export interface BrowserBridgeOptions {
  /** The `User-Agent` of this device. */
  userAgent?: string;
  /** Headers added to every request unless already set (for example `cf-ipcountry`). */
  headers?: Record<string, string>;
  /** The client address the server sees (default `127.0.0.1`: a device on this machine). */
  remoteAddress?: string;
}

/** A cookie in the bridge's jar. */
export interface BridgeCookie {
  name: string;
  value: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: CookieSameSite;
  /** Server time in milliseconds when the cookie expires. */
  expiresAt: number;
}

/** One device: a `fetch` into the server core with that device's own cookie jar. */
export interface BrowserBridge {
  fetch: typeof fetch;
  /** The live cookies of the jar, as a browser would keep them (HttpOnly included). */
  cookies(): BridgeCookie[];
  clearCookies(): void;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * Whether a browser keeps and sends `Secure` cookies for this URL: https, or plain-http
 * localhost, which browsers treat as a secure context. Elsewhere over http they refuse them.
 */
function allowsSecureCookies(url: URL): boolean {
  return url.protocol === 'https:' || isInsecureLocalhost(url.href);
}

async function readBody(
  body: BodyInit | null | undefined,
  headers: Headers,
): Promise<string | Uint8Array | null> {
  if (body === null || body === undefined) return null;
  // Response extracts any BodyInit with the content type fetch would send (a string is
  // text/plain, as in a browser), so the bridge accepts and refuses exactly what fetch does.
  const extracted = new globalThis.Response(body);
  const type = extracted.headers.get('content-type');
  if (type && !headers.has('content-type')) headers.set('content-type', type);
  return new Uint8Array(await extracted.arrayBuffer());
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * A `fetch` for in-browser use (Storybook, tests) that calls the server core directly,
 * with its own cookie jar and User-Agent: browsers' `Request`/`Response` silently drop
 * `Cookie`, `User-Agent` and `Set-Cookie`. One bridge is one device. A dropped answer
 * rejects with `TypeError('Failed to fetch')` and sets no cookie. Like a browser, it neither
 * keeps nor sends `Secure` cookies over plain http, except on localhost.
 *
 * @example
 * const server = createSessionServer({ users });
 * const device = createBrowserBridge(server, { userAgent: navigator.userAgent });
 * const client = createSessionClient({ baseUrl: 'http://localhost', fetch: device.fetch });
 */
export function createBrowserBridge(
  server: SessionServer,
  options: BrowserBridgeOptions = {},
): BrowserBridge {
  let jar: BridgeCookie[] = [];
  const live = (): BridgeCookie[] => {
    const now = server.now();
    jar = jar.filter((cookie) => cookie.expiresAt > now);
    return jar;
  };

  async function bridgeFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const RequestCtor = globalThis.Request as typeof Request | undefined;
    const fromRequest = RequestCtor && input instanceof RequestCtor ? input : undefined;
    const base =
      (globalThis as { location?: { href?: string } }).location?.href ?? 'http://localhost/';
    const url = new URL(fromRequest ? fromRequest.url : String(input), base);
    const method = (init.method ?? fromRequest?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers ?? fromRequest?.headers);
    const signal = init.signal ?? fromRequest?.signal;
    if (signal?.aborted) throw abortReason(signal);

    let body: string | Uint8Array | null;
    if (init.body !== undefined) body = await readBody(init.body, headers);
    else if (fromRequest && method !== 'GET' && method !== 'HEAD') {
      body = new Uint8Array(await fromRequest.clone().arrayBuffer());
    } else body = null;

    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!headers.has(name)) headers.set(name, value);
    }
    if (options.userAgent && !headers.has('user-agent'))
      headers.set('user-agent', options.userAgent);
    const secureContext = allowsSecureCookies(url);
    const cookies = live().filter(
      (cookie) => pathMatches(url.pathname, cookie.path) && (secureContext || !cookie.secure),
    );
    if (cookies.length > 0) {
      headers.set('cookie', cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; '));
    }

    const handled = server.handle({
      method,
      url: url.href,
      headers,
      body,
      remoteAddress: options.remoteAddress ?? '127.0.0.1',
    });
    const response = await (signal
      ? Promise.race([
          handled,
          new Promise<never>((_, reject) => {
            signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
          }),
        ])
      : handled);
    if (response.drop) throw new TypeError('Failed to fetch');

    const now = server.now();
    for (const cookie of response.cookies) {
      // A browser ignores a Secure Set-Cookie from a non-secure URL, whether it sets or clears.
      if (cookie.secure && !secureContext) continue;
      jar = jar.filter((kept) => kept.name !== cookie.name || kept.path !== cookie.path);
      if (cookie.maxAge > 0) {
        const { maxAge: _maxAge, ...rest } = cookie;
        jar.push({ ...rest, expiresAt: now + cookie.maxAge * 1000 });
      }
    }
    const nullBody = response.status === 204 || response.status === 304;
    return new globalThis.Response(nullBody ? null : response.body, {
      status: response.status,
      headers: response.headers,
    });
  }

  return {
    fetch: bridgeFetch as typeof fetch,
    cookies: () => live().map((cookie) => ({ ...cookie })),
    clearCookies() {
      jar = [];
    },
  };
}

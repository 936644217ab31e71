import { serializeSetCookie } from './cookies';
import type { CoreRequest, CoreResponse } from './types';

/** Reads a Fetch API request into a core request (the body buffered as bytes). */
export async function fromFetchRequest(
  request: Request,
  remoteAddress?: string,
): Promise<CoreRequest> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return {
    method: request.method,
    url: request.url,
    headers: new Headers(request.headers),
    body: hasBody ? new Uint8Array(await request.arrayBuffer()) : null,
    ...(remoteAddress ? { remoteAddress } : {}),
  };
}

/**
 * Turns a core answer into a Fetch API `Response` (built from `globalThis` at call time).
 * A dropped answer rejects as a lost connection does in `fetch`.
 */
export function toFetchResponse(response: CoreResponse): Response {
  if (response.drop) throw new TypeError('Failed to fetch');
  const headers = new Headers(response.headers);
  for (const cookie of response.cookies) headers.append('Set-Cookie', serializeSetCookie(cookie));
  const nullBody = response.status === 204 || response.status === 304;
  return new globalThis.Response(nullBody ? null : response.body, {
    status: response.status,
    headers,
  });
}

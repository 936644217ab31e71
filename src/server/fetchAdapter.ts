import { serializeSetCookie } from './cookies';
import { MAX_BODY_BYTES } from './jsonBody';
import type { CoreRequest, CoreResponse } from './types';

/**
 * Reads at most `limit` bytes of a body, then cancels the stream: one byte over the
 * protocol's limit is enough for the core to refuse it, however much more the client sends.
 */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number) {
  const kept = new Uint8Array(limit);
  let size = 0;
  const reader = body?.getReader();
  while (reader && size < limit) {
    const { done, value } = await reader.read();
    if (done) return kept.slice(0, size);
    const part = value.subarray(0, limit - size);
    kept.set(part, size);
    size += part.byteLength;
  }
  void reader?.cancel().catch(() => {});
  return kept.slice(0, size);
}

/** Reads a Fetch API request into a core request (the body buffered as bytes, bounded). */
export async function fromFetchRequest(
  request: Request,
  remoteAddress?: string,
): Promise<CoreRequest> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return {
    method: request.method,
    url: request.url,
    headers: new Headers(request.headers),
    body: hasBody ? await readLimited(request.body, MAX_BODY_BYTES + 1) : null,
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

import type { RequestContext } from './context';
import { HttpError } from './httpError';

/** Largest body the password step and finalize accept. */
export const MAX_BODY_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

function isJsonMediaType(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[^/\s]+\+json$/.test(type);
}

/**
 * Reads a JSON object body: parsed even without `Content-Type`; a non-JSON content type,
 * invalid JSON, a non-object or more than 64 KiB is a 400 `bad_request`.
 */
export function readJsonObject(ctx: RequestContext): Record<string, unknown> {
  const contentType = ctx.headers.get('content-type');
  if (contentType !== null && !isJsonMediaType(contentType))
    throw new HttpError(400, 'bad_request');
  const { body } = ctx;
  let text: string;
  if (body === null || body === undefined) text = '';
  else if (typeof body === 'string') {
    // UTF-8 never takes more than 3 bytes per UTF-16 unit: check cheaply before encoding.
    if (
      body.length * 3 > MAX_BODY_BYTES &&
      new TextEncoder().encode(body).length > MAX_BODY_BYTES
    ) {
      throw new HttpError(400, 'bad_request');
    }
    text = body;
  } else {
    if (body.byteLength > MAX_BODY_BYTES) throw new HttpError(400, 'bad_request');
    try {
      text = decoder.decode(body);
    } catch (cause) {
      throw new HttpError(400, 'bad_request', { cause });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, 'bad_request', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'bad_request');
  }
  return parsed as Record<string, unknown>;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { serializeSetCookie } from './cookies';
import { BASE_PATH, JWKS_PATH } from './core';
import { MAX_BODY_BYTES } from './jsonBody';
import type { CoreRequest, SessionServer } from './types';

/** A Node request as connect/Vite pass it: `originalUrl` is the URL before mounting. */
type NodeRequest = IncomingMessage & { originalUrl?: string };

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Bytes of body kept (default 64 KiB + 1: enough to tell an oversized body). */
  maxBodyBytes?: number;
}

function isSessionPath(path: string): boolean {
  return path === JWKS_PATH || path === BASE_PATH || path.startsWith(`${BASE_PATH}/`);
}

/** A request a body parser (express.json() and the like) has read already. */
type ParsedRequest = IncomingMessage & { body?: unknown };

/** The body a parser left on `req.body`, as bytes again (a parsed object as JSON). */
function parsedBody(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (body === undefined || body === null) return new Uint8Array(0);
  return new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
}

// Only so much of a body is kept, the rest drained: the core refuses any larger body anyway.
function readBody(req: ParsedRequest, limit: number): Promise<Uint8Array> {
  // Read before (by middleware): its 'end' has fired and will not fire again.
  if (req.readableEnded) return Promise.resolve(parsedBody(req.body).subarray(0, limit));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on('data', (chunk: Uint8Array) => {
      if (size >= limit) return;
      const kept = chunk.subarray(0, limit - size);
      chunks.push(kept);
      size += kept.byteLength;
    });
    req.on('end', () => {
      const body = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(body);
    });
    req.on('error', reject);
  });
}

// node:http keeps only the first of several Authorization headers in `req.headers`; the raw
// list keeps them all, and Headers joins repeats with ", " as the protocol expects.
function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (name.startsWith(':')) continue;
    try {
      headers.append(name, req.rawHeaders[i + 1] as string);
    } catch {
      // A value Headers refuses is dropped, as fetch would refuse to send it.
    }
  }
  return headers;
}

/**
 * Adapts the server to `node:http` and to connect/Vite middleware. With `next`, requests
 * outside `/v1/session` and the JWKS pass through. A dropped answer destroys the socket.
 *
 * @example
 * http.createServer(toNodeListener(server)).listen(3000);
 * vite.middlewares.use(toNodeListener(server));
 */
export function toNodeListener(
  server: SessionServer,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES + 1;
  return (req, res, next) => {
    const rawUrl = (req as NodeRequest).originalUrl ?? req.url ?? '/';
    const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
    // HTTP/2 names the host in `:authority`, and sends no Host header.
    const host = (req.headers[':authority'] as string | undefined) ?? req.headers.host;
    let url: URL;
    try {
      url = new URL(rawUrl, `${encrypted ? 'https' : 'http'}://${host ?? 'localhost'}`);
    } catch {
      url = new URL(rawUrl.startsWith('/') ? rawUrl : '/', 'http://localhost');
    }
    if (next && !isSessionPath(url.pathname)) {
      next();
      return;
    }
    void (async () => {
      const method = req.method ?? 'GET';
      const request: CoreRequest = {
        method,
        url: url.href,
        headers: headersOf(req),
        body: method === 'GET' || method === 'HEAD' ? null : await readBody(req, limit),
        ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
      };
      const response = await server.handle(request);
      if (response.drop) {
        req.socket.destroy();
        return;
      }
      res.statusCode = response.status;
      for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
      if (response.cookies.length > 0) {
        res.setHeader('Set-Cookie', response.cookies.map(serializeSetCookie));
      }
      res.end(response.body ?? undefined);
    })().catch((error: unknown) => {
      if (next) next(error);
      else if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  };
}

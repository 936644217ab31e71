import { createProofSigner } from './dpopProof';
import type { Environment } from './environment';
import { DpopError, NetworkError } from './errors';
import type { KeyRecord } from './keyStore';
import type { NonceCache } from './nonceCache';
import { malformed, parseHttpDate, parseRetryAfter, toError } from './protocol';
import { finite, type Storage } from './storage';

/** One request; with `key` it carries a fresh DPoP proof, with `token` an access token. */
export interface SendOptions {
  /** Other `fetch` options of the caller (mode, cache, signal…). */
  init?: RequestInit | undefined;
  method: string;
  url: string;
  key?: KeyRecord | undefined;
  token?: { value: string; bound: boolean } | undefined;
  headers?: HeadersInit | undefined;
  body?: BodyInit | null | undefined;
  credentials?: RequestCredentials | undefined;
  /** Bounds the request, its retries and the reading of its answer (see `deadline`). */
  timeout?: AbortSignal | undefined;
  /** Attaches nothing, for example to the proof of a pre-signed request. */
  proof?: string | undefined;
}

/** The proof `iat` window of the server (PROTOCOL, "Proof limits"). */
const SKEW_WINDOW_MS = 60_000;

/** What the transport layer gives the rest of the client. */
export type Http = ReturnType<typeof createHttp>;

/**
 * Sends requests with proofs: keeps the newest nonce per origin and the server
 * clock offset (from `Date` headers, persisted), retries once on
 * `use_dpop_nonce` and once when a proof is refused for clock skew (or, signed ahead of
 * time, as stale).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export function createHttp(env: Environment, storage: Storage, nonces: NonceCache, api: string) {
  const signer = createProofSigner(() => env.crypto);
  let offset = 0;
  let loaded: Promise<unknown> | undefined;
  const load = () =>
    (loaded ??= storage.get('clockOffset').then((o) => (offset = finite(o) ?? offset)));
  /** Server time in milliseconds. */
  const serverNow = () => env.now() + offset;
  const own = (url: string) => url.startsWith(api + '/');
  /** Nonces are kept per server: the session API's apart from an app API on its origin. */
  const nonceKey = (url: string) => (own(url) ? api : new URL(url).origin);

  const sign = async (o: SendOptions, nonce?: string) => {
    const u = new URL(o.url);
    return signer(o.key!, {
      htm: o.method,
      htu: u.origin + u.pathname,
      iat: serverNow() / 1000,
      nonce: nonce ?? (await nonces.get(nonceKey(o.url))),
      accessToken: o.token?.bound ? o.token.value : undefined,
    }).catch((cause: unknown) => {
      // A stored key that cannot sign (damaged, or of another version) is a lost key.
      throw new DpopError('dpop_key_mismatch', 'The stored key cannot sign', { cause });
    });
  };

  /** Sends with a fresh proof, retrying once for a nonce and once for skew. */
  const send = async (o: SendOptions): Promise<Response> => {
    await load();
    const { token, init, timeout } = o;
    let nonce: string | undefined;
    let proof = o.proof;
    let nonceRetried = false;
    let skewRetried = false;
    for (;;) {
      const headers = new Headers(o.headers);
      if ((proof ??= o.key && (await sign(o, nonce)))) headers.set('DPoP', proof);
      if (token) headers.set('Authorization', (token.bound ? 'DPoP ' : 'Bearer ') + token.value);
      // Only refreshes time out, and only app requests bring their own signal.
      let res: Response;
      try {
        res = await env.fetch(o.url, {
          ...init,
          method: o.method,
          headers,
          body: o.body,
          credentials: o.credentials ?? init?.credentials,
          signal: timeout ?? init?.signal,
        });
      } catch (cause) {
        if (init?.signal?.aborted) throw cause;
        throw new NetworkError(timeout?.aborted ? 'Request timed out' : 'Request failed', {
          cause,
        });
      }
      // A nonce is 1*NQCHAR (RFC 9449 §8): ASCII, so proofs can carry it as is.
      const newNonce = /^[!#-[\]-~]+$/.exec(res.headers.get('dpop-nonce') ?? '')?.[0];
      if (newNonce) nonces.set(nonceKey(o.url), newNonce);
      // Learn the server clock from `Date` (whole seconds: the true time lies in [date, date + 1 s)),
      // of the session API only: an app's answer may come from a cache, or from another clock.
      const date = own(o.url) ? parseHttpDate(res.headers.get('date') ?? '') : NaN;
      const drift = isNaN(date) ? 0 : date + 500 - serverNow();
      if (Math.abs(drift) > 1500) {
        offset += drift;
        void storage.set('clockOffset', offset);
      }
      if (!o.key || (res.status !== 400 && res.status !== 401)) return res;
      // The error code of the `WWW-Authenticate` challenge (quoted or not, RFC 9449 §7.1), else,
      // from the session API only, of the kit's JSON body: an app's body has codes of its own.
      const code =
        /\berror="?([\w-]+)/.exec(res.headers.get('www-authenticate') ?? '')?.[1] ??
        (own(o.url)
          ? (
              (await res
                .clone()
                .json()
                .catch(() => null)) as { code?: unknown } | null
            )?.code
          : undefined);
      proof = undefined;
      if (code === 'use_dpop_nonce' && newNonce && !nonceRetried) {
        nonceRetried = true;
        nonce = newNonce;
      } else if (
        code === 'invalid_dpop_proof' &&
        // Refused for skew, or a proof signed ahead of time that has gone stale meanwhile.
        (Math.abs(drift) > SKEW_WINDOW_MS || o.proof) &&
        !skewRetried
      ) {
        skewRetried = true;
      } else return res;
    }
  };

  /** Validates a session API answer: resolves to its JSON body (null for 204), else throws its typed error. */
  const parse = async (res: Response): Promise<{ res: Response; body: unknown }> => {
    if (res.status === 204) return { res, body: null };
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok)
      throw toError(res.status, body, parseRetryAfter(res.headers.get('retry-after'), serverNow()));
    if (body === undefined) throw malformed('body');
    return { res, body };
  };

  /** Sends to the session API (with its cookies) and validates the answer. */
  const call = async (o: SendOptions) => parse(await send({ ...o, credentials: 'include' }));

  return { send, call, parse, serverNow, sign, load };
}

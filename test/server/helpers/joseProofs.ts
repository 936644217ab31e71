import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';

/** A test device key signed through jose: an ES256 pair plus its public JWK and thumbprint. */
export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

export async function createDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

export interface ProofInput {
  htm: string;
  htu: string;
  iat: number;
  jti?: string;
  nonce?: string;
  ath?: string;
  /** Replaces or adds header members (`undefined` removes one). */
  header?: Record<string, unknown>;
  /** Replaces or adds claims (`undefined` removes one). */
  claims?: Record<string, unknown>;
}

let counter = 0;

function withOverrides(
  base: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const merged = { ...base, ...overrides };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/**
 * Signs a DPoP proof with jose: an implementation independent of both the verifier and
 * the client's WebCrypto signer (see ./dpop.ts for that one).
 */
export async function makeProof(key: DpopKey, input: ProofInput): Promise<string> {
  counter += 1;
  const claims = withOverrides(
    {
      jti: input.jti ?? `jti-${counter}-${Math.random().toString(36).slice(2)}`,
      htm: input.htm,
      htu: input.htu,
      iat: input.iat,
      nonce: input.nonce,
      ath: input.ath,
    },
    input.claims,
  );
  const header = withOverrides(
    { typ: 'dpop+jwt', alg: 'ES256', jwk: input.header?.jwk ?? key.publicJwk },
    input.header,
  );
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** A compact JWS with any header and payload and an arbitrary signature segment. */
export function unsignedJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signature = '',
): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

/** base64url(SHA-256(token)), computed here independently of the server's helper. */
export async function athOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url.encode(new Uint8Array(digest));
}

/** A mutable clock in milliseconds. */
export function createClock(startMs = Date.UTC(2026, 10, 23, 12, 0, 0)) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    seconds: () => Math.floor(nowMs / 1000),
    advance(seconds: number) {
      nowMs += seconds * 1000;
    },
  };
}

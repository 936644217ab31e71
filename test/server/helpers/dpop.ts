import { calculateJwkThumbprint } from 'jose';

const encoder = new TextEncoder();

export function b64url(bytes: Uint8Array | string): string {
  const data = typeof bytes === 'string' ? encoder.encode(bytes) : bytes;
  let binary = '';
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function sha256(text: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));
}

export interface ProofInput {
  htm: string;
  htu: string;
  /** Server time in seconds. */
  iat: number;
  nonce?: string;
  /** The access token to bind (`ath`). */
  accessToken?: string;
  jti?: string;
  /** Header or claim overrides, to build broken proofs. */
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** A device key: a non-extractable ES256 private key, as the client has. */
export interface ProofKey {
  jwk: { kty: string; crv: string; x: string; y: string };
  jkt: string;
  sign(input: ProofInput): Promise<string>;
}

export async function createProofKey(): Promise<ProofKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const jwk = { kty: 'EC', crv: 'P-256', x: exported.x!, y: exported.y! };
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    jwk,
    jkt,
    async sign(input) {
      const header = { typ: 'dpop+jwt', alg: 'ES256', jwk, ...input.header };
      const claims: Record<string, unknown> = {
        jti: input.jti ?? crypto.randomUUID(),
        htm: input.htm,
        htu: input.htu,
        iat: input.iat,
        ...(input.nonce ? { nonce: input.nonce } : {}),
        ...(input.accessToken ? { ath: await sha256(input.accessToken) } : {}),
        ...input.claims,
      };
      const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      const signature = await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        pair.privateKey,
        encoder.encode(signingInput),
      );
      return `${signingInput}.${b64url(new Uint8Array(signature))}`;
    },
  };
}

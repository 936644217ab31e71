/** An ES256 key pair as WebCrypto gives it; the private half is non-extractable. */
export interface ProofKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** What one proof asserts. */
export interface ProofClaims {
  htm: string;
  htu: string;
  /** Issued-at in server time, seconds. */
  iat: number;
  nonce?: string;
  /** The access token the proof goes with; its hash becomes `ath`. */
  accessToken?: string;
}

const encoder = new TextEncoder();
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Two base64url characters per 12 bits, built on first use: proofs are on the hot path. */
let pairs: string[] | undefined;

/** Base64url without padding (RFC 7515 §2); by table, as `btoa` is slow in Node. */
export const b64url = (input: ArrayBuffer | Uint8Array | string): string => {
  const t = (pairs ??= Array.from(
    { length: 4096 },
    (_, i) => ALPHABET[i >> 6]! + ALPHABET[i & 63],
  ));
  const b = typeof input === 'string' ? encoder.encode(input) : new Uint8Array(input);
  const rest = b.length % 3;
  const end = b.length - rest;
  let s = '';
  for (let i = 0; i < end; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += t[n >> 12]! + t[n & 4095];
  }
  if (rest) {
    const n = (b[end]! << 16) | ((b[end + 1] ?? 0) << 8);
    s += t[n >> 12]! + (rest > 1 ? ALPHABET[(n >> 6) & 63] : '');
  }
  return s;
};

/**
 * Creates a DPoP proof signer over WebCrypto. The encoded header (with the
 * public JWK) is computed once per key and `ath` once per access token, so a
 * proof costs little more than its signature.
 *
 * @example
 * const sign = createProofSigner(() => crypto)
 * const proof = await sign(keyPair, { htm: 'POST', htu: 'https://api.example/v1/session/refresh', iat })
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function createProofSigner(getCrypto: () => Crypto) {
  // Encoded headers by public key, and the last token's `ath`: computed once, read synchronously after.
  const headers = new WeakMap<CryptoKey, string>();
  let lastToken: string | undefined;
  let lastAth: string | undefined;

  return async (
    key: ProofKeyPair,
    { htm, htu, iat, nonce, accessToken }: ProofClaims,
  ): Promise<string> => {
    const c = getCrypto();
    let header = headers.get(key.publicKey);
    if (!header) {
      const { kty, crv, x, y } = await c.subtle.exportKey('jwk', key.publicKey);
      headers.set(
        key.publicKey,
        (header = b64url(
          JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } }),
        )),
      );
    }
    if (accessToken && accessToken !== lastToken) {
      // The `ath` claim: base64url SHA-256 of the access token (RFC 9449 §4.2).
      lastAth = b64url(await c.subtle.digest('SHA-256', encoder.encode(accessToken)));
      lastToken = accessToken;
    }
    // A fresh random jti for every proof, retries included (randomUUID is pooled, so cheap).
    const payload = {
      jti: c.randomUUID(),
      htm,
      htu,
      iat: Math.floor(iat),
      nonce,
      ath: accessToken && lastAth,
    };
    const input = header + '.' + b64url(JSON.stringify(payload));
    const signature = await c.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      key.privateKey,
      encoder.encode(input),
    );
    return input + '.' + b64url(signature);
  };
}

/** Generates a non-extractable P-256 key pair for proofs. */
export const generateProofKey = (crypto: Crypto): Promise<ProofKeyPair> =>
  crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]) as Promise<ProofKeyPair>;

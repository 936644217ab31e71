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

/**
 * Base64url without padding (RFC 7515 §2) of bytes, or of an ASCII string (every string
 * the kit encodes is: JSON of ASCII values, as nonces are checked on arrival). Bytes (a
 * signature, a hash) use the native `Uint8Array.prototype.toBase64` where the browser has
 * it; a proof's cost is all in such steps around the signature, and in Chromium that was
 * the fastest way for bytes, as `btoa` was for strings.
 */
export const b64url = (input: ArrayBuffer | string): string => {
  const bytes = typeof input === 'string' ? null : (new Uint8Array(input) as NativeBase64);
  return bytes?.toBase64
    ? bytes.toBase64({ alphabet: 'base64url', omitPadding: true })
    : btoa(bytes ? String.fromCharCode(...bytes) : (input as string))
        .replace(/=+$/, '')
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
};

/** `Uint8Array` with the base64 method of ES2026, which TypeScript 5.9 does not type yet. */
type NativeBase64 = Uint8Array & {
  toBase64?(options: { alphabet: 'base64url'; omitPadding: boolean }): string;
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
    // A fresh random jti for every proof, retries included.
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

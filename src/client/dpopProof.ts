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

/** Base64url without padding (RFC 7515 §2). */
export const b64url = (input: ArrayBuffer | Uint8Array | string): string => {
  const bytes = typeof input === 'string' ? encoder.encode(input) : new Uint8Array(input);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
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
  const headers = new WeakMap<CryptoKey, Promise<string>>();
  let lastToken: string | undefined;
  let lastAth: Promise<string> | undefined;

  const header = (key: ProofKeyPair) => {
    let h = headers.get(key.publicKey);
    if (!h) {
      h = getCrypto()
        .subtle.exportKey('jwk', key.publicKey)
        .then(({ kty, crv, x, y }) => b64url(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })));
      headers.set(key.publicKey, h);
      h.catch(() => headers.delete(key.publicKey));
    }
    return h;
  };

  /** The `ath` claim: base64url SHA-256 of the access token (RFC 9449 §4.2). */
  const ath = (token: string) => {
    if (token !== lastToken) {
      lastToken = token;
      lastAth = getCrypto().subtle.digest('SHA-256', encoder.encode(token)).then(b64url);
    }
    return lastAth!;
  };

  return async (key: ProofKeyPair, { accessToken, ...claims }: ProofClaims): Promise<string> => {
    const c = getCrypto();
    const jti = b64url(c.getRandomValues(new Uint8Array(16)));
    const payload: Record<string, unknown> = { jti, ...claims, iat: Math.floor(claims.iat) };
    if (accessToken) payload.ath = await ath(accessToken);
    const input = (await header(key)) + '.' + b64url(JSON.stringify(payload));
    const signature = await c.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, encoder.encode(input));
    return input + '.' + b64url(signature);
  };
}

/** Generates a non-extractable P-256 key pair for proofs. */
export const generateProofKey = (crypto: Crypto): Promise<ProofKeyPair> =>
  crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']) as Promise<ProofKeyPair>;

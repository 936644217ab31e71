import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { b64url } from '../../src/client/dpopProof';

describe('dpopProof encoding in Chromium', () => {
  it('takes the native base64 path and matches jose for every length', () => {
    // Chromium has Uint8Array.prototype.toBase64; Node 20 (the unit tier) takes the fallback.
    expect(typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64).toBe('function');
    for (let length = 0; length <= 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      expect(b64url(bytes.buffer)).toBe(base64url.encode(bytes));
    }
  });
});

import { describe, expect, it, vi } from 'vitest';
import {
  InvalidProofError,
  InvalidTokenError,
  KeyMismatchError,
  MissingProofError,
  UseDpopNonceError,
  VerifierError,
} from '../../src/server/errors';

describe('verifier errors', () => {
  it.each([
    [new InvalidTokenError(), 'unauthorized', 'invalid_token'],
    [new MissingProofError(), 'missing_dpop_proof', 'invalid_dpop_proof'],
    [new InvalidProofError(), 'invalid_dpop_proof', 'invalid_dpop_proof'],
    [new UseDpopNonceError('n0nce'), 'use_dpop_nonce', 'use_dpop_nonce'],
    [new KeyMismatchError(), 'dpop_key_mismatch', 'invalid_dpop_proof'],
  ] as const)('%s has its code, a 401 and the RFC code in its challenge', (error, code, rfc) => {
    expect(error).toBeInstanceOf(VerifierError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.status).toBe(401);
    expect(error.wwwAuthenticate).toMatch(
      new RegExp(`^DPoP error="${rfc}", error_description="[^"]+", algs="ES256"$`),
    );
  });

  it('tells the kinds apart with instanceof', () => {
    expect(new InvalidProofError()).not.toBeInstanceOf(MissingProofError);
    expect(new MissingProofError()).not.toBeInstanceOf(InvalidProofError);
    expect({ code: 'invalid_dpop_proof' }).not.toBeInstanceOf(VerifierError);
  });

  it('keeps instanceof working across two copies of the module', async () => {
    vi.resetModules();
    const copy = await import('../../src/server/errors');
    expect(copy.InvalidProofError).not.toBe(InvalidProofError);
    const foreign = new copy.InvalidProofError();
    expect(foreign).toBeInstanceOf(VerifierError);
    expect(foreign).toBeInstanceOf(InvalidProofError);
    expect(foreign).not.toBeInstanceOf(KeyMismatchError);
    expect(new InvalidTokenError()).toBeInstanceOf(copy.VerifierError);
  });

  it("matches an app's own subclass (with no brand of its own) to its own instances only", () => {
    class AppTokenError extends InvalidTokenError {}
    expect(new AppTokenError()).toBeInstanceOf(AppTokenError);
    expect(new AppTokenError()).toBeInstanceOf(VerifierError);
    expect(new InvalidTokenError()).not.toBeInstanceOf(AppTokenError);
  });

  it('passes the cause through without making it enumerable', () => {
    const cause = new Error('inner');
    const error = new InvalidProofError('outer', { cause });
    expect(error.cause).toBe(cause);
    expect(Object.keys(error)).not.toContain('cause');
  });

  it('uses a Bearer challenge when asked, without algs', () => {
    const error = new InvalidTokenError('Expired.', { scheme: 'Bearer' });
    expect(error.wwwAuthenticate).toBe(
      'Bearer error="invalid_token", error_description="Expired."',
    );
  });

  it('names no error in the challenge when no credentials came', () => {
    expect(
      new InvalidTokenError(undefined, { noCredentials: true, scheme: 'Bearer' }).wwwAuthenticate,
    ).toBe('Bearer');
  });

  it('keeps the challenge a valid quoted-string', () => {
    const error = new InvalidProofError('say "hi"\\ \n now');
    expect(error.wwwAuthenticate).toContain('error_description="say \\"hi\\"\\\\  now"');
  });

  it('builds the protocol answer with the nonce and reason', async () => {
    const nonce = new UseDpopNonceError('abc').toResponse();
    expect(nonce.status).toBe(401);
    expect(nonce.headers.get('dpop-nonce')).toBe('abc');
    expect(nonce.headers.get('www-authenticate')).toMatch(/^DPoP error="use_dpop_nonce"/);
    expect(await nonce.json()).toMatchObject({ code: 'use_dpop_nonce', type: 'unauthorized' });

    const revoked = new InvalidTokenError('Ended.', { reason: 'revoked' });
    expect(await revoked.toResponse().json()).toEqual({
      code: 'unauthorized',
      message: 'Ended.',
      type: 'unauthorized',
      reason: 'revoked',
    });
  });

  it('answers 400 without a challenge when used at a token endpoint', async () => {
    const response = new InvalidProofError(undefined, { status: 400 }).toResponse();
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({
      code: 'invalid_dpop_proof',
      type: 'bad_request',
    });
  });
});

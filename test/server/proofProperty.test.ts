import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { VerifierError } from '../../src/server/errors';
import { createMemoryReplayCache, verifyProof } from '../../src/server/proofVerifier';
import type { VerifiedProof } from '../../src/server/proofVerifier';
import { createProofKey } from './helpers/dpop';
import type { ProofKey } from './helpers/dpop';
import { createClock } from './helpers/joseProofs';

const URL_ = 'https://api.example.com/v1/session/refresh';
const PROOF_CODES = ['missing_dpop_proof', 'invalid_dpop_proof', 'use_dpop_nonce'];
const clock = createClock();

function check(header: string | null, replay = createMemoryReplayCache({ now: clock.now })) {
  return verifyProof({ header, method: 'POST', url: URL_, nowSeconds: clock.seconds(), replay });
}

/** Resolves to the outcome, failing the property on anything but a typed protocol refusal. */
async function outcome(promise: Promise<VerifiedProof>): Promise<VerifiedProof | VerifierError> {
  try {
    return await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VerifierError);
    expect(PROOF_CODES).toContain((error as VerifierError).code);
    return error as VerifierError;
  }
}

const b64urlJson = fc
  .jsonValue()
  .map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url'));
const segment = fc.oneof(b64urlJson, fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/));
const garbage = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
  fc.array(segment, { maxLength: 6 }).map((parts) => parts.join('.')),
);

let key: ProofKey;
let valid: string;

beforeAll(async () => {
  key = await createProofKey();
  valid = await key.sign({ htm: 'POST', htu: URL_, iat: clock.seconds(), jti: 'fixed' });
});

describe('verifyProof under random input', () => {
  it('refuses garbage DPoP headers with a protocol code, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(garbage, { nil: null }), async (header) => {
        const result = await outcome(check(header));
        expect(result).toBeInstanceOf(VerifierError);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every mutation of a proof that was already used', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,= ';
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('replace' as const),
        at: fc.nat(),
        char: fc.constantFrom(...alphabet),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        char: fc.constantFrom(...alphabet),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const at = m.at % (valid.length + 1);
        const mutated =
          m.kind === 'replace'
            ? valid.slice(0, at) + m.char + valid.slice(at + 1)
            : m.kind === 'delete'
              ? valid.slice(0, at) + valid.slice(at + 1)
              : m.kind === 'insert'
                ? valid.slice(0, at) + m.char + valid.slice(at)
                : valid.slice(0, at);
        fc.pre(mutated !== valid);
        // A proof's signature is malleable (base64 tail bits, ECDSA s), so the jti, recorded
        // by the original, is what guarantees the refusal of a re-encoded copy.
        const replay = createMemoryReplayCache({ now: clock.now });
        await check(valid, replay);
        const result = await outcome(check(mutated, replay));
        expect(result).toBeInstanceOf(VerifierError);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts a signed proof with random headers and claims only when every check holds', async () => {
    const anyValue = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    const header = fc.record(
      { typ: anyValue, alg: anyValue, jwk: anyValue, crit: anyValue, kid: anyValue },
      { requiredKeys: [] },
    );
    const claims = fc.record(
      {
        jti: fc.oneof(anyValue, fc.string()),
        htm: fc.oneof(anyValue, fc.constantFrom('POST', 'GET', 'post')),
        htu: fc.oneof(anyValue, fc.constantFrom(URL_, `${URL_}?q`, 'https://other.example/')),
        iat: fc.oneof(
          anyValue,
          fc.integer({ min: clock.seconds() - 90, max: clock.seconds() + 90 }),
        ),
        nonce: anyValue,
        ath: anyValue,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(header, claims, async (h, c) => {
        const proof = await key.sign({
          htm: 'POST',
          htu: URL_,
          iat: clock.seconds(),
          header: h,
          claims: c,
        });
        const result = await outcome(check(proof));
        if (result instanceof VerifierError) return;
        expect(result.jkt).toBe(key.jkt);
        expect(result.claims.htm).toBe('POST');
        expect(typeof result.claims.jti).toBe('string');
        expect(Math.abs(result.claims.iat - clock.seconds())).toBeLessThanOrEqual(60);
      }),
      { numRuns: 200 },
    );
  });
});

import { expect } from 'vitest';
import { VerifierError } from '../../../src/server/errors';
import type { VerifierErrorCode } from '../../../src/server/errors';

/** Awaits a check that must fail, asserts it failed with the verifier `code`, returns the error. */
export async function refusedWith(
  promise: Promise<unknown>,
  code: VerifierErrorCode,
): Promise<VerifierError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VerifierError);
  expect((error as VerifierError).code).toBe(code);
  return error as VerifierError;
}

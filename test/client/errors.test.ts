import { describe, expect, it } from 'vitest';
import * as errors from '../../src/client/errors';
import {
  BadRequestError,
  DisposedError,
  DpopError,
  isSessionError,
  LockTimeoutError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  RateLimitedError,
  ServerError,
  SessionError,
  TokenReusedError,
  UnauthorizedError,
  UnexpectedError,
  type SessionErrorCode,
} from '../../src/client';
import { ADA, createWorld } from './helpers/world';

const samples = () => [
  new UnauthorizedError('m', 'revoked'),
  new TokenReusedError('m'),
  new DpopError('dpop_key_mismatch', 'm'),
  new NetworkError('m'),
  new ServerError(503, 'm'),
  new RateLimitedError(5, 'm'),
  new LockTimeoutError('m'),
  new ProtocolError('m'),
  new DisposedError(),
  new NotFoundError('m'),
  new BadRequestError('invalid_pagination_limit', 'm'),
  new UnexpectedError(new TypeError('x')),
];

describe('errors', () => {
  it('gives each kind a stable code and says which are retryable', () => {
    expect(samples().map((e) => [e.name, e.code, e.retryable])).toEqual([
      ['UnauthorizedError', 'unauthorized', false],
      ['TokenReusedError', 'token_reused', false],
      ['DpopError', 'dpop_key_mismatch', false],
      ['NetworkError', 'network_error', true],
      ['ServerError', 'server_error', true],
      ['RateLimitedError', 'rate_limited', true],
      ['LockTimeoutError', 'lock_timeout', true],
      ['ProtocolError', 'protocol_error', false],
      ['DisposedError', 'disposed', false],
      ['NotFoundError', 'not_found', false],
      ['BadRequestError', 'invalid_pagination_limit', false],
      ['UnexpectedError', 'unexpected_error', false],
    ]);
    for (const e of samples()) {
      expect(e).toBeInstanceOf(SessionError);
      expect(e).toBeInstanceOf(Error);
      expect(isSessionError(e)).toBe(true);
    }
    expect(isSessionError(new Error('x'))).toBe(false);
    expect(isSessionError(null)).toBe(false);
    expect(new NetworkError('m')).not.toBeInstanceOf(ServerError);
  });

  it('keeps instanceof working across a second copy of the module', async () => {
    // A query makes Vite load a second, independent copy of the module.
    const path = '../../src/client/errors.ts?copy';
    const copy = (await import(/* @vite-ignore */ path)) as typeof errors;
    expect(copy.SessionError).not.toBe(errors.SessionError);
    const foreign = new copy.UnauthorizedError('m', 'expired');
    expect(foreign).toBeInstanceOf(UnauthorizedError);
    expect(foreign).toBeInstanceOf(SessionError);
    expect(foreign).not.toBeInstanceOf(TokenReusedError);
    expect(isSessionError(foreign)).toBe(true);
    expect(new ServerError(500, 'm')).toBeInstanceOf(copy.ServerError);
    expect(copy.isSessionError(new NetworkError('m'))).toBe(true);
  });

  it('narrows on code in a switch', () => {
    const explain = (e: unknown) => {
      if (!isSessionError(e)) return 'other';
      switch (e.code) {
        case 'rate_limited':
          return `wait ${e.retryAfterSeconds}`;
        case 'server_error':
          return `status ${e.status}`;
        case 'unauthorized':
          return `reason ${e.reason}`;
        default:
          return e.code satisfies SessionErrorCode;
      }
    };
    expect(samples().map(explain).slice(0, 6)).toEqual([
      'reason revoked',
      'token_reused',
      'dpop_key_mismatch',
      'network_error',
      'status 503',
      'wait 5',
    ]);
  });

  it('passes the cause through', () => {
    const cause = new TypeError('Failed to fetch');
    expect(new NetworkError('m', { cause }).cause).toBe(cause);
  });

  it('never puts a token or proof in a message, nor on the error object', async () => {
    const w = createWorld();
    const device = w.device();
    const seen: string[] = [];
    const tab = device.tab({
      fetch: async (input, init) => {
        const h = new Headers(init?.headers);
        for (const v of [h.get('dpop'), h.get('authorization')?.split(' ')[1]]) if (v) seen.push(v);
        return device.bridge.fetch(input, init);
      },
    });
    const { user } = await tab.loginWithPassword(ADA);
    seen.push(user.accessToken);
    await w.server.admin.revokeUserSessions('usr_ada');
    const failures = [await tab.listSessions().catch((e: unknown) => e)];
    w.server.faults.add({ status: 500 });
    failures.push(
      await tab.loginWithPassword({ ...ADA, password: 'wrong' }).catch((e: unknown) => e),
    );
    for (const f of failures) {
      expect(isSessionError(f)).toBe(true);
      const text = JSON.stringify(f) + String(f) + (f as Error).stack;
      for (const secret of seen) expect(text).not.toContain(secret);
    }
  });

  it('keeps a subclass with its own brand an instance of its parent', () => {
    class AppUnauthorized extends UnauthorizedError {
      static override brand = 'AppUnauthorized';
    }
    const e = new AppUnauthorized('m');
    expect(e).toBeInstanceOf(SessionError);
    expect(e).toBeInstanceOf(UnauthorizedError);
    expect(isSessionError(e)).toBe(true);
  });

  it("matches an app's own subclass (with no brand of its own) to its own instances only", () => {
    class AppNetworkError extends NetworkError {}
    class AppError extends SessionError {}
    expect(new AppNetworkError('m')).toBeInstanceOf(AppNetworkError);
    expect(new AppNetworkError('m')).toBeInstanceOf(NetworkError);
    expect(new NetworkError('m')).not.toBeInstanceOf(AppNetworkError);
    expect(new UnauthorizedError('m')).not.toBeInstanceOf(AppError);
  });

  it('answers instanceof for an object whose constructor is not a class, without throwing', () => {
    const o: unknown = Object.create(UnauthorizedError.prototype, {
      constructor: { value: undefined },
    });
    expect(() => o instanceof SessionError).not.toThrow();
  });
});

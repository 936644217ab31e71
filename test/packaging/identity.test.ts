// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from './builtPackage';
import type { BuiltPackage } from './builtPackage';

// ESM and CJS builds share no chunk, so an app (or its dependencies) can load both copies
// at once; these tests load both in one Node process, as such an app does.
const prelude = `
  import { createRequire } from 'node:module';
  const require = createRequire(import.meta.url);
  const offline = () => Promise.reject(new TypeError('offline'));
  const caught = async (run) => { try { await run(); } catch (error) { return error; } };
`;

let pkg: BuiltPackage;
beforeAll(async () => {
  pkg = await buildPackage();
}, 60_000);
afterAll(() => pkg?.remove());

describe('one identity across the ESM and CJS builds', () => {
  it('recognises client errors thrown by the CJS build with the ESM classes', async () => {
    const seen = await pkg.runInNode(`${prelude}
      const esm = await import('react-dpop-session/client');
      const cjs = require('react-dpop-session/client');
      const client = cjs.createSessionClient({ baseUrl: 'https://api.example', fetch: offline });
      const network = await caught(() => client.loginWithPassword({ identifier: 'ada', password: 'pw' }));
      await client.dispose();
      const disposed = await caught(() => client.getAccessToken());
      console.log(JSON.stringify({
        network: [network.code, network instanceof esm.SessionError, network instanceof esm.NetworkError,
          network instanceof esm.UnauthorizedError, esm.isSessionError(network)],
        disposed: [disposed.code, disposed instanceof esm.SessionError, disposed instanceof esm.DisposedError,
          disposed instanceof esm.NetworkError, esm.isSessionError(disposed)],
        plainError: esm.isSessionError(new Error('x')),
      }));
    `);
    expect(seen).toEqual({
      network: ['network_error', true, true, false, true],
      disposed: [expect.any(String), true, true, false, true],
      plainError: false,
    });
  });

  it('recognises client errors thrown by the ESM build with the CJS classes', async () => {
    const seen = await pkg.runInNode(`${prelude}
      const esm = await import('react-dpop-session/client');
      const cjs = require('react-dpop-session/client');
      const client = esm.createSessionClient({ baseUrl: 'https://api.example', fetch: offline });
      const network = await caught(() => client.loginWithPassword({ identifier: 'ada', password: 'pw' }));
      await client.dispose();
      console.log(JSON.stringify([network instanceof cjs.NetworkError, cjs.isSessionError(network),
        network instanceof cjs.RateLimitedError]));
    `);
    expect(seen).toEqual([true, true, false]);
  });

  it("recognises the React entry's errors across builds", async () => {
    const seen = await pkg.runInNode(`${prelude}
      const esm = await import('react-dpop-session');
      const cjs = require('react-dpop-session');
      const { renderToString } = require('react-dom/server');
      const { createElement } = require('react');
      const outside = await caught(() =>
        renderToString(createElement(function Profile() { cjs.useSession(); return null; })));
      console.log(JSON.stringify([outside.code, outside instanceof esm.MissingSessionProviderError,
        outside instanceof esm.SessionError]));
    `);
    expect(seen).toEqual(['missing_provider', true, false]);
  });

  it('recognises verifier errors thrown by the CJS server build with the ESM classes', async () => {
    const seen = await pkg.runInNode(`${prelude}
      const esm = await import('react-dpop-session/server');
      const cjs = require('react-dpop-session/server');
      const error = await caught(() =>
        cjs.verifyAccessToken('not-a-jwt', { issuer: 'https://issuer.example', jwks: { keys: [] } }));
      console.log(JSON.stringify([error.code, error instanceof esm.VerifierError,
        error instanceof esm.InvalidTokenError, error instanceof esm.MissingProofError]));
    `);
    expect(seen).toEqual(['unauthorized', true, true, false]);
  });

  it('shares one React context, so a CJS provider serves ESM hooks', async () => {
    const seen = await pkg.runInNode(`${prelude}
      const esm = await import('react-dpop-session');
      const cjs = require('react-dpop-session');
      const { renderToString } = require('react-dom/server');
      const { createElement } = require('react');
      const client = esm.createSessionClient({ baseUrl: 'https://api.example', fetch: offline });
      function Status() { return createElement('output', null, esm.useSession().status); }
      const html = renderToString(createElement(cjs.SessionProvider, { client }, createElement(Status)));
      await client.dispose();
      console.log(JSON.stringify({ same: esm.SessionContext === cjs.SessionContext, html }));
    `);
    expect(seen).toEqual({ same: true, html: '<output>loading</output>' });
  });
});

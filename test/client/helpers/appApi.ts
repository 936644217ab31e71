import { VerifierError, verifyDpopRequest } from '../../../src/server';
import { BASE_URL, type createWorld } from './world';

/**
 * An app API that checks each request as a back end would, with the kit's verifier against
 * the world's server: 200 `{ sub }`, or the verifier's ready error answer.
 */
export const verifyingApi =
  (w: ReturnType<typeof createWorld>) =>
  async (req: Request): Promise<Response> => {
    try {
      const claims = await verifyDpopRequest(req, {
        issuer: BASE_URL,
        jwks: await w.server.jwks(),
        now: w.now,
      });
      return Response.json({ sub: claims.sub });
    } catch (e) {
      if (e instanceof VerifierError) return e.toResponse();
      throw e;
    }
  };

import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import vectors from './vectors/rfc9449.json';
import { VerifierError } from '../../src/server/errors';
import { createMemoryReplayCache, verifyProof } from '../../src/server/proofVerifier';
import type { ReplayCache } from '../../src/server/proofVerifier';
import { athOf } from './helpers/joseProofs';

interface Vector {
  figure: number;
  htm: string;
  htu: string;
  iat: number;
  proof: string;
  accessToken?: string;
  ath?: string;
}

const byFigure = (figure: number): Vector => {
  const vector = vectors.proofs.find((proof) => proof.figure === figure);
  if (vector === undefined) throw new Error(`no figure ${figure}`);
  return vector as Vector;
};

function verifyVector(
  vector: Vector,
  nowSeconds: number,
  replay: ReplayCache = createMemoryReplayCache({ now: () => nowSeconds * 1000 }),
  iatWindowSeconds?: number,
) {
  return verifyProof({
    header: vector.proof,
    method: vector.htm,
    url: vector.htu,
    nowSeconds,
    replay,
    ...(vector.accessToken === undefined ? {} : { accessToken: vector.accessToken }),
    ...(iatWindowSeconds === undefined ? {} : { iatWindowSeconds }),
  });
}

describe('RFC 9449 example proofs', () => {
  it.each(vectors.proofs.map((proof) => [proof.figure, proof] as const))(
    'verifies figure %i with the clock at its iat, bound to the published thumbprint',
    async (_figure, vector) => {
      const verified = await verifyVector(vector as Vector, vector.iat);
      expect(verified.jkt).toBe(vectors.jwkThumbprint);
      expect(verified.jwk).toEqual(vectors.publicJwk);
      expect(verified.claims).toMatchObject({ htm: vector.htm, htu: vector.htu, iat: vector.iat });
    },
  );

  it.each(vectors.proofs.map((proof) => [proof.figure, proof] as const))(
    'refuses figure %i a minute and a second either side of its iat',
    async (_figure, vector) => {
      for (const now of [vector.iat - 61, vector.iat + 61]) {
        await expect(verifyVector(vector as Vector, now)).rejects.toMatchObject({
          code: 'invalid_dpop_proof',
        });
      }
    },
  );

  it('computes the ath of figure 13 from its access token, and refuses another token', async () => {
    const figure13 = byFigure(13);
    expect(await athOf(figure13.accessToken!)).toBe(figure13.ath);
    await expect(
      verifyVector({ ...figure13, accessToken: 'another-token' }, figure13.iat),
    ).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
  });

  it('refuses figure 5 for another method or URL', async () => {
    const figure5 = byFigure(5);
    await expect(verifyVector({ ...figure5, htm: 'GET' }, figure5.iat)).rejects.toBeInstanceOf(
      VerifierError,
    );
    await expect(
      verifyVector({ ...figure5, htu: 'https://server.example.com/other' }, figure5.iat),
    ).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
  });

  it('detects that figure 7 replays the jti of figure 5 with the same key', async () => {
    const figure5 = byFigure(5);
    const figure7 = byFigure(7);
    const now = figure7.iat;
    const replay = createMemoryReplayCache({ now: () => now * 1000 });
    // A window wide enough to hold both proofs shows the jti is tracked per key.
    const first = await verifyVector(figure5, now, replay, 3000);
    await expect(verifyVector(figure7, now, replay, 3000)).rejects.toMatchObject({
      code: 'invalid_dpop_proof',
    });
    expect(first.claims.jti).toBe('-BwC3ESc6acc2lTc');
  });

  it('accepts figure 7 at its own time, once figure 5 has been forgotten', async () => {
    const figure5 = byFigure(5);
    const figure7 = byFigure(7);
    let now = figure5.iat;
    const replay = createMemoryReplayCache({ now: () => now * 1000 });
    await verifyVector(figure5, now, replay);
    now = figure7.iat;
    await expect(verifyVector(figure7, now, replay)).resolves.toMatchObject({
      jkt: vectors.jwkThumbprint,
    });
    await expect(verifyVector(figure7, now, replay)).rejects.toMatchObject({
      code: 'invalid_dpop_proof',
    });
  });

  it('matches the RFC 7638 thumbprint examples', async () => {
    expect(await calculateJwkThumbprint(vectors.publicJwk as never, 'sha256')).toBe(
      vectors.jwkThumbprint,
    );
    expect(await calculateJwkThumbprint(vectors.rfc7638Example.jwk as never, 'sha256')).toBe(
      vectors.rfc7638Example.thumbprint,
    );
  });
});

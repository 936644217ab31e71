import { utf8 } from './encoding';
import type { SessionServerUser } from './types';

/** A user as the server resolves one. */
export interface ResolvedUser {
  id: string;
  profile: Record<string, unknown>;
}

/** The accounts the password step accepts. */
export interface UserDirectory {
  /** The user whose identifier and password match, or `undefined` (same cost either way). */
  authenticate(identifier: string, password: string): Promise<ResolvedUser | undefined>;
  /** The user with this id (for the profile claims of refreshed tokens). */
  byId(id: string): ResolvedUser | undefined;
}

/** Identifiers are matched trimmed and case-insensitively. */
export const normalizeIdentifier = (identifier: string): string => identifier.trim().toLowerCase();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text)));
}

// Comparing digests in full keeps the comparison's cost independent of where they differ.
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i += 1) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Indexes the configured users by normalised identifier. */
export function createUserDirectory(users: SessionServerUser[]): UserDirectory {
  const byIdentifier = new Map<string, SessionServerUser & { id: string }>();
  const byId = new Map<string, ResolvedUser>();
  for (const user of users) {
    const identifier = normalizeIdentifier(user.identifier);
    const resolved = { ...user, id: user.id ?? identifier };
    // Two entries for one account would merge silently: one's password, the other's profile.
    if (byIdentifier.has(identifier) || byId.has(resolved.id))
      throw new TypeError(
        `"users" lists ${JSON.stringify(byIdentifier.has(identifier) ? user.identifier : resolved.id)} twice`,
      );
    byIdentifier.set(identifier, resolved);
    byId.set(resolved.id, { id: resolved.id, profile: user.profile ?? {} });
  }
  return {
    async authenticate(identifier, password) {
      const user = byIdentifier.get(normalizeIdentifier(identifier));
      // An unknown user still pays for a comparison, so timing does not tell them apart.
      const ok = sameBytes(await digest(password), await digest(user?.password ?? '\u0000'));
      return user && ok ? byId.get(user.id) : undefined;
    },
    byId: (id) => byId.get(id),
  };
}

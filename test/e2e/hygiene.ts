import { expect } from 'vitest';
import type { BrowserContext } from 'playwright-core';

/**
 * Checks, in every tab of a device, that nothing token-like is readable by
 * script, that the refresh cookie is HttpOnly, and that the device's private key
 * in IndexedDB cannot be exported.
 */
export async function expectStorageHygiene(context: BrowserContext): Promise<void> {
  const cookies = await context.cookies();
  const refreshCookie = cookies.find((cookie) => cookie.name === 'refresh_token');
  if (refreshCookie) expect(refreshCookie.httpOnly).toBe(true);
  const secrets = [refreshCookie?.value].filter((value): value is string => Boolean(value));

  for (const page of context.pages()) {
    const found = await page.evaluate(async () => {
      const readable: string[] = [];
      for (const storage of [localStorage, sessionStorage]) {
        for (let i = 0; i < storage.length; i += 1) {
          const key = storage.key(i)!;
          readable.push(key, storage.getItem(key) ?? '');
        }
      }
      readable.push(document.cookie, window.location.href);

      // Walk every IndexedDB database: collect strings, and check CryptoKeys.
      const keys: Array<{ type: string; extractable: boolean; exportable: boolean }> = [];
      const strings: string[] = [];
      const visit = async (value: unknown, depth = 0): Promise<void> => {
        if (depth > 5 || value == null) return;
        if (value instanceof CryptoKey) {
          const exportable = await crypto.subtle
            .exportKey(value.type === 'private' ? 'pkcs8' : 'jwk', value)
            .then(
              () => true,
              () => false,
            );
          keys.push({ type: value.type, extractable: value.extractable, exportable });
        } else if (typeof value === 'string') {
          strings.push(value);
        } else if (typeof value === 'object') {
          for (const inner of Object.values(value as Record<string, unknown>))
            await visit(inner, depth + 1);
        }
      };
      for (const info of await indexedDB.databases()) {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(info.name!);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const storeName of Array.from(db.objectStoreNames)) {
          const values = await new Promise<unknown[]>((resolve, reject) => {
            const request = db.transaction(storeName).objectStore(storeName).getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          });
          for (const value of values) await visit(value);
        }
        db.close();
      }
      return { readable, keys, strings };
    });

    const tokenLike = /eyJ[\w-]{10,}\.[\w-]{10,}/; // a JWT or JWS
    for (const value of [...found.readable, ...found.strings]) {
      expect(value).not.toMatch(tokenLike);
      for (const secret of secrets) expect(value).not.toContain(secret);
    }
    for (const key of found.keys.filter((k) => k.type === 'private')) {
      expect(key).toEqual({ type: 'private', extractable: false, exportable: false });
    }
  }
}

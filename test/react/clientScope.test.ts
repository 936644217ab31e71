import { describe, expect, it, vi } from 'vitest';
import type { Profile, SessionClient } from '../../src/client/types';
import { clientScope } from '../../src/react/clientScope';

// Only its identity matters to the scope.
const aClient = () => ({}) as SessionClient<Profile>;

describe('clientScope', () => {
  it('names one client alike every time, and two clients apart', () => {
    const one = aClient();
    const two = aClient();
    expect(clientScope(one)).toBe(clientScope(one));
    expect(clientScope(one)).not.toBe(clientScope(two));
  });

  it('names a client alike whichever copy of the package asks (ESM and CJS)', async () => {
    const client = aClient();
    const name = clientScope(client);
    vi.resetModules();
    const copy = await import('../../src/react/clientScope');
    expect(copy.clientScope).not.toBe(clientScope);
    expect(copy.clientScope(client)).toBe(name);
    expect(copy.clientScope(aClient())).not.toBe(name);
  });
});

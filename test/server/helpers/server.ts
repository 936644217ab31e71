import { createSessionServer, type SessionServerOptions } from '../../../src/server';
import { createClock, USER } from './device';

/** A fresh server on an injected clock, rate limits off unless asked. */
export function createTestServer(options: SessionServerOptions = {}) {
  const clock = createClock();
  const server = createSessionServer({
    users: [
      { id: 'usr_ada', ...USER, profile: { name: 'Ada' } },
      { id: 'usr_bob', identifier: 'bob@example.com', password: 'hunter2' },
    ],
    rateLimit: false,
    now: clock.now,
    ...options,
  });
  return { server, clock };
}

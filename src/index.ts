// The convenience entry: React bindings, the sessions table, and the client.
// tsup adds a "use client" directive to its built files.
export * from './react';
export * from './components';
export { createSessionClient } from './client/sessionClient';
export * from './client/errors';
export type * from './client/types';

// The convenience entry: React bindings, the sessions table, and the whole API of the
// `react-dpop-session/client` entry (test/packaging checks that nothing is missing).
// tsup adds a "use client" directive to its built files.
//
// The client's modules are re-exported directly, not through src/client/index.ts:
// importing one entry from another makes esbuild split that entry into an empty chunk.
export * from './react';
export * from './components';
export { createSessionClient } from './client/sessionClient';
export * from './client/errors';
export type * from './client/types';

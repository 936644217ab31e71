// errors.ts and types.ts hold exactly the public API of their kind: re-export them whole,
// here and from the root entry, so no list of names is kept twice.
export { createSessionClient } from './sessionClient';
export * from './errors';
export type * from './types';

// Public library API of mopt.
export { MoptError } from './errors.js';
export type { SourceLoc, SourceRef } from './errors.js';
export * from './recipe/pyvalue.js';
export type * from './recipe/types.js';

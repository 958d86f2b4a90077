export * from './bitstring.js';
export * from './checker.js';
export * from './list-credential.js';

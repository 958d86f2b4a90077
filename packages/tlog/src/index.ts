export * from './checkpoint.js';
export * from './compact-range.js';
export * from './hash.js';
export * from './node-id.js';
export * from './note.js';
export * from './proofs.js';
export * from './verify.js';

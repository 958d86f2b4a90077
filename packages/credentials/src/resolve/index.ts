export * from './did-key.js';
export * from './did-web.js';
export * from './fetcher.js';
export * from './resolver.js';
export * from './trust-store.js';
export * from './verification-method.js';

export * from './achievements.js';
export * from './api-keys.js';
export * from './deps.js';
export * from './issue.js';
export type * from './ports.js';
export { SCOPES } from './ports.js';
export * from './sealing.js';
export * from './tenants.js';

export { createApp } from './app.js';
export { type ComposeOptions, composeDeps } from './compose.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export { createLogger } from './logger.js';
export { ROUTES } from './routes/index.js';
export type { AnyRoute, ServerDeps } from './routes/route.js';
export { DEMO_ACHIEVEMENTS, demoIssueBody, ensureDemo } from './seed.js';
export { type RunningServer, startServer } from './server.js';

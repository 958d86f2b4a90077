export { CONTEXT_PINS } from './context-pins.js';
export { type BundledContextUrl, CONTEXTS } from './context-urls.js';
export {
  bundledContextRegistry,
  type ContextRegistry,
  createContextRegistry,
  verifyContextPins,
} from './registry.js';

import { uuidv7 } from '@tessera/core';
import type { AppDeps } from './deps.js';

/** A new UUIDv7 from the injected clock and randomness. */
export const newId = (deps: Pick<AppDeps, 'crypto' | 'now'>): string =>
  uuidv7(deps.now().getTime(), deps.crypto.randomBytes(10));

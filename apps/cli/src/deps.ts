import { bundledContextRegistry, verifyContextPins } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';

/** The CLI composes the isomorphic libraries with node:crypto, the fast path on this runtime. */
export const crypto = createNodeCrypto();

let pins: Promise<void> | undefined;
/** Checks once per process that every bundled JSON-LD context still matches its pinned hash. */
export const checkContextPins = (): Promise<void> => {
  pins ??= verifyContextPins(bundledContextRegistry(), crypto);
  return pins;
};

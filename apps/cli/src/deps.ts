import { createNodeCrypto } from '@tessera/crypto-node';

/** The CLI composes the isomorphic libraries with node:crypto, the fast path on this runtime. */
export const crypto = createNodeCrypto();

import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { createSignCryptosuite, createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as rdfcSuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPeerDocumentLoader } from '../../../test-support/digitalbazaar-loader.mjs';
import {
  bundledContextRegistry,
  didKeyDocument,
  exportSigningKey,
  issueCredential,
  type SigningKey,
} from '../src/index.js';
import { benchCredential, crypto, newIssuerKey, verifierWith } from './support.js';

/**
 * Interoperability with the reference JavaScript implementation (@digitalbazaar/vc and its
 * eddsa cryptosuites): what Tessera issues verifies there, and what it issues verifies here.
 * Its document loader serves only our bundled contexts and did:key documents: no network.
 */
const documentLoader = createPeerDocumentLoader({ registry: bundledContextRegistry(), didKeyDocument });

// eddsa-jcs-2022 ships separate sign and verify cryptosuite factories; eddsa-rdfc-2022 one object.
const suites = {
  'eddsa-rdfc-2022': { sign: rdfcSuite, verify: rdfcSuite },
  'eddsa-jcs-2022': { sign: createSignCryptosuite(), verify: createVerifyCryptosuite() },
} as const;
let key: SigningKey;

beforeAll(async () => {
  key = await newIssuerKey();
});

describe.each(Object.keys(suites) as (keyof typeof suites)[])(
  '%s interoperability with @digitalbazaar/vc',
  (name) => {
    it('a credential issued by Tessera verifies with @digitalbazaar/vc', async () => {
      const credential = await issueCredential({ crypto }, key, benchCredential(key.controller), {
        format: name,
      });
      const suite = new DataIntegrityProof({ cryptosuite: suites[name].verify });
      const result = await vc.verifyCredential({
        credential,
        suite,
        documentLoader,
        checkStatus: async () => ({ verified: true }),
      });
      expect(result.error?.errors?.map((e: Error) => e.message) ?? result.error?.message).toBeUndefined();
      expect(result.verified).toBe(true);
    });

    it('a credential issued by @digitalbazaar/vc verifies with Tessera', async () => {
      const keyPair = await Ed25519Multikey.from(exportSigningKey(key, { includeSecret: true }));
      const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: suites[name].sign });
      const credential = await vc.issue({
        credential: benchCredential(key.controller),
        suite,
        documentLoader,
      });
      const report = await verifierWith().verifyCredential(credential);
      expect(report.checks.filter((c) => !c.ok && !c.skipped)).toEqual([]);
      expect(report.verified).toBe(true);
      expect(report.format).toBe(name);
    });

    it('a credential issued by @digitalbazaar/vc and then tampered fails in both verifiers', async () => {
      const keyPair = await Ed25519Multikey.from(exportSigningKey(key, { includeSecret: true }));
      const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: suites[name].sign });
      const credential = await vc.issue({
        credential: benchCredential(key.controller),
        suite,
        documentLoader,
      });
      credential.credentialSubject.achievement.name = 'Soldering (forged)';
      expect((await verifierWith().verifyCredential(credential)).verified).toBe(false);
      const theirs = await vc.verifyCredential({
        credential,
        suite: new DataIntegrityProof({ cryptosuite: suites[name].verify }),
        documentLoader,
        checkStatus: async () => ({ verified: true }),
      });
      expect(theirs.verified).toBe(false);
    });
  },
);

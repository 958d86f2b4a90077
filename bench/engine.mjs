/**
 * `npm run bench`: the credential engine against the reference peer and the physical floor.
 * Issues and verifies the same OB 3.0 credential (one rubric result, two evidence items) in each
 * proof format; measures @digitalbazaar/vc on the same credential and suites, and raw node:crypto
 * Ed25519 sign/verify. `--json` prints the results as a JSON array.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { createSignCryptosuite, createVerifyCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as rdfcSuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {
  bundledContextRegistry,
  createVerifier,
  didKeyDocument,
  exportSigningKey,
  generateDidKey,
  issueCredential,
} from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import { createPeerDocumentLoader } from '../test-support/digitalbazaar-loader.mjs';
import { measure, printTable, ratio } from './measure.mjs';

const json = process.argv.includes('--json');
const crypto = createNodeCrypto();
const key = await generateDidKey(crypto);
const template = JSON.parse(
  readFileSync(new URL('../test-support/bench-credential.json', import.meta.url), 'utf8'),
);
template.issuer.id = key.controller;
const unsigned = () => structuredClone(template);
const verifier = createVerifier({ crypto });

const cases = [];
const secured = {};
for (const format of ['eddsa-jcs-2022', 'vc-jwt', 'eddsa-rdfc-2022']) {
  secured[format] = await issueCredential({ crypto }, key, unsigned(), { format });
  const check = await verifier.verifyCredential(secured[format]);
  if (!check.verified)
    throw new Error(`bench credential (${format}) does not verify: ${JSON.stringify(check.checks)}`);
  cases.push({
    name: `tessera/${format}/issue`,
    fn: () => issueCredential({ crypto }, key, unsigned(), { format }),
  });
  cases.push({ name: `tessera/${format}/verify`, fn: () => verifier.verifyCredential(secured[format]) });
}

const documentLoader = createPeerDocumentLoader({ registry: bundledContextRegistry(), didKeyDocument });
const peerKey = await Ed25519Multikey.from(exportSigningKey(key, { includeSecret: true }));
for (const [name, signing, verifying] of [
  ['eddsa-jcs-2022', createSignCryptosuite(), createVerifyCryptosuite()],
  ['eddsa-rdfc-2022', rdfcSuite, rdfcSuite],
]) {
  const signSuite = new DataIntegrityProof({ signer: peerKey.signer(), cryptosuite: signing });
  const verifySuite = new DataIntegrityProof({ cryptosuite: verifying });
  const theirs = await vc.issue({ credential: unsigned(), suite: signSuite, documentLoader });
  const ok = await vc.verifyCredential({
    credential: theirs,
    suite: verifySuite,
    documentLoader,
    checkStatus: async () => ({ verified: true }),
  });
  if (!ok.verified) throw new Error(`peer ${name} credential does not verify`);
  cases.push({
    name: `digitalbazaar/${name}/issue`,
    fn: () => vc.issue({ credential: unsigned(), suite: signSuite, documentLoader }),
  });
  cases.push({
    name: `digitalbazaar/${name}/verify`,
    fn: () =>
      vc.verifyCredential({
        credential: theirs,
        suite: verifySuite,
        documentLoader,
        checkStatus: async () => ({ verified: true }),
      }),
  });
}

const raw = generateKeyPairSync('ed25519');
const message = new Uint8Array(64).fill(7);
const rawSig = sign(null, message, raw.privateKey);
cases.push({ name: 'node-crypto/ed25519/sign', fn: async () => sign(null, message, raw.privateKey) });
cases.push({
  name: 'node-crypto/ed25519/verify',
  fn: async () => verify(null, message, raw.publicKey, rawSig),
});

const results = await measure(cases);
if (json) {
  console.log(
    JSON.stringify(
      results.map(({ samples, ...r }) => r),
      null,
      2,
    ),
  );
} else {
  console.log(
    `engine benchmark: node ${process.version}, ${(await import('node:os')).cpus()[0]?.model ?? 'cpu'} ×${(await import('node:os')).cpus().length}\n`,
  );
  printTable(results, [
    ratio(results, 'tessera/eddsa-jcs-2022/verify', 'node-crypto/ed25519/verify', 0.6),
    ratio(results, 'tessera/vc-jwt/verify', 'node-crypto/ed25519/verify', 0.6),
    ratio(results, 'tessera/eddsa-rdfc-2022/verify', 'digitalbazaar/eddsa-rdfc-2022/verify', 2),
    ratio(results, 'tessera/eddsa-jcs-2022/verify', 'digitalbazaar/eddsa-jcs-2022/verify', 1),
    ratio(results, 'tessera/eddsa-rdfc-2022/issue', 'digitalbazaar/eddsa-rdfc-2022/issue', 1),
    ratio(results, 'tessera/eddsa-jcs-2022/issue', 'digitalbazaar/eddsa-jcs-2022/issue', 1),
  ]);
}

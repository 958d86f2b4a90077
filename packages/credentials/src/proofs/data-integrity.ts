import {
  type CryptoProvider,
  canonicalize,
  concatBytes,
  multibaseDecode,
  multibaseEncode,
  TesseraError,
  verifyEd25519Strict,
} from '@tessera/core';
import type { ContextRegistry } from '../contexts/index.js';
import type { SigningKey } from '../keys/key-pair.js';
import { canonicalizeRdfc } from '../rdf/index.js';
import type { Cryptosuite, DataIntegrityProof, VerifiableSuite } from './formats.js';

export interface ProofDeps {
  readonly crypto: CryptoProvider;
  readonly contexts: ContextRegistry;
}

type Json = Record<string, unknown>;

/** Which canonicalization a proof uses: RDFC-1.0 over JSON-LD, or RFC 8785 JCS. */
const transformOf = (suite: VerifiableSuite): 'rdfc' | 'jcs' => (suite === 'eddsa-jcs-2022' ? 'jcs' : 'rdfc');

/** The suite a proof claims, or undefined when it is not one we implement. */
export function suiteOf(proof: { type?: unknown; cryptosuite?: unknown }): VerifiableSuite | undefined {
  if (proof.type === 'Ed25519Signature2020') return 'Ed25519Signature2020';
  if (proof.type !== 'DataIntegrityProof') return undefined;
  const c = proof.cryptosuite;
  return c === 'eddsa-rdfc-2022' || c === 'eddsa-jcs-2022' || c === 'eddsa-2022' ? c : undefined;
}

async function canonicalText(deps: ProofDeps, transform: 'rdfc' | 'jcs', doc: Json): Promise<string> {
  return transform === 'jcs' ? canonicalize(doc) : canonicalizeRdfc(doc, { registry: deps.contexts });
}

/**
 * VC DI EdDSA sections 3.2.4-3.2.6 / 3.3.4-3.3.6: hashData = SHA-256(canonical proof config) ||
 * SHA-256(canonical document). The two canonicalizations run concurrently (RDFC may be async).
 */
export async function hashData(
  deps: ProofDeps,
  suite: VerifiableSuite,
  unsecured: Json,
  proofConfig: Json,
): Promise<Uint8Array> {
  const transform = transformOf(suite);
  const [configText, docText] = await Promise.all([
    canonicalText(deps, transform, proofConfig),
    canonicalText(deps, transform, unsecured),
  ]);
  // Hash the canonical text as UTF-8 (the port encodes; Node hashes strings without a copy).
  const [configHash, docHash] = await Promise.all([
    deps.crypto.sha256(configText),
    deps.crypto.sha256(docText),
  ]);
  return concatBytes(configHash, docHash);
}

export interface SignOptions {
  cryptosuite: Cryptosuite;
  key: SigningKey;
  proofPurpose: 'assertionMethod' | 'authentication';
  /** ISO-8601 UTC with seconds. */
  created: string;
  challenge?: string;
  domain?: string;
}

/** Adds a DataIntegrityProof to `document` (which must not already carry one). */
export async function signDataIntegrity<T extends Json>(
  deps: ProofDeps,
  document: T,
  options: SignOptions,
): Promise<T & { proof: DataIntegrityProof }> {
  if ('proof' in document) throw new TesseraError('INPUT_INVALID', 'the document already has a proof');
  const proofConfig: Json = {
    type: 'DataIntegrityProof',
    cryptosuite: options.cryptosuite,
    created: options.created,
    verificationMethod: options.key.id,
    proofPurpose: options.proofPurpose,
  };
  if (options.challenge !== undefined) proofConfig.challenge = options.challenge;
  if (options.domain !== undefined) proofConfig.domain = options.domain;
  if (document['@context'] !== undefined) proofConfig['@context'] = document['@context'];
  const data = await hashData(deps, options.cryptosuite, document, proofConfig);
  const signature = await deps.crypto.ed25519Sign(options.key.secretKey, data);
  const proof = {
    ...proofConfig,
    proofValue: multibaseEncode(signature, 'base58btc'),
  } as unknown as DataIntegrityProof;
  // eddsa-rdfc-2022 proofs do not repeat the document's @context (the vectors' signed form);
  // eddsa-jcs-2022 proofs keep it, since JCS verification re-derives the document context from it.
  if (options.cryptosuite === 'eddsa-rdfc-2022') delete proof['@context'];
  return { ...document, proof };
}

export type ProofSignatureResult = 'valid' | 'invalid' | 'non-canonical' | 'weak-key';

/** Decodes a proofValue: multibase base58btc, 64 bytes. */
export function decodeProofValue(proofValue: unknown): Uint8Array {
  if (typeof proofValue !== 'string' || !proofValue.startsWith('z')) {
    throw new TesseraError('PROOF_VALUE_INVALID', 'proofValue must be a base58btc multibase string (z…)');
  }
  let signature: Uint8Array;
  try {
    signature = multibaseDecode(proofValue);
  } catch (e) {
    throw new TesseraError(
      'PROOF_VALUE_INVALID',
      `proofValue is not valid base58btc: ${(e as Error).message}`,
    );
  }
  if (signature.length !== 64) {
    throw new TesseraError(
      'PROOF_VALUE_INVALID',
      `proofValue decodes to ${signature.length} bytes; Ed25519 signatures are 64`,
    );
  }
  return signature;
}

/**
 * Checks one proof's signature over `unsecured` (the document without its proof). Structural checks
 * of the proof (purpose, method, suite policy) happen in the verifier; this is the cryptography.
 */
export async function verifyDataIntegritySignature(
  deps: ProofDeps,
  unsecured: Json,
  proof: DataIntegrityProof,
  suite: VerifiableSuite,
  publicKey: Uint8Array,
): Promise<ProofSignatureResult> {
  const signature = decodeProofValue(proof.proofValue);
  const { proofValue: _omit, ...proofOptions } = proof as unknown as Json;
  const document: Json = { ...unsecured };
  if (suite === 'eddsa-jcs-2022' && proofOptions['@context'] !== undefined) {
    // VC DI EdDSA 3.3.2: the document's @context must start with the proof's, which then stands in for it.
    const docContext = asArray(unsecured['@context']);
    const proofContext = asArray(proofOptions['@context']);
    if (!proofContext.every((c, i) => canonicalize(c) === canonicalize(docContext[i]))) return 'invalid';
    document['@context'] = proofOptions['@context'];
  } else if (document['@context'] !== undefined) {
    proofOptions['@context'] = document['@context'];
  }
  const data = await hashData(deps, suite, document, proofOptions);
  return verifyEd25519Strict(deps.crypto, publicKey, data, signature);
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

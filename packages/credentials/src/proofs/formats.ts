/** The proof formats Tessera issues. */
export const PROOF_FORMATS = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'] as const;
export type ProofFormat = (typeof PROOF_FORMATS)[number];
export const DEFAULT_PROOF_FORMAT: ProofFormat = 'eddsa-rdfc-2022';

export const isProofFormat = (v: unknown): v is ProofFormat => PROOF_FORMATS.includes(v as ProofFormat);

/** Data Integrity cryptosuites Tessera signs with. */
export type Cryptosuite = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022';

/**
 * Everything the verifier can check. `eddsa-2022` is the pre-2023 name of eddsa-rdfc-2022 (same
 * algorithm) and `Ed25519Signature2020` the older proof type; OB 3.0 credentials in the wild still
 * carry both, so they verify (never issued).
 */
export const VERIFIABLE_SUITES = [
  'eddsa-rdfc-2022',
  'eddsa-jcs-2022',
  'eddsa-2022',
  'Ed25519Signature2020',
] as const;
export type VerifiableSuite = (typeof VERIFIABLE_SUITES)[number];

export const DEFAULT_ALLOWED_SUITES: readonly VerifiableSuite[] = VERIFIABLE_SUITES;

export interface DataIntegrityProof {
  '@context'?: unknown;
  id?: string;
  type: string;
  cryptosuite?: string;
  created?: string;
  expires?: string;
  verificationMethod: string;
  proofPurpose: string;
  proofValue: string;
  challenge?: string;
  domain?: string | string[];
  nonce?: string;
  previousProof?: string | string[];
}

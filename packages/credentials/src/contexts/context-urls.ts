/** URLs of every JSON-LD context Tessera bundles (and therefore the only ones it will process). */
export const CONTEXTS = {
  VC_V2: 'https://www.w3.org/ns/credentials/v2',
  VC_V1: 'https://www.w3.org/2018/credentials/v1',
  VC_EXAMPLES_V2: 'https://www.w3.org/ns/credentials/examples/v2',
  /** OB 3.0 context as finalised in Nov 2022 (the URL many issued badges still name). */
  OB_V3P0_3_0_0: 'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  OB_V3P0_3_0_1: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  OB_V3P0_3_0_2: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  /** The OB 3.0 context Tessera issues with. */
  OB_V3P0: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  OB_EXTENSIONS: 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  DATA_INTEGRITY_V1: 'https://w3id.org/security/data-integrity/v1',
  DATA_INTEGRITY_V2: 'https://w3id.org/security/data-integrity/v2',
  MULTIKEY_V1: 'https://w3id.org/security/multikey/v1',
  ED25519_2020_V1: 'https://w3id.org/security/suites/ed25519-2020/v1',
} as const;

export type BundledContextUrl = (typeof CONTEXTS)[keyof typeof CONTEXTS];

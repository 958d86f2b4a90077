import { CONTEXTS } from './context-urls.js';

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of every bundled context document. A dependency
 * upgrade that changes a document changes what signed credentials mean, so `verifyContextPins`
 * refuses it until someone reviews the change and updates the pin here.
 */
export const CONTEXT_PINS: Readonly<Record<string, string>> = {
  [CONTEXTS.VC_V2]: 'b463c8d6a066214123ddd9827b135e1b50e1fc73322cc52a9b12a4f1fc7d86cf',
  [CONTEXTS.VC_V1]: 'b01e671e873981f19a9102a9a57f666dbcaeb31b99e3e124378d143e71549247',
  [CONTEXTS.VC_EXAMPLES_V2]: '8a675bead391be98e6054c4e07c41f73337508d398e07047344c5d349aa2dc58',
  [CONTEXTS.OB_V3P0_3_0_0]: '2c54acaa1cffda2420be32ab61f0a2082051211131c6337686f36f2537aa859b',
  [CONTEXTS.OB_V3P0_3_0_1]: '8bb2354552b70cbdf2066f6d3e24bc5c2be2619145737580ad2aebdc366e77d5',
  [CONTEXTS.OB_V3P0_3_0_2]: 'bdd1d11a55a660322f24660862a1d430ee80cce584465f750909daa43684357c',
  [CONTEXTS.OB_V3P0]: 'c5e555a91a5cf48e32ae0a05674c61ddd5c053b680b5643b2f57f9965e386d99',
  [CONTEXTS.OB_EXTENSIONS]: '15f4c347c6fe4380d9b6b93795859e33747ef48d5c55b91a71c52fb51c7bcbd7',
  [CONTEXTS.DATA_INTEGRITY_V1]: '9505bf85338a4c2121ad03992ac90061bc85d43bcfa34d9d47b779381cf08b5f',
  [CONTEXTS.DATA_INTEGRITY_V2]: '7ba3c50acf2689d5e07927267343eb353249c7c22a9f2d00307cc970e855e305',
  [CONTEXTS.MULTIKEY_V1]: 'be20c3ee6af6e9c4102e66a85c26617831218e32216bdf050f870e389e737cdc',
  [CONTEXTS.ED25519_2020_V1]: 'fb517f09d990829aed734c9bad8cbbb2ac3d5063b865c7e3d81f246074bf5691',
};

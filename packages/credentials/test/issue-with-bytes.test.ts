import { createHash } from 'node:crypto';
import { canonicalize, utf8Decode } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import {
  commitmentOfBytes,
  credentialBytes,
  generateDidKey,
  issuanceCommitment,
  issueCredentialWithBytes,
} from '../src/index.js';
import { benchCredential, crypto } from './support.js';

const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest());

describe('issueCredentialWithBytes (the bytes a log commitment digests, from the signing)', () => {
  it.each(['eddsa-jcs-2022', 'eddsa-rdfc-2022', 'vc-jwt'] as const)(
    '%s: the bytes are exactly credentialBytes(secured), so the commitment matches a verifier’s',
    async (format) => {
      const key = await generateDidKey(crypto);
      const unsigned = benchCredential(key.controller);
      const { secured, bytes } = await issueCredentialWithBytes({ crypto }, key, unsigned, { format });
      expect(bytes).toStrictEqual(credentialBytes(secured));
      if (typeof secured !== 'string') expect(utf8Decode(bytes)).toBe(canonicalize(secured));
      const salt = new Uint8Array(32).fill(9);
      expect(commitmentOfBytes(sha256, salt, bytes)).toBe(await issuanceCommitment(crypto, salt, secured));
    },
  );
});

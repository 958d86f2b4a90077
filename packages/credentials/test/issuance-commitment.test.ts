import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  commitmentOfBytes,
  credentialBytes,
  generateDidKey,
  issuanceCommitment,
  issueCredential,
} from '../src/index.js';
import { benchCredential, crypto } from './support.js';

const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest());

describe('commitmentOfBytes (the issuing path) and issuanceCommitment (the verifier) agree', () => {
  it.each(['eddsa-jcs-2022', 'eddsa-rdfc-2022', 'vc-jwt'] as const)(
    '%s: the same salted commitment from the same credential, another for another salt',
    async (format) => {
      const key = await generateDidKey(crypto);
      const secured = await issueCredential({ crypto }, key, benchCredential(key.controller), { format });
      const salt = new Uint8Array(32).fill(9);
      const mine = commitmentOfBytes(sha256, salt, credentialBytes(secured));
      expect(mine).toBe(await issuanceCommitment(crypto, salt, secured));
      expect(commitmentOfBytes(sha256, new Uint8Array(32).fill(8), credentialBytes(secured))).not.toBe(mine);
      expect(() => commitmentOfBytes(sha256, new Uint8Array(31), credentialBytes(secured))).toThrow(
        /32 bytes/,
      );
    },
  );
});

import { TesseraError, utf8Encode } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { HAVE_VECTORS, readVector, readVectorJson } from '../../../test-support/vectors.js';
import {
  createKeyResolver,
  decodeEd25519PublicMultikey,
  decodeStatusList,
  type Fetcher,
  parseTrustStore,
  readBit,
  readStatusEntries,
  type VerificationReport,
} from '../src/index.js';
import { verifierWith } from './support.js';

/**
 * 1EdTech's revoked OB 3.0 credentials with the Bitstring Status List beside them
 * (ob30/bit-string-list/, read in place). The entry points at the list's raw.githubusercontent.com
 * URL; a local fetcher serves `testlist` there, so nothing leaves this machine. Credential and list
 * are signed with the key at https://1edtech.edu/issuers/565049#z6Mk…, which we cannot fetch: it is
 * pinned, as in vectors-ob30.test.ts (the key is the method's Multikey fragment).
 *
 * Two things in these files differ from a Tessera-issued list, both handled without weakening a check:
 * - `statusListIndex` is the JSON number 23; Bitstring Status List v1.0 §2.1 says a base-10 string.
 *   The entry reader accepts a non-negative safe-integer number too (the value is signed, so it
 *   cannot be rewritten).
 * - The list's `id` (https://example.com/credentials/status/3) is not the URL it is published at;
 *   the checker does not require them to match, so this does not matter here.
 */
const DIR = ['ob30', 'bit-string-list'] as const;
const REVOKED = ['credential-status-revoked.json', 'credential-status-revoked-blank-nodes.json'];

type Json = Record<string, unknown>;
const failures = (r: VerificationReport) =>
  r.checks.filter((c) => !c.ok && !c.skipped).map((c) => `${c.check}:${c.code}: ${c.message}`);

describe.skipIf(!HAVE_VECTORS)(
  '1EdTech OB 3.0 revoked credentials against their Bitstring Status List',
  () => {
    const list = () => readVectorJson<Json & { credentialSubject: Json; proof: Json[] }>(...DIR, 'testlist');
    const statusUrl = (file: string) =>
      (readVectorJson<Json>(...DIR, file).credentialStatus as { statusListCredential: string })
        .statusListCredential;

    function pinnedKeys() {
      const keys = new Map<string, { id: string; type: string; publicKeyMultibase: string }>();
      for (const doc of [list(), ...REVOKED.map((f) => readVectorJson<Json>(...DIR, f))])
        for (const p of [doc.proof].flat() as { verificationMethod: string }[]) {
          const fragment = p.verificationMethod.split('#')[1] ?? '';
          decodeEd25519PublicMultikey(fragment);
          keys.set(p.verificationMethod, {
            id: p.verificationMethod,
            type: 'Multikey',
            publicKeyMultibase: fragment,
          });
        }
      return parseTrustStore({ keys: [...keys.values()] });
    }

    /** Serves `testlist`, byte for byte as stored, at `url`; everything else is a 404. */
    function listServer(url: string) {
      const calls: string[] = [];
      const fetcher: Fetcher = async (asked) => {
        calls.push(asked);
        if (asked !== url) throw new TesseraError('FETCH_FAILED', `${asked} answered HTTP 404`);
        return { url, contentType: 'application/json', body: utf8Encode(readVector(...DIR, 'testlist')) };
      };
      return { calls, fetcher };
    }

    const verifierFor = (fetcher: Fetcher) =>
      verifierWith({
        resolver: createKeyResolver({ trustStore: pinnedKeys() }),
        now: () => new Date('2026-11-23T00:00:00Z'),
        status: { fetcher },
      });

    it('both credentials point at the same list, revocation index 23', () => {
      for (const file of REVOKED) {
        const [entry] = readStatusEntries(readVectorJson<Json>(...DIR, file).credentialStatus);
        expect(entry).toMatchObject({
          statusPurpose: 'revocation',
          statusListIndex: 23,
          statusSize: 1,
          statusListCredential:
            'https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist',
        });
      }
      expect(statusUrl(REVOKED[1]!)).toBe(statusUrl(REVOKED[0]!));
    });

    it('testlist is a BitstringStatusListCredential of 131,072 entries with only bit 23 set', () => {
      const vc = list();
      expect(vc.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
      expect(vc.credentialSubject).toMatchObject({
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
      });
      const bits = decodeStatusList(vc.credentialSubject.encodedList as string);
      expect(bits.length * 8).toBe(131_072);
      const set: number[] = [];
      bits.forEach((byte, i) => {
        for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) set.push(i * 8 + b);
      });
      expect(set).toEqual([23]);
      expect(readBit(bits, 23)).toBe(true);
    });

    it('testlist verifies on its own with the issuer key pinned (so a revocation is not a list failure)', async () => {
      const report = await verifierFor(listServer('https://unused.example/').fetcher).verifyCredential(
        list(),
      );
      expect(failures(report)).toEqual([]);
      expect(report.verified).toBe(true);
      expect(report.issuer).toBe('https://1edtech.edu/issuers/565049');
    });

    it.each(REVOKED)(
      '%s is reported STATUS_REVOKED against testlist, every other check passing',
      async (file) => {
        const server = listServer(statusUrl(file));
        const report = await verifierFor(server.fetcher).verifyCredential(readVector(...DIR, file));
        expect(report.verified).toBe(false);
        const status = report.checks.find((c) => c.check === 'status');
        expect(status).toMatchObject({ ok: false, code: 'STATUS_REVOKED' });
        expect(status?.message).toContain('index 23');
        expect(failures(report)).toEqual([`status:STATUS_REVOKED: ${status?.message}`]);
        expect(report.checks.find((c) => c.check === 'signature')?.ok).toBe(true);
        expect(server.calls).toEqual([statusUrl(file)]);
      },
    );

    it('with the list unreachable the status is STATUS_UNAVAILABLE, never a pass', async () => {
      const report = await verifierFor(listServer('https://elsewhere.example/').fetcher).verifyCredential(
        readVector(...DIR, REVOKED[0]!),
      );
      expect(report.checks.find((c) => c.check === 'status')?.code).toBe('STATUS_UNAVAILABLE');
      expect(report.verified).toBe(false);
    });
  },
);

import { beforeAll, describe, expect, it } from 'vitest';
import { createPresentation, issueCredential, type SigningKey } from '../src/index.js';
import { benchCredential, crypto, newIssuerKey, verifierWith } from './support.js';

const verifier = verifierWith();
const expected = { challenge: 'c-8d2f1b', domain: 'https://employer.example' };
let issuer: SigningKey;
let holder: SigningKey;
let credentials: (Record<string, unknown> | string)[];

beforeAll(async () => {
  issuer = await newIssuerKey();
  holder = await newIssuerKey();
  credentials = [
    (await issueCredential({ crypto }, issuer, benchCredential(issuer.controller), {
      format: 'eddsa-rdfc-2022',
    })) as Record<string, unknown>,
    (await issueCredential({ crypto }, issuer, benchCredential(issuer.controller), {
      format: 'vc-jwt',
    })) as string,
  ];
});

describe('verifiable presentations', () => {
  it.each(['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const)(
    'a %s presentation by the holder, for this challenge and domain, verifies with every credential',
    async (cryptosuite) => {
      const vp = await createPresentation({ crypto }, { key: holder, credentials, cryptosuite, ...expected });
      const report = await verifier.verifyPresentation(vp, expected);
      expect(report.checks.filter((c) => !c.ok && !c.skipped)).toEqual([]);
      expect(report.verified).toBe(true);
      expect(report.credentials.map((r) => r.verified)).toEqual([true, true]);
      expect(report.holder).toBe(holder.controller);
    },
  );

  it('fails with PRESENTATION_CHALLENGE_MISMATCH for another challenge (replay)', async () => {
    const vp = await createPresentation({ crypto }, { key: holder, credentials, ...expected });
    const report = await verifier.verifyPresentation(vp, { ...expected, challenge: 'other' });
    expect(report.checks.find((c) => c.check === 'challenge')?.code).toBe('PRESENTATION_CHALLENGE_MISMATCH');
    expect(report.verified).toBe(false);
  });

  it('fails with PRESENTATION_DOMAIN_MISMATCH for another domain', async () => {
    const vp = await createPresentation({ crypto }, { key: holder, credentials, ...expected });
    const report = await verifier.verifyPresentation(vp, { ...expected, domain: 'https://other.example' });
    expect(report.checks.find((c) => c.check === 'domain')?.code).toBe('PRESENTATION_DOMAIN_MISMATCH');
  });

  it('fails with PRESENTATION_HOLDER_MISMATCH when someone else signs for the holder', async () => {
    const vp = await createPresentation(
      { crypto },
      { key: { ...issuer, controller: holder.controller }, credentials, ...expected },
    );
    const report = await verifier.verifyPresentation(vp, expected);
    expect(report.checks.find((c) => c.check === 'holder')?.code).toBe('PRESENTATION_HOLDER_MISMATCH');
    expect(report.verified).toBe(false);
  });

  it('fails with PRESENTATION_CREDENTIAL_INVALID when an embedded credential was tampered', async () => {
    const tampered = structuredClone(credentials[0]) as { credentialSubject: { id: string } };
    tampered.credentialSubject.id = 'did:example:someone-else';
    const vp = await createPresentation(
      { crypto },
      { key: holder, credentials: [tampered as unknown as Record<string, unknown>], ...expected },
    );
    const report = await verifier.verifyPresentation(vp, expected);
    expect(report.checks.find((c) => c.check === 'credentials')?.code).toBe(
      'PRESENTATION_CREDENTIAL_INVALID',
    );
    expect(report.credentials[0]?.verified).toBe(false);
  });

  it('fails when a credential is swapped after the holder signed', async () => {
    const vp = (await createPresentation({ crypto }, { key: holder, credentials, ...expected })) as Record<
      string,
      unknown
    >;
    const swapped = { ...vp, verifiableCredential: [(vp.verifiableCredential as unknown[])[1]] };
    const report = await verifier.verifyPresentation(swapped, expected);
    expect(report.checks.find((c) => c.check === 'signature')?.ok).toBe(false);
  });

  it('refuses to verify without an expected challenge and domain', async () => {
    const vp = await createPresentation({ crypto }, { key: holder, credentials, ...expected });
    await expect(verifier.verifyPresentation(vp, { challenge: '', domain: '' })).rejects.toMatchObject({
      code: 'USAGE_INVALID',
    });
  });

  it('reports a credential (not a presentation) as unusable input', async () => {
    const report = await verifier.verifyPresentation(credentials[0], expected);
    expect(report.usable).toBe(false);
  });
});

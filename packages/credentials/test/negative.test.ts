import { base64urlDecode, base64urlEncode, utf8Decode, utf8Encode } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueCredential, type SigningKey, type VerificationReport } from '../src/index.js';
import { benchCredential, crypto, newIssuerKey, verifierWith } from './support.js';

type Json = Record<string, unknown>;
const verifier = verifierWith();
const codeOf = (r: VerificationReport, check: string) => r.checks.find((c) => c.check === check)?.code;
const clone = <T>(v: T): T => structuredClone(v);

/** Every leaf path of a JSON value, for tampering each signed field in turn. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => leafPaths(v, [...path, k]));
}

function tamper(doc: Json, path: (string | number)[]): Json {
  const copy = clone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const v = node[last];
  node[last] =
    typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : 'x';
  return copy;
}

let key: SigningKey;
let other: SigningKey;
const signed: Record<'eddsa-rdfc-2022' | 'eddsa-jcs-2022', Json> = {} as never;
let jwt = '';

beforeAll(async () => {
  key = await newIssuerKey();
  other = await newIssuerKey();
  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const) {
    signed[format] = (await issueCredential({ crypto }, key, benchCredential(key.controller), {
      format,
    })) as Json;
  }
  jwt = (await issueCredential({ crypto }, key, benchCredential(key.controller), {
    format: 'vc-jwt',
  })) as string;
});

describe.each(['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const)(
  '%s: tampering is always detected',
  (format) => {
    it('verifies untampered (the baseline the negative cases depart from)', async () => {
      const report = await verifier.verifyCredential(signed[format]);
      expect(report.checks.filter((c) => !c.ok && !c.skipped)).toEqual([]);
      expect(report.verified).toBe(true);
    });

    it('fails when any signed field is changed, one field at a time', async () => {
      const { proof: _p, ...unsecured } = signed[format];
      const paths = leafPaths(unsecured).filter((p) => p[0] !== '@context');
      expect(paths.length).toBeGreaterThan(30);
      for (const path of paths) {
        const report = await verifier.verifyCredential({
          ...tamper(unsecured, path),
          proof: signed[format].proof,
        });
        expect(report.verified, `tampered ${path.join('/')}`).toBe(false);
        // Changing type/0 (VerifiableCredential) makes the input no credential at all: unusable, not checked.
        if (report.usable)
          expect(
            report.checks.find((c) => c.check === 'signature')?.ok,
            `signature after tampering ${path.join('/')}`,
          ).toBe(false);
        else expect(path).toEqual(['type', 0]);
      }
    });

    it('fails when a proof field is changed (created, verificationMethod fragment kept)', async () => {
      const doc = clone(signed[format]);
      (doc.proof as Json).created = '2020-01-01T00:00:00Z';
      expect(codeOf(await verifier.verifyCredential(doc), 'signature')).toBe('CREDENTIAL_SIGNATURE_INVALID');
    });

    it('reports PROOF_MISSING when the proof is removed', async () => {
      const { proof: _p, ...doc } = signed[format];
      const report = await verifier.verifyCredential(doc);
      expect(codeOf(report, 'proof')).toBe('PROOF_MISSING');
      expect(report.verified).toBe(false);
    });

    it('fails when the cryptosuite is swapped for the other EdDSA suite', async () => {
      const doc = clone(signed[format]);
      (doc.proof as Json).cryptosuite = format === 'eddsa-rdfc-2022' ? 'eddsa-jcs-2022' : 'eddsa-rdfc-2022';
      expect(codeOf(await verifier.verifyCredential(doc), 'signature')).toBe('CREDENTIAL_SIGNATURE_INVALID');
    });

    it('reports PROOF_TYPE_UNSUPPORTED for an unknown cryptosuite', async () => {
      const doc = clone(signed[format]);
      (doc.proof as Json).cryptosuite = 'ecdsa-rdfc-2019';
      expect(codeOf(await verifier.verifyCredential(doc), 'proof')).toBe('PROOF_TYPE_UNSUPPORTED');
    });

    it('fails with a signature made by another key under the same verification method', async () => {
      const forged = (await issueCredential(
        { crypto },
        { ...other, id: key.id, controller: key.controller },
        benchCredential(key.controller),
        { format },
      )) as Json;
      expect(codeOf(await verifier.verifyCredential(forged), 'signature')).toBe(
        'CREDENTIAL_SIGNATURE_INVALID',
      );
    });

    it('reports VERIFICATION_METHOD_NOT_AUTHORIZED when the key is not the issuer’s', async () => {
      const doc = (await issueCredential({ crypto }, key, benchCredential(key.controller), {
        format,
      })) as Json;
      const resigned = (await issueCredential(
        { crypto },
        other,
        { ...benchCredential(other.controller) },
        { format },
      )) as Json;
      const mixed = { ...doc, proof: resigned.proof };
      expect(codeOf(await verifier.verifyCredential(mixed), 'issuer')).toBe(
        'VERIFICATION_METHOD_NOT_AUTHORIZED',
      );
    });

    it('a context added after signing fails the signature when it changes the signed data', async () => {
      const doc = clone(signed[format]);
      (doc['@context'] as string[]).push('https://w3id.org/security/multikey/v1');
      const report = await verifier.verifyCredential(doc);
      if (format === 'eddsa-jcs-2022') {
        // JCS signs the JSON itself: any change to @context breaks the signature.
        expect(report.checks.find((c) => c.check === 'signature')?.code).toBe('CREDENTIAL_SIGNATURE_INVALID');
      } else {
        // RDFC signs the RDF graph: a context that defines no term the credential uses leaves the graph,
        // and so the signature, unchanged. That is the suite's semantics (and @digitalbazaar's too).
        expect(report.verified).toBe(true);
      }
    });

    it('a context added after signing that redefines protected terms is refused', async () => {
      const doc = clone(signed[format]);
      (doc['@context'] as string[]).push('https://www.w3.org/2018/credentials/v1');
      const report = await verifier.verifyCredential(doc);
      expect(report.verified).toBe(false);
      expect(report.checks.find((c) => c.check === 'signature')?.ok).toBe(false);
    });

    it('fails when the base context is altered (VC 2.0 replaced by VC 1.1)', async () => {
      const doc = clone(signed[format]);
      (doc['@context'] as string[])[0] = 'https://www.w3.org/2018/credentials/v1';
      expect((await verifier.verifyCredential(doc)).verified).toBe(false);
    });

    it('reports CONTEXT_UNKNOWN for a context outside the bundled set, and never fetches it', async () => {
      const doc = clone(signed[format]);
      (doc['@context'] as string[]).push('https://evil.example/context.jsonld');
      const report = await verifier.verifyCredential(doc);
      expect(codeOf(report, 'contexts')).toBe('CONTEXT_UNKNOWN');
      expect(report.verified).toBe(false);
    });

    it('reports CONTEXT_INVALID for an inline context object', async () => {
      const doc = clone(signed[format]);
      (doc['@context'] as unknown[]).push({ name: 'https://schema.org/name' });
      expect(codeOf(await verifier.verifyCredential(doc), 'contexts')).toBe('CONTEXT_INVALID');
    });

    it('reports VALIDITY_EXPIRED after validUntil (beyond the clock skew)', async () => {
      const v = verifierWith({ now: () => new Date('2036-01-15T09:32:00Z') });
      expect(codeOf(await v.verifyCredential(signed[format]), 'validity')).toBe('VALIDITY_EXPIRED');
    });

    it('accepts a credential that expired within the configured clock skew', async () => {
      const v = verifierWith({ now: () => new Date('2036-01-15T09:30:30Z'), clockSkewSeconds: 60 });
      expect((await v.verifyCredential(signed[format])).verified).toBe(true);
    });

    it('reports VALIDITY_NOT_YET_VALID before validFrom (beyond the clock skew)', async () => {
      const v = verifierWith({ now: () => new Date('2026-01-15T09:28:00Z') });
      expect(codeOf(await v.verifyCredential(signed[format]), 'validity')).toBe('VALIDITY_NOT_YET_VALID');
    });

    it('reports PROOF_PURPOSE_MISMATCH for a proof made for authentication', async () => {
      const doc = clone(signed[format]);
      (doc.proof as Json).proofPurpose = 'authentication';
      expect(codeOf(await verifier.verifyCredential(doc), 'proofPurpose')).toBe('PROOF_PURPOSE_MISMATCH');
    });

    it('reports PROOF_VALUE_INVALID for a proofValue that is not base58btc multibase', async () => {
      const doc = clone(signed[format]);
      (doc.proof as Json).proofValue = 'u' + base64urlEncode(new Uint8Array(64));
      expect(codeOf(await verifier.verifyCredential(doc), 'signature')).toBe('PROOF_VALUE_INVALID');
    });
  },
);

describe('vc-jwt: header and claim rules', () => {
  const parts = () => jwt.split('.') as [string, string, string];
  const header = () => JSON.parse(utf8Decode(base64urlDecode(parts()[0])));
  const withHeader = (h: Json, sig = parts()[2]) =>
    `${base64urlEncode(utf8Encode(JSON.stringify(h)))}.${parts()[1]}.${sig}`;

  it('verifies untampered', async () => {
    const report = await verifier.verifyCredential(jwt);
    expect(report.checks.filter((c) => !c.ok && !c.skipped)).toEqual([]);
    expect(report.format).toBe('vc+jwt');
  });

  it('fails when any payload field is changed, one field at a time', async () => {
    const payload = JSON.parse(utf8Decode(base64urlDecode(parts()[1])));
    for (const path of leafPaths(payload).filter((p) => p[0] !== '@context')) {
      const token = `${parts()[0]}.${base64urlEncode(utf8Encode(JSON.stringify(tamper(payload, path))))}.${parts()[2]}`;
      const report = await verifier.verifyCredential(token);
      expect(report.verified, `tampered ${path.join('/')}`).toBe(false);
    }
  });

  it('refuses alg "none" as JWT_ALG_NOT_ALLOWED', async () => {
    const report = await verifier.verifyCredential(withHeader({ ...header(), alg: 'none' }, ''));
    expect(codeOf(report, 'jwt')).toBe('JWT_ALG_NOT_ALLOWED');
    expect(report.verified).toBe(false);
  });

  it('refuses HS256 (a public key is never an HMAC secret)', async () => {
    expect(codeOf(await verifier.verifyCredential(withHeader({ ...header(), alg: 'HS256' })), 'jwt')).toBe(
      'JWT_ALG_NOT_ALLOWED',
    );
  });

  it('refuses an RS256 header over an Ed25519 key as JWT_KEY_MISMATCH', async () => {
    expect(
      codeOf(await verifier.verifyCredential(withHeader({ ...header(), alg: 'RS256' })), 'signature'),
    ).toBe('JWT_KEY_MISMATCH');
  });

  it('refuses a kid that names a key the issuer does not control', async () => {
    const report = await verifier.verifyCredential(withHeader({ ...header(), kid: other.id }));
    expect(codeOf(report, 'issuer')).toBe('JWT_KEY_MISMATCH');
    expect(report.verified).toBe(false);
  });

  it('refuses an algorithm the verifier was configured not to accept', async () => {
    const v = verifierWith({ allowedJwtAlgs: ['ES256'] });
    expect(codeOf(await v.verifyCredential(jwt), 'jwt')).toBe('JWT_ALG_NOT_ALLOWED');
  });

  it('reports a truncated JWT as unusable (JWT_MALFORMED) or as a failed signature, never a crash', async () => {
    for (const cut of [10, jwt.indexOf('.') + 5, jwt.length - 3]) {
      const report = await verifier.verifyCredential(jwt.slice(0, cut));
      expect(report.verified).toBe(false);
    }
    const r = await verifier.verifyCredential(`${parts()[0]}.${parts()[1]}`);
    expect(r.usable).toBe(false);
  });
});

describe('hostile input is refused cheaply with its own code', () => {
  it('truncated JSON is JSON_INVALID and unusable', async () => {
    const text = JSON.stringify(signed['eddsa-jcs-2022']);
    const report = await verifier.verifyCredential(text.slice(0, text.length / 2));
    expect(report.usable).toBe(false);
    expect(codeOf(report, 'input')).toBe('JSON_INVALID');
  });

  it('a 10 MB input is INPUT_TOO_LARGE', async () => {
    const big = JSON.stringify({ ...signed['eddsa-jcs-2022'], padding: 'x'.repeat(10 * 1024 * 1024) });
    const report = await verifier.verifyCredential(big);
    expect(codeOf(report, 'input')).toBe('INPUT_TOO_LARGE');
  });

  it('JSON nested 10,000 deep is INPUT_TOO_DEEP, as text and as an object', async () => {
    const text = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(codeOf(await verifier.verifyCredential(text), 'input')).toBe('INPUT_TOO_DEEP');
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(codeOf(await verifier.verifyCredential({ ...signed['eddsa-jcs-2022'], deep }), 'input')).toBe(
      'INPUT_TOO_DEEP',
    );
  });

  it('a JSON value that is not a credential is INPUT_INVALID and unusable', async () => {
    for (const v of ['[1,2]', '"text"', '{"type":"Thing"}', 'null']) {
      const report = await verifier.verifyCredential(v);
      expect(report.usable, v).toBe(false);
    }
  });
});

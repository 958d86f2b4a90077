import { TesseraError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { exampleOpenBadgeCredential } from '../../../../test-support/ob3-arbitraries.js';
import {
  parseAchievement,
  parseEndorsementCredential,
  parseEvidence,
  parseOpenBadgeCredential,
  parseResult,
  parseResults,
} from './parse.js';
import { parseVerifiablePresentation, validateVerifiablePresentation } from './presentation.js';

/** Runs `f`, expecting a TesseraError, and returns it. */
function thrown(f: () => unknown): TesseraError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return e as TesseraError;
  }
  throw new Error('expected a TesseraError');
}

const achievement = () => structuredClone(exampleOpenBadgeCredential().credentialSubject.achievement);

describe('parseOpenBadgeCredential', () => {
  it('returns the very object it was given when valid', () => {
    const doc = exampleOpenBadgeCredential();
    expect(parseOpenBadgeCredential(doc)).toBe(doc);
  });

  it('throws CREDENTIAL_INVALID with every bad field and a count in the message', () => {
    const doc = exampleOpenBadgeCredential() as unknown as Record<string, unknown>;
    delete doc.issuer;
    doc.validFrom = '2025-03-01';
    const e = thrown(() => parseOpenBadgeCredential(doc));
    expect(e.code).toBe('CREDENTIAL_INVALID');
    expect(e.message).toBe('2 invalid field(s): /issuer is required');
    expect(e.fields.map((f) => f.pointer)).toEqual(['/issuer', '/validFrom']);
  });

  it('says what is wrong with a non-object', () => {
    const e = thrown(() => parseOpenBadgeCredential('{"not":"parsed"}'));
    expect(e.message).toBe('1 invalid field(s): must be a JSON object');
    expect(e.fields).toEqual([{ pointer: '', message: 'must be a JSON object' }]);
  });
});

describe('parseAchievement (the CLI --achievement input)', () => {
  it('accepts a full Achievement and returns it', () => {
    const a = achievement();
    expect(parseAchievement(a)).toBe(a);
  });

  it('accepts a minimal one: id, type, name, description and criteria', () => {
    const a = {
      id: 'urn:uuid:0190f0e2-7c1a-7000-8000-000000000009',
      type: 'Achievement',
      name: 'SMD soldering',
      description: 'Solders 0402 parts.',
      criteria: { id: 'https://lab.example/criteria/smd' },
    };
    expect(parseAchievement(a)).toBe(a);
  });

  it('throws INPUT_INVALID with pointers relative to the achievement', () => {
    const a = achievement() as unknown as Record<string, unknown>;
    delete a.name;
    a.criteria = {};
    (a.alignment as Array<Record<string, unknown>>)[0]!.targetUrl = 'nope';
    const e = thrown(() => parseAchievement(a));
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.fields.map((f) => f.pointer)).toEqual(['/name', '/criteria', '/alignment/0/targetUrl']);
  });

  it('refuses a non-object', () => {
    expect(thrown(() => parseAchievement([])).fields).toEqual([
      { pointer: '', message: 'must be an object' },
    ]);
  });
});

describe('parseResult / parseResults', () => {
  const result = { type: ['Result'], resultDescription: 'urn:uuid:1', value: 'A' };

  it('parses one Result', () => {
    expect(parseResult(result)).toBe(result);
  });

  it('refuses an array where one Result is expected', () => {
    expect(thrown(() => parseResult([result])).code).toBe('INPUT_INVALID');
  });

  it('parses one Result or an array of them into an array', () => {
    expect(parseResults(result)).toEqual([result]);
    expect(parseResults([result, { type: 'Result', status: 'Completed' }])).toHaveLength(2);
  });

  it('reports bad items at their index', () => {
    const e = thrown(() => parseResults([result, { type: 'Score', status: 'Done' }, 'A']));
    expect(e.fields.map((f) => f.pointer)).toEqual(['/1/type', '/1/status', '/2']);
  });

  it('refuses an empty array', () => {
    expect(thrown(() => parseResults([])).fields).toEqual([
      { pointer: '', message: 'must not be an empty array' },
    ]);
  });
});

describe('parseEvidence', () => {
  it('parses one Evidence or an array of them into an array', () => {
    const ev = { id: 'https://lab.example/e/1', type: 'Evidence', name: 'Capture' };
    expect(parseEvidence(ev)).toEqual([ev]);
    expect(parseEvidence([ev, { type: ['Evidence'] }])).toHaveLength(2);
  });

  it('reports a wrong type and a relative id', () => {
    const e = thrown(() => parseEvidence({ id: 'e/1', type: 'Proof' }));
    expect(e.code).toBe('INPUT_INVALID');
    expect(e.fields.map((f) => f.pointer)).toEqual(['/type', '/id']);
  });
});

describe('parseEndorsementCredential', () => {
  const endorsement = () => ({
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: 'urn:uuid:0190f0e2-7c1a-7000-8000-00000000000e',
    type: ['VerifiableCredential', 'EndorsementCredential'],
    name: 'Endorsement',
    issuer: { id: 'https://board.example/', type: ['Profile'] },
    validFrom: '2025-01-01T00:00:00Z',
    credentialSubject: {
      id: 'did:web:lab.example',
      type: ['EndorsementSubject'],
      endorsementComment: 'Good lab.',
    },
  });

  it('accepts a valid one', () => {
    expect(parseEndorsementCredential(endorsement())).toBeTruthy();
  });

  it('requires id and name at top level, an EndorsementSubject with an id', () => {
    const doc = endorsement() as Record<string, unknown>;
    delete doc.id;
    delete doc.name;
    doc.credentialSubject = { type: 'AchievementSubject' };
    const e = thrown(() => parseEndorsementCredential(doc));
    expect(e.code).toBe('CREDENTIAL_INVALID');
    expect(e.fields.map((f) => f.pointer)).toEqual([
      '/id',
      '/name',
      '/credentialSubject/id',
      '/credentialSubject/type',
    ]);
  });
});

describe('validateVerifiablePresentation / parseVerifiablePresentation', () => {
  const vp = () => ({
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    holder: 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi',
    verifiableCredential: [exampleOpenBadgeCredential(), 'eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln'],
    proof: {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      challenge: 'abc',
      domain: 'verifier.example',
    },
  });

  it('accepts embedded credentials and JWT strings, a holder URI or object', () => {
    expect(validateVerifiablePresentation(vp())).toEqual([]);
    expect(validateVerifiablePresentation({ ...vp(), holder: { id: 'did:web:x.example' } })).toEqual([]);
    expect(
      validateVerifiablePresentation({ ...vp(), verifiableCredential: exampleOpenBadgeCredential() }),
    ).toEqual([]);
    const { verifiableCredential: _, ...bare } = vp();
    expect(validateVerifiablePresentation(bare)).toEqual([]);
  });

  it('reports a type without VerifiablePresentation, a non-URI holder and non-credential entries', () => {
    const bad = {
      ...vp(),
      type: 'VerifiableCredential',
      holder: 'holder',
      verifiableCredential: [42, 'not.a jwt'],
    };
    expect(validateVerifiablePresentation(bad).map((e) => e.pointer)).toEqual([
      '/type',
      '/holder',
      '/verifiableCredential/0',
      '/verifiableCredential/1',
    ]);
  });

  it('throws PRESENTATION_INVALID', () => {
    const e = thrown(() =>
      parseVerifiablePresentation({ type: 'VerifiablePresentation', holder: { name: 'x' } }),
    );
    expect(e.code).toBe('PRESENTATION_INVALID');
    expect(e.fields).toEqual([{ pointer: '/holder/id', message: 'is required' }]);
  });

  it('returns the presentation itself when valid', () => {
    const p = vp();
    expect(parseVerifiablePresentation(p)).toBe(p);
  });
});

import { describe, expect, it } from 'vitest';
import { exampleOpenBadgeCredential } from '../../../../test-support/ob3-arbitraries.js';
import { MAX_ERRORS, MAX_NESTING } from './check-kit.js';
import { validateResultLinks } from './result-links.js';
import { validateOpenBadgeCredential } from './validate-credential.js';

type Json = Record<string, unknown> | unknown[];

/** Walks an RFC 6901 pointer to the parent of its last token (tokens here need no unescaping). */
function parentOf(root: unknown, pointer: string): [Json, string] {
  const tokens = pointer.split('/').slice(1);
  const last = tokens.pop()!;
  let node = root as Json;
  for (const t of tokens) node = (node as Record<string, unknown>)[t] as Json;
  return [node, last];
}

function mutate(pointer: string, change: (parent: Json, key: string) => void): unknown {
  const doc = structuredClone(exampleOpenBadgeCredential());
  const [parent, key] = parentOf(doc, pointer);
  change(parent, key);
  return doc;
}

const removed = (pointer: string) => mutate(pointer, (p, k) => delete (p as Record<string, unknown>)[k]);
const replaced = (pointer: string, value: unknown) =>
  mutate(pointer, (p, k) => {
    (p as Record<string, unknown>)[k] = value;
  });
const pointers = (v: unknown) => validateOpenBadgeCredential(v).map((e) => e.pointer);

describe('validateOpenBadgeCredential: the example', () => {
  it('is valid, links included', () => {
    const example = exampleOpenBadgeCredential();
    expect(validateOpenBadgeCredential(example)).toEqual([]);
    expect(validateResultLinks(example)).toEqual([]);
  });

  it('accepts AchievementCredential as the type alias and type as a single string where the spec allows', () => {
    expect(pointers(replaced('/type', ['VerifiableCredential', 'AchievementCredential']))).toEqual([]);
    expect(pointers(replaced('/credentialSubject/type', 'AchievementSubject'))).toEqual([]);
  });

  it('accepts an issuer given as a URI string', () => {
    expect(pointers(replaced('/issuer', 'did:web:lab.example'))).toEqual([]);
  });

  it('allows unknown extra properties (JSON-LD extensibility)', () => {
    expect(pointers(replaced('/credentialSubject/achievement/ext:foo', { deep: [1, 2] }))).toEqual([]);
  });
});

/** Required properties: removing each is reported at its own pointer (or, for alternatives, the parent's). */
const REQUIRED: Array<[string, string?]> = [
  ['/id'],
  ['/type'],
  ['/name'],
  ['/issuer'],
  ['/issuer/id'],
  ['/issuer/type'],
  ['/issuer/image/id'],
  ['/issuer/image/type'],
  ['/issuer/address/type'],
  ['/issuer/address/geo/type'],
  ['/issuer/address/geo/latitude'],
  ['/issuer/address/geo/longitude'],
  ['/issuer/otherIdentifier/0/type'],
  ['/issuer/otherIdentifier/0/identifier'],
  ['/issuer/otherIdentifier/0/identifierType'],
  ['/issuer/parentOrg/id'],
  ['/issuer/parentOrg/type'],
  ['/validFrom'],
  ['/credentialSubject'],
  ['/credentialSubject/type'],
  ['/credentialSubject/identifier/0/type'],
  ['/credentialSubject/identifier/0/hashed'],
  ['/credentialSubject/identifier/0/identityHash'],
  ['/credentialSubject/identifier/0/identityType'],
  ['/credentialSubject/achievement'],
  ['/credentialSubject/achievement/id'],
  ['/credentialSubject/achievement/type'],
  ['/credentialSubject/achievement/name'],
  ['/credentialSubject/achievement/description'],
  ['/credentialSubject/achievement/criteria'],
  ['/credentialSubject/achievement/criteria/narrative', '/credentialSubject/achievement/criteria'],
  ['/credentialSubject/achievement/creator/id'],
  ['/credentialSubject/achievement/alignment/0/type'],
  ['/credentialSubject/achievement/alignment/0/targetName'],
  ['/credentialSubject/achievement/alignment/0/targetUrl'],
  ['/credentialSubject/achievement/resultDescription/0/id'],
  ['/credentialSubject/achievement/resultDescription/0/type'],
  ['/credentialSubject/achievement/resultDescription/0/name'],
  ['/credentialSubject/achievement/resultDescription/0/resultType'],
  ['/credentialSubject/achievement/resultDescription/0/alignment/0/targetUrl'],
  ['/credentialSubject/achievement/resultDescription/0/rubricCriterionLevel/1/id'],
  ['/credentialSubject/achievement/resultDescription/0/rubricCriterionLevel/1/type'],
  ['/credentialSubject/achievement/resultDescription/0/rubricCriterionLevel/1/name'],
  ['/credentialSubject/result/0/type'],
  ['/credentialSubject/source/id'],
  ['/evidence/0/type'],
  ['/credentialSchema/0/id'],
  ['/credentialSchema/0/type'],
  ['/credentialStatus/type'],
  ['/proof/type'],
];

describe('validateOpenBadgeCredential: required properties', () => {
  it.each(REQUIRED)('reports a missing %s', (pointer, reportedAt = pointer) => {
    expect(pointers(removed(pointer))).toContain(reportedAt);
  });

  it('reports a credentialSubject with neither id nor identifier at /credentialSubject', () => {
    const doc = removed('/credentialSubject/id') as { credentialSubject: Record<string, unknown> };
    expect(pointers(doc)).toEqual([]); // the identifier still identifies the recipient
    delete doc.credentialSubject.identifier;
    expect(pointers(doc)).toEqual(['/credentialSubject']);
  });
});

/** Every constrained `type`: replacing it with another class is reported at `<object>/type`. */
const TYPED = [
  '',
  '/image',
  '/issuer',
  '/issuer/image',
  '/issuer/address',
  '/issuer/address/geo',
  '/issuer/otherIdentifier/0',
  '/issuer/parentOrg',
  '/credentialSubject',
  '/credentialSubject/identifier/0',
  '/credentialSubject/achievement',
  '/credentialSubject/achievement/creator',
  '/credentialSubject/achievement/alignment/0',
  '/credentialSubject/achievement/resultDescription/0',
  '/credentialSubject/achievement/resultDescription/0/alignment/0',
  '/credentialSubject/achievement/resultDescription/0/rubricCriterionLevel/0',
  '/credentialSubject/result/0',
  '/credentialSubject/source',
  '/evidence/0',
];

describe('validateOpenBadgeCredential: types', () => {
  it.each(TYPED)('reports a wrong class at %s/type', (at) => {
    expect(pointers(replaced(`${at}/type`, ['SomethingElse']))).toEqual([`${at}/type`]);
  });

  it.each(TYPED)('reports a non-string type at %s/type', (at) => {
    expect(pointers(replaced(`${at}/type`, 42))).toEqual([`${at}/type`]);
  });

  it("reports a type without 'VerifiableCredential' at /type", () => {
    const errors = validateOpenBadgeCredential(replaced('/type', ['OpenBadgeCredential']));
    expect(errors).toEqual([{ pointer: '/type', message: "must include 'VerifiableCredential'" }]);
  });

  it('reports a non-string item of a type array at its index', () => {
    expect(pointers(replaced('/credentialSubject/type', ['AchievementSubject', 7]))).toEqual([
      '/credentialSubject/type/1',
    ]);
  });

  it('reports an empty type array', () => {
    expect(pointers(replaced('/credentialSubject/achievement/type', []))).toEqual([
      '/credentialSubject/achievement/type',
    ]);
  });
});

describe('validateOpenBadgeCredential: values', () => {
  it.each([
    ['/id', 'not a uri'],
    ['/issuer', 'example.com'],
    ['/issuer/id', 'lab.example'],
    ['/issuer/url', 'lab.example'],
    ['/credentialSubject/id', 'ebfeb1f712ebc6f1c276e12ec21'],
    ['/credentialSubject/achievement/id', '/relative'],
    ['/credentialSubject/achievement/criteria/id', 'criteria.html'],
    ['/credentialSubject/achievement/alignment/0/targetUrl', 'www.example.com'],
    ['/credentialSubject/result/0/resultDescription', 'f6ab24cd'],
    ['/evidence/0/id', 'evidence 1'],
    ['/proof/verificationMethod', 'z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x'],
    ['/credentialStatus/statusListCredential', 'status/1'],
  ])('reports a non-URI %s', (pointer, value) => {
    expect(pointers(replaced(pointer, value))).toEqual([pointer]);
  });

  it.each([
    ['/validFrom', '2025-03-01T09:30:00'],
    ['/validFrom', '2025-03-01'],
    ['/validUntil', '2025-02-30T00:00:00Z'],
    ['/validFrom', 1740821400],
    ['/proof/created', '2025-03-01 09:30:00Z'],
    ['/credentialSubject/activityStartDate', 'yesterday'],
  ])('reports a malformed date-time at %s (%j)', (pointer, value) => {
    expect(pointers(replaced(pointer, value))).toEqual([pointer]);
  });

  it('requires issuanceDate instead of validFrom in a VC 1.1 credential, and checks expirationDate', () => {
    const v1 = exampleOpenBadgeCredential() as unknown as Record<string, unknown>;
    v1['@context'] = [
      'https://www.w3.org/2018/credentials/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
    ];
    expect(pointers(v1)).toEqual(['/issuanceDate']);
    delete v1.validFrom;
    delete v1.validUntil;
    v1.issuanceDate = '2010-01-01T00:00:00Z';
    v1.expirationDate = '2010-01-01T00:00:00';
    expect(pointers(v1)).toEqual(['/expirationDate']);
  });

  it.each([
    ['/credentialSubject/achievement/achievementType', 'Trophy'],
    ['/credentialSubject/achievement/alignment/0/targetType', 'ext:'],
    ['/credentialSubject/achievement/resultDescription/0/resultType', 'Grade'],
    ['/credentialSubject/result/1/status', 'Done'],
  ])('reports %s outside its value set (%j)', (pointer, value) => {
    expect(pointers(replaced(pointer, value))).toEqual([pointer]);
  });

  it("accepts 'ext:' extension terms in the extensible value sets", () => {
    const doc = replaced('/credentialSubject/achievement/achievementType', 'ext:BenchTask');
    expect(pointers(doc)).toEqual([]);
  });

  it.each([
    ['/name', 42],
    ['/credentialSubject/achievement/description', null],
    ['/credentialSubject/identifier/0/hashed', 'true'],
    ['/issuer/address/geo/latitude', '52.09'],
    ['/credentialSubject/achievement/tag', 'one'],
    ['/credentialSubject/achievement/creditsAvailable', Number.NaN],
    ['/credentialStatus/statusListIndex', '-1'],
    ['/issuer/dateOfBirth', '1990-02-30'],
  ])('reports a wrongly typed %s', (pointer, value) => {
    expect(pointers(replaced(pointer, value))).toEqual([pointer]);
  });

  it('reports a credentialSubject array: OB 3.0 has exactly one AchievementSubject', () => {
    const doc = exampleOpenBadgeCredential();
    expect(pointers({ ...doc, credentialSubject: [doc.credentialSubject] })).toEqual(['/credentialSubject']);
  });

  it('accepts one proof or several, one evidence or several', () => {
    const doc = exampleOpenBadgeCredential();
    expect(pointers({ ...doc, proof: [doc.proof, { type: 'SomeProofType' }] })).toEqual([]);
    expect(pointers({ ...doc, evidence: { type: 'Evidence' } })).toEqual([]);
  });

  it('reports a non-object top level', () => {
    for (const v of [null, [], 'x', 3, undefined]) {
      expect(validateOpenBadgeCredential(v)).toEqual([{ pointer: '', message: 'must be a JSON object' }]);
    }
  });

  it('reports every problem in one pass', () => {
    const doc = exampleOpenBadgeCredential() as unknown as Record<string, unknown>;
    delete doc.name;
    doc.validFrom = 'soon';
    (doc.issuer as Record<string, unknown>).type = 'Issuer';
    expect(pointers(doc)).toEqual(['/name', '/issuer/type', '/validFrom']);
  });

  it('escapes nothing it does not need to: pointer tokens are spec names and indices', () => {
    const doc = replaced('/credentialSubject/achievement/tag', ['a', 1]);
    expect(pointers(doc)).toEqual(['/credentialSubject/achievement/tag/1']);
  });
});

describe('validateResultLinks (issuer-side referential checks)', () => {
  it('reports a result naming a resultDescription the achievement lacks', () => {
    const doc = replaced('/credentialSubject/result/0/resultDescription', 'urn:uuid:unknown');
    expect(validateOpenBadgeCredential(doc)).toEqual([]); // verifiers accept it, as 1EdTech's fixtures need
    expect(validateResultLinks(doc).map((e) => e.pointer)).toEqual([
      '/credentialSubject/result/0/resultDescription',
    ]);
  });

  it('reports an achievedLevel that is no rubricCriterionLevel of the achievement', () => {
    const doc = replaced('/credentialSubject/result/0/achievedLevel', 'urn:uuid:unknown');
    expect(validateResultLinks(doc).map((e) => e.pointer)).toEqual([
      '/credentialSubject/result/0/achievedLevel',
    ]);
  });

  it("requires status on a result whose description's resultType is Status", () => {
    const doc = removed('/credentialSubject/result/1/status');
    expect(validateResultLinks(doc).map((e) => e.pointer)).toEqual(['/credentialSubject/result/1/status']);
  });
});

describe('validateOpenBadgeCredential: hostile sizes', () => {
  it('survives a 10,000-element array and caps the report', () => {
    const doc = replaced(
      '/evidence',
      Array.from({ length: 10_000 }, () => ({ type: 'Nope' })),
    );
    const errors = validateOpenBadgeCredential(doc);
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors.at(-1)!.message).toMatch(/stopped/);
  });

  it('validates 10,000 good array items', () => {
    const doc = replaced(
      '/evidence',
      Array.from({ length: 10_000 }, (_, i) => ({ type: ['Evidence'], name: `e${i}` })),
    );
    expect(validateOpenBadgeCredential(doc)).toEqual([]);
  });

  it('refuses a 100,000-deep parentOrg chain without recursing into it', () => {
    let org: Record<string, unknown> = { id: 'https://org.example/0', type: 'Profile' };
    for (let i = 1; i < 100_000; i++)
      org = { id: `https://org.example/${i}`, type: 'Profile', parentOrg: org };
    const errors = validateOpenBadgeCredential(replaced('/issuer', org));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.pointer).toBe(`/issuer${'/parentOrg'.repeat(MAX_NESTING)}`);
  });

  it('bounds endorsement ↔ issuer recursion the same way', () => {
    let profile: Record<string, unknown> = { id: 'https://e.example/0', type: 'Profile' };
    for (let i = 0; i < 50_000; i++) {
      const endorsement = {
        type: ['VerifiableCredential', 'EndorsementCredential'],
        issuer: profile,
        validFrom: '2020-01-01T00:00:00Z',
        credentialSubject: { id: 'https://e.example/x', type: 'EndorsementSubject' },
      };
      profile = { id: `https://e.example/${i + 1}`, type: 'Profile', endorsement: [endorsement] };
    }
    const errors = validateOpenBadgeCredential(replaced('/issuer', profile));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/nests more than/);
  });

  it('does not descend into unknown properties, however deep', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(pointers(replaced('/credentialSubject/ext:deep', deep))).toEqual([]);
  });
});

/**
 * fast-check arbitraries for Open Badges 3.0 data, shared by every package's tests. Everything
 * generated is valid: it passes validateOpenBadgeCredential and validateResultLinks, and uses only
 * terms the OB 3.0.3 and VC 2.0 contexts define (JSON-LD canonicalization runs in safe mode, so
 * an undefined term would fail there, not here). URIs are absolute, dates `YYYY-MM-DDThh:mm:ssZ`.
 */
import fc from 'fast-check';
import type {
  Achievement,
  AchievementSubject,
  Alignment,
  Criteria,
  Evidence,
  Image,
  OpenBadgeCredential,
  Profile,
  Result,
  ResultDescription,
  RubricCriterionLevel,
} from '../packages/credentials/src/model/index.js';
import {
  ACHIEVEMENT_TYPES,
  ALIGNMENT_TARGET_TYPES,
  RESULT_STATUS_TYPES,
  RESULT_TYPES,
} from '../packages/credentials/src/model/index.js';

export const OB3_CREDENTIAL_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
] as const;

// ---------------------------------------------------------------------------------------------
// Scalars

/** Unicode text: whole graphemes (no lone surrogates, which no JSON canonicalization accepts). */
export const arbText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength });

const arbSlug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
const arbHost = fc.domain();

export const arbHttpsUrl: fc.Arbitrary<string> = fc
  .tuple(arbHost, fc.array(arbSlug, { minLength: 1, maxLength: 3 }))
  .map(([host, path]) => `https://${host}/${path.join('/')}`);

export const arbUrnUuid: fc.Arbitrary<string> = fc.uuid().map((u) => `urn:uuid:${u}`);

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** Syntactically a did:key (not a real key: callers that sign pass their own issuer id). */
export const arbDidKey: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(...BASE58), minLength: 44, maxLength: 44 })
  .map((s) => `did:key:z6Mk${s}`);
export const arbDidWeb: fc.Arbitrary<string> = arbHost.map((h) => `did:web:${h}`);

/** `YYYY-MM-DDThh:mm:ssZ` between 2000 and 2099. */
export const arbDateTimeZ: fc.Arbitrary<string> = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 })
  .map(toDateTimeZ);

function toDateTimeZ(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const arbExtTerm = arbSlug.map((s) => `ext:${s.replaceAll('-', '')}x`);

// ---------------------------------------------------------------------------------------------
// OB 3.0 classes

export const arbImage: fc.Arbitrary<Image> = fc.record(
  { id: arbHttpsUrl.map((u) => `${u}.png`), type: fc.constant('Image'), caption: arbText() },
  { requiredKeys: ['id', 'type'] },
);

export const arbAlignment: fc.Arbitrary<Alignment> = fc.record(
  {
    type: fc.constant(['Alignment']),
    targetName: arbText(),
    targetUrl: arbHttpsUrl,
    targetCode: arbSlug,
    targetDescription: arbText(80),
    targetFramework: arbText(),
    targetType: fc.oneof(fc.constantFrom(...ALIGNMENT_TARGET_TYPES), arbExtTerm),
  },
  { requiredKeys: ['type', 'targetName', 'targetUrl'] },
) as fc.Arbitrary<Alignment>;

export const arbProfile = (id: fc.Arbitrary<string> = fc.oneof(arbHttpsUrl, arbDidKey, arbDidWeb)) =>
  fc.record(
    {
      id,
      type: fc.constant(['Profile']),
      name: arbText(),
      url: arbHttpsUrl,
      email: fc.tuple(arbSlug, arbHost).map(([u, h]) => `${u}@${h}`),
      description: arbText(80),
      image: arbImage,
    },
    { requiredKeys: ['id', 'type', 'name'] },
  ) as fc.Arbitrary<Profile>;

const arbRubricCriterionLevel: fc.Arbitrary<RubricCriterionLevel> = fc.record(
  {
    id: arbUrnUuid,
    type: fc.constant(['RubricCriterionLevel']),
    name: arbText(),
    description: arbText(80),
    level: arbText(20),
    points: fc.integer({ min: 0, max: 100 }).map(String),
  },
  { requiredKeys: ['id', 'type', 'name'] },
) as fc.Arbitrary<RubricCriterionLevel>;

/** A ResultDescription; rubric ones (resultType RubricCriterionLevel) carry 1–4 levels. */
export const arbResultDescription: fc.Arbitrary<ResultDescription> = fc
  .record({
    id: arbUrnUuid,
    name: arbText(),
    resultType: fc.constantFrom(...RESULT_TYPES),
    levels: fc.uniqueArray(arbRubricCriterionLevel, { minLength: 1, maxLength: 4, selector: (l) => l.id }),
    allowedValue: fc.option(fc.uniqueArray(arbText(8), { minLength: 1, maxLength: 5 }), { nil: undefined }),
    alignment: fc.option(fc.array(arbAlignment, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  })
  .map(({ id, name, resultType, levels, allowedValue, alignment }) => {
    const d: ResultDescription = { id, type: ['ResultDescription'], name, resultType };
    if (resultType === 'RubricCriterionLevel') {
      return { ...d, rubricCriterionLevel: levels, requiredLevel: levels[0]!.id };
    }
    const out: ResultDescription = { ...d };
    if (allowedValue !== undefined) Object.assign(out, { allowedValue, requiredValue: allowedValue[0]! });
    if (alignment !== undefined) Object.assign(out, { alignment });
    return out;
  });

const arbCriteria: fc.Arbitrary<Criteria> = fc.oneof(
  fc.record({ narrative: arbText(200) }),
  fc.record({ id: arbHttpsUrl }),
  fc.record({ id: arbHttpsUrl, narrative: arbText(200) }),
);

export const arbAchievement: fc.Arbitrary<Achievement> = fc.record(
  {
    id: fc.oneof(arbHttpsUrl, arbUrnUuid),
    type: fc.constant(['Achievement']),
    name: arbText(),
    description: arbText(200),
    criteria: arbCriteria,
    achievementType: fc.oneof(fc.constantFrom(...ACHIEVEMENT_TYPES), arbExtTerm),
    image: arbImage,
    alignment: fc.array(arbAlignment, { minLength: 1, maxLength: 3 }),
    resultDescription: fc.uniqueArray(arbResultDescription, {
      minLength: 1,
      maxLength: 3,
      selector: (d) => d.id,
    }),
    tag: fc.array(arbText(12), { minLength: 1, maxLength: 4 }),
    humanCode: arbSlug,
    fieldOfStudy: arbText(),
    specialization: arbText(),
    creditsAvailable: fc.integer({ min: 0, max: 240 }),
    creator: arbProfile(),
  },
  { requiredKeys: ['id', 'type', 'name', 'description', 'criteria'] },
) as fc.Arbitrary<Achievement>;

/** A free-standing Result (links, if any, are not tied to an achievement). */
export const arbResult: fc.Arbitrary<Result> = fc.record(
  {
    type: fc.constant(['Result']),
    resultDescription: arbUrnUuid,
    achievedLevel: arbUrnUuid,
    status: fc.constantFrom(...RESULT_STATUS_TYPES),
    value: arbText(10),
    alignment: fc.array(arbAlignment, { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: ['type'] },
) as fc.Arbitrary<Result>;

/** Results that link to `achievement`'s result descriptions the way the spec requires. */
export function arbResultsFor(achievement: Achievement): fc.Arbitrary<Result[]> {
  const descriptions = achievement.resultDescription ?? [];
  if (descriptions.length === 0) return fc.constant([]);
  const one = fc
    .record({
      d: fc.constantFrom(...descriptions),
      pick: fc.nat(),
      status: fc.constantFrom(...RESULT_STATUS_TYPES),
      value: arbText(10),
    })
    .map(({ d, pick, status, value }): Result => {
      const r: Result = { type: ['Result'], resultDescription: d.id };
      const levels = d.rubricCriterionLevel ?? [];
      if (levels.length > 0) return { ...r, achievedLevel: levels[pick % levels.length]!.id };
      if (d.resultType === 'Status') return { ...r, status };
      return { ...r, value: d.allowedValue?.[pick % d.allowedValue.length] ?? value };
    });
  return fc.array(one, { minLength: 1, maxLength: descriptions.length + 1 });
}

export const arbEvidence: fc.Arbitrary<Evidence> = fc.record(
  {
    id: arbHttpsUrl,
    type: fc.constant(['Evidence']),
    narrative: arbText(200),
    name: arbText(),
    description: arbText(80),
    genre: arbText(20),
    audience: arbText(20),
  },
  { requiredKeys: ['type'] },
) as fc.Arbitrary<Evidence>;

export interface UnsignedCredentialOptions {
  /** Pins the issuer's id (e.g. the DID of the key a test signs with). */
  issuerId?: string;
  /** Pins the recipient's id. */
  subjectId?: string;
}

// Generated credentials are valid at any verification time from 2026 through 2029 without clock
// skew: validFrom in 2015–2025, validUntil (when present) in 2030–2099.
const VALID_FROM_MIN = Date.UTC(2015, 0, 1) / 1000;
const VALID_FROM_MAX = Date.UTC(2025, 11, 31) / 1000;
const VALID_UNTIL_MIN = Date.UTC(2030, 0, 1) / 1000;
const VALID_UNTIL_MAX = Date.UTC(2099, 11, 31) / 1000;

/**
 * Unsigned OB 3.0 (VC 2.0) OpenBadgeCredentials with random optional parts (description, image,
 * validUntil, results linked to the achievement's result descriptions and rubric levels,
 * evidence; the achievement itself from arbAchievement). Currently valid: see above.
 */
export function arbUnsignedOpenBadgeCredential(
  options: UnsignedCredentialOptions = {},
): fc.Arbitrary<OpenBadgeCredential> {
  const issuerId =
    options.issuerId === undefined
      ? fc.oneof(arbHttpsUrl, arbDidKey, arbDidWeb)
      : fc.constant(options.issuerId);
  const subjectId =
    options.subjectId === undefined ? fc.oneof(arbDidKey, arbUrnUuid) : fc.constant(options.subjectId);
  return arbAchievement.chain((achievement) =>
    fc
      .record({
        id: arbUrnUuid,
        name: arbText(),
        description: fc.option(arbText(200), { nil: undefined }),
        image: fc.option(arbImage, { nil: undefined }),
        issuer: arbProfile(issuerId),
        subjectId,
        validFrom: fc.integer({ min: VALID_FROM_MIN, max: VALID_FROM_MAX }),
        validUntil: fc.option(fc.integer({ min: VALID_UNTIL_MIN, max: VALID_UNTIL_MAX }), { nil: undefined }),
        results: fc.option(arbResultsFor(achievement), { nil: undefined }),
        evidence: fc.option(fc.array(arbEvidence, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      })
      .map((r) => {
        const subject: AchievementSubject = { id: r.subjectId, type: ['AchievementSubject'], achievement };
        if (r.results !== undefined && r.results.length > 0) subject.result = r.results;
        const credential: OpenBadgeCredential = {
          '@context': [...OB3_CREDENTIAL_CONTEXT],
          id: r.id,
          type: ['VerifiableCredential', 'OpenBadgeCredential'],
          name: r.name,
          issuer: r.issuer,
          validFrom: toDateTimeZ(r.validFrom),
          credentialSubject: subject,
        };
        if (r.description !== undefined) credential.description = r.description;
        if (r.image !== undefined) credential.image = r.image;
        if (r.validUntil !== undefined) credential.validUntil = toDateTimeZ(r.validUntil);
        if (r.evidence !== undefined) credential.evidence = r.evidence;
        return credential;
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// A fixed, fully populated example (every class the validator knows), for mutation tests.

/** A fresh, valid OpenBadgeCredential using every OB 3.0 class; mutate it freely. */
export function exampleOpenBadgeCredential(): OpenBadgeCredential {
  const alignment = (url: string): Alignment => ({
    type: ['Alignment'],
    targetName: 'Probe alignment',
    targetUrl: url,
    targetType: 'CFItem',
    targetCode: 'PA-1',
  });
  const profile = (id: string, name: string): Profile => ({ id, type: ['Profile'], name });
  return {
    '@context': [...OB3_CREDENTIAL_CONTEXT],
    id: 'urn:uuid:0190f0e2-7c1a-7000-8000-000000000001',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Oscilloscope triggering',
    description: 'Sets up edge and pulse-width triggers on a noisy signal.',
    image: { id: 'https://lab.example/badges/scope.png', type: 'Image', caption: 'Scope' },
    issuer: {
      ...profile('did:web:lab.example', 'Example Lab'),
      url: 'https://lab.example',
      image: { id: 'https://lab.example/logo.png', type: 'Image' },
      address: {
        type: ['Address'],
        addressCountry: 'Nederland',
        addressCountryCode: 'NL',
        geo: { type: 'GeoCoordinates', latitude: 52.09, longitude: 5.12 },
      },
      otherIdentifier: [{ type: 'IdentifierEntry', identifier: '12345', identifierType: 'sourcedId' }],
      parentOrg: profile('https://college.example/', 'Example College'),
    },
    validFrom: '2025-03-01T09:30:00Z',
    validUntil: '2030-03-01T09:30:00+01:00',
    credentialSubject: {
      id: 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi',
      type: ['AchievementSubject'],
      activityStartDate: '2025-02-28T10:00:00',
      identifier: [
        {
          type: 'IdentityObject',
          hashed: true,
          identityHash: 'sha256$00ff',
          identityType: 'emailAddress',
          salt: 's',
        },
      ],
      achievement: {
        id: 'https://lab.example/achievements/scope-trigger',
        type: ['Achievement'],
        name: 'Oscilloscope triggering',
        description: 'Can trigger on the event of interest.',
        criteria: { narrative: 'Pass the bench task at level Competent or above.' },
        achievementType: 'Competency',
        creator: profile('https://lab.example/', 'Example Lab'),
        alignment: [alignment('https://framework.example/items/scope')],
        resultDescription: [
          {
            id: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000a1',
            type: ['ResultDescription'],
            name: 'Bench rubric',
            resultType: 'RubricCriterionLevel',
            requiredLevel: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000b2',
            alignment: [alignment('https://framework.example/items/rubric')],
            rubricCriterionLevel: [
              {
                id: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000b1',
                type: ['RubricCriterionLevel'],
                name: 'Novice',
              },
              {
                id: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000b2',
                type: ['RubricCriterionLevel'],
                name: 'Competent',
                points: '3',
              },
            ],
          },
          {
            id: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000a2',
            type: ['ResultDescription'],
            name: 'Status',
            resultType: 'Status',
          },
        ],
      },
      result: [
        {
          type: ['Result'],
          resultDescription: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000a1',
          achievedLevel: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000b2',
        },
        {
          type: ['Result'],
          resultDescription: 'urn:uuid:0190f0e2-7c1a-7000-8000-0000000000a2',
          status: 'Completed',
        },
      ],
      source: profile('https://college.example/', 'Example College'),
    },
    evidence: [
      {
        id: 'https://lab.example/evidence/1',
        type: ['Evidence'],
        name: 'Capture',
        narrative: 'Screenshot of the trigger.',
      },
    ],
    credentialSchema: [
      {
        id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
        type: 'JsonSchema',
      },
    ],
    credentialStatus: {
      id: 'https://lab.example/status/1#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: 'https://lab.example/status/1',
    },
    proof: {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created: '2025-03-01T09:30:00Z',
      verificationMethod: 'did:web:lab.example#key-1',
      proofPurpose: 'assertionMethod',
      proofValue: 'z5vgFc',
    },
  };
}

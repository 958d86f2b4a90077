import { randomUUID } from 'node:crypto';
import { base64Decode, base64Encode, TesseraError } from '@tessera/core';
import {
  CompactRange,
  formatVerifierKey,
  hashLeaf,
  inclusionProof,
  type NodeId,
  type NoteSigner,
  type NoteVerifier,
  signCheckpoint,
} from '@tessera/tlog';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeEd25519PublicMultikey,
  encodeLogEvent,
  encodeSalt,
  generateDidKey,
  issuanceCommitment,
  issueCredential,
  type LogEvent,
  logTime,
  parseReceipt,
  type Receipt,
  type SigningKey,
  type VerificationReport,
  verifyReceipt,
} from '../src/index.js';
import { benchCredential, crypto, verifierWith } from './support.js';

/**
 * The verifier's `log` check against a real log built here: leaves appended to a CompactRange,
 * every complete subtree kept in a Map (the NodeReader proofs are built from), checkpoints
 * signed as C2SP notes with a real Ed25519 key.
 */

type Format = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'vc-jwt';
type Secured = Record<string, unknown> | string;

const ORIGIN = 'badges.lab.example/log';

class TestLog {
  readonly #range = CompactRange.empty();
  readonly #nodes = new Map<string, Uint8Array>();
  readonly #leaves: Uint8Array[] = [];
  readonly reader = {
    getNodes: (ids: readonly NodeId[]) =>
      ids.map((id) => {
        const hash = this.#nodes.get(`${id.level}/${id.index}`);
        if (!hash) throw new Error(`no node ${id.level}/${id.index}`);
        return hash;
      }),
  };

  get size(): number {
    return this.#range.size;
  }

  append(event: LogEvent): number {
    const leaf = encodeLogEvent(event);
    this.#leaves.push(leaf);
    const index = this.#range.size;
    this.#range.append(hashLeaf(leaf), (level, i, hash) => this.#nodes.set(`${level}/${i}`, hash));
    return index;
  }

  checkpoint(signers: readonly NoteSigner[], origin = ORIGIN): Promise<string> {
    return signCheckpoint({ origin, size: this.size, rootHash: this.#range.root() }, signers);
  }

  async entry(leafIndex: number, size = this.size) {
    const hashes = await inclusionProof(this.reader, leafIndex, size);
    return { leafIndex, leaf: base64Encode(this.#leaves[leafIndex]!), hashes: hashes.map(base64Encode) };
  }
}

async function noteKey(name = ORIGIN): Promise<{ signer: NoteSigner; verifier: NoteVerifier; key: string }> {
  const { publicKey, secretKey } = await crypto.ed25519Generate();
  return {
    signer: { name, publicKey, sign: (m) => crypto.ed25519Sign(secretKey, m) },
    verifier: { name, publicKey, verify: (m, s) => crypto.ed25519Verify(publicKey, m, s) },
    key: formatVerifierKey(name, publicKey),
  };
}

const now = () => logTime(new Date());
const keyEvent = (key: SigningKey, event: 'added' | 'retired'): LogEvent => ({
  v: 1,
  type: 'key',
  tenant: key.controller,
  time: now(),
  key: key.id,
  publicKeyMultibase: encodeEd25519PublicMultikey(key.publicKey),
  event,
});

interface Issued {
  readonly secured: Secured;
  readonly id: string;
  readonly key: SigningKey;
  readonly salt: Uint8Array;
  readonly leafIndex: number;
}

const log = new TestLog();
let logKey: Awaited<ReturnType<typeof noteKey>>;
let checkpoint = '';
/** The issuer's current key, and a key rotated out (retired) part-way through the log. */
let key: SigningKey;
let rotated: SigningKey;
const keyLeaves = new Map<string, { added?: number; retired?: number }>();
const issued: Record<Format, Issued> = {} as never;
let beforeRetirement: Issued;
let afterRetirement: Issued;
let unlogged: SigningKey;
let unloggedIssued: Issued;

async function issue(signer: SigningKey, format: Format): Promise<Issued> {
  const id = `urn:uuid:${randomUUID()}`;
  const credential = { ...benchCredential(signer.controller), id };
  const secured = await issueCredential({ crypto }, signer, credential, { format });
  const salt = crypto.randomBytes(32);
  const leafIndex = log.append({
    v: 1,
    type: 'issue',
    tenant: signer.controller,
    time: now(),
    credential: await issuanceCommitment(crypto, salt, secured),
    key: signer.id,
    status: [],
  });
  return { secured, id, key: signer, salt, leafIndex };
}

function addKey(k: SigningKey): void {
  keyLeaves.set(k.id, { ...keyLeaves.get(k.id), added: log.append(keyEvent(k, 'added')) });
}
function retireKey(k: SigningKey): void {
  keyLeaves.set(k.id, { ...keyLeaves.get(k.id), retired: log.append(keyEvent(k, 'retired')) });
}

/** What the server serves: the issuance and the key's events logged before the checkpoint. */
async function receiptFor(c: Issued, overrides: Partial<Receipt> = {}): Promise<Receipt> {
  const events = keyLeaves.get(c.key.id) ?? {};
  const indices = [events.added, events.retired].filter((i): i is number => i !== undefined);
  return {
    type: 'TesseraLogReceipt',
    version: 1,
    credentialId: c.id,
    salt: encodeSalt(c.salt),
    checkpoint,
    issuance: await log.entry(c.leafIndex),
    keyEvents: await Promise.all(indices.map((i) => log.entry(i))),
    ...overrides,
  };
}

const filler = (n: number) => {
  for (let i = 0; i < n; i++)
    log.append({
      v: 1,
      type: 'status',
      tenant: 'did:example:another-tenant',
      time: now(),
      list: 'https://other.example/status/1',
      index: i,
      purpose: 'revocation',
      status: 'revoked',
    });
};

beforeAll(async () => {
  logKey = await noteKey();
  key = await generateDidKey(crypto);
  rotated = await generateDidKey(crypto);
  unlogged = await generateDidKey(crypto);
  filler(3);
  addKey(rotated);
  filler(2);
  addKey(key);
  for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'] as const) {
    issued[format] = await issue(key, format);
    filler(1);
  }
  beforeRetirement = await issue(rotated, 'eddsa-rdfc-2022');
  filler(4);
  retireKey(rotated);
  afterRetirement = await issue(rotated, 'eddsa-jcs-2022');
  unloggedIssued = await issue(unlogged, 'eddsa-jcs-2022');
  filler(17);
  checkpoint = await log.checkpoint([logKey.signer]);
});

const verifier = () => verifierWith({ log: { keys: [logKey.key], origin: ORIGIN } });
const logOf = (r: VerificationReport) => r.checks.find((c) => c.check === 'log');
const options = (c: Issued) => ({
  credential: c.secured,
  issuer: c.key.controller,
  verificationMethod: c.key.id,
  logKeys: [logKey.verifier],
  origin: ORIGIN,
});

describe.each(['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'] as const)('%s: a valid receipt', (format) => {
  it('passes the log check and the report is verified', async () => {
    const c = issued[format];
    const report = await verifier().verifyCredential(c.secured, { receipt: await receiptFor(c) });
    expect(report.checks.filter((x) => !x.ok && !x.skipped)).toEqual([]);
    expect(logOf(report)).toEqual({
      check: 'log',
      ok: true,
      message: `issuance logged at leaf ${c.leafIndex} of ${log.size} (checkpoint origin ${ORIGIN}); key added at leaf ${keyLeaves.get(key.id)!.added}, no retirement before issuance in the receipt`,
    });
    expect(report.verified).toBe(true);
    // Report order: log right after status.
    const names = report.checks.map((x) => x.check);
    expect(names.indexOf('log')).toBe(names.indexOf('status') + 1);
  });
});

describe('the log check from a receipt', () => {
  it('the inclusion proof must lead to the checkpoint root: one flipped hash is LOG_PROOF_INVALID', async () => {
    const c = issued['eddsa-rdfc-2022'];
    const receipt = await receiptFor(c);
    const first = base64Decode(receipt.issuance.hashes[0]!);
    first[0]! ^= 1;
    const tampered = {
      ...receipt,
      issuance: { ...receipt.issuance, hashes: [base64Encode(first), ...receipt.issuance.hashes.slice(1)] },
    };
    const report = await verifier().verifyCredential(c.secured, { receipt: tampered });
    expect(logOf(report)).toMatchObject({ ok: false, code: 'LOG_PROOF_INVALID' });
    expect(report.verified).toBe(false);
    // So must the leaf index it claims.
    const moved = {
      ...receipt,
      issuance: { ...receipt.issuance, leafIndex: receipt.issuance.leafIndex + 1 },
    };
    expect(await verifyReceipt(crypto, moved, options(c))).toMatchObject({
      ok: false,
      code: 'LOG_PROOF_INVALID',
    });
  });

  it('the checkpoint must open with a trusted log key: LOG_CHECKPOINT_INVALID', async () => {
    const c = issued['eddsa-jcs-2022'];
    const impostor = await noteKey();
    const receipt = await receiptFor(c, { checkpoint: await log.checkpoint([impostor.signer]) });
    const report = await verifier().verifyCredential(c.secured, { receipt });
    expect(logOf(report)).toMatchObject({ ok: false, code: 'LOG_CHECKPOINT_INVALID' });
    expect(report.verified).toBe(false);
    // A checkpoint of another origin, even signed by a trusted key of that name, is refused.
    const elsewhere = await noteKey('other.example/log');
    const foreign = await receiptFor(c, {
      checkpoint: await log.checkpoint([elsewhere.signer], 'other.example/log'),
    });
    expect(
      await verifyReceipt(crypto, foreign, { ...options(c), logKeys: [elsewhere.verifier] }),
    ).toMatchObject({ ok: false, code: 'LOG_CHECKPOINT_INVALID', message: expect.stringContaining(ORIGIN) });
  });

  it('with no log key configured, the checkpoint cannot be trusted: LOG_CHECKPOINT_INVALID', async () => {
    const c = issued['eddsa-jcs-2022'];
    const report = await verifierWith().verifyCredential(c.secured, { receipt: await receiptFor(c) });
    expect(logOf(report)).toEqual({
      check: 'log',
      ok: false,
      code: 'LOG_CHECKPOINT_INVALID',
      message: 'no trusted log key is configured',
    });
    expect(report.verified).toBe(false);
  });

  it('the issuance entry must be this credential: a receipt for another credential is LOG_ENTRY_MISSING', async () => {
    const c = issued['eddsa-rdfc-2022'];
    const other = await receiptFor(issued['eddsa-jcs-2022']);
    const report = await verifier().verifyCredential(c.secured, { receipt: other });
    expect(logOf(report)).toMatchObject({ ok: false, code: 'LOG_ENTRY_MISSING' });
    expect(logOf(report)!.message).toContain("the log's issuance entry is not this credential");
    expect(report.verified).toBe(false);
    // Relabelled with this credential's id, the commitment still does not open to it.
    const relabelled = { ...other, credentialId: c.id };
    expect(await verifyReceipt(crypto, relabelled, options(c))).toMatchObject({
      ok: false,
      code: 'LOG_ENTRY_MISSING',
      message: expect.stringContaining('commitment'),
    });
  });

  it('the issuance entry must be this credential: a changed salt is LOG_ENTRY_MISSING', async () => {
    const c = issued['vc-jwt'];
    const receipt = await receiptFor(c, { salt: encodeSalt(crypto.randomBytes(32)) });
    const report = await verifier().verifyCredential(c.secured, { receipt });
    expect(logOf(report)).toMatchObject({ ok: false, code: 'LOG_ENTRY_MISSING' });
    expect(report.verified).toBe(false);
  });

  it('the issuance entry must name the issuer and the signing key: LOG_ENTRY_MISSING', async () => {
    const c = issued['eddsa-jcs-2022'];
    const receipt = await receiptFor(c);
    expect(await verifyReceipt(crypto, receipt, { ...options(c), issuer: rotated.controller })).toMatchObject(
      {
        ok: false,
        code: 'LOG_ENTRY_MISSING',
      },
    );
    expect(
      await verifyReceipt(crypto, receipt, { ...options(c), verificationMethod: rotated.id }),
    ).toMatchObject({ ok: false, code: 'LOG_ENTRY_MISSING' });
    // A leaf that is not an issuance (a key event, proven included) is not this credential either.
    const keyLeaf = await log.entry(keyLeaves.get(key.id)!.added!);
    expect(await verifyReceipt(crypto, { ...receipt, issuance: keyLeaf }, options(c))).toMatchObject({
      ok: false,
      code: 'LOG_ENTRY_MISSING',
    });
  });

  it("key validity: without the key's 'added' event the key is not shown valid: LOG_KEY_NOT_VALID", async () => {
    const c = issued['eddsa-rdfc-2022'];
    const report = await verifier().verifyCredential(c.secured, {
      receipt: await receiptFor(c, { keyEvents: [] }),
    });
    expect(logOf(report)).toMatchObject({ ok: false, code: 'LOG_KEY_NOT_VALID' });
    expect(report.verified).toBe(false);
    // A key never logged at all: its receipt has no key events to show.
    const never = await verifier().verifyCredential(unloggedIssued.secured, {
      receipt: await receiptFor(unloggedIssued),
    });
    expect(logOf(never)).toMatchObject({ ok: false, code: 'LOG_KEY_NOT_VALID' });
  });

  it("key validity: the 'added' event must be proven included: LOG_KEY_NOT_VALID", async () => {
    const c = issued['eddsa-rdfc-2022'];
    const receipt = await receiptFor(c);
    const added = receipt.keyEvents[0]!;
    const broken = { ...added, hashes: added.hashes.slice(1) };
    expect(await verifyReceipt(crypto, { ...receipt, keyEvents: [broken] }, options(c))).toMatchObject({
      ok: false,
      code: 'LOG_KEY_NOT_VALID',
      message: expect.stringContaining(`leaf ${added.leafIndex} is not in the checkpoint's tree`),
    });
  });

  it("key validity: another key's events do not count: LOG_KEY_NOT_VALID", async () => {
    const c = issued['eddsa-rdfc-2022'];
    const receipt = await receiptFor(c, { keyEvents: [await log.entry(keyLeaves.get(rotated.id)!.added!)] });
    expect(await verifyReceipt(crypto, receipt, options(c))).toMatchObject({
      ok: false,
      code: 'LOG_KEY_NOT_VALID',
    });
  });

  it('key validity: the logged key must be the public key the method resolves to: LOG_KEY_NOT_VALID', async () => {
    const c = issued['eddsa-rdfc-2022'];
    const receipt = await receiptFor(c);
    expect(
      await verifyReceipt(crypto, receipt, {
        ...options(c),
        publicKey: { kind: 'Ed25519', publicKey: rotated.publicKey },
      }),
    ).toMatchObject({
      ok: false,
      code: 'LOG_KEY_NOT_VALID',
      message: expect.stringContaining('another public key'),
    });
    expect(
      await verifyReceipt(crypto, receipt, {
        ...options(c),
        publicKey: { kind: 'Ed25519', publicKey: key.publicKey },
      }),
    ).toMatchObject({ ok: true });
  });

  it('key validity: a credential issued after its key was retired is LOG_KEY_NOT_VALID', async () => {
    const c = afterRetirement;
    const report = await verifier().verifyCredential(c.secured, { receipt: await receiptFor(c) });
    const retiredAt = keyLeaves.get(rotated.id)!.retired!;
    expect(logOf(report)).toMatchObject({
      ok: false,
      code: 'LOG_KEY_NOT_VALID',
      message: expect.stringContaining(`signed after the key was retired at leaf ${retiredAt}`),
    });
    // The signature itself is fine: only the log shows the key was no longer valid.
    expect(report.checks.find((x) => x.check === 'signature')?.ok).toBe(true);
    expect(report.verified).toBe(false);
  });

  it('key validity: a credential issued before its key was retired (retired later, in the receipt) passes', async () => {
    const c = beforeRetirement;
    const receipt = await receiptFor(c);
    expect(receipt.keyEvents).toHaveLength(2);
    const report = await verifier().verifyCredential(c.secured, { receipt });
    const { added, retired } = keyLeaves.get(rotated.id)!;
    expect(logOf(report)).toEqual({
      check: 'log',
      ok: true,
      message: `issuance logged at leaf ${c.leafIndex} of ${log.size} (checkpoint origin ${ORIGIN}); key added at leaf ${added}, retired at leaf ${retired}, after issuance`,
    });
    expect(report.verified).toBe(true);
  });

  it('without a receipt there is no log check, and the report is unchanged', async () => {
    const c = issued['eddsa-rdfc-2022'];
    const plain = await verifier().verifyCredential(c.secured);
    expect(logOf(plain)).toBeUndefined();
    expect(await verifier().verifyCredential(c.secured, {})).toEqual(plain);
    expect(await verifierWith().verifyCredential(c.secured)).toEqual(plain);
    expect(plain.verified).toBe(true);
  });

  it('a malformed receipt is a failing log check with INPUT_INVALID, not a throw', async () => {
    const c = issued['eddsa-jcs-2022'];
    const good = await receiptFor(c);
    for (const receipt of [
      null,
      'not json',
      { ...good, version: 2 },
      { ...good, salt: 'AAAA' },
      { ...good, issuance: { ...good.issuance, hashes: ['not base64!'] } },
      { ...good, extra: true },
      { ...good, keyEvents: {} },
    ]) {
      const report = await verifier().verifyCredential(c.secured, { receipt });
      expect(logOf(report)).toMatchObject({ check: 'log', ok: false, code: 'INPUT_INVALID' });
      expect(report.verified).toBe(false);
    }
  });

  it('parseReceipt is strict and names every bad field by JSON pointer', async () => {
    const good = await receiptFor(issued['vc-jwt']);
    expect(parseReceipt(good)).toEqual(good);
    expect(parseReceipt(JSON.stringify(good))).toEqual(good);
    const bad = {
      ...good,
      type: 'Receipt',
      salt: encodeSalt(new Uint8Array(16)),
      issuance: { leafIndex: -1, leaf: good.issuance.leaf, hashes: [good.issuance.hashes[0], 'AAAA'] },
      keyEvents: [{ ...good.keyEvents[0], more: 1 }],
      extra: 1,
    };
    let error: unknown;
    try {
      parseReceipt(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).code).toBe('INPUT_INVALID');
    expect((error as TesseraError).fields.map((f) => f.pointer).sort()).toEqual(
      ['/extra', '/type', '/salt', '/issuance/leafIndex', '/issuance/hashes/1', '/keyEvents/0/more'].sort(),
    );
  });

  it('the verifier takes the receipt as a JSON string or as an object', async () => {
    const c = issued['vc-jwt'];
    const receipt = await receiptFor(c);
    const asObject = await verifier().verifyCredential(c.secured, { receipt });
    const asText = await verifier().verifyCredential(c.secured, { receipt: JSON.stringify(receipt) });
    expect(logOf(asObject)).toMatchObject({ check: 'log', ok: true });
    expect(asText).toEqual(asObject);
    // The credential may itself arrive as JSON text or an enveloped JWT.
    const di = issued['eddsa-jcs-2022'];
    const diText = await verifier().verifyCredential(JSON.stringify(di.secured), {
      receipt: await receiptFor(di),
    });
    expect(logOf(diText)).toMatchObject({ ok: true });
    const enveloped = await verifier().verifyCredential(
      {
        '@context': 'https://www.w3.org/ns/credentials/v2',
        type: 'EnvelopedVerifiableCredential',
        id: `data:application/vc+jwt,${c.secured}`,
      },
      { receipt },
    );
    expect(logOf(enveloped)).toMatchObject({ ok: true });
  });

  it('log keys are read as C2SP verifier keys, including those whose base64 contains "+"', async () => {
    const c = issued['eddsa-jcs-2022'];
    // Find a log key whose base64 has a '+' (about one in two do).
    let plus: Awaited<ReturnType<typeof noteKey>> | undefined;
    for (let i = 0; i < 64 && !plus; i++) {
      const k = await noteKey();
      if (k.key.split('+').length > 3) plus = k;
    }
    expect(plus).toBeDefined();
    const receipt = await receiptFor(c, { checkpoint: await log.checkpoint([plus!.signer]) });
    expect(await verifyReceipt(crypto, receipt, { ...options(c), logKeys: [plus!.key] })).toMatchObject({
      ok: true,
    });
    const report = await verifierWith({ log: { keys: [plus!.key] } }).verifyCredential(c.secured, {
      receipt,
    });
    expect(logOf(report)).toMatchObject({ ok: true });
    // A bad key string: a failing check from verifyReceipt, a configuration error from createVerifier.
    const wrongId = plus!.key.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    expect(await verifyReceipt(crypto, receipt, { ...options(c), logKeys: [wrongId] })).toMatchObject({
      ok: false,
      code: 'LOG_CHECKPOINT_INVALID',
    });
    expect(() => verifierWith({ log: { keys: ['not a key'] } })).toThrow(TesseraError);
  });

  it('an unreadable credential with a receipt gets a skipped log check and stays unverified', async () => {
    const report = await verifier().verifyCredential('{not json', {
      receipt: await receiptFor(issued['vc-jwt']),
    });
    expect(report.usable).toBe(false);
    expect(logOf(report)).toMatchObject({ check: 'log', ok: false, skipped: true });
    expect(report.verified).toBe(false);
  });
});

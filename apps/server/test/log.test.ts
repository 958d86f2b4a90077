import { proveLogConsistency } from '@tessera/app';
import { decodeLogEvent } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import {
  CompactRange,
  hashLeaf,
  type NoteVerifier,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from '@tessera/tlog';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, sampleCredential } from './support/harness.js';

let h: Harness;
let lab: Awaited<ReturnType<Harness['tenant']>>;
let logKey: NoteVerifier;
const crypto = createNodeCrypto();
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

beforeAll(async () => {
  h = await createHarness();
  lab = await h.tenant('lab');
  const text = await (await h.call('GET', '/log/key')).text();
  const { name, publicKey } = parseVerifierKey(text.trim());
  logKey = { name, publicKey, verify: (m, s) => crypto.ed25519Verify(publicKey, m, s) };
});
afterAll(() => h.close());

const issue = (format = 'eddsa-jcs-2022') => h.issue(lab.key, format);

async function checkpoint() {
  const r = await h.call('GET', '/log/checkpoint');
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  return openCheckpoint(await r.text(), [logKey], 'badges.lab.example/log');
}

async function allLeaves(size: number): Promise<Uint8Array[]> {
  const leaves: Uint8Array[] = [];
  for (let start = 0; start < size; start += 1000) {
    const r = await h.json('GET', `/log/entries?start=${start}&end=${Math.min(size, start + 1000)}`);
    expect(r.status).toBe(200);
    for (const e of r.body.entries) leaves.push(b64(e.leaf));
  }
  return leaves;
}

describe('GET /log/checkpoint and /log/entries', () => {
  it('serves a C2SP checkpoint signed by the log key whose root is recomputed from the served leaves', async () => {
    await issue();
    const cp = await checkpoint();
    expect(cp.size).toBeGreaterThan(0);
    const range = CompactRange.empty();
    for (const leaf of await allLeaves(cp.size)) range.append(hashLeaf(leaf));
    expect(Buffer.from(range.root()).toString('hex')).toBe(Buffer.from(cp.rootHash).toString('hex'));
  });

  it('logs the tenant key as added, each issuance as a salted commitment without personal data, and status changes', async () => {
    const vc = await issue();
    await h.json('POST', '/credentials/status', {
      key: lab.key,
      body: {
        credentialId: vc.id,
        credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'suspended' }],
      },
    });
    const cp = await checkpoint();
    const events = (await allLeaves(cp.size)).map(decodeLogEvent);
    expect(events.some((e) => e.type === 'key' && e.event === 'added' && e.tenant === lab.did)).toBe(true);
    const issues = events.filter((e) => e.type === 'issue');
    expect(issues.length).toBeGreaterThan(0);
    for (const e of issues) {
      // The holder's DID, the achievement and the credential id never appear in the log.
      const text = JSON.stringify(e);
      expect(text).not.toContain('did:key:');
      expect(text).not.toContain(vc.id);
      expect(text).not.toContain('SMD');
    }
    const index = Number(vc.credentialStatus[1].statusListIndex);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'status', purpose: 'suspension', index, status: 'suspended' }),
    );
  });

  it('refuses pages that are empty, inverted, too large or beyond the log with 400', async () => {
    const cp = await checkpoint();
    for (const q of [
      'start=1&end=1',
      'start=2&end=1',
      'start=0&end=1001',
      `start=0&end=${cp.size + 50}`,
      'start=a&end=2',
      '',
    ])
      expect((await h.json('GET', `/log/entries?${q}`)).status).toBe(400);
  });
});

describe('GET /log/proof/*', () => {
  it('gives an inclusion proof for a leaf hash that verifies against the checkpoint root, cacheable forever', async () => {
    await issue();
    const cp = await checkpoint();
    const leaves = await allLeaves(cp.size);
    const i = leaves.length - 1;
    const hash = hashLeaf(leaves[i]!);
    const r = await h.json(
      'GET',
      `/log/proof/inclusion?leaf=${encodeURIComponent(Buffer.from(hash).toString('base64'))}&size=${cp.size}`,
    );
    expect(r.status).toBe(200);
    expect(r.res.headers.get('cache-control')).toContain('immutable');
    expect(r.body.leafIndex).toBe(i);
    expect(r.body.treeSize).toBe(cp.size);
    expect(() => verifyInclusion(hash, i, cp.size, r.body.hashes.map(b64), cp.rootHash)).not.toThrow();
  });

  it('gives consistency proofs between any two sizes that verify against both roots', async () => {
    const old = await checkpoint();
    await issue();
    await issue('vc-jwt');
    const now = await checkpoint();
    expect(now.size).toBeGreaterThan(old.size);
    const r = await h.json('GET', `/log/proof/consistency?from=${old.size}&to=${now.size}`);
    expect(r.status).toBe(200);
    expect(() =>
      verifyConsistency(old.size, now.size, r.body.hashes.map(b64), old.rootHash, now.rootHash),
    ).not.toThrow();
    // The same proof does not bridge to a forged root.
    const forged = new Uint8Array(now.rootHash);
    forged[0]! ^= 1;
    expect(() =>
      verifyConsistency(old.size, now.size, r.body.hashes.map(b64), old.rootHash, forged),
    ).toThrow();
  });

  it('answers 404 for an unknown leaf and 400 for bad sizes and hashes', async () => {
    const cp = await checkpoint();
    const unknown = Buffer.alloc(32, 9).toString('base64');
    expect(
      (await h.json('GET', `/log/proof/inclusion?leaf=${encodeURIComponent(unknown)}&size=${cp.size}`))
        .status,
    ).toBe(404);
    expect((await h.json('GET', `/log/proof/inclusion?leaf=AAAA&size=${cp.size}`)).status).toBe(400);
    expect(
      (await h.json('GET', `/log/proof/inclusion?leaf=${encodeURIComponent(unknown)}&size=${cp.size + 99}`))
        .status,
    ).toBe(400);
    expect((await h.json('GET', `/log/proof/consistency?from=5&to=2`)).status).toBe(400);
    expect((await h.json('GET', `/log/proof/consistency?from=1&to=${cp.size + 99}`)).status).toBe(400);
  });
});

describe('GET /credentials/{id}/receipt', () => {
  it('proves the issuance in a signed checkpoint, opens the commitment with the salt, and cites the key’s added event', async () => {
    const vc = await issue('eddsa-rdfc-2022');
    const r = await h.json('GET', `/credentials/${encodeURIComponent(vc.id)}/receipt`, { key: lab.key });
    expect(r.status).toBe(200);
    const receipt = r.body;
    expect(receipt).toMatchObject({ type: 'TesseraLogReceipt', version: 1, credentialId: vc.id });
    const cp = await openCheckpoint(receipt.checkpoint, [logKey]);
    const leaf = b64(receipt.issuance.leaf);
    expect(() =>
      verifyInclusion(
        hashLeaf(leaf),
        receipt.issuance.leafIndex,
        cp.size,
        receipt.issuance.hashes.map(b64),
        cp.rootHash,
      ),
    ).not.toThrow();
    const event = decodeLogEvent(leaf);
    expect(event).toMatchObject({ type: 'issue', tenant: lab.did, key: vc.proof.verificationMethod });
    const keyEvents = receipt.keyEvents.map((k: { leaf: string }) => decodeLogEvent(b64(k.leaf)));
    expect(keyEvents).toContainEqual(
      expect.objectContaining({ type: 'key', event: 'added', key: vc.proof.verificationMethod }),
    );
  });

  it("answers 404 for another tenant's credential", async () => {
    const vc = await issue();
    const other = await h.tenant('other-lab');
    expect(
      (await h.json('GET', `/credentials/${encodeURIComponent(vc.id)}/receipt`, { key: other.key })).status,
    ).toBe(404);
  });
});

describe('POST /credentials/verify with a receipt', () => {
  const receiptOf = async (vc: { id: string }, key = lab.key) =>
    (await h.json('GET', `/credentials/${encodeURIComponent(vc.id)}/receipt`, { key })).body;
  // biome-ignore lint/suspicious/noExplicitAny: reports are inspected loosely in tests
  const logCheck = (report: any) => report.checks.find((c: { check: string }) => c.check === 'log');

  it('adds a passing log check for the credential’s own receipt, in every format', async () => {
    for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt']) {
      const vc = await issue(format);
      const id =
        typeof vc === 'string'
          ? JSON.parse(Buffer.from(vc.split('.')[1]!, 'base64url').toString()).id
          : vc.id;
      const receipt = await receiptOf({ id });
      const r = await h.json('POST', '/credentials/verify', {
        body: { verifiableCredential: vc, options: { receipt } },
      });
      expect(r.status, format).toBe(200);
      expect(logCheck(r.body)).toMatchObject({ ok: true });
    }
  });

  it('answers 422 LOG_ENTRY_MISSING for another credential’s receipt, and has no log check without one', async () => {
    const vc = await issue();
    const other = await issue();
    const r = await h.json('POST', '/credentials/verify', {
      body: { verifiableCredential: vc, options: { receipt: await receiptOf(other) } },
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('LOG_ENTRY_MISSING');
    const plain = await h.json('POST', '/credentials/verify', { body: { verifiableCredential: vc } });
    expect(logCheck(plain.body)).toBeUndefined();
  });

  it('verifies a credential signed by a since-retired key when its receipt shows the key was valid at issuance', async () => {
    const t = await h.tenant('rotated-lab');
    const issued = await h.json('POST', '/credentials/issue', {
      key: t.key,
      body: { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } },
    });
    const vc = issued.body.verifiableCredential;
    expect((await h.json('POST', '/keys/rotate', { key: t.key })).status).toBe(201);
    const receipt = await receiptOf(vc, t.key);
    const retired = receipt.keyEvents.map((k: { leaf: string }) => decodeLogEvent(b64(k.leaf)));
    expect(retired).toContainEqual(
      expect.objectContaining({ event: 'retired', key: vc.proof.verificationMethod }),
    );
    const r = await h.json('POST', '/credentials/verify', {
      body: { verifiableCredential: vc, options: { receipt } },
    });
    expect(r.status).toBe(200);
    expect(logCheck(r.body).message).toMatch(/retired at leaf \d+, after issuance/);
  });
});

describe('key rotation in the log', () => {
  it('logs the old key as retired and the new one as added, in that order', async () => {
    const rotating = await h.tenant('rotating');
    const before = (await checkpoint()).size;
    expect((await h.json('POST', '/keys/rotate', { key: rotating.key })).status).toBe(201);
    const cp = await checkpoint();
    const events = (await allLeaves(cp.size)).slice(before).map(decodeLogEvent);
    const keyEvents = events.filter((e) => e.type === 'key' && e.tenant === rotating.did);
    expect(keyEvents.map((e) => (e.type === 'key' ? e.event : ''))).toEqual(['retired', 'added']);
  });
});

describe('start-up consistency', () => {
  const tamper = (...statements: string[]) => {
    const conn = new Database(h.dbPath);
    for (const st of statements) conn.exec(st);
    conn.close();
  };

  it('proves the stored log extends its last checkpoint, and refuses one whose nodes were rewritten', async () => {
    await issue();
    await h.deps.log.checkpointNow();
    await expect(proveLogConsistency(h.deps.app)).resolves.toMatchObject({ to: expect.any(Number) });
    // As the database owner could: rewrite the top stored node behind the log's back.
    tamper(
      'drop trigger log_nodes_no_update',
      'update log_nodes set hash = zeroblob(32) where level = (select max(level) from log_nodes) and idx = 0',
    );
    await expect(proveLogConsistency(h.deps.app)).rejects.toMatchObject({ code: 'LOG_INCONSISTENT' });
  });
});

describe('start-up consistency after truncation', () => {
  it('refuses a log that shrank below its last signed checkpoint', async () => {
    const fresh = await createHarness();
    try {
      await fresh.tenant('t');
      await fresh.deps.log.checkpointNow();
      const conn = new Database(fresh.dbPath);
      conn.exec('drop trigger log_state_forward');
      conn.exec("update log_state set size = 0, peaks = x''");
      conn.close();
      await expect(proveLogConsistency(fresh.deps.app)).rejects.toMatchObject({ code: 'LOG_INCONSISTENT' });
    } finally {
      await fresh.close();
    }
  });
});

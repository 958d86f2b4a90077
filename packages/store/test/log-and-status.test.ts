import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  appendToLog,
  createTenant,
  inclusionProofFor,
  inProcessSigner,
  issueForTenant,
  rotateKey,
  type StatusListRecord,
  type Store,
  sequenceLog,
} from '@tessera/app';
import { base64Decode } from '@tessera/core';
import type { ProofFormat, SigningKey } from '@tessera/credentials';
import { CompactRange, hashLeaf, inclusionProof, verifyInclusion } from '@tessera/tlog';
import BetterSqlite3 from 'better-sqlite3';
import { expect, it } from 'vitest';
import { aCredential, describeContract, seedTenant } from './support.js';

const sha256Sync = (d: Uint8Array) => createHash('sha256').update(d).digest();
const event = (tenant: string, i: number) =>
  ({
    v: 1,
    type: 'status',
    tenant,
    time: new Date(1_780_000_000_000 + i).toISOString(),
    list: 'https://badges.example/status/t/revocation-1',
    index: i,
    purpose: 'revocation',
    status: 'revoked',
  }) as const;

const aList = (tenantId: string, seq = 1): StatusListRecord => ({
  id: randomUUID(),
  tenantId,
  purpose: 'revocation',
  seq,
  size: 131_072,
  allocated: 0,
  indexKey: new Uint8Array(randomBytes(32)),
  bits: new Uint8Array(16_384),
  version: 1,
  document: '{"signed":"list"}',
  updatedAt: new Date().toISOString(),
});

describeContract('LogRepository', ({ store, target }) => {
  it('queues leaves with their transaction, and a rolled-back transaction queues nothing', async () => {
    const t = await seedTenant(store());
    const before = (await store().log.queued(100_000)).length;
    await expect(
      store().transaction(async (tx) => {
        await appendToLog({ sha256Sync }, tx, [event(t.did, 1)]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await store().log.queued(100_000)).length).toBe(before);
    await store().transaction((tx) => appendToLog({ sha256Sync }, tx, [event(t.did, 2), event(t.did, 3)]));
    expect((await store().log.queued(100_000)).length).toBe(before + 2);
  });

  it('sequences queued leaves in order into a tree whose stored nodes prove every leaf', async () => {
    const t = await seedTenant(store());
    const events = Array.from({ length: 37 }, (_, i) => event(t.did, 100 + i));
    await store().transaction((tx) => appendToLog({ sha256Sync }, tx, events));
    await sequenceLog({ store: store(), sha256Sync });
    expect(await store().log.queued(10)).toEqual([]);
    const head = await store().log.state();
    const leaves = await store().log.leaves(0, head.size);
    expect(leaves).toHaveLength(head.size);
    const range = CompactRange.empty();
    for (const l of leaves) range.append(hashLeaf(l.leaf));
    const root = range.root();
    expect(Buffer.from(CompactRange.fromPeaks(head.size, head.peaks).root())).toEqual(Buffer.from(root));
    const reader = { getNodes: (ids: readonly { level: number; index: number }[]) => store().log.nodes(ids) };
    for (const l of leaves) {
      expect(await store().log.indexOfHash(l.hash)).toBe(l.index);
      verifyInclusion(l.hash, l.index, head.size, await inclusionProof(reader, l.index, head.size), root);
    }
  });

  it('sequences the same event bytes twice as two leaves: a repeated event never stalls the log', async () => {
    // A suspension lifted and set again within one millisecond is the same status event twice.
    const t = await seedTenant(store());
    const repeated = event(t.did, 900);
    await store().transaction((tx) => appendToLog({ sha256Sync }, tx, [repeated, repeated]));
    await store().transaction((tx) => appendToLog({ sha256Sync }, tx, [repeated]));
    const sizeBefore = (await store().log.state()).size;
    await sequenceLog({ store: store(), sha256Sync });
    const head = await store().log.state();
    expect(head.size).toBe(sizeBefore + 3);
    expect(await store().log.queued(10)).toEqual([]);
    const leaves = await store().log.leaves(sizeBefore, head.size);
    const hash = hashLeaf(leaves[0]!.leaf);
    expect(leaves.map((l) => Buffer.from(l.hash).equals(hash))).toEqual([true, true, true]);
    // Found by its hash at its first index; later appends still sequence.
    expect(await store().log.indexOfHash(hash)).toBe(sizeBefore);
    await store().transaction((tx) => appendToLog({ sha256Sync }, tx, [event(t.did, 901)]));
    await sequenceLog({ store: store(), sha256Sync });
    expect((await store().log.state()).size).toBe(head.size + 1);
  });

  it('serves proofs whose cached top of the tree agrees with storage, at every size asked', async () => {
    const t = await seedTenant(store());
    const deps = { store: store(), sha256Sync } as unknown as Parameters<typeof inclusionProofFor>[0];
    const events = Array.from({ length: 2600 }, (_, i) => event(t.did, 10_000 + i));
    await store().transaction((tx) => appendToLog({ sha256Sync }, tx, events), { solo: true });
    await sequenceLog({ store: store(), sha256Sync });
    const head = await store().log.state();
    const leaves = await store().log.leaves(0, head.size);
    const rootAt = (n: number) => {
      const r = CompactRange.empty();
      for (const l of leaves.slice(0, n)) r.append(l.hash);
      return r.root();
    };
    // Twice each: the second proof takes levels ≥ 8 from the in-memory cache.
    for (const size of [head.size, 2048, 1500]) {
      const root = rootAt(size);
      for (const index of [0, 255, 256, 1023, 1024, 1499, size - 1]) {
        if (index >= size) continue;
        for (let round = 0; round < 2; round++) {
          const p = await inclusionProofFor(deps, leaves[index]!.hash, size);
          verifyInclusion(leaves[index]!.hash, index, size, p.hashes.map(base64Decode), root);
        }
      }
    }
  });

  it('stores a checkpoint only when it is larger than every stored one', async () => {
    const base = (await store().log.latestCheckpoint())?.size ?? 0;
    const cp = (size: number) => ({
      size,
      rootHash: new Uint8Array(32).fill(size % 256),
      note: `n${size}`,
      createdAt: new Date().toISOString(),
    });
    expect(await store().log.saveCheckpoint(cp(base + 10))).toBe(true);
    expect(await store().log.saveCheckpoint(cp(base + 5))).toBe(false);
    expect(await store().log.saveCheckpoint(cp(base + 10))).toBe(false);
    expect((await store().log.latestCheckpoint())?.size).toBe(base + 10);
  });

  it('keeps leaves, nodes and checkpoints insert-only and the head moving forward only', async () => {
    const t = await seedTenant(store());
    await store().transaction((tx) => appendToLog({ sha256Sync }, tx, [event(t.did, 999)]));
    await sequenceLog({ store: store(), sha256Sync });
    const head = await store().log.state();
    await expect(store().log.append([], [], { size: 0, peaks: [] })).resolves.toBeUndefined();
    await expect(
      store().transaction((tx) =>
        tx.log.append([{ index: head.size, leaf: new Uint8Array([1]), hash: new Uint8Array(32) }], [], {
          size: 0,
          peaks: [],
        }),
      ),
    ).rejects.toThrow();
    expect((await store().log.state()).size).toBe(head.size);
  });

  it("keeps a credential's status entries and issuance leaf in its row, and key events by leaf hash", async () => {
    const t = await seedTenant(store());
    const other = await seedTenant(store());
    const leafHash = new Uint8Array(randomBytes(32));
    const salt = new Uint8Array(randomBytes(32));
    const statusEntries = [
      { listId: randomUUID(), index: 4242 },
      { listId: randomUUID(), index: 7 },
    ];
    const c = aCredential(t.id, { statusEntries, issuance: { leafHash, salt } });
    await store().transaction((tx) => tx.credentials.insert(c), { tenantId: t.id });
    expect(await store().credentials.byId(t.id, c.id)).toStrictEqual(c);
    expect(await store().credentials.byId(other.id, c.id)).toBeUndefined();
    const vm = `${t.did}#key-1`;
    await store().log.recordKeyEvent({ verificationMethod: vm, event: 'added', leafHash });
    expect(await store().log.keyEvents(vm)).toStrictEqual([
      { verificationMethod: vm, event: 'added', leafHash },
    ]);
  });

  it.runIf(target.name === 'sqlite')(
    'finds leaves and nodes through indexes, never by scanning the log',
    () => {
      const raw = new BetterSqlite3(target.location, { readonly: true });
      try {
        const plan = (q: string, ...args: unknown[]) =>
          raw
            .prepare(`explain query plan ${q}`)
            .all(...args)
            .map((r) => (r as { detail: string }).detail)
            .join('; ');
        // indexOfHash's query: through the hash-prefix index.
        expect(
          plan(
            'select idx from log_leaves where substr(hash, 1, 8) = ? and hash = ? order by idx limit 1',
            Buffer.alloc(8),
            Buffer.alloc(32),
          ),
        ).toMatch(/USING INDEX log_leaves_hash_prefix/);
        expect(
          plan(
            'select level, idx, hash from log_nodes where (level = ? and idx = ?) or (level = ? and idx = ?)',
            1,
            2,
            3,
            4,
          ),
        ).not.toMatch(/SCAN log_nodes/);
        expect(plan('select idx, hash from log_leaves where idx in (?, ?)', 1, 2)).not.toMatch(
          /SCAN log_leaves/,
        );
      } finally {
        raw.close();
      }
    },
  );
});

describeContract('StatusListRepository', ({ store }) => {
  it('keeps header and body: current() is the newest header, bySeq the whole list', async () => {
    const t = await seedTenant(store());
    const one = aList(t.id, 1);
    const two = aList(t.id, 2);
    await store().statusLists.insert(one);
    await store().statusLists.insert(two);
    const { bits, document, ...header } = two;
    expect(await store().statusLists.current(t.id, 'revocation')).toStrictEqual(header);
    expect(await store().statusLists.bySeq(t.id, 'revocation', 1)).toStrictEqual(one);
    expect(await store().statusLists.current(t.id, 'suspension')).toBeUndefined();
    void bits;
    void document;
  });

  it('hands out disjoint blocks of a counter to concurrent takers, for its tenant only', async () => {
    const t = await seedTenant(store());
    const other = await seedTenant(store());
    const a = aList(t.id, 1);
    await store().statusLists.insert(a);
    const takes = await Promise.all(
      Array.from({ length: 10 }, () =>
        store().transaction((tx) => tx.statusLists.takeIndexes(t.id, a.id, 256), { tenantId: t.id }),
      ),
    );
    expect(takes.sort((x, y) => x! - y!)).toEqual(Array.from({ length: 10 }, (_, i) => 256 * (i + 1)));
    expect(await store().statusLists.takeIndexes(other.id, a.id, 1)).toBeUndefined();
    expect(await store().statusLists.takeIndexes(t.id, randomUUID(), 1)).toBeUndefined();
    expect((await store().statusLists.current(t.id, 'revocation'))?.allocated).toBe(2560);
  });

  it("changes a list only from the version it was read at, and never another tenant's", async () => {
    const t = await seedTenant(store());
    const other = await seedTenant(store());
    const l = aList(t.id);
    await store().statusLists.insert(l);
    const next = {
      bits: new Uint8Array(16_384).fill(1),
      document: '{"v":2}',
      version: 2,
      updatedAt: new Date().toISOString(),
    };
    expect(await store().statusLists.update(other.id, l.id, 1, next)).toBe(false);
    expect(await store().statusLists.update(t.id, l.id, 1, next)).toBe(true);
    expect(await store().statusLists.update(t.id, l.id, 1, { ...next, version: 3 })).toBe(false);
    expect((await store().statusLists.byId(t.id, l.id))?.document).toBe('{"v":2}');
  });
});

const aBadge = () => ({
  '@context': [
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  ],
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'x',
  credentialSubject: {
    id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    type: ['AchievementSubject'],
    achievement: {
      id: 'https://badges.example/a',
      type: ['Achievement'],
      name: 'x',
      description: 'x',
      criteria: { narrative: 'x' },
    },
  },
});

const issuanceDeps = async (store: Store) => ({
  store,
  crypto: (await import('@tessera/crypto-node')).createNodeCrypto(),
  sha256Sync,
  masterKey: new Uint8Array(32).fill(5),
  publicUrl: 'https://badges.example',
  now: () => new Date(),
});

describeContract('issuance on the store (status entries and log leaves under concurrency)', ({ store }) => {
  const freshTenant = async (deps: Awaited<ReturnType<typeof issuanceDeps>>) =>
    (await createTenant(deps, { slug: `t${randomBytes(4).toString('hex')}`, name: 'Concurrent Lab' })).tenant;
  const entriesOf = async (tenantId: string, id: string) =>
    ((await store().credentials.byId(tenantId, id))?.statusEntries ?? []).map(
      (e) => `${e.listId}/${e.index}`,
    );

  it('32 concurrent issuances for a fresh tenant all commit, with distinct status indexes and one leaf each', async () => {
    const deps = await issuanceDeps(store());
    const tenant = await freshTenant(deps);
    const queuedBefore = (await store().log.queued(1_000_000)).length;
    const outcomes = await Promise.all(
      Array.from({ length: 32 }, () =>
        issueForTenant(deps, tenant, { credential: aBadge(), options: { format: 'vc-jwt' } }),
      ),
    );
    const lists = await store().statusLists.list(tenant.id);
    expect(lists.map((l) => `${l.purpose}-${l.seq}`).sort()).toEqual(['revocation-1', 'suspension-1']);
    for (const purpose of ['revocation', 'suspension']) {
      const list = lists.find((l) => l.purpose === purpose)!;
      const indexes = new Set<number>();
      for (const o of outcomes) {
        const stored = await store().credentials.byId(tenant.id, o.record.id);
        const [a] = (stored?.statusEntries ?? []).filter((x) => x.listId === list.id);
        indexes.add(a!.index);
      }
      expect(indexes.size).toBe(32);
    }
    expect((await store().log.queued(1_000_000)).length).toBe(queuedBefore + 32);
  }, 60_000);

  it('never hands an index out twice: not after a failed issuance, not to another process, not across a list rollover', async () => {
    // Two deps objects on one store are two processes: each reserves its own blocks.
    const a = await issuanceDeps(store());
    const b = await issuanceDeps(store());
    const tenant = await freshTenant(a);
    const seen = new Set<string>();
    const take = async (deps: typeof a, n: number) => {
      for (let i = 0; i < n; i++) {
        const o = await issueForTenant(deps, tenant, { credential: aBadge(), options: { format: 'vc-jwt' } });
        for (const e of await entriesOf(tenant.id, o.record.id)) {
          expect(seen.has(e)).toBe(false);
          seen.add(e);
        }
      }
    };
    await take(a, 3);
    await take(b, 3);
    // A failed issuance (an unknown achievement fails before signing; a bad format before drawing)
    // uses no index that a later one gets.
    await expect(
      issueForTenant(a, tenant, {
        credential: aBadge(),
        options: { format: 'vc-jwt', achievementId: 'nope' },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await take(a, 3);
    // Bring list 1 to a few values short of half full, as 65,530 issuances would.
    const revocation = (await store().statusLists.current(tenant.id, 'revocation'))!;
    const suspension = (await store().statusLists.current(tenant.id, 'suspension'))!;
    for (const l of [revocation, suspension]) {
      const now = (await store().statusLists.current(tenant.id, l.purpose))!.allocated;
      await store().transaction((tx) => tx.statusLists.takeIndexes(tenant.id, l.id, 65_530 - now), {
        tenantId: tenant.id,
      });
    }
    // A fresh process draws the last six values of list 1, then list 2 opens.
    const fresh = await issuanceDeps(store());
    await take(fresh, 10);
    const lists = await store().statusLists.list(tenant.id);
    expect(lists.map((l) => `${l.purpose}-${l.seq}`).sort()).toEqual([
      'revocation-1',
      'revocation-2',
      'suspension-1',
      'suspension-2',
    ]);
    const inList = (id: string) => [...seen].filter((e) => e.startsWith(`${id}/`)).length;
    expect(inList(revocation.id)).toBe(3 + 3 + 3 + 6);
    const second = lists.find((l) => l.purpose === 'revocation' && l.seq === 2)!;
    expect(inList(second.id)).toBe(4);
    // Half full means half: list 1 never handed out a value past 65,536.
    expect((await store().statusLists.bySeq(tenant.id, 'revocation', 1))!.allocated).toBe(65_536);
  }, 60_000);

  it('a key rotated while a credential is being signed: the issuance signs again with the new key', async () => {
    const base = await issuanceDeps(store());
    const tenant = await freshTenant(base);
    const keys: string[] = [];
    const deps = {
      ...base,
      signCredential: async (
        key: SigningKey,
        credential: Record<string, unknown>,
        format: ProofFormat,
        at: Date,
      ) => {
        keys.push(key.id);
        // The first signing loses the race: a rotation commits before its transaction begins.
        if (keys.length === 1) await rotateKey(deps, tenant);
        return inProcessSigner(base.crypto)(key, credential, format, at);
      },
    };
    const o = await issueForTenant(deps, tenant, {
      credential: aBadge(),
      options: { format: 'eddsa-jcs-2022' },
    });
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    const active = await store().keys.active(tenant.id);
    expect(o.record.verificationMethod).toBe(keys[1]);
    expect(o.record.verificationMethod).toBe(active!.verificationMethod);
    expect(
      (o.verifiableCredential as { proof: { verificationMethod: string } }).proof.verificationMethod,
    ).toBe(keys[1]);
  }, 60_000);
});

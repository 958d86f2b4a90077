/**
 * `npm run bench` (second part): status lists and the transparency log on the embedded SQLite
 * store, in-process. Every target is printed against a baseline measured in the same run:
 *   - batched appends (leaves/s) against bare durable inserts of the same bytes;
 *   - an inclusion proof at 1,000,000 leaves from storage (p99), and its verification;
 *   - a warm status check, and flipping one bit with re-signing a 131,072-entry list;
 *   - durable issuance with status entries and a log leaf against the same issuance without
 *     them (sign, insert the credential row; the pre-status path), 32 callers in flight.
 * `--json` prints the results as JSON; `--leaves N` changes the 1,000,000.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendToLog,
  changeStatus,
  checkIssueRequest,
  createTenant,
  inclusionProofFor,
  issueForTenant,
  prepareCredential,
  STATUS_LIST_SIZE,
  sequenceLog,
  signingKey,
  signStatusList,
} from '@tessera/app';
import { base64Decode } from '@tessera/core';
import {
  buildStatusEntry,
  buildStatusListCredential,
  createStatusChecker,
  createVerifier,
  encodeLogEvent,
  encodeStatusList,
  generateDidKey,
  issueCredential,
} from '@tessera/credentials';
import { createNodeCrypto, sha256Sync } from '@tessera/crypto-node';
import { openStore } from '@tessera/store';
import { createTreeHasher, hashLeaf, verifyInclusion } from '@tessera/tlog';
import { measure } from './measure.mjs';

const json = process.argv.includes('--json');
const leavesArg = process.argv.indexOf('--leaves');
const LEAVES = leavesArg > 0 ? Number(process.argv[leavesArg + 1]) : 1_000_000;
const crypto = createNodeCrypto();
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-log-'));
const rows = [];
const targets = [];
const say = (...a) => json || console.log(...a);

const store = await openStore(`sqlite:${join(dir, 'tessera.db')}`);
const deps = {
  store,
  crypto,
  sha256Sync,
  masterKey: new Uint8Array(32).fill(3),
  publicUrl: 'https://badges.bench.example',
  now: () => new Date(),
};
const { tenant } = await createTenant(deps, { slug: 'bench', name: 'Bench Lab' });

// ---- 1. Appends in batches, against bare durable inserts of the same bytes ----
const event = (i) => ({
  v: 1,
  type: 'status',
  tenant: tenant.did,
  time: new Date(1_780_000_000_000 + i).toISOString(),
  list: 'https://badges.bench.example/status/bench/revocation-1',
  index: i % STATUS_LIST_SIZE,
  purpose: 'revocation',
  status: 'revoked',
});
const BATCH = 10_000;
say(`building a log of ${LEAVES.toLocaleString('en')} leaves in batches of ${BATCH}…`);
let appended = 0;
let appendNs = 0n;
while (appended < LEAVES) {
  const n = Math.min(BATCH, LEAVES - appended);
  const events = Array.from({ length: n }, (_, k) => event(appended + k));
  const t0 = process.hrtime.bigint();
  // Queued with the writes, then sequenced into the tree: the whole path of a leaf.
  await store.transaction((tx) => appendToLog(deps, tx, events), { solo: true });
  await sequenceLog(deps);
  appendNs += process.hrtime.bigint() - t0;
  appended += n;
}
const appendRate = Math.round((appended * 1e9) / Number(appendNs));
// The floor: the same leaf bytes inserted durably, with nothing computed (a scratch table).
const scratch = await openStore(`sqlite:${join(dir, 'scratch.db')}`);
const floorLeaves = Math.min(LEAVES, 200_000);
let floorNs = 0n;
for (let at = 0; at < floorLeaves; at += BATCH) {
  const events = Array.from({ length: BATCH }, (_, k) => event(at + k));
  const t0 = process.hrtime.bigint();
  // appendToLog's own writes minus hashing and nodes: leaves only, one head update.
  await scratch.transaction(async (tx) => {
    const head = await tx.log.state();
    const leaves = events.map((e, k) => {
      const leaf = new TextEncoder().encode(JSON.stringify(e));
      return {
        index: head.size + k,
        leaf,
        hash: createHash('sha256').update(leaf).update(String(k)).digest(),
      };
    });
    await tx.log.append(leaves, [], { size: head.size + leaves.length, peaks: [] });
  }, {});
  floorNs += process.hrtime.bigint() - t0;
}
await scratch.close();
const floorRate = Math.round((floorLeaves * 1e9) / Number(floorNs));
rows.push({ name: 'log/append: queue + sequence (batches of 10,000, durable)', opsPerSec: appendRate });
rows.push({ name: 'floor: durable leaf inserts, no tree', opsPerSec: floorRate });
targets.push({
  label: 'appends, leaves/s on SQLite',
  value: `${appendRate}/s (${(appendRate / floorRate).toFixed(2)}× the floor)`,
  ok: appendRate >= 20_000,
  target: '≥ 20,000/s',
});

say('measuring inclusion proofs…');
// ---- 2. Inclusion proofs at LEAVES leaves: from storage, and verification ----
// The tenant's key event is leaf 0: the tree holds LEAVES + 1 leaves.
const SIZE = (await store.log.state()).size;
const nodeHasher = createTreeHasher((d) => createHash('sha256').update(d).digest());
const probe = (i) => hashLeaf(encodeLogEvent(event(i)));
let pick = 0;
const sample = Array.from({ length: 512 }, (_, k) =>
  Math.floor((((k * 2654435761) % 4294967296) / 4294967296) * LEAVES),
);
const proofs = [];
for (const i of sample.slice(0, 64)) {
  const p = await inclusionProofFor(deps, probe(i), SIZE);
  proofs.push({ hash: probe(i), index: p.leafIndex, hashes: p.hashes.map(base64Decode) });
}
const head = await store.log.state();
const { CompactRange } = await import('@tessera/tlog');
const root = CompactRange.fromPeaks(head.size, head.peaks).root();
const results = await measure(
  [
    {
      name: `log/inclusion proof from storage (${LEAVES.toLocaleString('en')} leaves)`,
      fn: () => inclusionProofFor(deps, probe(sample[pick++ % sample.length]), SIZE),
    },
    {
      name: 'log/verify inclusion (node sha256)',
      fn: async () => {
        const p = proofs[pick++ % proofs.length];
        verifyInclusion(p.hash, p.index, SIZE, p.hashes, root, nodeHasher);
      },
    },
    {
      name: 'log/verify inclusion (noble sha256, browser path)',
      fn: async () => {
        const p = proofs[pick++ % proofs.length];
        verifyInclusion(p.hash, p.index, SIZE, p.hashes, root);
      },
    },
  ],
  { rounds: 3, roundMs: 600 },
);
rows.push(...results);
const [proofRow, verifyRow] = results;
targets.push({
  label: `inclusion proof at ${LEAVES.toLocaleString('en')} leaves, p99 (server, from storage)`,
  value: `${(proofRow.p99Us / 1000).toFixed(3)} ms`,
  ok: proofRow.p99Us <= 1000,
  target: '≤ 1 ms',
});
targets.push({
  label: 'inclusion proof verification, p50',
  value: `${verifyRow.p50Us} µs`,
  ok: verifyRow.p50Us <= 50,
  target: '≤ 50 µs',
});

say('measuring status checks and flips…');
// ---- 3. Status: a warm check, and one flip with re-signing ----
// The checker's own work once its list is cached: a did:key issuer's list, resolved offline.
const issuer = await generateDidKey(crypto);
const listUrl = 'https://lists.bench.example/status/revocation-1';
const bits = new Uint8Array(STATUS_LIST_SIZE / 8);
bits[4242 >> 3] = 0;
const listDoc = await issueCredential(
  { crypto },
  issuer,
  buildStatusListCredential({
    id: listUrl,
    issuer: issuer.controller,
    statusPurpose: 'revocation',
    encodedList: encodeStatusList(bits),
    ttl: 300_000,
    validFrom: `${new Date().toISOString().slice(0, 19)}Z`,
  }),
  { format: 'eddsa-rdfc-2022' },
);
const listBytes = new TextEncoder().encode(JSON.stringify(listDoc));
const fetcher = async (url) => ({ url, contentType: 'application/vc', body: listBytes });
const listVerifier = createVerifier({ crypto });
const checker = createStatusChecker({ fetcher, verifyList: (vc) => listVerifier.verifyCredential(vc) });
const credential = {
  issuer: issuer.controller,
  credentialStatus: buildStatusEntry({ listUrl, purpose: 'revocation', index: 4242 }),
};
const first = await checker(credential);
if (!first.ok) throw new Error(`bench status list does not verify: ${first.message}`);
const issued = await issueForTenant(deps, tenant, {
  credential: sampleCredential(),
  options: { format: 'eddsa-jcs-2022' },
});
let flips = 0;
const statusResults = await measure(
  [
    { name: 'status/warm check (cached list)', fn: () => checker(credential) },
    {
      name: 'status/flip one bit + re-sign 131,072-entry list (durable, logged)',
      fn: () => changeStatus(deps, tenant, issued.record.id, flips++ % 2 === 0 ? 'suspended' : 'active'),
    },
    {
      name: 'status/re-sign only (gzip + eddsa-rdfc-2022)',
      fn: () =>
        signStatusList(
          deps,
          store,
          tenant,
          { purpose: 'revocation', seq: 1 },
          new Uint8Array(STATUS_LIST_SIZE / 8),
          new Date(),
        ),
    },
  ],
  { rounds: 3, roundMs: 500 },
);
rows.push(...statusResults);
targets.push({
  label: 'warm status check, p50',
  value: `${statusResults[0].p50Us} µs`,
  ok: statusResults[0].p50Us <= 20,
  target: '≤ 20 µs',
});
targets.push({
  label: 'flip one bit and re-sign, p50 (incl. durable commit and log leaf)',
  value: `${(statusResults[1].p50Us / 1000).toFixed(2)} ms`,
  ok: statusResults[1].p50Us <= 10_000,
  target: '≤ 10 ms',
});

say('measuring durable issuance with and without status and log…');
// ---- 4. Durable issuance with status + log against without, 32 in flight ----
function sampleCredential() {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'SMD soldering',
    credentialSubject: {
      id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://badges.bench.example/a/smd',
        type: ['Achievement'],
        name: 'SMD soldering',
        description: 'Solders 0603 passives.',
        criteria: { narrative: 'Passes inspection.' },
      },
    },
  };
}
async function bare() {
  // The service's issuance without status entries or log leaf: the same request checks and
  // preparation (issuer, id, dates), then sign with the active key and insert the row.
  const request = { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } };
  const { format, input } = checkIssueRequest(request);
  const prepared = await prepareCredential(deps, tenant, input, request.options);
  await store.transaction(
    async (tx) => {
      const keyRecord = await tx.keys.active(tenant.id);
      const key = await signingKey(deps, tenant, keyRecord);
      const secured = await issueCredential({ crypto, now: deps.now }, key, prepared.credential, { format });
      await tx.credentials.insert({
        id: prepared.id,
        tenantId: tenant.id,
        subjectId: prepared.subjectId,
        format,
        document: JSON.stringify(secured),
        verificationMethod: key.id,
        issuedAt: prepared.now.toISOString(),
      });
    },
    { tenantId: tenant.id },
  );
}
const full = () =>
  issueForTenant(deps, tenant, { credential: sampleCredential(), options: { format: 'eddsa-jcs-2022' } });
async function rate(fn, ms, inFlight = 32) {
  let n = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await fn();
        n++;
      }
    }),
  );
  return (n * 1000) / (performance.now() - t0);
}
await rate(bare, 500);
await rate(full, 500);
let bareRate = 0;
let fullRate = 0;
for (let r = 0; r < 3; r++) {
  bareRate += await rate(bare, 1000);
  fullRate += await rate(full, 1000);
}
bareRate = Math.round(bareRate / 3);
fullRate = Math.round(fullRate / 3);
rows.push({ name: 'issue/durable, without status or log (32 in flight)', opsPerSec: bareRate });
rows.push({ name: 'issue/durable, with status entries and log leaf', opsPerSec: fullRate });
targets.push({
  label: 'issuance with status + log / without',
  value: `${(fullRate / bareRate).toFixed(2)}× (${fullRate} / ${bareRate} per s)`,
  ok: fullRate / bareRate >= 0.8,
  target: '≥ 0.80×',
});

await store.close();
rmSync(dir, { recursive: true, force: true });

if (json) {
  console.log(JSON.stringify({ rows: rows.map(({ samples, ...r }) => r), targets }, null, 2));
} else {
  console.log(
    `\nstatus and log benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}\n`,
  );
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(
    `${'benchmark'.padEnd(w)}  ${'ops/s'.padStart(9)}  ${'p50 µs'.padStart(9)}  ${'p99 µs'.padStart(9)}`,
  );
  for (const r of rows)
    console.log(
      `${r.name.padEnd(w)}  ${String(r.opsPerSec).padStart(9)}  ${String(r.p50Us ?? '').padStart(9)}  ${String(r.p99Us ?? '').padStart(9)}`,
    );
  console.log('\ntargets (same run)');
  const tw = Math.max(...targets.map((t) => t.label.length));
  for (const t of targets)
    console.log(`${t.label.padEnd(tw)}  ${t.value}  target ${t.target}  ${t.ok ? 'ok' : 'MISSED'}`);
}

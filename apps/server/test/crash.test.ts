import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLogEvent } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import { CompactRange, hashLeaf, openCheckpoint, parseVerifierKey, verifyConsistency } from '@tessera/tlog';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildServer, freePort, scratchDatabase } from './support/child-server.js';

/**
 * Durability under SIGKILL: a real server process issues and revokes or suspends under concurrent
 * load and is killed at random moments. After each restart every credential acknowledged with a
 * 201 is present, unchanged, and verifies unless an acknowledged status change says otherwise;
 * the log's root matches its stored leaves, every acknowledged write has its leaf, and no
 * checkpoint ever regresses. Run on SQLite (WAL, fdatasync before acknowledgement, group commit)
 * and PostgreSQL.
 */
const FORMATS = ['eddsa-jcs-2022', 'vc-jwt', 'eddsa-rdfc-2022'] as const;
const KILLS = 3;

interface Acknowledged {
  id: string;
  verifiableCredential: unknown;
  /** The last status change acknowledged with a 200, if any. */
  status?: 'revoked' | 'suspended';
  /** A status change sent but not acknowledged (the kill cut it): either outcome is allowed. */
  attempted?: 'revoked' | 'suspended';
}

const uuidOf = (vc: unknown): string => {
  const id =
    typeof vc === 'string'
      ? JSON.parse(Buffer.from(vc.split('.')[1]!, 'base64url').toString()).id
      : (vc as { id: string }).id;
  return String(id).replace('urn:uuid:', '');
};

/**
 * Issues with `workers` requests in flight and kills the server `delayMs` after the first 201 of
 * the round (so a cold start cannot make a round acknowledge nothing); returns what got a 201.
 */
async function load(
  server: ChildServer,
  achievementId: string,
  delayMs: number,
  workers = 8,
): Promise<Acknowledged[]> {
  const acked: Acknowledged[] = [];
  let firstAck: () => void = () => {};
  const stop = new Promise<void>((resolve) => {
    firstAck = () => {
      firstAck = () => {};
      setTimeout(() => void server.kill().then(resolve), delayMs);
    };
  });
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const worker = async (w: number) => {
    for (let i = 0; !stopped; i++) {
      const body = {
        credential: {
          '@context': [
            'https://www.w3.org/ns/credentials/v2',
            'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
          ],
          type: ['VerifiableCredential', 'OpenBadgeCredential'],
          credentialSubject: { id: `did:example:crash-${w}-${i}`, type: ['AchievementSubject'] },
        },
        options: { format: FORMATS[i % FORMATS.length], achievementId },
      };
      try {
        const r = await fetch(`${server.url}/credentials/issue`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.apiKey()}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (r.status === 201) {
          const { verifiableCredential } = (await r.json()) as { verifiableCredential: unknown };
          const credential: Acknowledged = { id: uuidOf(verifiableCredential), verifiableCredential };
          acked.push(credential);
          firstAck();
          // Every third credential is revoked or suspended at once: status writes race issuance.
          if (i % 3 === 0) {
            const status = i % 2 === 0 ? 'revoked' : 'suspended';
            credential.attempted = status;
            const changed = await fetch(`${server.url}/credentials/status`, {
              method: 'POST',
              headers: { authorization: `Bearer ${server.apiKey()}`, 'content-type': 'application/json' },
              body: JSON.stringify({
                credentialId: credential.id,
                credentialStatus: [{ type: 'BitstringStatusListEntry', status }],
              }),
            });
            if (changed.status === 200) credential.status = status;
          }
        }
      } catch {
        // The connection died with the server: that request was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return acked;
}

interface Checkpoint {
  size: number;
  rootHash: Uint8Array;
}

async function signedCheckpoint(server: ChildServer): Promise<Checkpoint> {
  const key = parseVerifierKey((await (await fetch(`${server.url}/log/key`)).text()).trim());
  const crypto = createNodeCrypto();
  const note = await (await fetch(`${server.url}/log/checkpoint`)).text();
  return openCheckpoint(note, [
    { ...key, verify: (m: Uint8Array, sig: Uint8Array) => crypto.ed25519Verify(key.publicKey, m, sig) },
  ]);
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** The log after the crashes: root from the served leaves, every acknowledged write in it, no regression. */
async function checkLog(server: ChildServer, checkpoints: Checkpoint[], acknowledged: Acknowledged[]) {
  const latest = checkpoints[checkpoints.length - 1]!;
  for (const [i, cp] of checkpoints.entries()) {
    if (i > 0)
      expect(cp.size, 'a checkpoint regressed after a restart').toBeGreaterThanOrEqual(
        checkpoints[i - 1]!.size,
      );
    if (cp.size === 0 || cp.size === latest.size) continue;
    const proof = (await (
      await fetch(`${server.url}/log/proof/consistency?from=${cp.size}&to=${latest.size}`)
    ).json()) as { hashes: string[] };
    verifyConsistency(cp.size, latest.size, proof.hashes.map(b64), cp.rootHash, latest.rootHash);
  }
  const range = CompactRange.empty();
  const events = [];
  for (let start = 0; start < latest.size; start += 1000) {
    const page = (await (
      await fetch(`${server.url}/log/entries?start=${start}&end=${Math.min(latest.size, start + 1000)}`)
    ).json()) as { entries: { leaf: string }[] };
    for (const e of page.entries) {
      range.append(hashLeaf(b64(e.leaf)));
      events.push(decodeLogEvent(b64(e.leaf)));
    }
  }
  expect(
    Buffer.from(range.root()).equals(Buffer.from(latest.rootHash)),
    'the log root does not match its leaves',
  ).toBe(true);
  const statusEvents = new Set(
    events.flatMap((e) => (e.type === 'status' ? [`${e.list}#${e.index}:${e.status}`] : [])),
  );
  const headers = { authorization: `Bearer ${server.apiKey()}` };
  for (const { id, verifiableCredential, status } of acknowledged) {
    const receipt = await fetch(`${server.url}/credentials/${id}/receipt`, { headers });
    expect(receipt.status, `acknowledged credential ${id} has no log leaf`).toBe(200);
    if (status === undefined) continue;
    const credential =
      typeof verifiableCredential === 'string'
        ? JSON.parse(Buffer.from(verifiableCredential.split('.')[1]!, 'base64url').toString())
        : verifiableCredential;
    const entry = (
      credential.credentialStatus as {
        statusPurpose: string;
        statusListCredential: string;
        statusListIndex: string;
      }[]
    ).find((e) => e.statusPurpose === (status === 'revoked' ? 'revocation' : 'suspension'))!;
    expect(
      statusEvents.has(`${entry.statusListCredential}#${entry.statusListIndex}:${status}`),
      `acknowledged ${status} of ${id} is not in the log`,
    ).toBe(true);
  }
}

async function crashLoop(databaseUrl: (dataDir: string) => string, seed: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
  const server = new ChildServer(dataDir, await freePort(), databaseUrl(dataDir));
  const delays = fc.sample(fc.integer({ min: 100, max: 400 }), { numRuns: KILLS, seed });
  const acknowledged: Acknowledged[] = [];
  try {
    await server.start();
    const auth = { authorization: `Bearer ${server.apiKey()}` };
    const achievementId = (
      (await (await fetch(`${server.url}/achievements`, { headers: auth })).json()) as {
        achievements: { id: string }[];
      }
    ).achievements[0]!.id;
    const checkpoints: Checkpoint[] = [];
    for (const delay of delays) {
      acknowledged.push(...(await load(server, achievementId, delay)));
      await server.start();
      checkpoints.push(await signedCheckpoint(server));
    }
    await checkLog(server, checkpoints, acknowledged);
    expect(acknowledged.length).toBeGreaterThan(0);
    const headers = { authorization: `Bearer ${server.apiKey()}`, 'content-type': 'application/json' };
    for (const { id, verifiableCredential, status, attempted } of acknowledged) {
      const got = await fetch(`${server.url}/credentials/${id}`, { headers });
      expect(got.status, `acknowledged credential ${id} is missing after a crash`).toBe(200);
      expect(((await got.json()) as { verifiableCredential: unknown }).verifiableCredential).toEqual(
        verifiableCredential,
      );
      const verified = await fetch(`${server.url}/credentials/verify`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ verifiableCredential }),
      });
      if (status === undefined && attempted !== undefined && verified.status === 422) {
        // The change committed but its 200 was lost with the server: it must be the one sent.
        expect(((await verified.json()) as { code: string }).code).toBe(
          attempted === 'revoked' ? 'STATUS_REVOKED' : 'STATUS_SUSPENDED',
        );
      } else if (status === undefined) {
        expect(verified.status, `acknowledged credential ${id} does not verify`).toBe(200);
      } else {
        expect(verified.status, `acknowledged ${status} of ${id} was lost`).toBe(422);
        expect(((await verified.json()) as { code: string }).code).toBe(
          status === 'revoked' ? 'STATUS_REVOKED' : 'STATUS_SUSPENDED',
        );
      }
    }
  } finally {
    await server.kill();
  }
}

describe('crash safety: every acknowledged credential survives SIGKILL', () => {
  it('on SQLite', async () => {
    await crashLoop((dataDir) => `sqlite:${join(dataDir, 'tessera.db')}`, 7);
  }, 60_000);

  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  it('on PostgreSQL', async () => {
    const db = await scratchDatabase(`tessera_crash_${process.pid}`);
    if (!db) return;
    drops.push(db.drop);
    await crashLoop(() => db.url, 11);
  }, 60_000);
});

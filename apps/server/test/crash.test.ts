import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildServer, freePort, scratchDatabase } from './support/child-server.js';

/**
 * Durability under SIGKILL: a real server process issues under concurrent load and is killed at
 * random moments; after each restart every credential that was acknowledged with a 201 is present,
 * unchanged, and verifies. Run on SQLite (WAL, fdatasync before acknowledgement, group commit) and PostgreSQL.
 */
const FORMATS = ['eddsa-jcs-2022', 'vc-jwt', 'eddsa-rdfc-2022'] as const;
const KILLS = 3;

interface Acknowledged {
  id: string;
  verifiableCredential: unknown;
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
          acked.push({ id: uuidOf(verifiableCredential), verifiableCredential });
          firstAck();
        }
      } catch {
        // The connection died with the server: that request was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return acked;
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
    for (const delay of delays) {
      acknowledged.push(...(await load(server, achievementId, delay)));
      await server.start();
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    const headers = { authorization: `Bearer ${server.apiKey()}`, 'content-type': 'application/json' };
    for (const { id, verifiableCredential } of acknowledged) {
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
      expect(verified.status, `acknowledged credential ${id} does not verify`).toBe(200);
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

import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64Encode, base64urlEncode } from '@tessera/core';
import {
  buildStatusListCredential,
  encodeLogEvent,
  encodeStatusList,
  generateDidKey,
  issueCredential,
  type LogEvent,
  type SigningKey,
} from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import {
  CompactRange,
  consistencyProof,
  formatVerifierKey,
  hashLeaf,
  type NoteSigner,
  signCheckpoint,
} from '@tessera/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildServer, freePort } from '../../server/test/support/child-server.js';
import { cli } from './run-cli.js';

const crypto = createNodeCrypto();
const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-'));

describe('tessera audit against the real server', () => {
  let server: ChildServer;
  let apiKey: string;
  const state = join(dir, 'real.json');

  beforeAll(async () => {
    const data = mkdtempSync(join(tmpdir(), 'tessera-audit-server-'));
    server = new ChildServer(data, await freePort(), `sqlite:${join(data, 'tessera.db')}`);
    await server.start();
    apiKey = server.apiKey();
    process.env.TESSERA_API_KEY = apiKey;
    // One credential before the first run, so the tenant's two status lists exist.
    await issueOne();
  });
  afterAll(async () => {
    delete process.env.TESSERA_API_KEY;
    await server.kill();
  });

  async function issueOne(): Promise<string> {
    const auth = { authorization: `Bearer ${apiKey}` };
    const achievements = (await (await fetch(`${server.url}/achievements`, { headers: auth })).json()) as {
      achievements: { id: string }[];
    };
    const r = await fetch(`${server.url}/credentials/issue`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        credential: {
          '@context': [
            'https://www.w3.org/ns/credentials/v2',
            'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
          ],
          type: ['VerifiableCredential', 'OpenBadgeCredential'],
          credentialSubject: { id: 'did:example:learner', type: ['AchievementSubject'] },
        },
        options: { format: 'eddsa-jcs-2022', achievementId: achievements.achievements[0]!.id },
      }),
    });
    expect(r.status).toBe(201);
    return ((await r.json()) as { verifiableCredential: { id: string } }).verifiableCredential.id;
  }

  it('the first run trusts the log key from GET /log/key, replays the whole log and saves the state (mode 0644)', async () => {
    const r = await cli('audit', '--server', server.url, '--state', state);
    expect(r.stderr).toMatch(
      /^trusting the log key 127\.0\.0\.1:\d+\/log\+[0-9a-f]{8}\+\S+ \(first use\)\n$/,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^audit passed: log 0 → \d+ leaves \(\d+ entries replayed\), 2 status lists checked\n$/,
    );
    expect(statSync(state).mode & 0o777).toBe(0o644);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    const key = (await (await fetch(`${server.url}/log/key`)).text()).trim();
    expect(saved.logKey).toBe(key);
    expect(saved.checkpoint.size).toBeGreaterThan(0);
  });

  it('a later run replays only the new entries (an issuance and a revocation) and passes', async () => {
    const before = JSON.parse(readFileSync(state, 'utf8')).checkpoint.size as number;
    const id = await issueOne();
    expect((await cli('revoke', id, '--server', server.url)).code).toBe(0);
    const r = await cli('audit', '--server', server.url, '--state', state);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `audit passed: log ${before} → ${before + 2} leaves (2 entries replayed), 2 status lists checked\n`,
    );
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(saved.statuses).toEqual([expect.objectContaining({ purpose: 'revocation', status: 'revoked' })]);
    const again = await cli('audit', '--server', server.url, '--state', state);
    expect(again.stdout).toMatch(`log ${before + 2} → ${before + 2} leaves (0 entries replayed)`);
  });

  it('--log-key must be the key the state trusts (exit 2), and --log-key works on a first run', async () => {
    const key = (await (await fetch(`${server.url}/log/key`)).text()).trim();
    const other = formatVerifierKey('elsewhere.example/log', (await crypto.ed25519Generate()).publicKey);
    const wrong = await cli('audit', '--server', server.url, '--state', state, '--log-key', other);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/USAGE_INVALID: --log-key is not the key/);
    const fresh = join(dir, 'pinned.json');
    const pinned = await cli('audit', '--server', server.url, '--state', fresh, '--log-key', key);
    expect(pinned.stderr).toBe('');
    expect(pinned.code).toBe(0);
  });

  it('one state file per server: another --server is a usage error', async () => {
    const r = await cli('audit', '--server', 'http://127.0.0.1:1', '--state', state);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is the state of http:\/\/127\.0\.0\.1:\d+, not http:\/\/127\.0\.0\.1:1/);
  });
});

/**
 * A log server of our own that can lie: it serves whichever history ("view") the test selects,
 * every one signed by the SAME Ed25519 note key, with real leaves, proofs and signed lists.
 */
interface View {
  checkpoint: string;
  nodes: Map<string, Uint8Array>;
  leaves: Uint8Array[];
  lists: Map<string, string>;
  key: string;
  /** Leaves served by /log/entries instead of the tree's (an entries endpoint that lies). */
  servedLeaves?: Uint8Array[];
}

describe('tessera audit against a log server that lies', () => {
  const origin = 'fake.example/log';
  const state = join(dir, 'fake.json');
  let http: Server;
  let base: string;
  let view: View;
  /** Runs once, right after the next checkpoint is served (the log moves on mid-audit). */
  let afterCheckpoint: (() => void) | undefined;
  let issuer: SigningKey;
  let signer: NoteSigner;
  let logKey: string;
  const rev = () => `${base}/status/lab/revocation-1`;
  const sus = () => `${base}/status/lab/suspension-1`;

  const time = '2026-01-01T00:00:00.000Z';
  const keyAdded = (): LogEvent => ({
    v: 1,
    type: 'key',
    tenant: issuer.controller,
    time,
    key: issuer.id,
    publicKeyMultibase: issuer.id.split('#')[1]!,
    event: 'added',
  });
  const issue = (index: number, salt = index): LogEvent => ({
    v: 1,
    type: 'issue',
    tenant: issuer.controller,
    time,
    credential: base64urlEncode(new Uint8Array(32).fill(salt)),
    key: issuer.id,
    status: [
      { purpose: 'revocation', list: rev(), index },
      { purpose: 'suspension', list: sus(), index },
    ],
  });
  const status = (purpose: 'revocation' | 'suspension', index: number, to: string): LogEvent =>
    ({
      v: 1,
      type: 'status',
      tenant: issuer.controller,
      time,
      list: purpose === 'revocation' ? rev() : sus(),
      index,
      purpose,
      status: to,
    }) as LogEvent;

  async function signedList(url: string, purpose: string, set: number[]): Promise<string> {
    const bits = new Uint8Array(131_072 / 8);
    for (const i of set) bits[i >> 3]! |= 1 << (7 - (i & 7));
    const unsigned = buildStatusListCredential({
      id: url,
      issuer: issuer.controller,
      statusPurpose: purpose,
      encodedList: encodeStatusList(bits),
      validFrom: '2026-01-01T00:00:00Z',
    });
    return JSON.stringify(await issueCredential({ crypto }, issuer, unsigned, { format: 'eddsa-jcs-2022' }));
  }

  /** A history: its leaves (events, or raw bytes), the bits its lists show. */
  async function makeView(
    events: (LogEvent | Uint8Array)[],
    bits: { revoked?: number[]; suspended?: number[] } = {},
  ): Promise<View> {
    const range = CompactRange.empty();
    const nodes = new Map<string, Uint8Array>();
    const leaves = events.map((e) => (e instanceof Uint8Array ? e : encodeLogEvent(e)));
    for (const leaf of leaves)
      range.append(hashLeaf(leaf), (level, index, hash) => nodes.set(`${level}/${index}`, hash));
    return {
      checkpoint: await signCheckpoint({ origin, size: range.size, rootHash: range.root() }, [signer]),
      nodes,
      leaves,
      key: logKey,
      lists: new Map([
        ['/status/lab/revocation-1', await signedList(rev(), 'revocation', bits.revoked ?? [])],
        ['/status/lab/suspension-1', await signedList(sus(), 'suspension', bits.suspended ?? [])],
      ]),
    };
  }

  beforeAll(async () => {
    issuer = await generateDidKey(crypto);
    const pair = await crypto.ed25519Generate();
    signer = { name: origin, publicKey: pair.publicKey, sign: (m) => crypto.ed25519Sign(pair.secretKey, m) };
    logKey = formatVerifierKey(origin, pair.publicKey);
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', base);
      const q = (k: string) => Number(url.searchParams.get(k));
      const send = (status: number, body: string, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      void (async () => {
        if (url.pathname === '/log/checkpoint') {
          send(200, view.checkpoint, 'text/plain');
          afterCheckpoint?.();
          afterCheckpoint = undefined;
          return;
        }
        if (url.pathname === '/log/key') return send(200, `${view.key}\n`, 'text/plain');
        if (url.pathname === '/log/proof/consistency') {
          const reader = {
            getNodes: (ids: readonly { level: number; index: number }[]) =>
              ids.map((id) => view.nodes.get(`${id.level}/${id.index}`)!),
          };
          if (q('to') > view.leaves.length || q('from') > q('to'))
            return send(400, '{"code":"INPUT_INVALID"}');
          const hashes = await consistencyProof(reader, q('from'), q('to'));
          return send(200, JSON.stringify({ treeSize: q('to'), hashes: hashes.map(base64Encode) }));
        }
        if (url.pathname === '/log/entries') {
          const leaves = (view.servedLeaves ?? view.leaves).slice(q('start'), q('end'));
          return send(
            200,
            JSON.stringify({
              start: q('start'),
              entries: leaves.map((l, i) => ({ index: q('start') + i, leaf: base64Encode(l) })),
            }),
          );
        }
        const list = view.lists.get(url.pathname);
        if (list) return send(200, list, 'application/vc');
        send(404, '{"code":"NOT_FOUND","detail":"no such thing"}');
      })();
    });
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => http.close(ok));
  });

  const audit = () => cli('audit', '--server', base, '--state', state);
  /** A failed audit exits 1 with one line and leaves the state file as it was. */
  async function expectFailure(code: string, message: RegExp) {
    const before = readFileSync(state, 'utf8');
    const r = await audit();
    expect(r.stderr).toMatch(new RegExp(`^tessera audit: ${code}: `));
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(1);
    expect(readFileSync(state, 'utf8')).toBe(before);
  }

  // The trusted history: a key, two issuances, the first one revoked.
  const history = () => [keyAdded(), issue(5), issue(9), status('revocation', 5, 'revoked')];

  it('view A verifies: checkpoint, replayed entries and signed lists agree; the state is saved', async () => {
    view = await makeView(history(), { revoked: [5] });
    const r = await audit();
    expect(r.stderr).toMatch(/first use/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('audit passed: log 0 → 4 leaves (4 entries replayed), 2 status lists checked\n');
    expect(existsSync(state)).toBe(true);
  });

  it('fork: view B of the same size with a different root fails LOG_INCONSISTENT', async () => {
    view = await makeView([keyAdded(), issue(5), issue(9), status('revocation', 9, 'revoked')], {
      revoked: [9],
    });
    await expectFailure('LOG_INCONSISTENT', /fork: two checkpoints of size 4 with different roots/);
  });

  it('a log that shrank fails LOG_INCONSISTENT', async () => {
    view = await makeView(history().slice(0, 3));
    await expectFailure('LOG_INCONSISTENT', /the log shrank: it had 4 leaves, its checkpoint now says 3/);
  });

  it('a larger tree that does not extend the trusted one fails its consistency proof', async () => {
    view = await makeView(
      [keyAdded(), issue(5), issue(9, 99), status('revocation', 5, 'revoked'), issue(11)],
      {
        revoked: [5],
      },
    );
    await expectFailure('LOG_INCONSISTENT', /consistency proof from 4 to 5 leaves does not verify/);
  });

  it('entries that are not the signed tree’s fail: they must hash to the checkpoint root', async () => {
    view = await makeView([...history(), issue(11)], { revoked: [5] });
    view.servedLeaves = [...view.leaves.slice(0, 4), encodeLogEvent(issue(13))];
    await expectFailure('LOG_INCONSISTENT', /the entries do not hash to the checkpoint root/);
  });

  it('a revocation bit set without a logged status event fails LOG_ENTRY_MISSING', async () => {
    view = await makeView([...history(), issue(11)], { revoked: [5, 11] });
    await expectFailure('LOG_ENTRY_MISSING', new RegExp(`unlogged revocation at ${rev()}#11`));
  });

  it('a logged revocation the list does not show fails STATUS_LIST_INVALID', async () => {
    view = await makeView(history(), { revoked: [] });
    await expectFailure(
      'STATUS_LIST_INVALID',
      new RegExp(`the log revokes ${rev()}#5 \\(leaf 3\\) but the list`),
    );
  });

  it('a checkpoint whose signature does not verify fails LOG_CHECKPOINT_INVALID', async () => {
    view = await makeView([...history(), issue(11)], { revoked: [5] });
    const other = await makeView([...history(), issue(12)], { revoked: [5] });
    // The body of one checkpoint with the signature line of another.
    view.checkpoint = `${other.checkpoint.split('\n\n')[0]}\n\n${view.checkpoint.split('\n\n')[1]}`;
    await expectFailure('LOG_CHECKPOINT_INVALID', /does not verify with the trusted log key/);
  });

  it('a log key that changed since the first run fails LOG_CHECKPOINT_INVALID', async () => {
    view = await makeView(history(), { revoked: [5] });
    view.key = formatVerifierKey(origin, (await crypto.ed25519Generate()).publicKey);
    await expectFailure('LOG_CHECKPOINT_INVALID', /the log key changed/);
  });

  it('a leaf that is not a log event fails, even in a correctly signed tree', async () => {
    view = await makeView([...history(), new TextEncoder().encode('{"v":1,"type":"nonsense"}')], {
      revoked: [5],
    });
    await expectFailure('LOG_INCONSISTENT', /leaf 4 is not a log event/);
  });

  it('the log may not reinstate a revoked entry: revocation is final', async () => {
    view = await makeView([...history(), status('revocation', 5, 'active')], { revoked: [] });
    await expectFailure('LOG_INCONSISTENT', /leaf 4 sets .*#5 to active after leaf 3 revoked it/);
  });

  it('after all the failures the state is still at 4 leaves: an honest extension passes incrementally', async () => {
    view = await makeView([...history(), issue(11), status('suspension', 11, 'suspended')], {
      revoked: [5],
      suspended: [11],
    });
    const r = await audit();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('audit passed: log 4 → 6 leaves (2 entries replayed), 2 status lists checked\n');
  });

  it('a list read after the checkpoint may be ahead of it: the disagreement is re-checked against a newer checkpoint', async () => {
    const now = [...history(), issue(11), status('suspension', 11, 'suspended'), issue(13)];
    const bits = { revoked: [5, 13], suspended: [11] };
    view = await makeView(now, bits);
    const next = await makeView([...now, status('revocation', 13, 'revoked')], bits);
    afterCheckpoint = () => {
      view = next;
    };
    const r = await audit();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('audit passed: log 6 → 8 leaves (2 entries replayed), 2 status lists checked\n');
  });

  it('a status list on another origin than --server is not fetched, and reported as skipped', async () => {
    const elsewhere = 'https://elsewhere.example/status/lab/revocation-1';
    const foreign: LogEvent = {
      v: 1,
      type: 'issue',
      tenant: issuer.controller,
      time,
      credential: base64urlEncode(new Uint8Array(32).fill(7)),
      key: issuer.id,
      status: [{ purpose: 'revocation', list: elsewhere, index: 3 }],
    };
    view = await makeView(
      [
        ...history(),
        issue(11),
        status('suspension', 11, 'suspended'),
        issue(13),
        status('revocation', 13, 'revoked'),
        foreign,
      ],
      { revoked: [5, 13], suspended: [11] },
    );
    const r = await audit();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `skipped ${elsewhere}: not on ${base}\n` +
        'audit passed: log 8 → 9 leaves (1 entry replayed), 2 status lists checked, 1 skipped\n',
    );
  });

  it('a server that cannot be reached is exit 2, one line', async () => {
    const r = await cli(
      'audit',
      '--server',
      `http://127.0.0.1:${await freePort()}`,
      '--state',
      join(dir, 'none.json'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tessera audit: FETCH_FAILED: cannot reach /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('tessera audit usage', () => {
  it('needs --server and --state (exit 2)', async () => {
    expect((await cli('audit', '--state', 'x')).stderr).toMatch(/--server is required/);
    expect((await cli('audit', '--server', 'http://localhost:1')).code).toBe(2);
  });
  it('a state file that is not an audit state is exit 2', async () => {
    const r = await cli('audit', '--server', 'http://localhost:1', '--state', join(__dirname, 'run-cli.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a tessera audit state/);
  });
  it('audit --help prints usage and exits 0', async () => {
    const r = await cli('audit', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tessera audit --server URL --state FILE/);
  });
});

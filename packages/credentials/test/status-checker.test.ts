import { TesseraError, utf8Encode } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildStatusEntry,
  buildStatusListCredential,
  bundledContextRegistry,
  createStatusChecker,
  encodeStatusList,
  type Fetcher,
  generateDidKey,
  issueCredential,
  readStatusEntries,
  type SigningKey,
  type StatusCheckerOptions,
  signDataIntegrity,
  type VerificationReport,
} from '../src/index.js';
import { benchCredential, crypto, verifierWith } from './support.js';

/**
 * The status checker end to end: a real did:key issuer signs its lists and credentials
 * (eddsa-rdfc-2022), the verifier fetches lists through a local in-memory fetcher (no network),
 * verifies them and reads the entry. Time is injected.
 */
const T0 = Date.parse('2026-03-01T12:00:00Z');
const ISSUED = new Date(T0 - 86_400_000);
const REV = 'https://status.example/lists/revocation-1';
const SUSP = 'https://status.example/lists/suspension-1';
const ENTRIES = 131_072;
const TTL = 60_000;

type Json = Record<string, unknown>;
let issuer: SigningKey;
let other: SigningKey;

const bitsWith = (set: number[], entries = ENTRIES) => {
  const bits = new Uint8Array(entries / 8);
  for (const i of set) bits[i >> 3]! |= 0x80 >> (i & 7);
  return bits;
};

async function signedList(options: {
  url?: string;
  purpose?: string;
  set?: number[];
  key?: SigningKey;
  ttl?: number | null;
  bits?: Uint8Array;
  extra?: Json;
}): Promise<Json> {
  const key = options.key ?? issuer;
  const unsigned = buildStatusListCredential({
    id: options.url ?? REV,
    issuer: key.controller,
    statusPurpose: options.purpose ?? 'revocation',
    encodedList: encodeStatusList(options.bits ?? bitsWith(options.set ?? [])),
    ...(options.ttl === null ? {} : { ttl: options.ttl ?? TTL }),
    validFrom: '2026-01-01T00:00:00Z',
  });
  return (await issueCredential(
    { crypto, now: () => ISSUED },
    key,
    { ...unsigned, ...options.extra },
    {
      format: 'eddsa-rdfc-2022',
    },
  )) as Json;
}

async function signedCredential(status: Json | Json[]): Promise<Json> {
  const unsigned = { ...benchCredential(issuer.controller), credentialStatus: status };
  return (await issueCredential({ crypto, now: () => ISSUED }, issuer, unsigned, {
    format: 'eddsa-rdfc-2022',
  })) as Json;
}

/** An in-memory "server": URL → body (a document, raw text, or an error to throw). */
function testServer() {
  const routes = new Map<string, Json | string | Error>();
  const calls: string[] = [];
  const fetcher: Fetcher = async (url) => {
    calls.push(url);
    const route = routes.get(url);
    if (route === undefined) throw new TesseraError('FETCH_FAILED', `${url} answered HTTP 404`);
    if (route instanceof Error) throw route;
    const text = typeof route === 'string' ? route : JSON.stringify(route);
    return { url, contentType: 'application/vc+ld+json', body: utf8Encode(text) };
  };
  return { routes, calls, fetcher };
}

const statusOf = (r: VerificationReport) => r.checks.find((c) => c.check === 'status');

describe('status checking (Bitstring Status List v1.0 §3.2)', () => {
  const lists: Record<string, Json> = {};
  const creds: Record<string, Json> = {};

  beforeAll(async () => {
    issuer = await generateDidKey(crypto);
    other = await generateDidKey(crypto);
    const rev = (index: number) => buildStatusEntry({ listUrl: REV, purpose: 'revocation', index });
    const susp = (index: number) => buildStatusEntry({ listUrl: SUSP, purpose: 'suspension', index });
    lists.revocation = await signedList({ set: [42, ENTRIES - 1] });
    lists.suspension = await signedList({ url: SUSP, purpose: 'suspension', set: [42] });
    lists.otherIssuer = await signedList({ key: other, set: [] });
    lists.noTtl = await signedList({ ttl: null, set: [42] });
    // Claims our issuer but is signed with a key our issuer does not control.
    lists.forged = (await signDataIntegrity(
      { crypto, contexts: bundledContextRegistry() },
      buildStatusListCredential({
        id: REV,
        issuer: issuer.controller,
        statusPurpose: 'revocation',
        encodedList: encodeStatusList(bitsWith([])),
        validFrom: '2026-01-01T00:00:00Z',
      }),
      {
        cryptosuite: 'eddsa-rdfc-2022',
        key: other,
        proofPurpose: 'assertionMethod',
        created: '2026-01-01T00:00:00Z',
      },
    )) as Json;
    creds.clear = await signedCredential(rev(7));
    creds.revoked = await signedCredential(rev(42));
    creds.last = await signedCredential(rev(ENTRIES - 1));
    creds.outOfRange = await signedCredential(rev(ENTRIES));
    creds.suspended = await signedCredential(susp(42));
    creds.purposeMismatch = await signedCredential(
      buildStatusEntry({ listUrl: SUSP, purpose: 'revocation', index: 7 }),
    );
    creds.both = await signedCredential([rev(7), susp(7)]);
  });

  /** A verifier whose status lists come from `server`; `clock` is read on every check. */
  function setup(status: Partial<Omit<StatusCheckerOptions, 'fetcher' | 'verifyList'>> = {}) {
    const server = testServer();
    server.routes.set(REV, lists.revocation!);
    server.routes.set(SUSP, lists.suspension!);
    const time = { now: T0 };
    const verifier = verifierWith({
      now: () => new Date(time.now),
      status: { fetcher: server.fetcher, ...status },
    });
    return { server, time, verify: (c: Json) => verifier.verifyCredential(c) };
  }

  describe('what the list says', () => {
    it('an entry whose bit is not set verifies, with a passing status check', async () => {
      const { verify, server } = setup();
      const r = await verify(creds.clear!);
      expect(statusOf(r)).toMatchObject({ ok: true, message: 'revocation: not set' });
      expect(r.verified).toBe(true);
      expect(server.calls).toEqual([REV]);
    });

    it('an entry whose revocation bit is set fails with STATUS_REVOKED', async () => {
      const r = await setup().verify(creds.revoked!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_REVOKED' });
      expect(statusOf(r)?.message).toContain(`${REV} index 42`);
      expect(r.verified).toBe(false);
      expect(r.checks.find((c) => c.check === 'signature')?.ok).toBe(true);
    });

    it('the last index of the list is read (index 0 is the first bit, length − 1 the last)', async () => {
      expect(statusOf(await setup().verify(creds.last!))?.code).toBe('STATUS_REVOKED');
    });

    it('an entry whose suspension bit is set fails with STATUS_SUSPENDED', async () => {
      const r = await setup().verify(creds.suspended!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_SUSPENDED' });
      expect(r.verified).toBe(false);
    });

    it('every entry is checked: revocation and suspension both clear', async () => {
      const { verify, server } = setup();
      const r = await verify(creds.both!);
      expect(statusOf(r)).toMatchObject({ ok: true, message: 'revocation: not set; suspension: not set' });
      expect(server.calls.sort()).toEqual([REV, SUSP]);
    });

    it('a purpose mismatch (entry says revocation, list is a suspension list) fails', async () => {
      const r = await setup().verify(creds.purposeMismatch!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_LIST_INVALID' });
      expect(statusOf(r)?.message).toMatch(/purpose revocation/);
      expect(r.verified).toBe(false);
    });

    it('an index outside the list fails', async () => {
      const r = await setup().verify(creds.outOfRange!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_LIST_INVALID' });
      expect(statusOf(r)?.message).toMatch(/outside the status list/);
      expect(r.verified).toBe(false);
    });
  });

  describe('whether the list can be trusted', () => {
    it('a list issued (and validly signed) by another issuer fails with STATUS_LIST_INVALID', async () => {
      const { verify, server } = setup();
      server.routes.set(REV, lists.otherIssuer!);
      const r = await verify(creds.revoked!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_LIST_INVALID' });
      expect(statusOf(r)?.message).toContain(`issued by ${other.controller}`);
    });

    it("a list naming our issuer but signed with another issuer's key fails with STATUS_LIST_INVALID", async () => {
      const { verify, server } = setup();
      server.routes.set(REV, lists.forged!);
      const r = await verify(creds.revoked!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_LIST_INVALID' });
      expect(statusOf(r)?.message).toMatch(/does not verify: issuer/);
    });

    it('a list whose signature is tampered with fails with STATUS_LIST_INVALID', async () => {
      const { verify, server } = setup();
      const list = structuredClone(lists.revocation!) as Json & { proof: { proofValue: string } };
      const pv = list.proof.proofValue;
      list.proof.proofValue = `${pv.slice(0, 10)}${pv[10] === 'A' ? 'B' : 'A'}${pv.slice(11)}`;
      server.routes.set(REV, list);
      const r = await verify(creds.clear!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_LIST_INVALID' });
      expect(r.verified).toBe(false);
    });

    it('a list whose bits were changed after signing (un-revoking index 42) fails, not passes', async () => {
      const { verify, server } = setup();
      const list = structuredClone(lists.revocation!) as Json & { credentialSubject: Json };
      list.credentialSubject.encodedList = encodeStatusList(bitsWith([]));
      server.routes.set(REV, list);
      const r = await verify(creds.revoked!);
      expect(statusOf(r)).toMatchObject({ ok: false, code: 'STATUS_LIST_INVALID' });
      expect(statusOf(r)?.message).toMatch(/does not verify: signature/);
    });

    it('a list that is not a BitstringStatusListCredential, or not JSON, fails with STATUS_LIST_INVALID', async () => {
      const { verify, server } = setup();
      server.routes.set(REV, creds.clear!);
      expect(statusOf(await verify(creds.clear!))?.code).toBe('STATUS_LIST_INVALID');
      const second = setup();
      second.server.routes.set(REV, '<html>not json</html>');
      expect(statusOf(await second.verify(creds.clear!))?.code).toBe('STATUS_LIST_INVALID');
    });

    it('a signed list that decompresses past maxDecompressedBytes fails with STATUS_LIST_TOO_LARGE', async () => {
      const big = await signedList({ bits: new Uint8Array(128 * 1024) });
      const { verify, server } = setup({ maxDecompressedBytes: 64 * 1024 });
      server.routes.set(REV, big);
      expect(statusOf(await verify(creds.clear!))?.code).toBe('STATUS_LIST_TOO_LARGE');
    });

    it("the list's own credentialStatus is not followed (lists are verified without status)", async () => {
      const selfRef = await signedList({
        set: [],
        extra: { credentialStatus: buildStatusEntry({ listUrl: REV, purpose: 'revocation', index: 1 }) },
      });
      const { verify, server } = setup();
      server.routes.set(REV, selfRef);
      expect(statusOf(await verify(creds.clear!))).toMatchObject({ ok: true });
      expect(server.calls).toEqual([REV]);
    });
  });

  describe('when the list cannot be fetched', () => {
    it('a fetcher that throws makes the check fail with STATUS_UNAVAILABLE', async () => {
      for (const error of [
        new TesseraError('FETCH_FAILED', `${REV} answered HTTP 503`),
        new TesseraError('FETCH_TIMEOUT', 'no answer'),
        new Error('ECONNRESET'),
      ]) {
        const { verify, server } = setup();
        server.routes.set(REV, error);
        const r = await verify(creds.clear!);
        expect(statusOf(r), error.message).toMatchObject({ ok: false, code: 'STATUS_UNAVAILABLE' });
        expect(r.verified).toBe(false);
      }
    });

    it('an unsupported credentialStatus type is reported STATUS_UNAVAILABLE, without fetching', async () => {
      const { server } = setup();
      const checker = createStatusChecker({ fetcher: server.fetcher, verifyList: async () => ({}) as never });
      const check = await checker({
        issuer: issuer.controller,
        credentialStatus: { id: 'https://x.example/1', type: 'StatusList2021Entry' },
      });
      expect(check).toMatchObject({ ok: false, code: 'STATUS_UNAVAILABLE' });
      expect(server.calls).toEqual([]);
    });
  });

  describe('caching', () => {
    it("a second check within the list's ttl does not fetch again; one after it does", async () => {
      const { verify, server, time } = setup();
      await verify(creds.clear!);
      time.now = T0 + TTL - 1;
      expect(statusOf(await verify(creds.revoked!))?.code).toBe('STATUS_REVOKED');
      expect(server.calls).toHaveLength(1);
      time.now = T0 + TTL;
      expect(statusOf(await verify(creds.clear!))?.ok).toBe(true);
      expect(server.calls).toHaveLength(2);
    });

    it('a list without ttl is cached for defaultTtlMs, or the spec default of 300,000 ms', async () => {
      for (const [options, ttl] of [
        [{}, 300_000],
        [{ defaultTtlMs: 5_000 }, 5_000],
      ] as const) {
        const { verify, server, time } = setup(options);
        server.routes.set(REV, lists.noTtl!);
        await verify(creds.clear!);
        time.now = T0 + ttl - 1;
        await verify(creds.clear!);
        expect(server.calls).toHaveLength(1);
        time.now = T0 + ttl;
        await verify(creds.clear!);
        expect(server.calls).toHaveLength(2);
      }
    });

    it('a list that changed is seen after the ttl: a credential revoked meanwhile shows as revoked', async () => {
      const { verify, server, time } = setup();
      expect(statusOf(await verify(creds.clear!))?.ok).toBe(true);
      server.routes.set(REV, await signedList({ set: [7, 42] }));
      time.now = T0 + TTL / 2;
      expect(statusOf(await verify(creds.clear!))?.ok).toBe(true);
      time.now = T0 + TTL;
      expect(statusOf(await verify(creds.clear!))?.code).toBe('STATUS_REVOKED');
    });

    it('maxStaleMs: when the refetch fails, a cached copy up to maxStaleMs old is used, and the check says so', async () => {
      const { verify, server, time } = setup({ maxStaleMs: 300_000 });
      await verify(creds.clear!);
      server.routes.set(REV, new TesseraError('FETCH_FAILED', `${REV} answered HTTP 503`));
      time.now = T0 + 120_000;
      const clear = statusOf(await verify(creds.clear!));
      expect(clear).toMatchObject({ ok: true });
      expect(clear?.message).toMatch(/from a cached list 120 s old/);
      const revoked = statusOf(await verify(creds.revoked!));
      expect(revoked).toMatchObject({ ok: false, code: 'STATUS_REVOKED' });
      expect(revoked?.message).toMatch(/cached list/);
      expect(server.calls).toHaveLength(3);
      time.now = T0 + 300_000;
      expect(statusOf(await verify(creds.clear!))?.ok).toBe(true);
    });

    it('maxStaleMs: a cached copy older than maxStaleMs is not used (STATUS_UNAVAILABLE)', async () => {
      const { verify, server, time } = setup({ maxStaleMs: 300_000 });
      await verify(creds.clear!);
      server.routes.set(REV, new Error('ECONNREFUSED'));
      time.now = T0 + 300_001;
      expect(statusOf(await verify(creds.clear!))).toMatchObject({ ok: false, code: 'STATUS_UNAVAILABLE' });
    });

    it('without maxStaleMs an expired cached copy is never used', async () => {
      const { verify, server, time } = setup();
      await verify(creds.clear!);
      server.routes.set(REV, new Error('ECONNREFUSED'));
      time.now = T0 + TTL;
      expect(statusOf(await verify(creds.clear!))?.code).toBe('STATUS_UNAVAILABLE');
    });

    it('an invalid list never falls back to the cache, however fresh the cached copy', async () => {
      const tampered = structuredClone(lists.revocation!) as Json & { credentialSubject: Json };
      tampered.credentialSubject.encodedList = encodeStatusList(bitsWith([]));
      for (const bad of [tampered, lists.otherIssuer!, '{"not": "a list"', lists.suspension!]) {
        const { verify, server, time } = setup({ maxStaleMs: 3_600_000 });
        await verify(creds.clear!);
        server.routes.set(REV, bad);
        time.now = T0 + TTL + 1;
        const check = statusOf(await verify(creds.clear!));
        expect(check?.ok).toBe(false);
        expect(check?.code).toBe('STATUS_LIST_INVALID');
        expect(check?.message).not.toMatch(/cached/);
      }
    });

    it('concurrent checks of the same list fetch it once', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const server = testServer();
      server.routes.set(REV, lists.revocation!);
      const fetcher: Fetcher = async (url, init) => {
        const pending = server.fetcher(url, init);
        await gate;
        return pending;
      };
      const lists_ = verifierWith({ now: () => new Date(T0) });
      const checker = createStatusChecker({
        fetcher,
        verifyList: (vc) => lists_.verifyCredential(vc),
        now: () => T0,
      });
      const checks = [creds.clear!, creds.revoked!, creds.clear!, creds.revoked!, creds.last!].map((c) =>
        checker(c),
      );
      await new Promise((r) => setTimeout(r, 0));
      expect(server.calls).toEqual([REV]);
      release();
      expect((await Promise.all(checks)).map((c) => c.code ?? 'ok')).toEqual([
        'ok',
        'STATUS_REVOKED',
        'ok',
        'STATUS_REVOKED',
        'STATUS_REVOKED',
      ]);
      expect(server.calls).toEqual([REV]);
    });

    it('concurrent verifications through the verifier fetch the list once', async () => {
      const { verify, server } = setup();
      const reports = await Promise.all(
        [creds.clear!, creds.revoked!, creds.clear!, creds.last!].map(verify),
      );
      expect(reports.map((r) => statusOf(r)?.code ?? 'ok')).toEqual([
        'ok',
        'STATUS_REVOKED',
        'ok',
        'STATUS_REVOKED',
      ]);
      expect(server.calls).toEqual([REV]);
    });

    it('a failed fetch is not cached: the next check fetches again', async () => {
      const { verify, server } = setup();
      server.routes.set(REV, new Error('ECONNRESET'));
      expect(statusOf(await verify(creds.clear!))?.code).toBe('STATUS_UNAVAILABLE');
      server.routes.set(REV, lists.revocation!);
      expect(statusOf(await verify(creds.clear!))?.ok).toBe(true);
      expect(server.calls).toEqual([REV, REV]);
    });
  });
});

describe('BitstringStatusListEntry (Bitstring Status List v1.0 §2.1)', () => {
  const entry = (over: Json) => ({
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: '94567',
    statusListCredential: REV,
    ...over,
  });
  const codeOf = (value: unknown) => {
    try {
      readStatusEntries(value);
      return 'ok';
    } catch (e) {
      return (e as TesseraError).code;
    }
  };

  it('buildStatusEntry writes statusListIndex as a base-10 string, and an id that is not the list URL', () => {
    const built = buildStatusEntry({ listUrl: REV, purpose: 'revocation', index: 94567 });
    expect(built).toEqual({
      id: `${REV}#94567`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: REV,
    });
    expect(readStatusEntries(built)).toEqual([
      {
        id: `${REV}#94567`,
        statusPurpose: 'revocation',
        statusListIndex: 94567,
        statusListCredential: REV,
        statusSize: 1,
      },
    ]);
  });

  it('statusListIndex is a non-negative integer as a base-10 string (a JSON number is read too, as 1EdTech writes it)', () => {
    expect(codeOf(entry({ statusListIndex: '0' }))).toBe('ok');
    expect(codeOf(entry({ statusListIndex: 23 }))).toBe('ok');
    expect(readStatusEntries(entry({ statusListIndex: 23 }))[0]?.statusListIndex).toBe(23);
    for (const bad of ['-1', '01', '1.5', '1e3', ' 1', '', 1.5, -1, Number.NaN, 2 ** 60, null, true])
      expect(codeOf(entry({ statusListIndex: bad })), String(bad)).toBe('STATUS_LIST_INVALID');
  });

  it('statusSize, when present, is an integer greater than zero (1 when absent)', () => {
    expect(readStatusEntries(entry({ statusSize: 2 }))[0]?.statusSize).toBe(2);
    for (const bad of [0, -1, 1.5, '2'])
      expect(codeOf(entry({ statusSize: bad })), String(bad)).toBe('STATUS_LIST_INVALID');
  });

  it('statusPurpose must be a string and statusListCredential a URL; arrays of entries are read in order', () => {
    expect(codeOf(entry({ statusPurpose: 1 }))).toBe('STATUS_LIST_INVALID');
    expect(codeOf(entry({ statusListCredential: 'not a url' }))).toBe('STATUS_LIST_INVALID');
    expect(codeOf('https://x.example')).toBe('STATUS_LIST_INVALID');
    expect(
      readStatusEntries([entry({}), entry({ statusPurpose: 'suspension', statusListIndex: '3' })]).map(
        (e) => [e.statusPurpose, e.statusListIndex],
      ),
    ).toEqual([
      ['revocation', 94567],
      ['suspension', 3],
    ]);
  });
});

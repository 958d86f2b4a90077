import {
  createKeyResolver,
  createVerifier,
  decodeStatusList,
  type Fetcher,
  firstFailure,
  readBit,
  readStatusListCredential,
} from '@tessera/credentials';
import { type AuditContext, AuditFailure, getJson, messageOf } from './audit-fetch.js';
import { type Knowledge, statusKey } from './audit-state.js';
import { checkContextPins, crypto } from './deps.js';
import { cliFetcher } from './fetchers.js';
import { isLoopbackHost } from './http.js';

/**
 * The fetcher list credentials' issuers are resolved with: a server on loopback over plain http
 * (development, tests) is reached in the CLI's development mode (its did:web documents, which
 * did:web says are at https://, over http); anything else only over https.
 */
const resolverFetcher = (server: string): Fetcher => {
  const url = new URL(server);
  return cliFetcher({ dev: url.protocol === 'http:' && isLoopbackHost(url.hostname) });
};

export interface ListReport {
  checked: number;
  skipped: string[];
  /** The first disagreement between a list and the log, if any. */
  disagreement?: AuditFailure;
}

/** Fetches, verifies and compares every status list the log names that lives on the server. */
export async function checkLists(ctx: AuditContext, known: Knowledge): Promise<ListReport> {
  const origin = new URL(ctx.server).origin;
  const report: ListReport = { checked: 0, skipped: [] };
  const urls = [...known.lists.keys()].sort();
  for (const url of urls) {
    const rec = known.lists.get(url)!;
    let listOrigin: string | undefined;
    try {
      listOrigin = new URL(url).origin;
    } catch {
      listOrigin = undefined;
    }
    if (listOrigin !== origin) {
      report.skipped.push(url);
      continue;
    }
    const invalid = (why: string) => new AuditFailure('STATUS_LIST_INVALID', `the status list ${url} ${why}`);
    const vc = await getJson(url, (why) => invalid(`is ${why}`));
    if (vc.id !== url) throw invalid(`has the id ${JSON.stringify(vc.id)}`);
    let subject: ReturnType<typeof readStatusListCredential>;
    let bits: Uint8Array;
    try {
      subject = readStatusListCredential(vc);
      bits = decodeStatusList(subject.encodedList);
    } catch (e) {
      throw invalid(`is malformed: ${messageOf(e)}`);
    }
    if (!subject.statusPurpose.includes(rec.purpose))
      throw invalid(`is for ${subject.statusPurpose.join(', ')}, but the log names it a ${rec.purpose} list`);
    if (subject.issuer !== rec.tenant)
      throw invalid(`is issued by ${subject.issuer}, not by ${rec.tenant} as the log says`);
    if (!ctx.lists) {
      await checkContextPins();
      ctx.lists = createVerifier({
        crypto,
        resolver: createKeyResolver({ fetcher: resolverFetcher(ctx.server) }),
      });
    }
    const verified = await ctx.lists.verifyCredential(vc);
    if (!verified.verified) {
      const f = firstFailure(verified.checks);
      throw invalid(
        `does not verify: ${f ? `${f.check}: ${f.code}: ${f.message}` : 'no signature was verified'}`,
      );
    }
    report.checked++;
    if (report.disagreement) continue;

    const marked = rec.purpose === 'revocation' ? 'revoked' : 'suspended';
    // Every set bit must be the latest logged change of that entry…
    scan: for (let byte = 0; byte < bits.length; byte++) {
      if (bits[byte] === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        const index = byte * 8 + bit;
        if (!readBit(bits, index)) continue;
        const logged = known.statuses.get(statusKey(url, index, rec.purpose));
        if (logged?.status !== marked) {
          report.disagreement = new AuditFailure(
            'LOG_ENTRY_MISSING',
            `unlogged ${rec.purpose} at ${url}#${index}${logged ? ` (the log's latest is ${logged.status}, leaf ${logged.leaf})` : ''}`,
          );
          break scan;
        }
      }
    }
    if (report.disagreement) continue;
    // …and every logged change still in force must show in the list.
    for (const s of known.statuses.values()) {
      if (s.list !== url || s.purpose !== rec.purpose || s.status !== marked) continue;
      if (!readBit(bits, s.index)) {
        report.disagreement = new AuditFailure(
          'STATUS_LIST_INVALID',
          `the log ${marked === 'revoked' ? 'revokes' : 'suspends'} ${url}#${s.index} (leaf ${s.leaf}) but the list does not show it`,
        );
        break;
      }
    }
  }
  return report;
}

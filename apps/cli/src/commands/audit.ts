import { bytesEqual, type ErrorCode, isRecord, TesseraError } from '@tessera/core';
import { decodeLogEvent, type LogEvent, logKeyVerifier, type StatusPurpose } from '@tessera/credentials';
import {
  type Checkpoint,
  CompactRange,
  hashLeaf,
  type NoteVerifier,
  openCheckpoint,
  verifyConsistency,
} from '@tessera/tlog';
import { type CliIo, type Command, optionalString, requireString } from '../args.js';
import { type AuditContext, AuditFailure, get, getJson, messageOf } from '../audit-fetch.js';
import { checkLists, type ListReport } from '../audit-lists.js';
import {
  type AuditState,
  emptyKnowledge,
  type Knowledge,
  loadState,
  saveState,
  statusKey,
  strictBase64,
} from '../audit-state.js';
import { crypto } from '../deps.js';
import { parseServerUrl, Unreachable } from '../http.js';

/**
 * `tessera audit`: a monitor of a Tessera server's transparency log and status lists. Each run
 * verifies the newest checkpoint with the trusted log key, proves it extends the last one this
 * monitor saw (consistency proof, and the new leaves replayed onto the saved compact range must
 * hash to the new root), decodes every new leaf, then checks that every status list agrees
 * with the log: no bit set without a logged change, no logged change missing from a list.
 */

/** The largest page `GET /log/entries` answers. */
const PAGE = 1000;
/** A list that disagrees with the log is re-checked against a newer checkpoint this many times. */
const LIST_ATTEMPTS = 3;

function readKey(text: string, what: string, code: ErrorCode): NoteVerifier {
  try {
    return logKeyVerifier(crypto, text);
  } catch (e) {
    if (code === 'USAGE_INVALID') throw new TesseraError(code, `${what}: ${messageOf(e)}`);
    throw new AuditFailure(code, `${what}: ${messageOf(e)}`);
  }
}

const sameKey = (a: NoteVerifier, b: NoteVerifier) =>
  a.name === b.name && bytesEqual(a.publicKey, b.publicKey);

async function fetchCheckpoint(ctx: AuditContext): Promise<{ note: string; checkpoint: Checkpoint }> {
  const note = await get(`${ctx.server}/log/checkpoint`, 'text/plain');
  try {
    return { note, checkpoint: await openCheckpoint(note, [ctx.verifier], ctx.origin) };
  } catch (e) {
    throw new AuditFailure(
      'LOG_CHECKPOINT_INVALID',
      `the checkpoint does not verify with the trusted log key: ${messageOf(e)}`,
    );
  }
}

/**
 * Moves what the monitor knows from its tree to the checkpoint's: refuses a smaller tree or a
 * different root at the same size, verifies the consistency proof, replays the new leaves onto
 * the compact range (their root must be the checkpoint's) and decodes them.
 */
async function advance(ctx: AuditContext, known: Knowledge, cp: Checkpoint): Promise<Knowledge> {
  const oldSize = known.range.size;
  const oldRoot = known.range.root();
  if (cp.size < oldSize)
    throw new AuditFailure(
      'LOG_INCONSISTENT',
      `the log shrank: it had ${oldSize} leaves, its checkpoint now says ${cp.size}`,
    );
  if (cp.size === oldSize) {
    if (!bytesEqual(oldRoot, cp.rootHash))
      throw new AuditFailure(
        'LOG_INCONSISTENT',
        `fork: two checkpoints of size ${oldSize} with different roots`,
      );
    return known;
  }
  if (oldSize > 0) {
    const url = `${ctx.server}/log/proof/consistency?from=${oldSize}&to=${cp.size}`;
    const bad = (why: string) =>
      new AuditFailure(
        'LOG_INCONSISTENT',
        `the consistency proof from ${oldSize} to ${cp.size} leaves does not verify: ${why}`,
      );
    const proof = await getJson(url, bad);
    if (!Array.isArray(proof.hashes)) throw bad('no hashes');
    const hashes = proof.hashes.map((h) => {
      const b = strictBase64(h);
      if (b?.length !== 32) throw bad('a hash is not 32 bytes in base64');
      return b;
    });
    try {
      verifyConsistency(oldSize, cp.size, hashes, oldRoot, cp.rootHash);
    } catch (e) {
      throw bad(messageOf(e));
    }
  }

  const range = CompactRange.fromPeaks(known.range.size, known.range.peaks);
  const lists = new Map(known.lists);
  const statuses = new Map(known.statuses);
  // A leaf that does not decode (or contradicts an earlier one) is reported after the root
  // check: entries that do not hash to the signed root are the more basic failure.
  let problem: AuditFailure | undefined;
  const note = (code: ErrorCode, message: string) => {
    problem ??= new AuditFailure(code, message);
  };
  const noteList = (at: number, list: string, purpose: StatusPurpose, tenant: string) => {
    const seen = lists.get(list);
    if (!seen) lists.set(list, { purpose, tenant });
    else if (seen.purpose !== purpose || seen.tenant !== tenant)
      note(
        'LOG_INCONSISTENT',
        `leaf ${at} names ${list} as a ${purpose} list of ${tenant}; earlier leaves, as a ${seen.purpose} list of ${seen.tenant}`,
      );
  };
  const apply = (at: number, event: LogEvent) => {
    if (event.type === 'issue') {
      for (const ref of event.status) noteList(at, ref.list, ref.purpose, event.tenant);
    } else if (event.type === 'status') {
      noteList(at, event.list, event.purpose, event.tenant);
      const key = statusKey(event.list, event.index, event.purpose);
      const before = statuses.get(key);
      if (before?.status === 'revoked' && event.status !== 'revoked')
        note(
          'LOG_INCONSISTENT',
          `leaf ${at} sets ${event.list}#${event.index} to ${event.status} after leaf ${before.leaf} revoked it (revocation is final)`,
        );
      statuses.set(key, {
        list: event.list,
        index: event.index,
        purpose: event.purpose,
        status: event.status,
        leaf: at,
      });
    }
  };

  for (let start = oldSize; start < cp.size; start += PAGE) {
    const end = Math.min(start + PAGE, cp.size);
    const bad = (why: string) =>
      new AuditFailure('LOG_INCONSISTENT', `the entries ${start}..${end - 1} are malformed: ${why}`);
    const page = await getJson(`${ctx.server}/log/entries?start=${start}&end=${end}`, bad);
    const entries = page.entries;
    if (!Array.isArray(entries) || entries.length !== end - start)
      throw bad(`expected ${end - start} entries, got ${Array.isArray(entries) ? entries.length : 'none'}`);
    entries.forEach((entry, i) => {
      const at = start + i;
      if (!isRecord(entry) || entry.index !== at) throw bad(`entry ${i} is not leaf ${at}`);
      const leaf = strictBase64(entry.leaf);
      if (!leaf) throw bad(`leaf ${at} is not base64`);
      range.append(hashLeaf(leaf));
      if (problem) return;
      let event: LogEvent;
      try {
        event = decodeLogEvent(leaf);
      } catch (e) {
        note('LOG_INCONSISTENT', `leaf ${at} is not a log event: ${messageOf(e)}`);
        return;
      }
      apply(at, event);
    });
  }
  if (!bytesEqual(range.root(), cp.rootHash))
    throw new AuditFailure(
      'LOG_INCONSISTENT',
      `the entries do not hash to the checkpoint root (leaves ${oldSize}..${cp.size - 1} replayed)`,
    );
  if (problem) throw problem;
  return { range, lists, statuses };
}
export const audit: Command = {
  name: 'audit',
  summary: "monitor a server's transparency log and status lists",
  usage: `tessera audit --server URL --state FILE [--log-key KEY]

Monitors a Tessera server. Each run verifies the newest checkpoint
(GET /log/checkpoint) with the trusted log key, proves the log only grew since
the checkpoint in FILE (consistency proof; the new entries, replayed onto the
saved tree, must hash to the new root), decodes every new entry, then checks
every status list the log names on this server: each set bit must be the latest
logged change of its entry, each logged revocation or suspension must be set,
and the list must verify. Lists on other hosts are reported as skipped.

  --server URL    the server (its status lists must be under this URL)
  --state FILE    JSON state kept between runs (created on the first run,
                  replaced atomically, mode 0644): the last verified checkpoint,
                  the log key, the tree's compact range, the status lists seen
                  and the latest logged status of each entry
  --log-key KEY   the log's note verifier key <name>+<key id>+<key>; without
                  it the first run trusts GET /log/key (trust on first use),
                  and later runs fail if the server's key changes

Exit status: 0 the log and lists check out (the state advances), 1 they do not
(one line "tessera audit: CODE: what", the state is left as it was), 2 usage, or
the server could not be reached or answered an error.`,
  options: { server: { type: 'string' }, state: { type: 'string' }, 'log-key': { type: 'string' } },
  async run(args, io) {
    const server = parseServerUrl(requireString(args, 'server', 'audit'));
    const statePath = requireString(args, 'state', 'audit');
    const keyFlag = optionalString(args, 'log-key')?.trim();
    const prior = loadState(statePath);
    if (prior && prior.server !== server)
      throw new TesseraError(
        'USAGE_INVALID',
        `${statePath} is the state of ${prior.server}, not ${server}: use one state file per server`,
      );
    const flagKey = keyFlag === undefined ? undefined : readKey(keyFlag, '--log-key', 'USAGE_INVALID');
    if (prior && flagKey) {
      const saved = readKey(prior.logKey, `state file ${statePath}: logKey`, 'USAGE_INVALID');
      if (!sameKey(saved, flagKey))
        throw new TesseraError(
          'USAGE_INVALID',
          `--log-key is not the key ${statePath} trusts (${prior.logKey})`,
        );
    }
    try {
      return await runAudit(io, { server, statePath, prior, keyFlag });
    } catch (e) {
      if (e instanceof AuditFailure) {
        io.stderr(`tessera audit: ${e.code}: ${e.message}\n`);
        return 1;
      }
      if (e instanceof Unreachable) {
        io.stderr(`tessera audit: ${e.code}: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};

async function runAudit(
  io: CliIo,
  options: { server: string; statePath: string; prior: AuditState | undefined; keyFlag: string | undefined },
): Promise<number> {
  const { server, statePath, prior } = options;
  const served = (await get(`${server}/log/key`, 'text/plain')).trim();
  const servedKey = readKey(served, `the server's log key (GET ${server}/log/key)`, 'LOG_CHECKPOINT_INVALID');
  const trustedText = options.keyFlag ?? prior?.logKey ?? served;
  const trusted = readKey(trustedText, 'the trusted log key', 'USAGE_INVALID');
  if (!sameKey(trusted, servedKey))
    throw new AuditFailure(
      'LOG_CHECKPOINT_INVALID',
      `the log key changed: the server serves ${served}, the trusted key is ${trustedText}`,
    );
  if (!options.keyFlag && !prior) io.stderr(`trusting the log key ${served} (first use)\n`);

  const ctx: AuditContext = { server, verifier: trusted, origin: prior?.origin };
  const start = prior?.knowledge.range.size ?? 0;
  let known = prior?.knowledge ?? emptyKnowledge();
  let { note, checkpoint } = await fetchCheckpoint(ctx);
  ctx.origin ??= checkpoint.origin;
  known = await advance(ctx, known, checkpoint);
  let report: ListReport;
  // The lists are read after the checkpoint, so a change made in between shows in a list but
  // not yet in the log: a disagreement is only reported against a checkpoint fetched after it.
  for (let attempt = 1; ; attempt++) {
    report = await checkLists(ctx, known);
    if (!report.disagreement) break;
    if (attempt === LIST_ATTEMPTS) throw report.disagreement;
    const next = await fetchCheckpoint(ctx);
    if (next.checkpoint.size === known.range.size && bytesEqual(next.checkpoint.rootHash, known.range.root()))
      throw report.disagreement;
    known = await advance(ctx, known, next.checkpoint);
    ({ note, checkpoint } = next);
  }

  saveState(statePath, { server, logKey: trustedText, origin: ctx.origin, note, knowledge: known });
  for (const url of report.skipped) io.stdout(`skipped ${url}: not on ${new URL(server).origin}\n`);
  const end = known.range.size;
  io.stdout(
    `audit passed: log ${start} → ${end} leaves (${end - start} ${end - start === 1 ? 'entry' : 'entries'} replayed), ` +
      `${report.checked} status list${report.checked === 1 ? '' : 's'} checked` +
      `${report.skipped.length ? `, ${report.skipped.length} skipped` : ''}\n`,
  );
  return 0;
}

import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { base64Decode, base64Encode, bytesEqual, isRecord, parseJson, TesseraError } from '@tessera/core';
import type { CredentialStatusValue, StatusPurpose } from '@tessera/credentials';
import { CompactRange } from '@tessera/tlog';
import { readText } from './io.js';

/**
 * What `tessera audit` remembers between runs: the last checkpoint it verified, the log key it
 * trusts, the compact range (peaks) of that tree so new leaves can be appended and the root
 * recomputed without replaying old ones, the status lists the log names, and the latest logged
 * status of every (list, index, purpose). One JSON file, replaced atomically.
 */
export interface ListRecord {
  readonly purpose: StatusPurpose;
  /** The issuer DID of the events that name the list: the list credential must be issued by it. */
  readonly tenant: string;
}

export interface StatusRecord {
  readonly list: string;
  readonly index: number;
  readonly purpose: StatusPurpose;
  readonly status: CredentialStatusValue;
  /** The leaf that set it. */
  readonly leaf: number;
}

/** The in-memory form: a tree head plus what replaying its leaves taught. */
export interface Knowledge {
  readonly range: CompactRange;
  readonly lists: Map<string, ListRecord>;
  /** Keyed by statusKey(). */
  readonly statuses: Map<string, StatusRecord>;
}

export interface AuditState {
  readonly server: string;
  readonly logKey: string;
  readonly origin: string;
  /** The signed note of the last verified checkpoint. */
  readonly note: string;
  readonly knowledge: Knowledge;
}

export const statusKey = (list: string, index: number, purpose: string): string =>
  `${purpose} ${list}#${index}`;

export const emptyKnowledge = (): Knowledge => ({
  range: CompactRange.empty(),
  lists: new Map(),
  statuses: new Map(),
});

const PURPOSES: readonly string[] = ['revocation', 'suspension'];
const STATUSES: readonly string[] = ['active', 'suspended', 'revoked'];

/** Standard base64 in its canonical form only, so one text means one value. */
export function strictBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const bytes = base64Decode(text);
    return base64Encode(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the state file; undefined when it does not exist yet (the first run). */
export function loadState(path: string): AuditState | undefined {
  if (!existsSync(path)) return undefined;
  const corrupt = (why: string) =>
    new TesseraError('INPUT_INVALID', `state file ${path} is not a tessera audit state: ${why}`);
  let value: unknown;
  try {
    value = parseJson(readText(path), { maxLength: 1 << 30, maxDepth: 8 });
  } catch (e) {
    if (e instanceof TesseraError && e.code === 'FILE_UNREADABLE') throw e;
    throw corrupt((e as Error).message);
  }
  if (!isRecord(value) || value.version !== 1) throw corrupt('version 1 expected');
  const { server, logKey, origin, checkpoint, peaks, lists, statuses } = value;
  if (typeof server !== 'string' || typeof logKey !== 'string' || typeof origin !== 'string')
    throw corrupt('server, logKey and origin must be strings');
  if (!isRecord(checkpoint) || typeof checkpoint.note !== 'string')
    throw corrupt('checkpoint.note is missing');
  const size = checkpoint.size;
  const rootHash = strictBase64(checkpoint.rootHash);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || rootHash?.length !== 32)
    throw corrupt('checkpoint.size and checkpoint.rootHash are malformed');
  if (!Array.isArray(peaks)) throw corrupt('peaks must be an array');
  const peakBytes = peaks.map((p) => {
    const b = strictBase64(p);
    if (b?.length !== 32) throw corrupt('a peak is not a 32-byte hash in base64');
    return b;
  });
  let range: CompactRange;
  try {
    range = CompactRange.fromPeaks(size, peakBytes);
  } catch (e) {
    throw corrupt((e as Error).message);
  }
  if (!bytesEqual(range.root(), rootHash)) throw corrupt('the peaks do not hash to the checkpoint root');
  if (!isRecord(lists) || !Array.isArray(statuses)) throw corrupt('lists and statuses are missing');
  const listMap = new Map<string, ListRecord>();
  for (const [url, rec] of Object.entries(lists)) {
    if (!isRecord(rec) || !PURPOSES.includes(rec.purpose as string) || typeof rec.tenant !== 'string')
      throw corrupt(`lists[${url}] is malformed`);
    listMap.set(url, { purpose: rec.purpose as StatusPurpose, tenant: rec.tenant });
  }
  const statusMap = new Map<string, StatusRecord>();
  for (const s of statuses) {
    if (
      !isRecord(s) ||
      typeof s.list !== 'string' ||
      typeof s.index !== 'number' ||
      !Number.isSafeInteger(s.index) ||
      s.index < 0 ||
      !PURPOSES.includes(s.purpose as string) ||
      !STATUSES.includes(s.status as string) ||
      typeof s.leaf !== 'number'
    )
      throw corrupt('a statuses entry is malformed');
    const rec = s as unknown as StatusRecord;
    statusMap.set(statusKey(rec.list, rec.index, rec.purpose), {
      list: rec.list,
      index: rec.index,
      purpose: rec.purpose,
      status: rec.status,
      leaf: rec.leaf,
    });
  }
  return {
    server,
    logKey,
    origin,
    note: checkpoint.note,
    knowledge: { range, lists: listMap, statuses: statusMap },
  };
}

export function serializeState(state: AuditState): string {
  const { range, lists, statuses } = state.knowledge;
  const sortedStatuses = [...statuses.values()].sort(
    (a, b) =>
      (a.list < b.list ? -1 : a.list > b.list ? 1 : 0) ||
      a.index - b.index ||
      (a.purpose < b.purpose ? -1 : a.purpose > b.purpose ? 1 : 0),
  );
  return `${JSON.stringify(
    {
      version: 1,
      server: state.server,
      logKey: state.logKey,
      origin: state.origin,
      checkpoint: { note: state.note, size: range.size, rootHash: base64Encode(range.root()) },
      peaks: range.peaks.map(base64Encode),
      lists: Object.fromEntries([...lists.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      statuses: sortedStatuses,
    },
    null,
    2,
  )}\n`;
}

/**
 * Replaces the state file atomically: written to a temporary file beside it, flushed to disk,
 * then renamed over it, so a crash leaves the old state or the new one, never half of either.
 */
export function saveState(path: string, state: AuditState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, serializeState(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o644); // whatever the umask: the state holds nothing secret
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new TesseraError('FILE_UNREADABLE', `cannot write ${path}: ${(e as Error).message}`);
  }
}

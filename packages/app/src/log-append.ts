import { encodeLogEvent, type LogEvent } from '@tessera/credentials';
import { CompactRange } from '@tessera/tlog';
import { type AppDeps, treeHasher } from './deps.js';
import type { LogLeafRecord, LogNodeRecord, Repositories } from './ports.js';

/**
 * Queues events for the transparency log inside the caller's transaction: the leaves commit
 * with whatever they describe (a credential, a status change, a key) or not at all. A write
 * pays for one insert; the tree work happens in the sequencer, in batches (as Trillian splits
 * queueing from integration). Returns each event's leaf hash, by which it is found once
 * sequenced.
 */
export async function appendToLog(
  deps: Pick<AppDeps, 'sha256Sync'>,
  tx: Repositories,
  events: readonly LogEvent[],
): Promise<Uint8Array[]> {
  if (events.length === 0) return [];
  const hasher = treeHasher(deps);
  const leaves = events.map((event) => {
    const leaf = encodeLogEvent(event);
    return { leaf, hash: hasher.hashLeaf(leaf) };
  });
  await tx.log.enqueue(leaves);
  return leaves.map((l) => l.hash);
}

/** Leaves a sequencing transaction takes at most (bounded work, bounded statement sizes). */
const SEQUENCE_BATCH = 10_000;

/**
 * Gives queued leaves their indexes: in one transaction per batch it reads the head (on
 * PostgreSQL under a row lock, so sequencers in several processes take turns), appends the
 * leaves in queue order through the compact range, writes them with every new complete-subtree
 * node and the new head, and removes them from the queue. Returns how many were sequenced.
 */
export async function sequenceLog(deps: Pick<AppDeps, 'store' | 'sha256Sync'>): Promise<number> {
  const hasher = treeHasher(deps);
  let total = 0;
  for (;;) {
    const n = await deps.store.transaction(
      async (tx) => {
        const head = await tx.log.state();
        const queued = await tx.log.queued(SEQUENCE_BATCH);
        if (queued.length === 0) return 0;
        const range = CompactRange.fromPeaks(head.size, head.peaks, hasher);
        const leaves: LogLeafRecord[] = [];
        const nodes: LogNodeRecord[] = [];
        const visit = (level: number, index: number, hash: Uint8Array) => {
          // Level 0 is the leaf hash, stored with the leaf itself.
          if (level > 0) nodes.push({ level, index, hash });
        };
        for (const q of queued) {
          leaves.push({ index: range.size, leaf: q.leaf, hash: q.hash });
          range.append(q.hash, visit);
        }
        await tx.log.append(leaves, nodes, { size: range.size, peaks: range.peaks });
        await tx.log.dequeue(queued.map((q) => q.seq));
        return queued.length;
      },
      { solo: true },
    );
    total += n;
    if (n < SEQUENCE_BATCH) return total;
  }
}

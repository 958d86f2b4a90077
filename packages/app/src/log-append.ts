import { encodeLogEvent, type LogEvent } from '@tessera/credentials';
import { CompactRange, hashLeaf } from '@tessera/tlog';
import type { LogLeafRecord, LogNodeRecord, Repositories } from './ports.js';

/**
 * Appends events to the transparency log inside the caller's transaction: the leaves commit
 * with whatever they describe (a credential, a status change, a key) or not at all. The head
 * (size and compact-range peaks) is read once and written once, so a batch of N events costs
 * N leaf rows, about N node rows and one head update.
 *
 * Returns each event's leaf index.
 */
export async function appendToLog(tx: Repositories, events: readonly LogEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const head = await tx.log.state();
  const range = CompactRange.fromPeaks(head.size, head.peaks);
  const leaves: LogLeafRecord[] = [];
  const nodes: LogNodeRecord[] = [];
  const visit = (level: number, index: number, hash: Uint8Array) => {
    // Level 0 is the leaf hash, stored with the leaf itself.
    if (level > 0) nodes.push({ level, index, hash });
  };
  for (const event of events) {
    const leaf = encodeLogEvent(event);
    const hash = hashLeaf(leaf);
    leaves.push({ index: range.size, leaf, hash });
    range.append(hash, visit);
  }
  await tx.log.append(leaves, nodes, { size: range.size, peaks: range.peaks });
  return leaves.map((l) => l.index);
}

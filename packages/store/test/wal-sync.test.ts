import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWalSync } from '../src/wal-sync.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-walsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sync function the test releases by hand, recording when each sync started. */
function gatedSync() {
  const started: number[] = [];
  const gates: Array<() => void> = [];
  let clock = 0;
  return {
    started,
    tick: () => ++clock,
    release: () => gates.shift()?.(),
    sync: () =>
      new Promise<void>((resolve) => {
        started.push(clock);
        gates.push(resolve);
      }),
  };
}

describe('WAL sync before acknowledgement', () => {
  it('a caller arriving while a sync runs is answered only by a sync that began after its call', async () => {
    const wal = join(dir, 'a-wal');
    writeFileSync(wal, 'x');
    const gate = gatedSync();
    const sync = createWalSync(wal, gate.sync);
    const events: string[] = [];
    const first = sync.durable().then(() => events.push('first'));
    await new Promise((r) => setTimeout(r, 10));
    gate.tick(); // a commit lands while the first sync is running
    const second = sync.durable().then(() => events.push('second'));
    const third = sync.durable().then(() => events.push('third'));
    gate.release();
    await first;
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toStrictEqual(['first']); // the first sync does not count for later callers
    expect(gate.started).toStrictEqual([0, 1]); // one more sync began, after the commit
    gate.release();
    await Promise.all([second, third]);
    expect(events).toStrictEqual(['first', 'second', 'third']); // they shared it
    await sync.close();
  });

  it('a failed sync rejects its callers and the next call tries again', async () => {
    const wal = join(dir, 'b-wal');
    writeFileSync(wal, 'x');
    let fail = true;
    const sync = createWalSync(wal, async () => {
      if (fail) throw new Error('EIO');
    });
    await expect(sync.durable()).rejects.toThrow('EIO');
    fail = false;
    await expect(sync.durable()).resolves.toBeUndefined();
    await sync.close();
  });

  it('a missing WAL file rejects rather than acknowledging', async () => {
    const sync = createWalSync(join(dir, 'missing-wal'));
    await expect(sync.durable()).rejects.toThrow(/ENOENT/);
    await sync.close();
  });
});

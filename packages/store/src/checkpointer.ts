import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop.
 *
 * A checkpoint copies WAL frames into the database file and fsyncs both; run automatically it
 * happens inside whichever COMMIT crosses the threshold, on the main thread, and every request
 * waits (tens of milliseconds: the p99 of durable issuance). Here the writer's automatic
 * checkpoint is only a far-off backstop, and a worker thread with its own connection runs
 * PASSIVE checkpoints (which never block writers or readers) after commits, at most one at a time.
 */
export interface Checkpointer {
  /** Asks for a checkpoint soon; cheap to call after every commit. */
  poke(): void;
  close(): Promise<void>;
}

// The worker is a few lines of CommonJS evaluated in place: no separate file to build or locate
// (the store also runs from TypeScript sources under vitest), and it loads the same better-sqlite3.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, result });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
`;

export interface CheckpointerOptions {
  /** Least time between two checkpoints, in ms (default 250). */
  readonly intervalMs?: number;
  /** Told when a checkpoint fails (the next one retries; the backstop still bounds the WAL). */
  readonly onError?: (message: string) => void;
}

export function startCheckpointer(path: string, options: CheckpointerOptions = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver } });
  // The worker must never keep the process alive or crash it: it only makes the WAL smaller.
  worker.unref();
  worker.on('error', (e) => options.onError?.(e.message));
  const intervalMs = options.intervalMs ?? 250;
  let busy = false;
  let wanted = false;
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const start = () => {
    timer = undefined;
    if (closed || busy) return;
    busy = true;
    wanted = false;
    last = Date.now();
    worker.postMessage('checkpoint');
  };
  worker.on('message', (reply: { ok: boolean; message?: string }) => {
    busy = false;
    if (!reply.ok) options.onError?.(reply.message ?? 'checkpoint failed');
    if (wanted) schedule();
  });
  const schedule = () => {
    if (closed || busy || timer) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    timer = setTimeout(start, wait);
    timer.unref();
  };

  return {
    poke() {
      wanted = true;
      schedule();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      // Referenced again while closing: an unreferenced worker mid-checkpoint would let the
      // event loop go idle and the process end with this promise unsettled.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}

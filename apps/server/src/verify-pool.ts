import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SignedCredential } from '@tessera/app';
import { TesseraError } from '@tessera/core';
import type { Fetcher } from '@tessera/credentials';
import type { Logger } from 'pino';
import {
  type FromWorker,
  type ReportText,
  receiveError,
  sendError,
  type ToWorker,
  type Verification,
  type WorkerInit,
} from './verification.js';

/**
 * The compiled worker next to this module; from the TypeScript sources (vitest) the built one in
 * `dist`, so tests need `tsc -b` first (as `npm test` does).
 */
export const VERIFY_WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? '../dist/verify-worker.js' : './verify-worker.js',
  import.meta.url,
);

const SOURCE_CONDITION = '@tessera/source';

/**
 * The worker's `execArgv`: undefined (inherit the process's flags) unless a `--conditions
 * @tessera/source` must go. The worker runs compiled JS, and that condition (vitest) would send
 * its imports to TypeScript sources. Passing flags explicitly only then matters: Node refuses, in
 * an explicit list, flags a worker cannot take (V8 heap sizes such as `--max-old-space-size`),
 * while inheriting simply leaves them to the process.
 */
export function workerExecArgv(argv: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((arg === '--conditions' || arg === '-C') && argv[i + 1] === SOURCE_CONDITION) i++;
    else if (arg !== `--conditions=${SOURCE_CONDITION}` && arg !== `-C=${SOURCE_CONDITION}`) out.push(arg);
  }
  return out.length === argv.length ? undefined : out;
}
export interface VerifyPoolOptions {
  /** Worker threads (≥ 1). */
  readonly size: number;
  /** Requests waiting for a worker beyond those in flight; past it a request is refused with 503. */
  readonly maxQueue: number;
  readonly publicUrl: string;
  readonly logVerifierKey?: string | undefined;
  /** The request body limit (workers repeat the body's bounded parse). */
  readonly bodyLimitBytes: number;
  /** Answers this server's tenants' DID documents for the workers. */
  readonly fetchLocal: Fetcher;
  /** Answers every other document for the workers (the guarded fetcher). */
  readonly fetchRemote: Fetcher;
  readonly now: () => Date;
  readonly logger: Logger;
  /**
   * Requests each live worker counts for in the admission limit: at most `live workers ×
   * perWorker + maxQueue` verifications are in flight or waiting; past that, 503 (default 4).
   */
  readonly perWorker?: number;
  /**
   * Requests sent to a worker before its answers come back (at least `perWorker`; default 16). A
   * worker runs the requests it holds interleaved, so they finish close together; one that
   * holds only those then idles until the main thread has answered them and sent new ones. At
   * 16, the next requests are already waiting in its port when a batch ends (measured at 32
   * connections on two cores: idle CPU 38-100 → 28-87 µs per request, verify +3-14% req/s, p99
   * unchanged); deeper, a worker that loses its core for a moment delays too many requests.
   */
  readonly dispatchDepth?: number;
  /**
   * Tasks a worker starts together and answers in one message (default: half the dispatch depth,
   * so that a worker holding its full depth runs one chunk while the other's answers go out).
   */
  readonly chunk?: number;
  readonly workerUrl?: URL;
}

/** 503 with `Retry-After` when the queue is full: verification is overloaded, not failed. */
export class VerifyBusyError extends TesseraError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('UNAVAILABLE', message);
  }
}

interface Task {
  readonly message: Extract<ToWorker, { t: 'verify' | 'sign' }>;
  // A verification answers a report; a signing, the secured credential and its bytes.
  readonly resolve: (answer: ReportText | SignedCredential) => void;
  readonly reject: (e: Error) => void;
}

/**
 * A task's place among those in flight, emptied as the task settles. V8 reallocates a Map's
 * table as entries come and go, and a discarded table in the old generation stays a root of the
 * young-generation GC until the next full GC: a Map holding tasks directly kept each task it held
 * at a reallocation alive, with its request text and the awaiting request's whole state, so they
 * were promoted (measured under verify load: 5.7 KB promoted per request and a full GC every
 * 1.7 s; with places emptied 0.2 KB and none, the main thread's scavenges 343 → 156 ms in 5 s,
 * median pause 3.8 → 1.9 ms; req/s the same within noise, the main thread not being the limit).
 */
interface Place {
  task: Task | undefined;
}

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  readonly inFlight: Map<number, Place>;
  /** Messages for the worker, sent together at the end of this turn of the event loop. */
  outbox: ToWorker[];
  /** Consecutive crashes without a successful start in between, for the restart back-off. */
  crashes: number;
}

/**
 * A fixed pool of verify workers, so that canonicalization and signature checks never run on the
 * event loop. Workers start with the pool, are restarted (with back-off) when one dies, and are
 * terminated by `close()`. Each request goes to the least busy worker; when all hold
 * `dispatchDepth` requests, it waits in a FIFO queue. Past the admission limit (`perWorker` per
 * live worker plus `maxQueue`) a request is refused (503, Retry-After).
 */
export function createVerifyPool(options: VerifyPoolOptions): Verification & { readonly size: number } {
  const size = Math.max(1, Math.floor(options.size));
  const perWorker = options.perWorker ?? 4;
  const depth = Math.max(perWorker, options.dispatchDepth ?? 16);
  const workerUrl = options.workerUrl ?? VERIFY_WORKER_URL;
  if (workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(workerUrl))) {
    throw new Error(`the verify worker ${fileURLToPath(workerUrl)} is missing: build first (tsc -b)`);
  }
  const init: WorkerInit = {
    publicUrl: options.publicUrl,
    bodyLimitBytes: options.bodyLimitBytes,
    chunk: Math.max(1, Math.floor(options.chunk ?? depth / 2)),
    ...(options.logVerifierKey ? { logVerifierKey: options.logVerifierKey } : {}),
  };
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 0;
  let closed = false;

  // Messages to a worker are batched per turn of the event loop: one postMessage (and one
  // wake-up of the worker) carries every request that arrived in the same I/O phase.
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    for (const slot of slots) {
      if (slot.outbox.length === 0) continue;
      const batch = slot.outbox;
      slot.outbox = [];
      slot.worker?.postMessage(batch);
    }
  };
  const enqueue = (slot: Slot, message: ToWorker) => {
    slot.outbox.push(message);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
  const send = (slot: Slot, worker: Worker, message: ToWorker) => {
    // A worker that died or was replaced meanwhile gets nothing; its tasks were already failed.
    if (slot.worker === worker) enqueue(slot, message);
  };

  const answerFetch = (slot: Slot, worker: Worker, m: Extract<FromWorker, { t: 'fetch' }>) => {
    const fetcher = m.scope === 'local' ? options.fetchLocal : options.fetchRemote;
    fetcher(m.url, m.accept === undefined ? undefined : { accept: m.accept }).then(
      (r) =>
        send(slot, worker, { t: 'fetched', id: m.id, ok: true, contentType: r.contentType, body: r.body }),
      (e: unknown) => send(slot, worker, { t: 'fetched', id: m.id, ok: false, error: sendError(e) }),
    );
  };

  const execArgv = workerExecArgv(process.execArgv);
  const start = (slot: Slot) => {
    const worker = new Worker(workerUrl, {
      workerData: init,
      name: `tessera-verify-${slot.index}`,
      ...(execArgv ? { execArgv } : {}),
    });
    // Workers never keep the process alive by themselves: the HTTP server does.
    worker.unref();
    slot.worker = worker;
    const receive = (m: FromWorker) => {
      switch (m.t) {
        case 'ready':
          slot.crashes = 0;
          break;
        case 'fetch':
          answerFetch(slot, worker, m);
          break;
        case 'done':
        case 'signed':
        case 'failed': {
          const place = slot.inFlight.get(m.id);
          const task = place?.task;
          if (!task) break;
          place!.task = undefined;
          slot.inFlight.delete(m.id);
          if (m.t === 'done') task.resolve(m.report);
          else if (m.t === 'signed') task.resolve(m.signed);
          else task.reject(receiveError(m.error));
          break;
        }
      }
    };
    worker.on('message', (batch: FromWorker[]) => {
      for (const m of batch) receive(m);
      pump();
    });
    worker.on('error', (e) => {
      options.logger.error({ err: e, worker: slot.index }, 'verify worker failed');
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.outbox = [];
      const lost: Task[] = [];
      for (const place of slot.inFlight.values()) {
        if (place.task) lost.push(place.task);
        place.task = undefined;
      }
      slot.inFlight.clear();
      for (const task of lost) {
        task.reject(
          closed
            ? new TesseraError('UNAVAILABLE', 'the server is shutting down')
            : new VerifyBusyError('the verification worker stopped; retry'),
        );
      }
      if (closed) return;
      options.logger.error({ worker: slot.index, code }, 'verify worker exited; restarting');
      const delay = Math.min(5000, slot.crashes === 0 ? 0 : 100 * 2 ** slot.crashes);
      slot.crashes++;
      setTimeout(() => {
        if (!closed) {
          start(slot);
          pump();
        }
      }, delay).unref();
      // Its share of the queue goes to the other workers meanwhile.
      pump();
    });
  };

  const dispatch = (slot: Slot, task: Task) => {
    const worker = slot.worker!;
    slot.inFlight.set(task.message.id, { task });
    send(slot, worker, task.message);
  };

  /** The least busy live worker with a free place, if any. */
  const freeSlot = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) {
      if (s.worker && s.inFlight.size < depth && (!best || s.inFlight.size < best.inFlight.size)) best = s;
    }
    return best;
  };

  /**
   * Verifications in flight or waiting, when that is at the admission limit (else undefined). The
   * limit counts `perWorker` per live worker whatever the dispatch depth: requests dispatched
   * deeper are ones that would otherwise wait in the queue, so the depth moves where they wait,
   * not how many are admitted.
   */
  const atLimit = (): number | undefined => {
    let outstanding = queue.length;
    let live = 0;
    for (const s of slots) {
      outstanding += s.inFlight.size;
      if (s.worker) live++;
    }
    return outstanding >= live * perWorker + options.maxQueue ? outstanding : undefined;
  };

  const pump = () => {
    while (queue.length > 0) {
      const slot = freeSlot();
      if (!slot) return;
      dispatch(slot, queue.shift()!);
    }
  };

  const submit = <A>(make: (id: number) => Task['message']): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      if (closed) {
        reject(new TesseraError('UNAVAILABLE', 'the server is shutting down'));
        return;
      }
      const outstanding = atLimit();
      if (outstanding !== undefined) {
        reject(new VerifyBusyError(`the workers are busy (${outstanding} in progress); retry shortly`));
        return;
      }
      const message = make(nextId++);
      const task: Task = { message, resolve: resolve as Task['resolve'], reject };
      const slot = queue.length === 0 ? freeSlot() : undefined;
      if (slot) dispatch(slot, task);
      else queue.push(task);
    });

  const verify =
    (kind: 'credential' | 'presentation') =>
    (text: string): Promise<ReportText> =>
      submit<ReportText>((id) => ({ t: 'verify', id, kind, text, now: options.now().getTime() }));

  for (let i = 0; i < size; i++) {
    const slot: Slot = { index: i, worker: undefined, inFlight: new Map(), outbox: [], crashes: 0 };
    slots.push(slot);
    start(slot);
  }

  return {
    size,
    verifyCredential: verify('credential'),
    verifyPresentation: verify('presentation'),
    signCredential: (key, credential, format, at) =>
      submit<SignedCredential>((id) => ({ t: 'sign', id, key, credential, format, now: at.getTime() })),
    invalidate() {
      for (const s of slots) if (s.worker) enqueue(s, { t: 'invalidate' });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const task of queue.splice(0))
        task.reject(new TesseraError('UNAVAILABLE', 'the server is shutting down'));
      await Promise.all(slots.map((s) => s.worker?.terminate()));
    },
  };
}

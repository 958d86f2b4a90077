import {
  type AppDeps,
  type CheckpointRecord,
  type LogIdentity,
  loadLogIdentity,
  proveLogConsistency,
  sequenceLog,
  signLatestCheckpoint,
} from '@tessera/app';
import { createNodeCrypto } from '@tessera/crypto-node';
import type { Logger } from 'pino';

/**
 * The transparency log's sequencer and signer in this process. Writes queue their leaves and
 * poke it; within `delayMs` (default 200 ms, well inside the one-second promise) it gives the
 * queued leaves their indexes in one batch and signs one checkpoint for all of them. On start it proves that the stored log
 * extends the last checkpoint it signed, and refuses to run otherwise.
 */
export interface LogService {
  identity(): Promise<LogIdentity>;
  /** Proves consistency with the last checkpoint, then signs one for the current head. */
  start(): Promise<{ from: number; to: number }>;
  /** A write appended leaves: schedule a checkpoint. */
  poke(): void;
  /** Signs now if the head moved (receipts, tests); returns the newest checkpoint. */
  checkpointNow(): Promise<CheckpointRecord | undefined>;
  close(): Promise<void>;
}

export function createLogService(
  deps: AppDeps,
  logger: Logger,
  options: { delayMs?: number; identity?: LogIdentity | undefined } = {},
): LogService {
  const delayMs = options.delayMs ?? 200;
  // Loaded by the composition root already (its verifier key goes to the verifiers): not read twice.
  let identity: Promise<LogIdentity> | undefined = options.identity && Promise.resolve(options.identity);
  let timer: NodeJS.Timeout | undefined;
  let signing: Promise<unknown> = Promise.resolve();
  let closed = false;

  const getIdentity = () => {
    identity ??= loadLogIdentity(deps);
    identity.catch(() => {
      identity = undefined;
    });
    return identity;
  };

  // One signer at a time in this process; the store's compare-and-swap covers other processes.
  const sign = (): Promise<CheckpointRecord | undefined> => {
    const next = signing.then(async () => {
      const identity = await getIdentity();
      // Queued leaves get their indexes first, so the checkpoint covers every write so far.
      await sequenceLog(deps);
      return signLatestCheckpoint(deps, identity);
    });
    signing = next.catch(() => undefined);
    return next;
  };

  const tick = () => {
    timer = undefined;
    sign().catch((e: unknown) => {
      logger.warn({ err: e }, 'checkpoint signing failed; retrying');
      if (!closed) timer = setTimeout(tick, Math.max(delayMs, 1000));
    });
  };

  return {
    identity: getIdentity,
    async start() {
      await getIdentity();
      const proven = await proveLogConsistency(deps);
      await sign();
      logger.info(proven, 'transparency log consistent with its last checkpoint');
      return proven;
    },
    poke() {
      if (closed || timer) return;
      timer = setTimeout(tick, delayMs);
    },
    checkpointNow: sign,
    async close() {
      closed = true;
      const pending = timer !== undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      // Writes acknowledged just before shutdown get their checkpoint now, not at the next start.
      if (pending) await sign().catch((e: unknown) => logger.warn({ err: e }, 'final checkpoint failed'));
      await signing;
    },
  };
}

/** The log's key, created on first start (before the verifiers, which take its verifier key, are built). */
export function loadLogKey(
  store: AppDeps['store'],
  config: { masterKey: Uint8Array; publicUrl: string },
): Promise<LogIdentity> {
  return loadLogIdentity({
    store,
    crypto: createNodeCrypto(),
    masterKey: config.masterKey,
    publicUrl: config.publicUrl,
    now: () => new Date(),
  });
}

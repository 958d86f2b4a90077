/**
 * A verify worker (loaded from `dist/verify-worker.js` by the pool): its own verifier on node
 * crypto and the bundled contexts, whose resolver asks the main thread for DID documents, so that
 * this server's tenants resolve from its store and other DIDs through its guarded fetcher, and the
 * reports are the same as in-process. Tenant documents are cached as briefly as on the main
 * thread (2 s) and dropped on rotation; other documents are cached by the resolver as usual.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { signedCredential } from '@tessera/app';
import {
  createStatusChecker,
  createVerifier,
  type FetchedResource,
  type Fetcher,
  issueCredential,
  logKeyVerifier,
  type VerificationReport,
} from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import { parseJsonBody } from './body.js';
import { routedFetcher, routedResolver } from './did-resolution.js';
import { VerifyCredentialRequestSchema, VerifyPresentationRequestSchema } from './schemas.js';
import {
  credentialOptions,
  type FromWorker,
  receiveError,
  sendError,
  type ToWorker,
  toReportText,
  type WorkerInit,
} from './verification.js';

const port = parentPort;
if (!port) throw new Error('verify-worker.js runs as a worker thread of the server');
const init = workerData as WorkerInit;
const LOCAL_TTL_MS = 2000;

// Everything for the main thread (answers, document fetches) leaves in one message per turn of the
// event loop, as the main thread batches what it sends here: each message costs both threads a
// wake-up, and the main thread answers a batch of answers in one go.
let outbox: FromWorker[] = [];
const flush = () => {
  if (outbox.length === 0) return;
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
};
const post = (message: FromWorker) => {
  if (outbox.push(message) === 1) setImmediate(flush);
};
const pending = new Map<
  number,
  { url: string; resolve: (r: FetchedResource) => void; reject: (e: Error) => void }
>();
let nextFetch = 0;

const ask =
  (scope: 'local' | 'remote'): Fetcher =>
  (url, fetchInit) =>
    new Promise<FetchedResource>((resolve, reject) => {
      const id = nextFetch++;
      pending.set(id, { url, resolve, reject });
      post({ t: 'fetch', id, scope, url, accept: fetchInit?.accept });
    });

let generation = 0;
const localCache = new Map<string, { expires: number; resource: FetchedResource }>();
const askLocal = ask('local');
const local: Fetcher = async (url, fetchInit) => {
  const hit = localCache.get(url);
  if (hit && hit.expires > Date.now()) return hit.resource;
  const asked = generation;
  const resource = await askLocal(url, fetchInit);
  // A rotation that happened while the answer was in flight must not be cached over.
  if (asked === generation) {
    if (localCache.size > 10_000) localCache.clear();
    localCache.set(url, { expires: Date.now() + LOCAL_TTL_MS, resource });
  }
  return resource;
};

const crypto = createNodeCrypto();
const remote = ask('remote');
const resolver = routedResolver(init.publicUrl, local, remote);
const statusFetcher = routedFetcher(init.publicUrl, local, remote);
// Parsed once: a verifier is made per request (for its clock), and a key string would be parsed
// by each. The main thread's verifier already parsed the same key at start-up.
const log = init.logVerifierKey ? { log: { keys: [logKeyVerifier(crypto, init.logVerifierKey)] } } : {};
// Status lists are cached for their ttl across requests, and dropped with the generation (a
// status change or rotation on this server), as the main thread drops its verifier's.
const makeStatusChecker = () => {
  const lists = createVerifier({ crypto, resolver });
  return createStatusChecker({ fetcher: statusFetcher, verifyList: (vc) => lists.verifyCredential(vc) });
};
let statusChecker = makeStatusChecker();
// The clock is the main thread's at dispatch, so an injected clock applies in workers too.
const verifierAt = (now: number) =>
  createVerifier({ crypto, resolver, now: () => new Date(now), statusChecker, ...log });

type Work = Extract<ToWorker, { t: 'sign' | 'verify' }>;

/**
 * Work runs in chunks of `init.chunk`: a chunk's tasks run interleaved (each one's awaits of cached
 * documents resolve in the same turn), their answers leave together at the end of the turn, and the
 * next chunk starts on the next turn, after the requests that arrived meanwhile were queued. So the
 * main thread turns one chunk's answers into new requests while this worker runs the next: a
 * worker that ran everything it held at once answered it all at its end, then idled until the
 * main thread had written every answer and sent new requests (measured on two cores at 32
 * connections: idle CPU per request down by half, verify +4-9% req/s). A task waiting for a
 * real fetch does not hold its chunk back: it answers in whichever turn it finishes.
 */
const queue: Work[] = [];
let draining = false;
const drain = () => {
  draining = false;
  // The previous chunk's answers leave before this chunk's work begins.
  flush();
  for (const message of queue.splice(0, init.chunk)) run(message);
  if (queue.length > 0) {
    draining = true;
    setImmediate(drain);
  }
};

port.on('message', (batch: ToWorker[]) => {
  for (const message of batch) {
    if (message.t === 'sign' || message.t === 'verify') queue.push(message);
    else receive(message);
  }
  if (!draining && queue.length > 0) drain();
});

function run(message: Work): void {
  if (message.t === 'sign') {
    // The same engine call as in-process issuance; the key and credential came by structured clone.
    issueCredential({ crypto, now: () => new Date(message.now) }, message.key, message.credential, {
      format: message.format,
    }).then(
      // The stored text and the bytes the log commitment digests are made here too, off the event loop.
      (secured) => post({ t: 'signed', id: message.id, signed: signedCredential(secured) }),
      (e: unknown) => post({ t: 'failed', id: message.id, error: sendError(e) }),
    );
    return;
  }
  let work: Promise<VerificationReport>;
  try {
    const verifier = verifierAt(message.now);
    // The main thread only read the text (within the body limit): parsing and validating it is ours.
    if (message.kind === 'credential') {
      const body = parseJsonBody(message.text, VerifyCredentialRequestSchema, init.bodyLimitBytes);
      work = verifier.verifyCredential(body.verifiableCredential, credentialOptions(body));
    } else {
      const body = parseJsonBody(message.text, VerifyPresentationRequestSchema, init.bodyLimitBytes);
      work = verifier.verifyPresentation(body.verifiablePresentation, body.options);
    }
  } catch (e) {
    work = Promise.reject(e);
  }
  work.then(
    (report) => post({ t: 'done', id: message.id, report: toReportText(report) }),
    (e: unknown) => post({ t: 'failed', id: message.id, error: sendError(e) }),
  );
}

function receive(message: Exclude<ToWorker, Work>): void {
  switch (message.t) {
    case 'fetched': {
      const waiter = pending.get(message.id);
      if (!waiter) break;
      pending.delete(message.id);
      if (message.ok)
        waiter.resolve({ url: waiter.url, contentType: message.contentType, body: message.body });
      else waiter.reject(receiveError(message.error));
      break;
    }
    case 'invalidate':
      generation++;
      localCache.clear();
      statusChecker = makeStatusChecker();
      break;
  }
}

post({ t: 'ready' });

/**
 * `npm run bench:http`: the issuer service over loopback HTTP. The real server runs in its own
 * process (`node apps/server/dist/main.js`, fresh data directory, silent logs, no rate limit);
 * autocannon drives it with 32 connections after a warm-up, one phase at a time, and reports
 * requests/s and p50/p99 for: `GET /healthz` (the HTTP floor), `POST /credentials/verify` in each
 * proof format, durable `POST /credentials/issue` in each format on SQLite and on PostgreSQL
 * (skipped with a notice when unreachable), and `GET /healthz` while eddsa-rdfc-2022 verification
 * saturates the server. The same run measures the engine's single-thread in-process verify rate
 * (as `bench/engine.mjs` does) and prints the ratios against the targets. `--json` prints the
 * results as a JSON array. Loopback only; every phase is bounded in time; children are killed on exit.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVerifier, generateDidKey, issueCredential } from '@tessera/credentials';
import { createNodeCrypto } from '@tessera/crypto-node';
import autocannon from 'autocannon';
import { measure } from './measure.mjs';

const json = process.argv.includes('--json');
const PG_URL = process.env.TESSERA_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 32;
const WARMUP_S = 1;
const MEASURE_S = 4;
const FORMATS = ['eddsa-jcs-2022', 'vc-jwt', 'eddsa-rdfc-2022'];
const ADMIN_TOKEN = `tadm_bench_${randomBytes(24).toString('hex')}`;
const root = fileURLToPath(new URL('..', import.meta.url));
const template = JSON.parse(readFileSync(join(root, 'test-support/bench-credential.json'), 'utf8'));
const log = (line) => {
  if (!json) process.stderr.write(`${line}\n`);
};

// ---- children and clean-up ----

const children = new Set();
const dirs = [];
const cleanups = [];
const killAll = () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
// The whole run is bounded: a hung phase must not hold the machine.
setTimeout(() => {
  process.stderr.write('bench:http: overall time limit (5 min) reached\n');
  process.exit(1);
}, 300_000).unref();

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

/** Starts `node apps/server/dist/main.js` and waits for its start-up banner (≤ 30 s). */
async function startServer(label, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-http-'));
  dirs.push(dir);
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'apps/server/dist/main.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_PUBLIC_URL: `http://127.0.0.1:${port}`,
      TESSERA_DATA_DIR: dir,
      TESSERA_DEV: '1',
      TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
      TESSERA_LOG_LEVEL: 'silent',
      TESSERA_RATE_LIMIT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label}: no start-up banner in 30 s\n${output}`)),
      30_000,
    );
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Tessera is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label}: server exited with ${code}\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  child.once('exit', (code, signal) => {
    if (children.has(child))
      process.stderr.write(
        `${label}: the server exited during the run (${code ?? signal})\n${output.slice(-4000)}\n`,
      );
  });
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const apiKey = readFileSync(join(dir, 'demo-api-key'), 'utf8').trim();
  return {
    url,
    apiKey,
    async stop() {
      children.delete(child);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---- load phases ----

const post = async (url, path, body, key) => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};

const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/**
 * One autocannon run; latencies (ms, sub-millisecond resolution) are taken from its response
 * events, 2xx only. Resolves with the run's figures.
 */
function cannon({ url, path, method = 'GET', body, headers = {}, connections = CONNECTIONS, seconds }) {
  const latencies = [];
  const instance = autocannon({
    url: `${url}${path}`,
    method,
    connections,
    duration: seconds,
    timeout: 10,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  return new Promise((resolve, reject) => {
    instance.once('done', (r) => {
      latencies.sort((a, b) => a - b);
      resolve({
        requestsPerSec: Math.round(r['2xx'] / r.duration),
        p50Ms: Math.round(quantile(latencies, 0.5) * 100) / 100,
        p99Ms: Math.round(quantile(latencies, 0.99) * 100) / 100,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
      });
    });
    instance.once('error', reject);
  });
}

const results = [];
async function phase(name, load) {
  await cannon({ ...load, seconds: WARMUP_S });
  const r = await cannon({ ...load, seconds: MEASURE_S });
  results.push({ name, ...r });
  const trouble = r.non2xx > 0 || r.errors > 0 ? ` (non-2xx ${r.non2xx}, errors ${r.errors})` : '';
  log(`  ${name}: ${r.requestsPerSec} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${trouble}`);
  return r;
}

/** Issues one credential per format through the server (the demo tenant's did:web). */
async function issueAll(server) {
  const secured = {};
  for (const format of FORMATS) {
    const r = await post(
      server.url,
      '/credentials/issue',
      { credential: template, options: { format } },
      server.apiKey,
    );
    if (r.status !== 201) throw new Error(`issue ${format}: ${r.status} ${JSON.stringify(r.body)}`);
    const check = await post(server.url, '/credentials/verify', {
      verifiableCredential: r.body.verifiableCredential,
    });
    if (check.status !== 200)
      throw new Error(`verify ${format}: ${check.status} ${JSON.stringify(check.body)}`);
    secured[format] = r.body.verifiableCredential;
  }
  return secured;
}

const issueLoad = (server, format) => ({
  url: server.url,
  path: '/credentials/issue',
  method: 'POST',
  headers: { authorization: `Bearer ${server.apiKey}` },
  body: { credential: template, options: { format } },
});

// ---- PostgreSQL: its own schema (or database), dropped after ----

async function postgresTarget() {
  const pg = createRequire(join(root, 'packages/store/package.json'))('pg');
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (e) {
    return { skip: `PostgreSQL at ${PG_URL} is unreachable (${e.message})` };
  }
  admin.on('error', () => {});
  const name = `tessera_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  // The store takes a schema from `?schema=` when it supports that; otherwise a database of our own.
  const { parseStoreUrl } = await import('@tessera/store');
  const withSchema = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${name}`;
  const location = (() => {
    try {
      return parseStoreUrl(withSchema);
    } catch {
      return undefined;
    }
  })();
  if (location?.schema === name) {
    cleanups.push(async () => {
      await admin.query(`drop schema if exists "${name}" cascade`);
      await admin.end();
    });
    return { url: withSchema, where: `schema ${name}` };
  }
  await admin.query(`create database "${name}"`);
  cleanups.push(async () => {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.href, where: `database ${name}` };
}

// ---- the run ----

log(`http benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}`);

// 1. The engine, single thread, in-process (as bench/engine.mjs), while nothing else runs.
log('engine in-process verify (single thread)…');
const crypto = createNodeCrypto();
const key = await generateDidKey(crypto);
const verifier = createVerifier({ crypto });
const engineCases = [];
for (const format of FORMATS) {
  const unsigned = structuredClone(template);
  unsigned.issuer.id = key.controller;
  const secured = await issueCredential({ crypto }, key, unsigned, { format });
  if (!(await verifier.verifyCredential(secured)).verified)
    throw new Error(`engine ${format} does not verify`);
  engineCases.push({ name: `engine/${format}/verify`, fn: () => verifier.verifyCredential(secured) });
}
const engine = await measure(engineCases);
for (const r of engine) {
  results.push({ name: r.name, requestsPerSec: r.opsPerSec, p50Ms: r.p50Us / 1000, p99Ms: r.p99Us / 1000 });
  log(`  ${r.name}: ${r.opsPerSec} ops/s`);
}

// 2. The server on SQLite.
log('server on SQLite…');
const sqlite = await startServer('sqlite');
const secured = await issueAll(sqlite);
await phase('http/healthz', { url: sqlite.url, path: '/healthz' });
for (const format of FORMATS) {
  await phase(`http/verify/${format}`, {
    url: sqlite.url,
    path: '/credentials/verify',
    method: 'POST',
    body: { verifiableCredential: secured[format] },
  });
}
for (const format of FORMATS) await phase(`http/issue/sqlite/${format}`, issueLoad(sqlite, format));

/** healthz latency (2 connections) while 32 connections saturate the server with rdfc verification. */
async function healthzUnderRdfc(server, name, credential) {
  const rdfc = {
    url: server.url,
    path: '/credentials/verify',
    method: 'POST',
    body: { verifiableCredential: credential },
  };
  await cannon({ ...rdfc, seconds: WARMUP_S });
  const [load, probe] = await Promise.all([
    cannon({ ...rdfc, seconds: MEASURE_S }),
    cannon({ url: server.url, path: '/healthz', connections: 2, seconds: MEASURE_S }),
  ]);
  results.push({ name: `${name}/rdfc-load`, ...load }, { name, ...probe });
  log(`  ${name}: p99 ${probe.p99Ms} ms (rdfc verify alongside: ${load.requestsPerSec} req/s)`);
  return probe;
}
await healthzUnderRdfc(sqlite, 'http/healthz-under-rdfc-verify', secured['eddsa-rdfc-2022']);
await sqlite.stop();

// For comparison: the same with verification on the event loop (no workers).
log('server on SQLite, TESSERA_VERIFY_WORKERS=0 (for comparison)…');
const inline = await startServer('sqlite-inline', { TESSERA_VERIFY_WORKERS: '0' });
await healthzUnderRdfc(
  inline,
  'http/healthz-under-rdfc-verify/no-workers',
  (await issueAll(inline))['eddsa-rdfc-2022'],
);
await inline.stop();

// 3. The server on PostgreSQL.
const target = await postgresTarget();
if (target.skip) log(`PostgreSQL phases skipped: ${target.skip}`);
else {
  log(`server on PostgreSQL (${target.where})…`);
  try {
    const server = await startServer('postgres', { TESSERA_DATABASE_URL: target.url });
    for (const format of FORMATS) await phase(`http/issue/postgres/${format}`, issueLoad(server, format));
    await server.stop();
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

// ---- report ----

const get = (name) => results.find((r) => r.name === name);
const targets = [];
for (const format of ['eddsa-jcs-2022', 'vc-jwt']) {
  const http = get(`http/verify/${format}`);
  const inProcess = get(`engine/${format}/verify`);
  const value = http.requestsPerSec / inProcess.requestsPerSec;
  targets.push({
    name: `target/verify/${format}`,
    label: `verify ${format}: HTTP / in-process single thread`,
    value: `${value.toFixed(2)}× (${http.requestsPerSec} / ${inProcess.requestsPerSec}), p99 ${http.p99Ms} ms`,
    target: '≥ 1.00×, p99 ≤ 25 ms',
    ok: value >= 1 && http.p99Ms <= 25,
  });
}
const issueJcs = get('http/issue/sqlite/eddsa-jcs-2022');
targets.push({
  name: 'target/issue/sqlite/eddsa-jcs-2022',
  label: 'durable issue eddsa-jcs-2022 on SQLite',
  value: `${issueJcs.requestsPerSec}/s (${(issueJcs.requestsPerSec / 500).toFixed(2)}× 500/s), p99 ${issueJcs.p99Ms} ms`,
  target: '≥ 500/s, p99 ≤ 50 ms',
  ok: issueJcs.requestsPerSec >= 500 && issueJcs.p99Ms <= 50,
});
const probe = get('http/healthz-under-rdfc-verify');
targets.push({
  name: 'target/healthz-under-rdfc-verify',
  label: 'healthz p99 under rdfc verification',
  value: `${probe.p99Ms} ms`,
  target: '≤ 10 ms',
  ok: probe.p99Ms <= 10,
});

if (json) {
  console.log(JSON.stringify([...results, ...targets.map(({ label, ...t }) => t)], null, 2));
} else {
  const w = Math.max(...results.map((r) => r.name.length));
  console.log(
    `\n${'benchmark'.padEnd(w)}  ${'req/s'.padStart(7)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'non-2xx'.padStart(7)}  ${'errors'.padStart(6)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(w)}  ${String(r.requestsPerSec).padStart(7)}  ${r.p50Ms.toFixed(2).padStart(7)}  ${r.p99Ms.toFixed(2).padStart(7)}  ${String(r.non2xx ?? '').padStart(7)}  ${String(r.errors ?? '').padStart(6)}`,
    );
  }
  console.log('\n(engine/* rows: in-process, one operation at a time; ops/s in the req/s column)');
  console.log('\ntargets (same run)');
  const lw = Math.max(...targets.map((t) => t.label.length));
  const vw = Math.max(...targets.map((t) => t.value.length));
  for (const t of targets) {
    console.log(
      `${t.label.padEnd(lw)}  ${t.value.padEnd(vw)}  target ${t.target}  ${t.ok ? 'ok' : 'MISSED'}`,
    );
  }
}
process.exit(0);

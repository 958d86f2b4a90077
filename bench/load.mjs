/**
 * Load generators for `bench/http.mjs`: wrk (C, one epoll loop per thread) when it is installed,
 * else autocannon (Node). On a small machine the generator shares the cores with the server, and
 * autocannon spends roughly a core of its own at a few thousand requests/s, so wrk measures the
 * server rather than the client. `--load wrk|autocannon` (or TESSERA_BENCH_LOAD) forces one.
 * Both run with the same connections, duration and body, and answer the same figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { quantile } from './measure.mjs';

/** wrk threads: one loop drives 32 keep-alive connections at well over 10k req/s on loopback. */
const WRK_THREADS = 1;

const round2 = (x) => Math.round(x * 100) / 100;

/** `wrk --version` prints its banner and exits 1; a missing binary fails to spawn at all. */
function wrkAvailable() {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 5000 });
  return r.error === undefined && /^wrk /m.test(`${r.stdout}${r.stderr}`);
}

/** Picks the generator: an explicit choice must be available; by default wrk, else autocannon. */
export function chooseLoadGenerator(argv = process.argv, env = process.env) {
  const i = argv.indexOf('--load');
  const wanted = (i >= 0 ? argv[i + 1] : undefined) ?? env.TESSERA_BENCH_LOAD;
  if (wanted !== undefined && wanted !== 'wrk' && wanted !== 'autocannon')
    throw new Error(`--load must be wrk or autocannon, not ${wanted}`);
  if (wanted === 'autocannon') return { name: 'autocannon', run: runAutocannon };
  if (wrkAvailable()) return { name: `wrk (${WRK_THREADS} thread)`, run: runWrk };
  if (wanted === 'wrk') throw new Error('--load wrk: wrk is not installed (apt-get install wrk)');
  return { name: 'autocannon (wrk is not installed)', run: runAutocannon };
}

/**
 * One autocannon run; latencies (ms, sub-millisecond resolution) are taken from its response
 * events, 2xx only.
 */
function runAutocannon({ url, path, method = 'GET', body, headers = {}, connections, seconds }) {
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
        seconds: r.duration,
        p50Ms: round2(quantile(latencies, 0.5)),
        p99Ms: round2(quantile(latencies, 0.99)),
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
      });
    });
    instance.once('error', reject);
  });
}

const MARK = 'TESSERA-WRK ';

/**
 * The Lua script: the body is read from a file (no escaping of JSON into Lua), the request is
 * built once by wrk, and `done()` prints one line of JSON with the figures. Latencies are wrk's
 * (µs histogram) over every response; responses with status > 399 count as non-2xx.
 */
const luaScript = (method, bodyFile, headers) => `
wrk.method = ${luaString(method)}
${bodyFile === undefined ? '' : `local f = assert(io.open(${luaString(bodyFile)}, "rb"))\nwrk.body = f:read("*a")\nf:close()`}
${Object.entries(headers)
  .map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`)
  .join('\n')}
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format('\\n${MARK}{"durationUs":%.0f,"requests":%.0f,"status":%.0f,"errors":%.0f,"p50Us":%.0f,"p99Us":%.0f}\\n',
    s.duration, s.requests, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;

/** A Lua long string: no escapes are interpreted inside `[==[ … ]==]`. */
function luaString(s) {
  if (s.includes(']==]')) throw new Error(`cannot quote ${s} for Lua`);
  return `[==[${s}]==]`;
}

function runWrk({ url, path, method = 'GET', body, headers = {}, connections, seconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wrk-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let bodyFile;
  const allHeaders = { ...headers };
  if (body !== undefined) {
    bodyFile = join(dir, 'body.json');
    writeFileSync(bodyFile, typeof body === 'string' ? body : JSON.stringify(body));
    allHeaders['content-type'] = 'application/json';
  }
  const script = join(dir, 'load.lua');
  writeFileSync(script, luaScript(method, bodyFile, allHeaders));
  const args = ['-t', String(Math.min(WRK_THREADS, connections)), '-c', String(connections)];
  args.push('-d', `${seconds}s`, '--timeout', '10s', '-s', script, `${url}${path}`);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    // wrk stops itself after the duration; this only guards against a wedged run.
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('error', (e) => {
      clearTimeout(timer);
      cleanup();
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      cleanup();
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) {
        reject(new Error(`wrk exited with ${code}:\n${out}`));
        return;
      }
      const r = JSON.parse(line.slice(MARK.length));
      const ok = r.requests - r.status;
      resolve({
        requestsPerSec: Math.round(ok / (r.durationUs / 1e6)),
        seconds: r.durationUs / 1e6,
        p50Ms: round2(r.p50Us / 1000),
        p99Ms: round2(r.p99Us / 1000),
        ok,
        non2xx: r.status,
        errors: r.errors,
      });
    });
  });
}

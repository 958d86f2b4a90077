/**
 * The server under test for `bench/http.mjs`: `node apps/server/dist/main.js` in its own process
 * in production mode (fresh data directory and master key, silent logs, no rate limit), started and stopped one at a time. Every
 * child is SIGKILLed and every data directory removed when the bench exits, however it exits.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const children = new Set();
const dirs = [];
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

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

/**
 * Starts the server and waits for its start-up banner (≤ 30 s). `nodeArgs` go before the script
 * (e.g. `--cpu-prof`); `env` adds to the bench's own.
 */
export async function startServer(label, { env = {}, adminToken, nodeArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-http-'));
  dirs.push(dir);
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps/server/dist/main.js')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_PUBLIC_URL: `http://127.0.0.1:${port}`,
      TESSERA_DATA_DIR: dir,
      // Production mode, as deployed: a master key of the run's own, no development helpers.
      NODE_ENV: 'production',
      TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
      TESSERA_ADMIN_TOKEN: adminToken,
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
    dir,
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

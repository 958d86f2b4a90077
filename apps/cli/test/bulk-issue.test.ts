import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoInfo, ensureDemo, loadConfig, type RunningServer, startServer } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

/** Bulk issuance from a CSV through a real listening server on loopback. */
const dir = mkdtempSync(join(tmpdir(), 'tessera-bulk-'));
let server: RunningServer;
let demo: DemoInfo;

beforeAll(async () => {
  const config = loadConfig({
    TESSERA_DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    TESSERA_DEV: '1',
    TESSERA_LOG_LEVEL: 'silent',
    TESSERA_PUBLIC_URL: 'http://localhost:1',
  });
  server = await startServer(config);
  demo = (await ensureDemo(server.deps.app, dir))!;
  writeFileSync(
    join(dir, 'cohort.csv'),
    'subject,name,results\n' +
      'did:example:ada,Ada L.,\n' +
      'mailto:grace@example.org,Grace H.,"[{""type"":[""Result""],""status"":""Completed""}]"\n' +
      'not a uri,Nobody,\n' +
      'did:example:alan,Alan T.,\n',
  );
});
afterAll(async () => {
  await server.close();
});

const countCredentials = () => server.store.credentials.count(demo.tenant.id);
const issue = () =>
  cli(
    'issue',
    '--csv',
    join(dir, 'cohort.csv'),
    '--server',
    server.url,
    '--achievement',
    demo.achievementId,
    '--api-key',
    demo.apiKey,
    '--format',
    'eddsa-jcs-2022',
  );

describe('tessera issue --csv', () => {
  it('issues one credential per valid row and reports the failed rows with their reason', async () => {
    const r = await issue();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/3 of 4 rows issued/);
    const lines = readFileSync(join(dir, 'cohort.csv.credentials.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(readFileSync(join(dir, 'cohort.csv.failed.csv'), 'utf8')).toMatch(
      /^line,subject,code,detail\n4,"not a uri",INPUT_INVALID/,
    );
    expect(await countCredentials()).toBe(3);
  });

  it('resumes without issuing a row twice, even when the output file was lost', async () => {
    const before = readFileSync(join(dir, 'cohort.csv.credentials.jsonl'), 'utf8');
    await issue();
    expect(await countCredentials()).toBe(3);
    rmSync(join(dir, 'cohort.csv.credentials.jsonl'));
    await issue();
    expect(await countCredentials()).toBe(3);
    const ids = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).verifiableCredential.id)
        .sort();
    expect(ids(readFileSync(join(dir, 'cohort.csv.credentials.jsonl'), 'utf8'))).toEqual(ids(before));
  });

  it('needs an API key, and says so in one line', async () => {
    const saved = process.env.TESSERA_API_KEY;
    delete process.env.TESSERA_API_KEY;
    const r = await cli(
      'issue',
      '--csv',
      join(dir, 'cohort.csv'),
      '--server',
      server.url,
      '--achievement',
      demo.achievementId,
    );
    process.env.TESSERA_API_KEY = saved;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--api-key or TESSERA_API_KEY/);
  });

  it('reports a CSV without a subject column', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'who\nx\n');
    const r = await cli(
      'issue',
      '--csv',
      join(dir, 'bad.csv'),
      '--server',
      server.url,
      '--achievement',
      'x',
      '--api-key',
      demo.apiKey,
    );
    expect(r.stderr).toMatch(/needs a "subject" column/);
    expect(existsSync(join(dir, 'bad.csv.credentials.jsonl'))).toBe(false);
  });
});

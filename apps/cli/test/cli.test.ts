import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
const path = (name: string) => join(dir, name);

const achievement = {
  id: 'https://lab.example/achievements/smd-soldering',
  type: ['Achievement'],
  name: 'SMD soldering (0603)',
  description: 'Solders 0603 passives with clean fillets and no bridges.',
  criteria: { narrative: 'Ten joints inspected under magnification.' },
};

beforeAll(async () => {
  writeFileSync(path('achievement.json'), JSON.stringify(achievement));
  writeFileSync(path('result.json'), JSON.stringify({ type: ['Result'], status: 'Completed' }));
  writeFileSync(
    path('evidence.json'),
    JSON.stringify([{ id: 'https://lab.example/e/1', type: ['Evidence'], name: 'Photo' }]),
  );
  expect((await cli('keys', 'generate', '--out', path('issuer.json'))).code).toBe(0);
  expect((await cli('keys', 'generate', '--out', path('holder.json'))).code).toBe(0);
});

describe('tessera keys generate', () => {
  it('writes a Multikey file readable only by its owner (mode 0600)', () => {
    expect(statSync(path('issuer.json')).mode & 0o777).toBe(0o600);
    const key = JSON.parse(readFileSync(path('issuer.json'), 'utf8'));
    expect(key.controller).toMatch(/^did:key:z6Mk/);
    expect(key.secretKeyMultibase).toMatch(/^z3u2/);
  });
  it('refuses to overwrite an existing key file', async () => {
    const r = await cli('keys', 'generate', '--out', path('issuer.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists/);
  });
});

describe.each(['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'])(
  'tessera issue/verify --format %s',
  (format) => {
    const file = path(`cred-${format}`);
    it('issues a credential that verifies offline (exit 0, one line per check, a verdict)', async () => {
      const issued = await cli(
        'issue',
        '--key',
        path('issuer.json'),
        '--achievement',
        path('achievement.json'),
        '--subject',
        'did:example:learner',
        '--format',
        format,
        '--valid-until',
        '2030-01-01',
        '--result',
        path('result.json'),
        '--evidence',
        path('evidence.json'),
      );
      expect(issued.stderr).toBe('');
      expect(issued.code).toBe(0);
      writeFileSync(file, issued.stdout);
      const v = await cli('verify', '--offline', file);
      expect(v.code).toBe(0);
      expect(v.stdout).toMatch(/✓ signature/);
      expect(v.stdout).toMatch(/VERIFIED/);
    });
    it('prints the report as JSON with --json', async () => {
      const v = await cli('verify', '--offline', '--json', file);
      const report = JSON.parse(v.stdout);
      expect(report.verified).toBe(true);
      expect(report.checks.map((c: { check: string }) => c.check)).toContain('validity');
    });
  },
);

describe('tessera verify exit codes', () => {
  it('exits 1 with the failing check for a tampered credential', async () => {
    const cred = JSON.parse(readFileSync(path('cred-eddsa-jcs-2022'), 'utf8'));
    cred.credentialSubject.id = 'did:example:impostor';
    writeFileSync(path('tampered.json'), JSON.stringify(cred));
    const v = await cli('verify', '--offline', path('tampered.json'));
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/NOT VERIFIED: signature: CREDENTIAL_SIGNATURE_INVALID/);
  });
  it('exits 2 with one line for input that is not JSON', async () => {
    writeFileSync(path('junk.txt'), 'hello');
    const v = await cli('verify', path('junk.txt'));
    expect(v.code).toBe(2);
    expect(v.stderr.trim().split('\n')).toHaveLength(1);
    expect(v.stderr).toMatch(/JSON_INVALID/);
  });
  it('exits 2 for an unreadable file', async () => {
    const v = await cli('verify', path('missing.json'));
    expect(v).toMatchObject({ code: 2 });
    expect(v.stderr).toMatch(/FILE_UNREADABLE: cannot read .*missing.json: no such file/);
  });
  it('exits 2 for JSON that is not a credential', async () => {
    writeFileSync(path('array.json'), '[1]');
    expect((await cli('verify', path('array.json'))).code).toBe(2);
  });
});

describe('tessera present / verify --challenge --domain', () => {
  it('a presentation verifies for its challenge and domain, and not for another challenge', async () => {
    const vp = await cli(
      'present',
      '--key',
      path('holder.json'),
      '--challenge',
      'n-123',
      '--domain',
      'https://employer.example',
      path('cred-eddsa-rdfc-2022'),
      path('cred-vc-jwt'),
    );
    expect(vp.code).toBe(0);
    writeFileSync(path('vp.json'), vp.stdout);
    const ok = await cli(
      'verify',
      path('vp.json'),
      '--offline',
      '--challenge',
      'n-123',
      '--domain',
      'https://employer.example',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/credential 2:/);
    const replay = await cli(
      'verify',
      path('vp.json'),
      '--offline',
      '--challenge',
      'n-999',
      '--domain',
      'https://employer.example',
    );
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/PRESENTATION_CHALLENGE_MISMATCH/);
  });
  it('requires both --challenge and --domain', async () => {
    const r = await cli('verify', path('vp.json'), '--challenge', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--challenge and --domain/);
  });
});

describe('usage errors are one line and exit 2', () => {
  it.each([
    [['issue'], /--key is required/],
    [['issue', '--key', 'k', '--bogus'], /Unknown option '--bogus'/],
    [
      ['issue', '--key', path('issuer.json'), '--achievement', path('achievement.json'), '--subject', 'x y'],
      /--subject must be a URI/,
    ],
    [
      [
        'issue',
        '--key',
        path('issuer.json'),
        '--achievement',
        path('achievement.json'),
        '--subject',
        'did:x:y',
        '--format',
        'rsa',
      ],
      /--format must be one of/,
    ],
    [
      [
        'issue',
        '--key',
        path('issuer.json'),
        '--achievement',
        path('achievement.json'),
        '--subject',
        'did:x:y',
        '--valid-until',
        'tomorrow',
      ],
      /--valid-until must be an ISO-8601/,
    ],
    [
      [
        'issue',
        '--key',
        path('achievement.json'),
        '--achievement',
        path('achievement.json'),
        '--subject',
        'did:x:y',
      ],
      /KEY_INVALID/,
    ],
    [['frobnicate'], /unknown command/],
  ])('%j', async (argv, message) => {
    const r = await cli(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('reports every bad field of an achievement file with its JSON pointer', async () => {
    writeFileSync(path('bad-achievement.json'), JSON.stringify({ type: ['Achievement'], name: 3 }));
    const r = await cli(
      'issue',
      '--key',
      path('issuer.json'),
      '--achievement',
      path('bad-achievement.json'),
      '--subject',
      'did:x:y',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/INPUT_INVALID/);
  });
  it.each([['keys', 'generate'], ['issue'], ['verify'], ['present']])(
    '%s %s --help prints usage and exits 0',
    async (...words) => {
      const r = await cli(...words.filter(Boolean), '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^tessera /);
    },
  );
});

describe('smoke: the built `tessera` binary end to end', () => {
  const bin = resolve(__dirname, '../dist/main.js');
  const run = promisify(execFile);
  it('keys → issue → verify → tamper → verify fails', async () => {
    const keyFile = path('smoke-key.json');
    await run(process.execPath, [bin, 'keys', 'generate', '--out', keyFile]);
    const { stdout: cred } = await run(process.execPath, [
      bin,
      'issue',
      '--key',
      keyFile,
      '--achievement',
      path('achievement.json'),
      '--subject',
      'did:example:smoke',
    ]);
    writeFileSync(path('smoke.json'), cred);
    const ok = await run(process.execPath, [bin, 'verify', '--offline', path('smoke.json')]);
    expect(ok.stdout).toMatch(/VERIFIED/);
    writeFileSync(path('smoke-bad.json'), cred.replace('SMD soldering (0603)', 'SMD soldering (0402)'));
    const bad = await run(process.execPath, [bin, 'verify', '--offline', path('smoke-bad.json')]).catch(
      (e) => e,
    );
    expect(bad.code).toBe(1);
  });
});

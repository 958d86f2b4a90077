import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ACHIEVEMENTS } from '@tessera/server';
import type { CliIo } from './args.js';
import { runCli } from './cli.js';

/**
 * `npm run demo`: runs the CLI end to end, offline, in a temporary folder (keys → issue in each
 * proof format → verify → tamper → verify fails) and prints what it did.
 */
const dir = mkdtempSync(join(tmpdir(), 'tessera-demo-'));
const achievement = {
  id: 'https://demo.tessera.example/achievements/probe-compensation',
  type: ['Achievement'],
  ...DEMO_ACHIEVEMENTS[0],
};
writeFileSync(join(dir, 'achievement.json'), JSON.stringify(achievement, null, 2));

let captured = '';
const capture = (t: string) => {
  captured += t;
};
const quiet: CliIo = { stdout: capture, stderr: capture, isTty: false };
const loud: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY),
};
const run = async (argv: string[], io: CliIo = quiet) => {
  captured = '';
  const code = await runCli(argv, io);
  return { code, out: captured };
};

process.stdout.write(`Tessera CLI demo (working in ${dir})\n\n$ tessera keys generate --out issuer.json\n`);
await run(['keys', 'generate', '--out', join(dir, 'issuer.json')], loud);
const holder = await run(['keys', 'generate']);
const subject = JSON.parse(holder.out).controller as string;
for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt']) {
  const file = join(dir, `badge-${format}.${format === 'vc-jwt' ? 'jwt' : 'json'}`);
  const issued = await run([
    'issue',
    '--key',
    join(dir, 'issuer.json'),
    '--achievement',
    join(dir, 'achievement.json'),
    '--subject',
    subject,
    '--format',
    format,
  ]);
  if (issued.code !== 0) throw new Error(issued.out);
  writeFileSync(file, issued.out);
  process.stdout.write(
    `\n$ tessera issue --format ${format} … > ${file}\n$ tessera verify --offline ${file}\n`,
  );
  await run(['verify', '--offline', file], loud);
}
const original = join(dir, 'badge-eddsa-jcs-2022.json');
const credential = JSON.parse(readFileSync(original, 'utf8'));
credential.credentialSubject.achievement.name = 'Oscilloscope probe compensation (expert)';
writeFileSync(join(dir, 'tampered.json'), JSON.stringify(credential, null, 2));
process.stdout.write(
  `\n# the same credential with its achievement name changed:\n$ tessera verify --offline ${join(dir, 'tampered.json')}\n`,
);
const last = await run(['verify', '--offline', join(dir, 'tampered.json')], loud);
process.stdout.write(`(exit status ${last.code})\n\nRun 'npx tessera --help' for every command.\n`);

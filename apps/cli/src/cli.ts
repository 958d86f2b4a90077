import { ERROR_CODES, toTesseraError } from '@tessera/core';
import type { CliIo, Command } from './args.js';
import { parse } from './args.js';
import { apikeyCreate, apikeyRevoke, migrate, tenantCreate, tenantList } from './commands/admin.js';
import { audit } from './commands/audit.js';
import { issue } from './commands/issue.js';
import { keysGenerate } from './commands/keys.js';
import { present } from './commands/present.js';
import { reinstate, revoke, suspend } from './commands/status.js';
import { verify } from './commands/verify.js';

const COMMANDS: readonly Command[] = [
  keysGenerate,
  issue,
  verify,
  present,
  revoke,
  suspend,
  reinstate,
  audit,
  migrate,
  tenantCreate,
  tenantList,
  apikeyCreate,
  apikeyRevoke,
];

const USAGE = `tessera: Open Badges 3.0 credentials with provenance

Usage: tessera <command> [options]   (tessera <command> --help for details)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`).join('\n')}
`;

/** Runs one CLI invocation; returns the exit code. Errors become one line on stderr. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const command = COMMANDS.find((c) => {
    const parts = c.name.split(' ');
    return parts.every((p, i) => argv[i] === p);
  });
  if (!command) {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    io.stderr(`tessera: USAGE_INVALID: unknown command "${argv[0]}" (see: tessera --help)\n`);
    return 2;
  }
  const rest = argv.slice(command.name.split(' ').length);
  try {
    const args = parse(command, rest);
    if (args.values.help) {
      io.stdout(`${command.usage}\n`);
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    const err = toTesseraError(e);
    io.stderr(`tessera: ${err.code}: ${err.message}\n`);
    if (err.code === 'INTERNAL' && process.env.TESSERA_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    return ERROR_CODES[err.code].exit === 1 ? 1 : err.code === 'INTERNAL' ? 3 : 2;
  }
}

#!/usr/bin/env node
import type { CliIo } from './args.js';
import { runCli } from './cli.js';

const io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};
process.exitCode = await runCli(process.argv.slice(2), io);

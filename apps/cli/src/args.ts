import { type ParseArgsConfig, parseArgs } from 'node:util';
import { TesseraError } from '@tessera/core';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty: boolean;
}

/** Strict flag parsing: an unknown flag or a missing value is a usage error, never ignored. */
export function parse(command: Command, argv: readonly string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new TesseraError(
      'USAGE_INVALID',
      `${(e as Error).message.split('\n')[0]} (see: tessera ${command.name} --help)`,
    );
  }
}

export function requireString(args: ParsedArgs, name: string, command: string): string {
  const v = args.values[name];
  if (typeof v !== 'string' || v === '')
    throw new TesseraError('USAGE_INVALID', `--${name} is required (see: tessera ${command} --help)`);
  return v;
}

export const optionalString = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
};

export function parseDateFlag(value: string, flag: string): Date {
  if (
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new TesseraError(
      'USAGE_INVALID',
      `--${flag} must be an ISO-8601 date or date-time with a zone, e.g. 2027-06-30 or 2027-06-30T12:00:00Z`,
    );
  }
  return new Date(value.length === 10 ? `${value}T23:59:59Z` : value);
}

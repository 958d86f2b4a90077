import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

/**
 * Structured JSON logs; pretty, colored lines when a person watches a terminal. pino-pretty runs
 * as an in-process stream (no worker thread) so the last lines before an exit are never lost.
 * Redaction is a second fence: request logging already never includes headers or bodies.
 */
export function createLogger(options: { level: string; pretty?: boolean }): Logger {
  const base = {
    level: options.level,
    redact: {
      paths: [
        'authorization',
        'token',
        '*.authorization',
        '*.token',
        'apiKey',
        'credential',
        'verifiableCredential',
      ],
      censor: '[redacted]',
    },
  };
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  return usePretty
    ? pino(base, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }))
    : pino(base);
}

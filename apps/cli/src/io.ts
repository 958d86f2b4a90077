import { readFileSync, writeFileSync } from 'node:fs';
import { parseJson, TesseraError } from '@tessera/core';

/** Reads a file, or standard input for "-"; every failure is one coded line for the user. */
export function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'no such file'
        : err.code === 'EISDIR'
          ? 'is a directory'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
    throw new TesseraError(
      'FILE_UNREADABLE',
      `cannot read ${path === '-' ? 'standard input' : path}: ${why}`,
    );
  }
}

export function readJsonFile(path: string, what: string): unknown {
  const text = readText(path);
  try {
    return parseJson(text);
  } catch (e) {
    const err = e as TesseraError;
    throw new TesseraError(err.code, `${what} ${path}: ${err.message}`);
  }
}

/** Writes a file readable by its owner only (keys and secrets). */
export function writePrivateFile(path: string, content: string): void {
  try {
    writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EEXIST' ? 'file exists (refusing to overwrite a key)' : err.message;
    throw new TesseraError('FILE_UNREADABLE', `cannot write ${path}: ${why}`);
  }
}

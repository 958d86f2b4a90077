import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Upstream test vectors are read in place from ../shared/vectors (origins in its SOURCES.md);
 * TESSERA_VECTORS overrides the path. Outside this workspace they are skipped with a notice;
 * under CI=true their absence fails the run.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VECTORS_DIR = resolve(process.env.TESSERA_VECTORS ?? join(root, '..', 'shared', 'vectors'));
export const HAVE_VECTORS = existsSync(join(VECTORS_DIR, 'SOURCES.md'));

if (!HAVE_VECTORS) {
  if (process.env.CI === 'true') {
    throw new Error(
      `upstream test vectors not found at ${VECTORS_DIR} (set TESSERA_VECTORS); CI requires them`,
    );
  }
  console.warn(`[vectors] ${VECTORS_DIR} not found: upstream vector suites are skipped`);
}

export const vectorPath = (...parts: string[]): string => join(VECTORS_DIR, ...parts);
export const readVector = (...parts: string[]): string => readFileSync(vectorPath(...parts), 'utf8');
export const readVectorJson = <T = unknown>(...parts: string[]): T => JSON.parse(readVector(...parts)) as T;

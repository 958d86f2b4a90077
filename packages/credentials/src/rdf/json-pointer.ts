/** RFC 6901 pointer from path segments. */
export function toPointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += `/${String(seg).replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return out === '' ? '/' : out;
}

/**
 * The first member (depth-first) whose key equals `target` or whose string value equals it.
 * Used to point at the culprit of a jsonld.js safe-mode error, whose event names the offending term
 * or IRI but not where it sits.
 */
export function findPointer(
  value: unknown,
  target: string,
  path: (string | number)[] = [],
): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (k === target || v === target) return toPointer([...path, k]);
    const inner = findPointer(v, target, [...path, k]);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

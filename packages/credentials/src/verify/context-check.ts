import type { ContextRegistry } from '../contexts/index.js';
import { type Check, fail, pass } from './report.js';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
export const OB_CONTEXT_PREFIX = 'https://purl.imsglobal.org/spec/ob/v3p0/context';
/** The OB 3.0 context Tessera issues with. */
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

export interface ContextPolicy {
  /** Require an Open Badges 3.0 context (credentials; not presentations). */
  requireOpenBadges: boolean;
}

/**
 * VC DM 2.0 section 4.3 and OB 3.0: @context is an ordered list whose first item is the VC base
 * context; every other item must be a context we bundle and pin. Inline context objects are refused:
 * their meaning would be chosen by whoever wrote the credential, which a verifier cannot audit.
 */
export function checkContexts(value: unknown, contexts: ContextRegistry, policy: ContextPolicy): Check {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (list.length === 0) return fail('contexts', 'CONTEXT_INVALID', '@context is missing');
  const first = list[0];
  if (first !== VC_V2_CONTEXT && first !== VC_V1_CONTEXT) {
    return fail(
      'contexts',
      'CONTEXT_INVALID',
      `the first @context must be ${VC_V2_CONTEXT} (or ${VC_V1_CONTEXT}), not ${JSON.stringify(first)}`,
    );
  }
  for (const [i, c] of list.entries()) {
    if (typeof c !== 'string') {
      return fail(
        'contexts',
        'CONTEXT_INVALID',
        `@context/${i} is an inline context object; only bundled context URLs are accepted`,
      );
    }
    if (!contexts.has(c))
      return fail('contexts', 'CONTEXT_UNKNOWN', `@context/${i} ${c} is not in the bundled, pinned set`);
  }
  if (new Set(list).size !== list.length)
    return fail('contexts', 'CONTEXT_INVALID', '@context lists a context twice');
  if (
    policy.requireOpenBadges &&
    !list.some((c) => typeof c === 'string' && c.startsWith(OB_CONTEXT_PREFIX))
  ) {
    return fail('contexts', 'CONTEXT_INVALID', 'an Open Badges 3.0 credential must name an OB 3.0 context');
  }
  return pass(
    'contexts',
    `${list.length} known context${list.length === 1 ? '' : 's'}, ${first === VC_V2_CONTEXT ? 'VC 2.0' : 'VC 1.1'}`,
  );
}

import { it } from 'vitest';
import { readVectorJson } from '../../../../test-support/vectors.js';
import { bundledContextRegistry } from '../contexts/index.js';
import { toRdfQuadsWithPath } from './canonicalize.js';

it('debug', async () => {
  for (const name of ['complete.json', 'simple.json']) {
    const { proof: _p, ...doc } = readVectorJson<Record<string, unknown>>('ob30', name);
    const r = await toRdfQuadsWithPath(doc, { registry: bundledContextRegistry() });
    console.log(name, r.path, r.reason);
  }
});

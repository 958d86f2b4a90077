import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeCrypto } from '@tessera/crypto-node';
import { CompactRange, hashLeaf } from '@tessera/tlog';
import { describe, expect, it } from 'vitest';
import { decodeLogEvent, encodeLogEvent, issuanceCommitment } from '../src/index.js';

/** docs/data-model.md is normative: its vectors are checked against the code here. */
const doc = readFileSync(join(__dirname, '../../../docs/data-model.md'), 'utf8');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const blocks = [...doc.matchAll(/```leaf\n(.*)\n([0-9a-f]{64})\n```/g)].map((m) => ({
  leaf: m[1]!,
  hash: m[2]!,
}));
const cell = (label: string) => new RegExp(`\\| ${label} \\| \`([^\`]+)\` \\|`).exec(doc)?.[1];

describe('docs/data-model.md vectors', () => {
  it('has the three leaf vectors', () => {
    expect(blocks).toHaveLength(3);
  });

  for (const [i, block] of blocks.entries()) {
    it(`leaf ${i}: decodes, re-encodes to the same bytes (JCS), and hashes to the documented leaf hash`, () => {
      const bytes = new TextEncoder().encode(block.leaf);
      const event = decodeLogEvent(bytes);
      expect(Buffer.from(encodeLogEvent(event)).toString()).toBe(block.leaf);
      expect(hex(hashLeaf(bytes))).toBe(block.hash);
    });
  }

  it('the documented root is the RFC 9162 root of the three leaves', () => {
    const range = CompactRange.empty();
    for (const b of blocks) range.append(hashLeaf(new TextEncoder().encode(b.leaf)));
    expect(doc).toContain(`three leaves: \`${hex(range.root())}\``);
    expect(doc).toContain(Buffer.from(range.root()).toString('base64'));
  });

  it('the documented commitment is SHA-256(salt ‖ SHA-256(JCS(credential))) for salt 00…1f', async () => {
    const crypto = createNodeCrypto();
    const jcs = cell('credential JCS')!;
    const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(hex(await crypto.sha256(jcs))).toBe(cell('SHA-256\\(credential JCS\\)'));
    expect(await issuanceCommitment(crypto, salt, JSON.parse(jcs))).toBe(cell('commitment'));
    // The issue leaf carries exactly this commitment.
    expect(blocks[1]!.leaf).toContain(`"credential":"${cell('commitment')}"`);
  });

  it('decoding refuses a leaf that is not in canonical form or has unknown members', () => {
    const leaf = blocks[2]!.leaf;
    const spaced = leaf.replace('"index":', '"index": ');
    expect(() => decodeLogEvent(new TextEncoder().encode(spaced))).toThrow(/canonical/);
    const extra = leaf.replace('"v":1}', '"v":1,"x":1}');
    expect(() => decodeLogEvent(new TextEncoder().encode(extra))).toThrow();
    const reordered = `{"v":1,${leaf.slice(1, -7)}}`;
    expect(() => decodeLogEvent(new TextEncoder().encode(reordered))).toThrow();
  });
});

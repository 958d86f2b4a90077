import { toHex } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  CompactRange,
  formatCheckpoint,
  hashLeaf,
  inclusionProof,
  noteKeyId,
  openCheckpoint,
  parseCheckpoint,
  parseVerifierKey,
  signCheckpoint,
  verifyInclusion,
} from '../src/index.js';
import { b64, newKey, rejectionCode, verifierFor } from './support.js';

/*
 * A tree head as published by the Go checksum database (sum.golang.org), a C2SP checkpoint, with
 * the database's verifier key as cmd/go embeds it.
 */
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_CHECKPOINT =
  'go.sum database tree\n49189689\nftjbAOzaupaIvaPo/G+Dk63nxOZ2s1OPOKIaPtXs7S4=\n\n' +
  '— sum.golang.org Az3grlKZssqRoMNPpZfKt0TphbbcF+pzXqElURJKRNFKfaUAgqeI5k2AORH0QAhg/ebRwyIqD/OqP4oLtLnNumvOBAM=\n';
const sumdb = (() => {
  const { name, publicKey } = parseVerifierKey(SUMDB_VKEY);
  return verifierFor(name, publicKey);
})();

const ROOT = new Uint8Array(32).map((_, i) => i * 7 + 1);
const ROOT_B64 = Buffer.from(ROOT).toString('base64');
const invalid = expect.objectContaining({ code: 'LOG_CHECKPOINT_INVALID' });

describe('checkpoints: a real sum.golang.org tree head', () => {
  it('opens with the checksum database key and the expected origin', async () => {
    const cp = await openCheckpoint(SUMDB_CHECKPOINT, [sumdb], 'go.sum database tree');
    expect(cp.origin).toBe('go.sum database tree');
    expect(cp.size).toBe(49189689);
    expect(toHex(cp.rootHash)).toBe(toHex(b64('ftjbAOzaupaIvaPo/G+Dk63nxOZ2s1OPOKIaPtXs7S4=')));
    expect(cp.extensions).toEqual([]);
  });

  it('formats its parsed body back to the same text', () => {
    const body = SUMDB_CHECKPOINT.slice(0, SUMDB_CHECKPOINT.indexOf('\n\n') + 1);
    expect(formatCheckpoint(parseCheckpoint(body))).toBe(body);
  });

  it('is rejected with another size, another root, another origin, or without its key', async () => {
    const tampered = [
      SUMDB_CHECKPOINT.replace('49189689', '49189690'),
      SUMDB_CHECKPOINT.replace('ftjbAOza', 'ftjbAOzb'),
      SUMDB_CHECKPOINT.replace('go.sum database tree', 'go.sum database trees'),
    ];
    for (const text of tampered)
      expect(await rejectionCode(openCheckpoint(text, [sumdb]))).toBe('LOG_CHECKPOINT_INVALID');
    expect(await rejectionCode(openCheckpoint(SUMDB_CHECKPOINT, [newKey('sum.golang.org').verifier]))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
    expect(await rejectionCode(openCheckpoint(SUMDB_CHECKPOINT, [sumdb], 'example.com/log'))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
  });
});

describe('checkpoints with a fresh Ed25519 key', () => {
  const log = newKey('log.example/tessera');
  const cp: Checkpoint = { origin: 'log.example/tessera', size: 1234, rootHash: ROOT, extensions: [] };

  it('formats origin, decimal size and base64 root, one per line, then the extension lines', () => {
    expect(formatCheckpoint(cp)).toBe(`log.example/tessera\n1234\n${ROOT_B64}\n`);
    expect(formatCheckpoint({ ...cp, extensions: ['ext one', 'ext two'] })).toBe(
      `log.example/tessera\n1234\n${ROOT_B64}\next one\next two\n`,
    );
    expect(formatCheckpoint({ origin: 'o', size: 0, rootHash: ROOT })).toBe(`o\n0\n${ROOT_B64}\n`);
  });

  it('round-trips through sign and open, extension lines included', async () => {
    for (const c of [
      cp,
      { ...cp, size: 0 },
      { ...cp, size: Number.MAX_SAFE_INTEGER, extensions: ['a', 'b c'] },
    ]) {
      const text = await signCheckpoint(c, [log.signer]);
      const opened = await openCheckpoint(text, [log.verifier], c.origin);
      expect({ ...opened, rootHash: toHex(opened.rootHash) }).toEqual({ ...c, rootHash: toHex(c.rootHash) });
    }
  });

  it('is rejected when the body is tampered with', async () => {
    const text = await signCheckpoint(cp, [log.signer]);
    for (const bad of [
      text.replace('1234', '1235'),
      text.replace(ROOT_B64, Buffer.from(ROOT.map((b) => b ^ 1)).toString('base64')),
      text.replace('\n\n', '\nextension\n\n'),
    ])
      expect(await rejectionCode(openCheckpoint(bad, [log.verifier]))).toBe('LOG_CHECKPOINT_INVALID');
  });

  it('is rejected when signed by an unknown key only', async () => {
    const text = await signCheckpoint(cp, [
      newKey('log.example/tessera').signer,
      newKey('other.example').signer,
    ]);
    expect(await rejectionCode(openCheckpoint(text, [log.verifier]))).toBe('LOG_CHECKPOINT_INVALID');
  });

  it('ignores the signatures of unknown cosigners', async () => {
    const witnesses = [newKey('witness.example/a'), newKey('witness.example/b')];
    const text = await signCheckpoint(cp, [witnesses[0]!.signer, log.signer, witnesses[1]!.signer]);
    const opened = await openCheckpoint(text, [log.verifier]);
    expect(opened.size).toBe(1234);
    // A forged line under an unknown name is ignored too.
    const raw = new Uint8Array([...noteKeyId('stranger.example', ROOT), ...new Uint8Array(64)]);
    const forged = `— stranger.example ${Buffer.from(raw).toString('base64')}\n`;
    expect((await openCheckpoint(text + forged, [log.verifier])).size).toBe(1234);
  });

  it('is rejected for another origin than expected', async () => {
    const text = await signCheckpoint(cp, [log.signer]);
    expect(await rejectionCode(openCheckpoint(text, [log.verifier], 'log.example/other'))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
  });

  it('commits to a tree whose inclusion proofs verify against the opened root', async () => {
    const nodes = new Map<string, Uint8Array>();
    const range = CompactRange.empty();
    const leaf = (i: number) => new TextEncoder().encode(`event ${i}`);
    for (let i = 0; i < 21; i++) range.append(hashLeaf(leaf(i)), (l, x, h) => nodes.set(`${l}/${x}`, h));
    const text = await signCheckpoint({ origin: log.name, size: range.size, rootHash: range.root() }, [
      log.signer,
    ]);
    const opened = await openCheckpoint(text, [log.verifier], log.name);
    const reader = {
      getNodes: (ids: readonly { level: number; index: number }[]) =>
        ids.map((id) => nodes.get(`${id.level}/${id.index}`)!),
    };
    const proof = await inclusionProof(reader, 13, opened.size);
    verifyInclusion(hashLeaf(leaf(13)), 13, opened.size, proof, opened.rootHash);
  });
});

describe('checkpoint bodies: parse rules', () => {
  it('parses origin, size, root and extension lines', () => {
    const cp = parseCheckpoint(`example.com/behind-the-sofa\n20852163\n${ROOT_B64}\nx\ny z\n`);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(toHex(cp.rootHash)).toBe(toHex(ROOT));
    expect(cp.extensions).toEqual(['x', 'y z']);
    expect(parseCheckpoint(`o\n0\n${ROOT_B64}\n`).size).toBe(0);
    expect(parseCheckpoint(`o\n9007199254740991\n${ROOT_B64}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
    // The origin is only a recommendation of a URL: spaces and '+' are allowed.
    expect(parseCheckpoint(`my log + 2\n1\n${ROOT_B64}\n`).origin).toBe('my log + 2');
  });

  // 32 bytes take 43 base64 digits: the last one carries 2 bits that must be zero.
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const strayBit = (digit: string) => ALPHABET[ALPHABET.indexOf(digit) ^ 1]!;
  const root31 = Buffer.from(ROOT.subarray(1)).toString('base64');
  const root33 = Buffer.from(new Uint8Array([...ROOT, 0])).toString('base64');
  const cases: [string, string][] = [
    ['an empty body', ''],
    ['two lines only', 'o\n1\n'],
    ['no final newline', `o\n1\n${ROOT_B64}`],
    ['an empty origin', `\n1\n${ROOT_B64}\n`],
    ['a size with a leading zero', `o\n01\n${ROOT_B64}\n`],
    ['a size of 00', `o\n00\n${ROOT_B64}\n`],
    ['a negative size', `o\n-1\n${ROOT_B64}\n`],
    ['a size with a plus sign', `o\n+1\n${ROOT_B64}\n`],
    ['a size with spaces', `o\n 1\n${ROOT_B64}\n`],
    ['a size with a trailing space', `o\n1 \n${ROOT_B64}\n`],
    ['a fractional size', `o\n1.0\n${ROOT_B64}\n`],
    ['a hexadecimal size', `o\n0x10\n${ROOT_B64}\n`],
    ['a size in exponent form', `o\n1e3\n${ROOT_B64}\n`],
    ['a size in non-ASCII digits', `o\n١\n${ROOT_B64}\n`],
    ['an empty size', `o\n\n${ROOT_B64}\n`],
    ['a size beyond 2^53 - 1', `o\n9007199254740992\n${ROOT_B64}\n`],
    ['a root that is not base64', `o\n1\n${'!'.repeat(44)}\n`],
    ['a root of 31 bytes', `o\n1\n${root31}\n`],
    ['a root of 33 bytes', `o\n1\n${root33}\n`],
    ['a root without padding', `o\n1\n${ROOT_B64.replace(/=+$/, '')}\n`],
    ['a root with extra padding', `o\n1\n${ROOT_B64}==\n`],
    [
      'a root in the URL-safe alphabet',
      `o\n1\n${Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64url')}=\n`,
    ],
    ['a root with stray low bits', `o\n1\n${ROOT_B64.slice(0, 42)}${strayBit(ROOT_B64[42]!)}=\n`],
    ['a root with a trailing space', `o\n1\n${ROOT_B64} \n`],
    ['an empty root', 'o\n1\n\n'],
    ['an empty extension line', `o\n1\n${ROOT_B64}\n\next\n`],
    ['an empty last extension line', `o\n1\n${ROOT_B64}\next\n\n`],
    ['CRLF line ends', `o\r\n1\r\n${ROOT_B64}\r\n`],
  ];
  it.each(cases)('rejects %s', (_, body) => {
    expect(() => parseCheckpoint(body)).toThrow(invalid);
  });

  it('refuses to format what it could not parse back', () => {
    const bad: Checkpoint[] = [
      { origin: '', size: 1, rootHash: ROOT },
      { origin: 'a\nb', size: 1, rootHash: ROOT },
      { origin: 'o', size: -1, rootHash: ROOT },
      { origin: 'o', size: 1.5, rootHash: ROOT },
      { origin: 'o', size: 2 ** 53, rootHash: ROOT },
      { origin: 'o', size: 1, rootHash: ROOT.subarray(1) },
      { origin: 'o', size: 1, rootHash: ROOT, extensions: [''] },
      { origin: 'o', size: 1, rootHash: ROOT, extensions: ['a\nb'] },
    ];
    for (const cp of bad) expect(() => formatCheckpoint(cp), JSON.stringify(cp)).toThrow(invalid);
  });
});

import { createHash } from 'node:crypto';
import { toHex } from '@tessera/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeNoteText,
  formatVerifierKey,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  openNote,
  parseVerifierKey,
  signNote,
} from '../src/index.js';
import { b64, keyFromSeed, newKey, rejectionCode, verifierFor } from './support.js';

/*
 * Known answers from golang.org/x/mod/sumdb/note (note_test.go: TestNewVerifier, TestSign,
 * TestOpen): the keys, the text and its signatures as published there.
 */
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
/** The Go checksum database's verifier key (cmd/go): its base64 holds '+' characters. */
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';

const verifierOf = (vkey: string): NoteVerifier => {
  const { name, publicKey } = parseVerifierKey(vkey);
  return verifierFor(name, publicKey);
};
const peterVerifier = verifierOf(PETER_VKEY);
const enochVerifier = verifierOf(ENOCH_VKEY);
/** Go's signer key is PRIVATE+KEY+<name>+<id>+base64(0x01 || 32-byte seed). */
const peter = keyFromSeed('PeterNeumann', b64(PETER_SKEY.split('+').slice(4).join('+')).subarray(1));

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const utf8 = (s: string) => new TextEncoder().encode(s);
/** A signature line by hand: `— name base64(id || signature)`. */
const sigLine = (name: string, raw: Uint8Array) => `— ${name} ${Buffer.from(raw).toString('base64')}\n`;

describe('signed notes: known answers from golang.org/x/mod/sumdb/note', () => {
  it("signs Go's PeterNeumann note byte for byte as note.Sign does", async () => {
    expect(await signNote(TEXT, [peter.signer])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('computes key ids as SHA-256(name || 0x0A || 0x01 || public key)[:4]', () => {
    expect(toHex(noteKeyId('PeterNeumann', peterVerifier.publicKey))).toBe('c74f20a3');
    expect(toHex(noteKeyId('EnochRoot', enochVerifier.publicKey))).toBe('af0cfe78');
    expect(toHex(noteKeyId('sum.golang.org', verifierOf(SUMDB_VKEY).publicKey))).toBe('033de0ae');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z0-9./_-]{1,40}$/),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (name, key) => {
          const want = sha256(utf8(name), Uint8Array.of(0x0a, 0x01), key).subarray(0, 4);
          expect(toHex(noteKeyId(name, key))).toBe(toHex(want));
        },
      ),
      { seed: 0x1d, numRuns: 200 },
    );
  });

  it("parses Go's verifier keys and formats them back to the same text", () => {
    for (const vkey of [PETER_VKEY, ENOCH_VKEY, SUMDB_VKEY]) {
      const { name, publicKey } = parseVerifierKey(vkey);
      expect(publicKey.length).toBe(32);
      expect(formatVerifierKey(name, publicKey)).toBe(vkey);
    }
    expect(toHex(parseVerifierKey(PETER_VKEY).publicKey)).toBe(toHex(peter.publicKey));
  });

  it('round-trips any verifier key, including keys whose base64 holds a +', () => {
    let withPlus = 0;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z0-9./_-]{1,40}$/),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (name, key) => {
          const vkey = formatVerifierKey(name, key);
          if (vkey.split('+').length > 3) withPlus++;
          const parsed = parseVerifierKey(vkey);
          expect(parsed.name).toBe(name);
          expect(toHex(parsed.publicKey)).toBe(toHex(key));
        },
      ),
      { seed: 0x2b, numRuns: 300 },
    );
    expect(withPlus).toBeGreaterThan(0);
  });

  it("rejects every mangling of a verifier key that Go's NewVerifier rejects", () => {
    const rejects = (k: string) => {
      expect(() => parseVerifierKey(k), k).toThrow(
        expect.objectContaining({ code: 'LOG_CHECKPOINT_INVALID' }),
      );
    };
    for (let i = 0; i <= PETER_VKEY.length; i++)
      for (let j = i + 1; j <= PETER_VKEY.length; j++)
        if (i !== 0 || j !== PETER_VKEY.length) rejects(PETER_VKEY.slice(i, j));
    for (let i = 0; i < PETER_VKEY.length; i++)
      rejects(
        PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1),
      );
    // Wrong key length and unknown algorithm, each with a key id adjusted to match.
    rejects('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==');
    rejects('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
  });

  it("opens Go's note with one known signer, ignoring the unknown one", async () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(await openNote(note, [peterVerifier])).toEqual({ body: TEXT, verifiedBy: ['PeterNeumann'] });
    expect(await openNote(note, [enochVerifier])).toEqual({ body: TEXT, verifiedBy: ['EnochRoot'] });
    expect(await openNote(note, [peterVerifier, enochVerifier])).toEqual({
      body: TEXT,
      verifiedBy: ['PeterNeumann', 'EnochRoot'],
    });
  });

  it('rejects a note with no signature from a known key', async () => {
    expect(await rejectionCode(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, []))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
    expect(await rejectionCode(openNote(`${TEXT}\n${ENOCH_SIG}`, [peterVerifier]))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
  });

  it('rejects a note whose known signature is corrupted or not 64 bytes long', async () => {
    const bad = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(await rejectionCode(openNote(bad, [peterVerifier]))).toBe('LOG_CHECKPOINT_INVALID');
    const raw = b64(PETER_SIG.slice('— PeterNeumann '.length, -1));
    for (const wrong of [raw.subarray(0, 67), new Uint8Array([...raw, 0]), raw.subarray(0, 5)])
      expect(
        await rejectionCode(openNote(`${TEXT}\n${sigLine('PeterNeumann', wrong)}`, [peterVerifier])),
      ).toBe('LOG_CHECKPOINT_INVALID');
  });

  it('counts a repeated signature once and ignores repeated unknown ones', async () => {
    const enochAbcd = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
    const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochAbcd}`;
    expect(await openNote(note, [peterVerifier])).toEqual({ body: TEXT, verifiedBy: ['PeterNeumann'] });
  });

  it("rejects each malformed note of Go's TestOpen", async () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    for (const note of bad)
      expect(await rejectionCode(openNote(note, [peterVerifier])), JSON.stringify(note)).toBe(
        'LOG_CHECKPOINT_INVALID',
      );
    // "\xff" + text: not UTF-8, refused when the bytes are decoded.
    const bytes = new Uint8Array([0xff, ...utf8(`${TEXT}\n${PETER_SIG}`)]);
    expect(() => decodeNoteText(bytes)).toThrow(expect.objectContaining({ code: 'LOG_CHECKPOINT_INVALID' }));
    expect(decodeNoteText(utf8(`${TEXT}\n${PETER_SIG}`))).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('treats a signature under another name or key id as unknown', async () => {
    const misnamed = PETER_SIG.replace('PeterNeumann', 'CarmenSandiego');
    const wrongId = PETER_SIG.replace('x08g', 'xxxx');
    for (const sig of [misnamed, wrongId])
      expect(await rejectionCode(openNote(`${TEXT}\n${sig}`, [peterVerifier]))).toBe(
        'LOG_CHECKPOINT_INVALID',
      );
    expect(await openNote(`${TEXT}\n${misnamed}${wrongId}${PETER_SIG}`, [peterVerifier])).toEqual({
      body: TEXT,
      verifiedBy: ['PeterNeumann'],
    });
  });
});

describe('signed notes with fresh Ed25519 keys', () => {
  const log = newKey('log.example/tessera');
  const body = 'log.example/tessera\n42\nsome text\n';

  it('round-trips: what signNote signs, openNote opens to the same body', async () => {
    const note = await signNote(body, [log.signer]);
    expect(note.startsWith(`${body}\n— log.example/tessera `)).toBe(true);
    expect(await openNote(note, [log.verifier])).toEqual({ body, verifiedBy: [log.name] });
  });

  it('opens a note signed by several keys with any one of them', async () => {
    const witness = newKey('witness.example');
    const note = await signNote(body, [log.signer, witness.signer]);
    expect((await openNote(note, [witness.verifier])).verifiedBy).toEqual([witness.name]);
    expect((await openNote(note, [log.verifier, witness.verifier])).verifiedBy).toEqual([
      log.name,
      witness.name,
    ]);
  });

  it('rejects a note whose body was changed in any one character', async () => {
    const note = await signNote(body, [log.signer]);
    for (let i = 0; i < body.length; i++) {
      const c = body[i] === 'x' ? 'y' : 'x';
      const tampered = note.slice(0, i) + c + note.slice(i + 1);
      expect(await rejectionCode(openNote(tampered, [log.verifier])), `at ${i}`).toBe(
        'LOG_CHECKPOINT_INVALID',
      );
    }
    // A line added to the body, or one taken away.
    expect(await rejectionCode(openNote(`extra\n${note}`, [log.verifier]))).toBe('LOG_CHECKPOINT_INVALID');
    expect(await rejectionCode(openNote(note.slice(note.indexOf('\n') + 1), [log.verifier]))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
  });

  it('rejects a note whose signature has any one bit flipped', async () => {
    const note = await signNote(body, [log.signer]);
    const [head, encoded] = note
      .slice(body.length + 1, -1)
      .split(' ')
      .slice(1) as [string, string];
    expect(head).toBe(log.name);
    const raw = b64(encoded);
    for (let bit = 0; bit < raw.length * 8; bit += 5) {
      const bad = raw.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const tampered = `${body}\n${sigLine(log.name, bad)}`;
      expect(await rejectionCode(openNote(tampered, [log.verifier])), `bit ${bit}`).toBe(
        'LOG_CHECKPOINT_INVALID',
      );
    }
  });

  it('rejects a note signed by an unknown key only, even one with the same name', async () => {
    const stranger = newKey('stranger.example');
    const impostor = newKey(log.name);
    for (const k of [stranger, impostor])
      expect(await rejectionCode(openNote(await signNote(body, [k.signer]), [log.verifier]))).toBe(
        'LOG_CHECKPOINT_INVALID',
      );
  });

  it('ignores unknown signers: other keys, the same name with another id, the same id with another name', async () => {
    const known = await signNote(body, [log.signer]);
    const id = noteKeyId(log.name, log.publicKey);
    const junk = new Uint8Array(64).fill(7);
    const others = await signNote(body, [newKey('a.example').signer, newKey(log.name).signer]);
    const extra =
      others.slice(body.length + 1) +
      sigLine('other.example', new Uint8Array([...id, ...junk])) +
      sigLine(log.name, new Uint8Array([id[0]! ^ 1, id[1]!, id[2]!, id[3]!, ...junk]));
    expect(await openNote(known + extra, [log.verifier])).toEqual({ body, verifiedBy: [log.name] });
    expect(await openNote(`${body}\n${extra}${known.slice(body.length + 1)}`, [log.verifier])).toEqual({
      body,
      verifiedBy: [log.name],
    });
  });

  it('accepts at least 16 signatures (C2SP), the known one last', async () => {
    const signers: NoteSigner[] = Array.from({ length: 16 }, (_, i) => newKey(`witness${i}.example`).signer);
    const note = await signNote(body, [...signers, log.signer]);
    expect((await openNote(note, [log.verifier])).verifiedBy).toEqual([log.name]);
  });

  it('rejects the whole note when one known signature fails, even if another verifies', async () => {
    const witness = newKey('witness.example');
    const note = await signNote(body, [log.signer]);
    const forged = sigLine(
      witness.name,
      new Uint8Array([...noteKeyId(witness.name, witness.publicKey), ...new Uint8Array(64)]),
    );
    expect(await rejectionCode(openNote(note + forged, [log.verifier, witness.verifier]))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
    expect((await openNote(note + forged, [log.verifier])).verifiedBy).toEqual([log.name]);
  });

  it('accepts empty lines inside the text: the signatures follow the last one (C2SP)', async () => {
    // The shape of the C2SP signed-note example.
    for (const text of [
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n',
      'a\n\n\nb\n',
      'a\n\n',
      '\n',
    ]) {
      const note = await signNote(text, [log.signer]);
      expect(await openNote(note, [log.verifier]), JSON.stringify(text)).toEqual({
        body: text,
        verifiedBy: [log.name],
      });
    }
  });

  it('refuses to sign a text that does not end in a newline or holds control characters', async () => {
    for (const text of [
      '',
      'no newline',
      'tab\there\n',
      'cr\r\n',
      'nul\u0000\n',
      'esc\u001b\n',
      'del\u007f\n',
    ])
      expect(await rejectionCode(signNote(text, [log.signer])), JSON.stringify(text)).toBe(
        'LOG_CHECKPOINT_INVALID',
      );
  });

  it('rejects a control character anywhere in the note, signature lines included', async () => {
    const note = await signNote(body, [log.signer]);
    const withCtl = `${note}${sigLine('a\u0001b', new Uint8Array(68))}`;
    expect(await rejectionCode(openNote(withCtl, [log.verifier]))).toBe('LOG_CHECKPOINT_INVALID');
    expect(await rejectionCode(openNote(note.replace('\n— ', '\n—\t'), [log.verifier]))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
    expect(await rejectionCode(openNote(note.replaceAll('\n', '\r\n'), [log.verifier]))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
  });

  it('rejects malformed signature lines: short, not base64, missing parts, no em dash', async () => {
    const note = await signNote(body, [log.signer]);
    const id = noteKeyId(log.name, log.publicKey);
    for (const line of [
      sigLine(log.name, id),
      `— ${log.name} not*base64\n`,
      `— ${log.name}\n`,
      `— ${log.name} \n`,
      `- ${log.name} ${Buffer.from(new Uint8Array(68)).toString('base64')}\n`,
      `—  ${log.name} ${Buffer.from(new Uint8Array(68)).toString('base64')}\n`,
      '\n',
    ])
      expect(await rejectionCode(openNote(note + line, [log.verifier])), JSON.stringify(line)).toBe(
        'LOG_CHECKPOINT_INVALID',
      );
  });

  it('rejects a note larger than 1 MB before parsing it', async () => {
    const huge = `${'x'.repeat(1_000_001)}\n`;
    expect(await rejectionCode(openNote(`${huge}\n— a AAAAAAA=\n`, [log.verifier]))).toBe(
      'LOG_CHECKPOINT_INVALID',
    );
  });

  it('refuses key names that are empty or hold a space or a +', async () => {
    for (const name of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u3000b']) {
      expect(() => noteKeyId(name, log.publicKey), JSON.stringify(name)).toThrow(
        expect.objectContaining({ code: 'LOG_CHECKPOINT_INVALID' }),
      );
      expect(await rejectionCode(signNote(body, [{ ...log.signer, name }]))).toBe('LOG_CHECKPOINT_INVALID');
    }
  });

  it('works with asynchronous signers and verifiers (Web Crypto style)', async () => {
    const signer: NoteSigner = { ...log.signer, sign: async (m) => log.signer.sign(m) };
    const verifier: NoteVerifier = { ...log.verifier, verify: async (m, s) => log.verifier.verify(m, s) };
    expect((await openNote(await signNote(body, [signer]), [verifier])).verifiedBy).toEqual([log.name]);
  });
});

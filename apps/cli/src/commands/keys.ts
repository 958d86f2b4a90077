import { exportSigningKey, generateDidKey } from '@tessera/credentials';
import type { Command } from '../args.js';
import { optionalString } from '../args.js';
import { crypto } from '../deps.js';
import { writePrivateFile } from '../io.js';

export const keysGenerate: Command = {
  name: 'keys generate',
  summary: 'create an Ed25519 key with its did:key',
  usage: `tessera keys generate [--out FILE]

Creates a new Ed25519 key pair. Prints (or writes to FILE, mode 0600, never
overwriting) a Multikey JSON document: its did:key, public and secret Multikey.
The secret key is shown once; keep the file private.`,
  options: { out: { type: 'string', short: 'o' } },
  async run(args, io) {
    const key = await generateDidKey(crypto);
    const json = `${JSON.stringify(exportSigningKey(key, { includeSecret: true }), null, 2)}\n`;
    const out = optionalString(args, 'out');
    if (out) {
      writePrivateFile(out, json);
      io.stderr(`wrote ${out} (mode 0600) for ${key.controller}\n`);
    } else io.stdout(json);
    return 0;
  },
};

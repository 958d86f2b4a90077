import { parseJson, TesseraError } from '@tessera/core';
import { createPresentation, importSigningKey, looksLikeJwt } from '@tessera/credentials';
import { type Command, optionalString, requireString } from '../args.js';
import { checkContextPins, crypto } from '../deps.js';
import { readJsonFile, readText } from '../io.js';

export const present: Command = {
  name: 'present',
  summary: 'wrap credentials in a presentation signed by the holder',
  usage: `tessera present --key FILE --challenge C --domain D CRED...

Prints a VerifiablePresentation holding each CRED file (JSON credential or
compact JWT, enveloped), signed with the holder's key (proofPurpose
authentication) for the verifier's challenge and domain.

  --key FILE        the holder's key file ('tessera keys generate')
  --challenge C     the verifier's challenge (a nonce it issued)
  --domain D        the verifier's domain
  --cryptosuite S   eddsa-rdfc-2022 (default) | eddsa-jcs-2022`,
  options: {
    key: { type: 'string' },
    challenge: { type: 'string' },
    domain: { type: 'string' },
    cryptosuite: { type: 'string' },
  },
  allowPositionals: true,
  async run(args, io) {
    const keyPath = requireString(args, 'key', 'present');
    const challenge = requireString(args, 'challenge', 'present');
    const domain = requireString(args, 'domain', 'present');
    const cryptosuite = optionalString(args, 'cryptosuite') ?? 'eddsa-rdfc-2022';
    if (cryptosuite !== 'eddsa-rdfc-2022' && cryptosuite !== 'eddsa-jcs-2022') {
      throw new TesseraError('USAGE_INVALID', '--cryptosuite must be eddsa-rdfc-2022 or eddsa-jcs-2022');
    }
    if (args.positionals.length === 0)
      throw new TesseraError(
        'USAGE_INVALID',
        'name at least one credential file (see: tessera present --help)',
      );
    await checkContextPins();
    const key = await importSigningKey(readJsonFile(keyPath, 'key file'), crypto);
    const credentials = args.positionals.map((path) => {
      const text = readText(path).trim();
      if (looksLikeJwt(text)) return text;
      const value = parseJson(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new TesseraError('INPUT_INVALID', `${path} is not a credential (JSON object or JWT)`);
      }
      return value as Record<string, unknown>;
    });
    const vp = await createPresentation({ crypto }, { key, credentials, challenge, domain, cryptosuite });
    io.stdout(`${JSON.stringify(vp, null, 2)}\n`);
    return 0;
  },
};

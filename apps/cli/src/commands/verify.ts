import { TesseraError } from '@tessera/core';
import {
  createKeyResolver,
  createVerifier,
  firstFailure,
  type PresentationReport,
  parseTrustStore,
  type VerificationReport,
} from '@tessera/credentials';
import { type Command, optionalString } from '../args.js';
import { checkContextPins, crypto } from '../deps.js';
import { cliFetcher, devMode } from '../fetchers.js';
import { readJsonFile, readText } from '../io.js';
import { renderReport } from '../render-report.js';

export const verify: Command = {
  name: 'verify',
  summary: 'verify a credential or a presentation',
  usage: `tessera verify [FILE|-] [--json] [--trust FILE] [--offline] [--receipt FILE --log-key KEY]
tessera verify [FILE|-] --challenge C --domain D [--json] [--trust FILE] [--offline]

Verifies a credential (JSON with a Data Integrity proof, or a compact JWT) read
from FILE or standard input, and prints one line per check and a verdict.
With --challenge and --domain the input is a verifiable presentation: its
holder's proof must carry that challenge and domain, and every credential in it
must verify.

  --json           print the report as JSON
  --trust FILE     pinned keys: {"keys":[{"id":VM,"publicKeyMultibase":…}]}
  --offline        no network: only did:key and pinned keys are used (a
                   credential with a status entry then fails STATUS_UNAVAILABLE)
  --receipt FILE   the issuance receipt (GET /credentials/{id}/receipt): adds
                   the log check
  --log-key KEY    the log's note verifier key (GET /log/key), needed with --receipt
  --challenge C    expected presentation challenge
  --domain D       expected presentation domain

Status lists are fetched through the same guarded fetcher and checked. With
TESSERA_DEV=1, a Tessera server on this machine is reached over plain http.

Exit status: 0 verified, 1 does not verify, 2 unusable input or usage.`,
  options: {
    json: { type: 'boolean' },
    trust: { type: 'string' },
    offline: { type: 'boolean' },
    receipt: { type: 'string' },
    'log-key': { type: 'string' },
    challenge: { type: 'string' },
    domain: { type: 'string' },
  },
  allowPositionals: true,
  async run(args, io) {
    if (args.positionals.length > 1)
      throw new TesseraError('USAGE_INVALID', 'verify takes one FILE (or - for standard input)');
    const path = args.positionals[0] ?? '-';
    const challenge = optionalString(args, 'challenge');
    const domain = optionalString(args, 'domain');
    if ((challenge === undefined) !== (domain === undefined)) {
      throw new TesseraError('USAGE_INVALID', 'presentations need both --challenge and --domain');
    }
    const trustPath = optionalString(args, 'trust');
    const trustStore = trustPath ? parseTrustStore(readJsonFile(trustPath, 'trust file')) : undefined;
    const receiptPath = optionalString(args, 'receipt');
    const logKey = optionalString(args, 'log-key');
    if (receiptPath !== undefined && logKey === undefined)
      throw new TesseraError(
        'USAGE_INVALID',
        '--receipt needs --log-key (the server answers it at GET /log/key)',
      );
    if (receiptPath !== undefined && challenge !== undefined)
      throw new TesseraError('USAGE_INVALID', '--receipt is for a credential, not a presentation');
    const fetcher = cliFetcher({ offline: args.values.offline === true, dev: devMode() });
    const resolver = createKeyResolver({
      ...(trustStore ? { trustStore } : {}),
      ...(args.values.offline ? {} : { fetcher }),
    });
    await checkContextPins();
    let verifier: ReturnType<typeof createVerifier>;
    try {
      verifier = createVerifier({
        crypto,
        resolver,
        status: { fetcher },
        ...(logKey ? { log: { keys: [logKey] } } : {}),
      });
    } catch (e) {
      // The only option createVerifier parses is the log key: a bad one is bad usage.
      throw new TesseraError('USAGE_INVALID', `--log-key: ${e instanceof Error ? e.message : String(e)}`);
    }
    const receipt = receiptPath === undefined ? undefined : readJsonFile(receiptPath, 'receipt');
    const input = readText(path);
    const report: VerificationReport | PresentationReport =
      challenge !== undefined && domain !== undefined
        ? await verifier.verifyPresentation(input, { challenge, domain })
        : await verifier.verifyCredential(input, receipt === undefined ? undefined : { receipt });
    if (args.values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.usable) {
      const f = firstFailure(report.checks);
      io.stderr(`tessera: ${f?.code ?? 'INPUT_INVALID'}: ${f?.message ?? 'unusable input'}\n`);
      return 2;
    }
    if (!args.values.json) io.stdout(renderReport(report, io.isTty));
    return report.verified ? 0 : 1;
  },
};

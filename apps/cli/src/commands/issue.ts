import { TesseraError } from '@tessera/core';
import {
  buildOpenBadgeCredential,
  importSigningKey,
  isProofFormat,
  issueCredential,
  PROOF_FORMATS,
  parseAchievement,
  parseEvidence,
  parseResults,
} from '@tessera/credentials';
import { type Command, optionalString, parseDateFlag, requireString } from '../args.js';
import { checkContextPins, crypto } from '../deps.js';
import { readJsonFile } from '../io.js';
import { bulkIssue } from './bulk-issue.js';

export const issue: Command = {
  name: 'issue',
  summary: 'sign an Open Badges 3.0 credential',
  usage: `tessera issue --key FILE --achievement FILE --subject ID [options]
tessera issue --csv FILE --server URL --achievement ID [--api-key KEY] [--format F] [--out FILE]

Prints a signed OpenBadgeCredential on stdout: JSON for the Data Integrity
formats, the compact JWT for vc-jwt. The issuer is the key's controller.

  --key FILE            key file from 'tessera keys generate'
  --achievement FILE    an OB 3.0 Achievement as JSON
  --subject ID          the learner's identifier (a DID or URL)
  --format F            ${PROOF_FORMATS.join(' | ')} (default eddsa-rdfc-2022)
  --valid-until DATE    ISO-8601 date or date-time (end of day UTC for a date)
  --result FILE         a Result or an array of Results as JSON
  --evidence FILE       an Evidence or an array of Evidence as JSON
  --issuer-name NAME    the issuer Profile's name

Bulk issuance through a Tessera server (--csv): one credential per row of a CSV
with columns subject (required), name, results (a JSON array of Results).
--achievement is then the server's achievement id; the API key comes from
--api-key or TESSERA_API_KEY. Issued credentials are appended to --out (default
FILE.credentials.jsonl), failed rows and why to FILE.failed.csv. Running the
same file again resumes: nothing is issued twice (per-row Idempotency-Keys).`,
  options: {
    key: { type: 'string' },
    achievement: { type: 'string' },
    subject: { type: 'string' },
    format: { type: 'string' },
    'valid-until': { type: 'string' },
    result: { type: 'string' },
    evidence: { type: 'string' },
    'issuer-name': { type: 'string' },
    csv: { type: 'string' },
    server: { type: 'string' },
    'api-key': { type: 'string' },
    out: { type: 'string' },
  },
  async run(args, io) {
    if (args.values.csv !== undefined) return bulkIssue(args, io);
    const keyPath = requireString(args, 'key', 'issue');
    const achievementPath = requireString(args, 'achievement', 'issue');
    const subjectId = requireString(args, 'subject', 'issue');
    const format = optionalString(args, 'format') ?? 'eddsa-rdfc-2022';
    if (!isProofFormat(format))
      throw new TesseraError('USAGE_INVALID', `--format must be one of ${PROOF_FORMATS.join(', ')}`);
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(subjectId))
      throw new TesseraError('USAGE_INVALID', '--subject must be a URI such as did:key:… or https://…');
    const validUntilFlag = optionalString(args, 'valid-until');
    const validUntil =
      validUntilFlag === undefined ? undefined : parseDateFlag(validUntilFlag, 'valid-until');
    await checkContextPins();
    const key = await importSigningKey(readJsonFile(keyPath, 'key file'), crypto);
    const achievement = parseAchievement(readJsonFile(achievementPath, 'achievement file'));
    const resultPath = optionalString(args, 'result');
    const evidencePath = optionalString(args, 'evidence');
    const issuerName = optionalString(args, 'issuer-name');
    const unsigned = buildOpenBadgeCredential({
      issuer: issuerName ? { id: key.controller, name: issuerName } : { id: key.controller },
      achievement: achievement as unknown as Record<string, unknown>,
      subjectId,
      ...(resultPath
        ? {
            results: parseResults(readJsonFile(resultPath, 'result file')) as unknown as Record<
              string,
              unknown
            >[],
          }
        : {}),
      ...(evidencePath
        ? {
            evidence: parseEvidence(readJsonFile(evidencePath, 'evidence file')) as unknown as Record<
              string,
              unknown
            >[],
          }
        : {}),
      ...(validUntil ? { validUntil } : {}),
    });
    const secured = await issueCredential({ crypto }, key, unsigned, { format });
    io.stdout(typeof secured === 'string' ? `${secured}\n` : `${JSON.stringify(secured, null, 2)}\n`);
    return 0;
  },
};

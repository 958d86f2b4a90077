import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { canonicalize, TesseraError } from '@tessera/core';
import { parse as parseCsv } from 'csv-parse/sync';
import type { CliIo } from '../args.js';
import { optionalString, type ParsedArgs, requireString } from '../args.js';
import { readText } from '../io.js';

/**
 * `tessera issue --csv FILE --server URL --achievement ID`: one credential per row through the
 * service's VC-API. Each row's Idempotency-Key is derived from the achievement and the row's
 * content, so running the same file again resumes: rows already issued come back as the same
 * credential and nothing is issued twice, even if the output file was lost.
 */
interface Row {
  line: number;
  subject: string;
  name?: string;
  results?: unknown;
}

function readRows(path: string): Row[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(readText(path), {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (e) {
    throw new TesseraError('INPUT_INVALID', `${path}: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new TesseraError('INPUT_INVALID', `${path} has no rows`);
  if (!('subject' in records[0]!))
    throw new TesseraError(
      'INPUT_INVALID',
      `${path} needs a "subject" column (and optionally "name", "results")`,
    );
  return records.map((r, i) => {
    const row: Row = { line: i + 2, subject: r.subject ?? '' };
    if (r.name) row.name = r.name;
    if (r.results) {
      try {
        row.results = JSON.parse(r.results);
      } catch {
        row.results = Symbol.for('invalid');
      }
    }
    return row;
  });
}

function requestFor(row: Row, achievementId: string, format: string) {
  const subject: Record<string, unknown> = { id: row.subject, type: ['AchievementSubject'] };
  if (row.name)
    subject.identifier = [
      { type: 'IdentityObject', hashed: false, identityHash: row.name, identityType: 'name' },
    ];
  if (row.results !== undefined) subject.result = row.results;
  return {
    credential: {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      credentialSubject: subject,
    },
    options: { format, achievementId },
  };
}

const bar = (done: number, total: number, failed: number) => {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} done, ${failed} failed`;
};

export async function bulkIssue(args: ParsedArgs, io: CliIo): Promise<number> {
  const csvPath = requireString(args, 'csv', 'issue');
  const server = requireString(args, 'server', 'issue').replace(/\/+$/, '');
  const achievementId = requireString(args, 'achievement', 'issue');
  const format = optionalString(args, 'format') ?? 'eddsa-rdfc-2022';
  const apiKey = optionalString(args, 'api-key') ?? process.env.TESSERA_API_KEY;
  if (!apiKey) throw new TesseraError('USAGE_INVALID', 'bulk issuance needs --api-key or TESSERA_API_KEY');
  const out = optionalString(args, 'out') ?? `${csvPath}.credentials.jsonl`;
  const failedPath = `${csvPath}.failed.csv`;
  const rows = readRows(csvPath);

  // Rows already written to the output file are skipped without a request.
  const done = new Set<number>();
  if (existsSync(out)) {
    for (const line of readFileSync(out, 'utf8').split('\n')) {
      if (line.trim()) done.add((JSON.parse(line) as { line: number }).line);
    }
  }
  const failures: { line: number; subject: string; code: string; detail: string }[] = [];
  const pending = rows.filter((r) => !done.has(r.line));
  let finished = rows.length - pending.length;
  const progress = () => io.isTty && io.stderr(bar(finished, rows.length, failures.length));

  const issueRow = async (row: Row) => {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(row.subject)) {
      failures.push({
        line: row.line,
        subject: row.subject,
        code: 'INPUT_INVALID',
        detail: 'subject must be a URI (did:…, mailto:…, https://…)',
      });
      return;
    }
    if (typeof row.results === 'symbol') {
      failures.push({
        line: row.line,
        subject: row.subject,
        code: 'INPUT_INVALID',
        detail: 'results is not valid JSON',
      });
      return;
    }
    const body = requestFor(row, achievementId, format);
    const key = `bulk-${createHash('sha256').update(canonicalize(body)).digest('hex').slice(0, 40)}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${server}/credentials/issue`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(body),
        });
      } catch (e) {
        if (attempt < 3) continue;
        failures.push({
          line: row.line,
          subject: row.subject,
          code: 'UNAVAILABLE',
          detail: (e as Error).message,
        });
        return;
      }
      const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if ((response.status === 429 || response.status === 503) && attempt < 5) {
        const wait = Number(response.headers.get('retry-after') ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(30, Math.max(1, wait)) * 1000));
        continue;
      }
      if (response.status === 201) {
        appendFileSync(
          out,
          `${JSON.stringify({ line: row.line, subject: row.subject, verifiableCredential: payload.verifiableCredential })}\n`,
        );
      } else {
        failures.push({
          line: row.line,
          subject: row.subject,
          code: String(payload.code ?? response.status),
          detail: String(payload.detail ?? response.statusText),
        });
      }
      return;
    }
  };

  const queue = [...pending];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      await issueRow(row);
      finished++;
      progress();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (io.isTty) io.stderr('\n');
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
  if (failures.length > 0) {
    failures.sort((a, b) => a.line - b.line);
    writeFileSync(
      failedPath,
      `line,subject,code,detail\n${failures.map((f) => [f.line, quote(f.subject), f.code, quote(f.detail)].join(',')).join('\n')}\n`,
    );
  }
  const issued = rows.length - failures.length;
  io.stderr(
    `${issued} of ${rows.length} rows issued (${done.size} already done before this run) → ${out}${failures.length ? `; ${failures.length} failed → ${failedPath}` : ''}\n`,
  );
  return failures.length > 0 ? 1 : 0;
}

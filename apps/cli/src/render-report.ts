import type { Check, PresentationReport, VerificationReport } from '@tessera/credentials';

const mark = (c: Check, tty: boolean) => {
  if (c.skipped) return tty ? '\x1b[2m-\x1b[0m' : '-';
  if (c.ok) return tty ? '\x1b[32m✓\x1b[0m' : '✓';
  return tty ? '\x1b[31m✗\x1b[0m' : '✗';
};

function lines(report: VerificationReport, tty: boolean, indent = ''): string[] {
  const out = report.checks.map((c) => {
    const detail = c.skipped ? `skipped: ${c.message}` : c.ok ? c.message : `${c.code}: ${c.message}`;
    return `${indent}${mark(c, tty)} ${c.check.padEnd(18)} ${detail}`;
  });
  return out;
}

/** One line per check, then the verdict: what a person reads in a terminal. */
export function renderReport(report: VerificationReport | PresentationReport, tty: boolean): string {
  const out = lines(report, tty);
  if ('credentials' in report) {
    report.credentials.forEach((r, i) => {
      out.push(`  credential ${i + 1}:`);
      out.push(...lines(r, tty, '    '));
    });
  }
  const failed = report.checks.find((c) => !c.ok && !c.skipped);
  const what = 'credentials' in report ? 'presentation' : 'credential';
  const about = [report.format, report.issuer ? `issuer ${report.issuer}` : undefined]
    .filter(Boolean)
    .join(', ');
  out.push('');
  out.push(
    report.verified
      ? `VERIFIED: the ${what} is authentic${about ? ` (${about})` : ''}`
      : `NOT VERIFIED: ${failed ? `${failed.check}: ${failed.code}: ${failed.message}` : 'no signature was verified'}`,
  );
  return `${out.join('\n')}\n`;
}

/**
 * A small Prometheus text-format registry: request counts and latency histograms per route
 * template and status, verification outcomes and issuance counts by format. Labels are route
 * templates (never raw paths), so cardinality stays bounded.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const escapeLabel = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;

export interface Metrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countVerification(
    kind: 'credential' | 'presentation',
    outcome: 'verified' | 'not_verified' | 'unusable',
  ): void;
  countIssuance(format: string, replayed: boolean): void;
  render(): string;
}

export function createMetrics(): Metrics {
  const requests = new Map<string, { labels: Record<string, string>; value: number }>();
  const latencies = new Map<string, { labels: Record<string, string>; h: Histogram }>();
  const verifications = new Map<string, { labels: Record<string, string>; value: number }>();
  const issuances = new Map<string, { labels: Record<string, string>; value: number }>();

  const inc = (
    map: Map<string, { labels: Record<string, string>; value: number }>,
    l: Record<string, string>,
  ) => {
    const key = labels(l);
    const entry = map.get(key);
    if (entry) entry.value++;
    else map.set(key, { labels: l, value: 1 });
  };

  // The hot path (every request) finds its series by a plain key, without building and
  // escaping label text; that is done once per series, when it first appears.
  const requestSeries = new Map<
    string,
    { counter: { labels: Record<string, string>; value: number }; h: Histogram }
  >();
  const verificationSeries = new Map<string, { labels: Record<string, string>; value: number }>();

  return {
    observeRequest(method, route, status, seconds) {
      const plain = `${method} ${status} ${route}`;
      let series = requestSeries.get(plain);
      if (!series) {
        const l = { method, route, status: String(status) };
        const key = labels(l);
        const counter = requests.get(key) ?? { labels: l, value: 0 };
        requests.set(key, counter);
        const latency = latencies.get(key) ?? {
          labels: l,
          h: { counts: BUCKETS.map(() => 0), sum: 0, count: 0 },
        };
        latencies.set(key, latency);
        series = { counter, h: latency.h };
        if (requestSeries.size < 10_000) requestSeries.set(plain, series);
      }
      series.counter.value++;
      const h = series.h;
      for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
      h.sum += seconds;
      h.count++;
    },
    countVerification(kind, outcome) {
      const plain = `${kind} ${outcome}`;
      let entry = verificationSeries.get(plain);
      if (!entry) {
        const l = { kind, outcome };
        const key = labels(l);
        entry = verifications.get(key) ?? { labels: l, value: 0 };
        verifications.set(key, entry);
        verificationSeries.set(plain, entry);
      }
      entry.value++;
    },
    countIssuance(format, replayed) {
      inc(issuances, { format, replayed: String(replayed) });
    },
    render() {
      const out: string[] = [];
      const counter = (
        name: string,
        help: string,
        map: Map<string, { labels: Record<string, string>; value: number }>,
      ) => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        for (const { labels: l, value } of map.values()) out.push(`${name}${labels(l)} ${value}`);
      };
      counter('tessera_http_requests_total', 'HTTP requests by method, route template and status.', requests);
      out.push(
        '# HELP tessera_http_request_duration_seconds HTTP request latency by route template and status.',
      );
      out.push('# TYPE tessera_http_request_duration_seconds histogram');
      for (const { labels: l, h } of latencies.values()) {
        BUCKETS.forEach((b, i) => {
          out.push(
            `tessera_http_request_duration_seconds_bucket${labels({ ...l, le: String(b) })} ${h.counts[i]}`,
          );
        });
        out.push(`tessera_http_request_duration_seconds_bucket${labels({ ...l, le: '+Inf' })} ${h.count}`);
        out.push(`tessera_http_request_duration_seconds_sum${labels(l)} ${h.sum}`);
        out.push(`tessera_http_request_duration_seconds_count${labels(l)} ${h.count}`);
      }
      counter('tessera_verifications_total', 'Verifications by kind and outcome.', verifications);
      counter(
        'tessera_credentials_issued_total',
        'Issue requests answered by proof format (replayed = Idempotency-Key replay).',
        issuances,
      );
      return `${out.join('\n')}\n`;
    },
  };
}

/**
 * A small benchmark harness. Each case runs sequentially (one operation in flight, as a single
 * request would) for a fixed time after a warm-up; cases are measured in interleaved rounds so
 * that machine noise hits every case alike, and ratios are taken within one run.
 */
export async function measure(cases, { rounds = 3, warmupMs = 300, roundMs = 700 } = {}) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  const counts = new Map(cases.map((c) => [c.name, { ops: 0, ns: 0n }]));
  for (const c of cases) {
    const end = performance.now() + warmupMs;
    while (performance.now() < end) await c.fn();
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const list = samples.get(c.name);
      const total = counts.get(c.name);
      const end = performance.now() + roundMs;
      while (performance.now() < end) {
        const t0 = process.hrtime.bigint();
        await c.fn();
        const dt = process.hrtime.bigint() - t0;
        list.push(Number(dt) / 1000);
        total.ops++;
        total.ns += dt;
      }
    }
  }
  return cases.map((c) => {
    const list = samples.get(c.name).sort((a, b) => a - b);
    const { ops, ns } = counts.get(c.name);
    const q = (p) => quantile(list, p);
    return {
      name: c.name,
      opsPerSec: Math.round((ops * 1e9) / Number(ns)),
      p50Us: round(q(0.5)),
      p99Us: round(q(0.99)),
      samples: list.length,
      // For callers that pool several measurements: the time measured and every sample (µs, sorted).
      seconds: Number(ns) / 1e9,
      samplesUs: list,
    };
  });
}

const round = (x) => Math.round(x * 10) / 10;

/** The `p` quantile of an ascending list (0 for an empty one). */
export const quantile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export function printTable(results, ratios) {
  const w = Math.max(...results.map((r) => r.name.length));
  console.log(
    `${'benchmark'.padEnd(w)}  ${'ops/s'.padStart(9)}  ${'p50 µs'.padStart(9)}  ${'p99 µs'.padStart(9)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(w)}  ${String(r.opsPerSec).padStart(9)}  ${String(r.p50Us).padStart(9)}  ${String(r.p99Us).padStart(9)}`,
    );
  }
  if (ratios.length > 0) {
    console.log('\nratios (same run)');
    const rw = Math.max(...ratios.map((r) => r.label.length));
    for (const r of ratios) {
      console.log(
        `${r.label.padEnd(rw)}  ${r.value.toFixed(2)}×  target ${r.op} ${r.target}×  ${r.ok ? 'ok' : 'MISSED'}`,
      );
    }
  }
}

export const ratio = (results, a, b, target, op = '≥') => {
  const x = results.find((r) => r.name === a);
  const y = results.find((r) => r.name === b);
  const value = x.opsPerSec / y.opsPerSec;
  return { label: `${a} / ${b}`, value, target, op, ok: op === '≥' ? value >= target : value <= target };
};

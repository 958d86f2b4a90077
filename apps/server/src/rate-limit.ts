/**
 * Token bucket per API key: `perMinute` tokens of burst, refilled continuously. In memory and per
 * process: with several processes the effective limit is per process, which is acceptable for a
 * protective limit (it is not a billing meter).
 */
export interface RateLimiter {
  /** Takes a token; returns 0 when allowed, else the seconds to wait before one is available. */
  take(key: string): number;
}

export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  if (perMinute <= 0) return { take: () => 0 };
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        // Bounded memory: forget idle buckets (a forgotten bucket is a full one anyway).
        if (buckets.size > 100_000) buckets.clear();
        bucket = { tokens: perMinute, at: t };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}

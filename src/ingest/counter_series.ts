/**
 * Counter series: a recording that repeats a timestamp line and a counter
 * dump (`date -u +%FT%TZ; nstat -az`, as the lab's series-* recordings and
 * a `while sleep` loop make them). The snapshot keeps each counter's last
 * value; rates need the first and last of each, with their times.
 */

/** A timestamp line: ISO 8601 to the second, in UTC or with an offset. */
const STAMP = /^\s*(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s*$/;
/** A counter line as nstat and /proc/net/netstat-derived tools print it: a name, then digits. */
const COUNTER = /^([A-Z][A-Za-z0-9]+)\s+(\d+)(?:\s|$)/;

export interface CounterRate {
  /** Per second over the recording. */
  rate: number;
  /** Seconds between the first and last sample of this counter. */
  seconds: number;
}

/**
 * Per-second rates of the counters a series records, from each counter's
 * first and last sample (counters that went down, reset, are left out).
 * Empty when the text is not a series (fewer than two timestamps).
 */
export function counterRates(text: string): Map<string, CounterRate> {
  const first = new Map<string, { t: number; v: number }>();
  const last = new Map<string, { t: number; v: number }>();
  let t: number | undefined;
  let stamps = 0;
  for (const line of text.split("\n")) {
    const s = STAMP.exec(line);
    if (s) {
      const ms = Date.parse(s[1].replace(" ", "T"));
      if (Number.isFinite(ms)) {
        t = ms / 1000;
        stamps++;
      }
      continue;
    }
    if (t === undefined) continue;
    const c = COUNTER.exec(line);
    if (!c) continue;
    const v = Number(c[2]);
    if (!first.has(c[1])) first.set(c[1], { t, v });
    last.set(c[1], { t, v });
  }
  const out = new Map<string, CounterRate>();
  if (stamps < 2) return out;
  for (const [name, a] of first) {
    const b = last.get(name)!;
    const seconds = b.t - a.t;
    if (seconds > 0 && b.v >= a.v) out.set(name, { rate: (b.v - a.v) / seconds, seconds });
  }
  return out;
}

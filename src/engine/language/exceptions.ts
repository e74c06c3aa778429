/**
 * Exceptions: sockets a rule ignores. Every field of one entry must match
 * (ports and addresses: either end); a socket matching any entry is left
 * out of the rule's socket facts. This module owns what the fields mean;
 * facts/_scan.ts applies them to the socket table.
 */

import type { RuleException } from "../rule.ts";

/** Field names an exception may carry. */
export const EXCEPTION_FIELDS = [
  "name", "ports", "local_ports", "remote_ports", "addresses", "local_addresses", "remote_addresses", "processes",
] as const;

/** A stable text key for a list of exceptions ("" for none). */
export function exceptionsKey(ex: readonly RuleException[] | undefined): string {
  return ex && ex.length ? JSON.stringify(ex) : "";
}

function ipv4ToInt(s: string): number | undefined {
  const p = s.split(".");
  if (p.length !== 4) return undefined;
  let n = 0;
  for (const x of p) {
    if (!/^\d{1,3}$/.test(x)) return undefined;
    const v = Number(x);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** A matcher for an address pattern: exact text (case-insensitive, IPv4-mapped too), or IPv4 CIDR like 10.0.0.0/8. */
export function addressMatcher(pattern: string): (addr: string) => boolean {
  const slash = pattern.indexOf("/");
  if (slash > 0) {
    const base = ipv4ToInt(pattern.slice(0, slash));
    const bits = Number(pattern.slice(slash + 1));
    if (base !== undefined && Number.isInteger(bits) && bits >= 0 && bits <= 32) {
      const size = 2 ** (32 - bits);
      const lo = Math.floor(base / size) * size;
      return (a) => {
        const v = ipv4ToInt(a.startsWith("::ffff:") ? a.slice(7) : a);
        return v !== undefined && v >= lo && v < lo + size;
      };
    }
  }
  const p = pattern.toLowerCase();
  return (a) => {
    const x = a.toLowerCase();
    return x === p || (x.startsWith("::ffff:") && x.slice(7) === p);
  };
}

/** The pids among an exception's `processes` (the rest are program names). */
export function processPids(processes: readonly unknown[]): Set<number> {
  const out = new Set<number>();
  for (const p of processes) {
    const s = String(p).trim();
    if (/^-?\d+$/.test(s)) out.add(Number(s));
  }
  return out;
}

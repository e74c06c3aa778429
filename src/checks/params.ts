/**
 * The value types of probe parameters and placeholders: what each accepts,
 * in words and as a check. Every value tcpdoc passes to a probe is one of
 * these, checked here; nothing else reaches a probe.
 */

import { STATES, type StateName } from "../model/states.ts";

/** The type of a probe parameter or a placeholder. */
export type ParamType = "state" | "port" | "pid" | "address" | "seconds" | "sysctls" | "counters" | "name";

/** Kernel settings a probe may read (each under /proc/sys). */
export const SYSCTL_KEYS = [
  "net.core.somaxconn",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_abort_on_overflow",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_max_orphans",
  "net.ipv4.tcp_max_syn_backlog",
  "net.ipv4.tcp_max_tw_buckets",
  "net.ipv4.tcp_mem",
  "net.ipv4.tcp_orphan_retries",
  "net.ipv4.tcp_syn_retries",
  "net.ipv4.tcp_synack_retries",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.tcp_tw_recycle",
  "net.ipv4.tcp_tw_reuse",
  "net.ipv4.conf.all.rp_filter",
  "fs.file-max",
  "fs.file-nr",
  "fs.nr_open",
] as const;

/** Kernel counters a probe may read, in nstat's names (from /proc/net/snmp and /proc/net/netstat). */
export const COUNTER_NAMES = [
  "TcpActiveOpens",
  "TcpPassiveOpens",
  "TcpAttemptFails",
  "TcpEstabResets",
  "TcpRetransSegs",
  "TcpInErrs",
  "TcpOutRsts",
  "TcpExtListenOverflows",
  "TcpExtListenDrops",
  "TcpExtSyncookiesSent",
  "TcpExtSyncookiesRecv",
  "TcpExtSyncookiesFailed",
  "TcpExtTCPReqQFullDoCookies",
  "TcpExtTCPReqQFullDrop",
  "TcpExtTCPTimeWaitOverflow",
  "TcpExtTCPAbortOnTimeout",
  "TcpExtTCPAbortOnMemory",
  "TcpExtTCPAbortOnData",
  "TcpExtTCPAbortOnClose",
  "TcpExtTCPTimeouts",
  "TcpExtTCPLostRetransmit",
  "TcpExtTCPOrphanQueued",
  "TcpExtPAWSPassive",
  "TcpExtPAWSActive",
  "TcpExtPAWSEstab",
  "TcpExtTW",
  "TcpExtTWRecycled",
  "TcpExtIPReversePathFilter",
] as const;

/** Longest watch a probe may run, in seconds. */
export const MAX_SECONDS = 60;
/** Highest pid Linux hands out (PID_MAX_LIMIT). */
const MAX_PID = 4_194_304;

/** What a value of each type is, in words (docs, errors). */
export const TYPE_WORDS: Record<ParamType, string> = {
  state: `a TCP state: ${STATES.filter((s) => s !== "BOUND").map(stateWord).join(", ")}`,
  port: "a port number, 1-65535",
  pid: "a process id, a whole number from 1",
  address: "an IPv4 or IPv6 address literal (no name, no port, no mask)",
  seconds: `a whole number of seconds, 1-${MAX_SECONDS}`,
  sysctls: "a list of kernel setting names from the probe catalogue's list",
  counters: "a list of kernel counter names (nstat's spelling) from the probe catalogue's list",
  name: "a name (never passed to a probe)",
};

/** A state as rules and ss write it: close-wait. */
export function stateWord(s: StateName): string {
  return s.toLowerCase().replace(/_/g, "-");
}

function stateOf(v: string): StateName | undefined {
  const up = v.trim().toUpperCase().replace(/-/g, "_");
  return (STATES as readonly string[]).includes(up) && up !== "BOUND" ? (up as StateName) : undefined;
}

const V4_PART = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`);

/** True for an IPv4 dotted quad or an IPv6 literal (with an optional embedded IPv4 tail). */
export function isAddressLiteral(s: string): boolean {
  if (s.length > 45) return false;
  if (V4.test(s)) return true;
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return false;
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | undefined => {
    if (h === "") return [];
    const g = h.split(":");
    const last = g[g.length - 1];
    // an embedded IPv4 tail counts as two groups
    if (last.includes(".")) {
      if (!V4.test(last)) return undefined;
      g.splice(g.length - 1, 1, "0", "0");
    }
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const a = groups(halves[0]);
  const b = halves.length === 2 ? groups(halves[1]) : [];
  if (!a || !b) return false;
  // an IPv4 tail ends the address: none before a "::"
  if (halves.length === 2 && halves[0].includes(".")) return false;
  const n = a.length + b.length;
  return halves.length === 2 ? n <= 7 : n === 8;
}

/** A parameter value after its check. */
export type ParamValue = string | number | string[];

/**
 * Checks `v` against `type`; returns the value as a probe takes it (a state
 * as its canonical name, numbers as numbers), or an error in words.
 */
export function checkValue(type: ParamType, v: unknown): { ok: true; value: ParamValue } | { ok: false; error: string } {
  const bad = (): { ok: false; error: string } => ({ ok: false, error: `must be ${TYPE_WORDS[type]}, not ${shown(v)}` });
  const int = (min: number, max: number): number | undefined => {
    const n = typeof v === "number" ? v : typeof v === "string" && /^[0-9]{1,10}$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  };
  switch (type) {
    case "state": {
      const s = typeof v === "string" ? stateOf(v) : undefined;
      return s ? { ok: true, value: s } : bad();
    }
    case "port": {
      const n = int(1, 65535);
      return n === undefined ? bad() : { ok: true, value: n };
    }
    case "pid": {
      const n = int(1, MAX_PID);
      return n === undefined ? bad() : { ok: true, value: n };
    }
    case "seconds": {
      const n = int(1, MAX_SECONDS);
      return n === undefined ? bad() : { ok: true, value: n };
    }
    case "address":
      return typeof v === "string" && isAddressLiteral(v) ? { ok: true, value: v.toLowerCase() } : bad();
    case "sysctls":
    case "counters": {
      const allowed: readonly string[] = type === "sysctls" ? SYSCTL_KEYS : COUNTER_NAMES;
      const list = typeof v === "string" ? [v] : v;
      if (!Array.isArray(list) || list.length === 0 || list.length > allowed.length) return bad();
      const unknown = list.find((x) => typeof x !== "string" || !allowed.includes(x));
      if (unknown !== undefined) return { ok: false, error: `${shown(unknown)} is not in the list of ${type === "sysctls" ? "kernel settings" : "counters"} a probe reads` };
      return { ok: true, value: [...new Set(list as string[])] };
    }
    case "name":
      return typeof v === "string" && /^[A-Za-z0-9_.@-]{1,64}$/.test(v) ? { ok: true, value: v } : bad();
  }
}

/** A value quoted for an error message, short. */
export function shown(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/**
 * The probe catalogue: everything tcpdoc itself may run for a check in a
 * live session. A rule names a probe by id with typed parameters; it cannot
 * name a program, a file or an argument. On Linux every probe is done by
 * tcpdoc from /proc (nothing is spawned); elsewhere a probe is a fixed argv
 * of the system's own netstat or lsof, by absolute path, with at most a
 * checked number in it. The implementations live in src/sources/probes.ts.
 */

import { checkValue, COUNTER_NAMES, MAX_SECONDS, type ParamType, type ParamValue, shown, SYSCTL_KEYS, TYPE_WORDS } from "./params.ts";
import { placeholder, PLACEHOLDERS } from "./placeholders.ts";

/** Platform names as rules' `platforms` write them. */
export type Platform = "linux" | "macos" | "freebsd" | "windows";

/** A parameter of a probe. */
export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  help: string;
}

/** What a probe does on one platform: read files (tcpdoc itself) or run one fixed argv. */
export type ProbeAction =
  | { kind: "read"; files: string[]; seconds?: number }
  | { kind: "spawn"; argv: string[] };

/** One probe of the catalogue. */
export interface ProbeSpec {
  id: string;
  title: string;
  help: string;
  params: Record<string, ParamSpec>;
  /** How the probe runs on each platform it supports, for checked parameters. */
  on: Partial<Record<Platform, (p: ProbeParams) => ProbeAction>>;
}

/** Checked parameter values by name. */
export type ProbeParams = Record<string, ParamValue>;

/** A probe as a rule's check names it (parameters may be placeholders). */
export interface ProbeRef {
  id: string;
  params?: Record<string, unknown>;
}

const SOCKET_TABLES = ["/proc/net/tcp", "/proc/net/tcp6"];
/** Where a socket's owner is found: the socket links in each process's fd directory, and its name. */
const OWNER_FILES = ["/proc/*/fd (socket links only)", "/proc/*/comm"];
const NETSTAT: Partial<Record<Platform, string[]>> = {
  macos: ["/usr/sbin/netstat", "-anv", "-p", "tcp"],
  freebsd: ["/usr/bin/netstat", "-an", "-p", "tcp"],
  // Never looked up in the current directory or PATH.
  windows: ["C:\\Windows\\System32\\NETSTAT.EXE", "-ano"],
};
const netstat = (pl: Platform) => () => ({ kind: "spawn" as const, argv: [...NETSTAT[pl]!] });

const SOCKET_FILTERS: Record<string, ParamSpec> = {
  state: { type: "state", help: "only sockets in this state" },
  port: { type: "port", help: "only sockets with this local port (or, for a client, this remote port)" },
  peer: { type: "address", help: "only sockets whose remote address is this" },
  pid: { type: "pid", help: "only sockets this process holds (Linux)" },
};

/** The catalogue, by id. */
export const PROBES: readonly ProbeSpec[] = [
  {
    id: "sockets",
    title: "the TCP socket table, filtered",
    help: "re-reads the socket table and lists the sockets that match every filter given, with their queues and owners",
    params: SOCKET_FILTERS,
    on: {
      linux: () => ({ kind: "read", files: [...SOCKET_TABLES, ...OWNER_FILES] }),
      macos: netstat("macos"),
      freebsd: netstat("freebsd"),
      windows: netstat("windows"),
    },
  },
  {
    id: "watch-count",
    title: "a socket count, watched",
    help: "counts the sockets that match the filters every few seconds for `seconds` seconds: is the pile growing?",
    params: { ...SOCKET_FILTERS, seconds: { type: "seconds", required: true, help: `how long to watch, 1-${MAX_SECONDS} s` } },
    on: { linux: (p) => ({ kind: "read", files: [...SOCKET_TABLES], seconds: p.seconds as number }) },
  },
  {
    id: "fd-usage",
    title: "a process's open descriptors against its limit",
    help: "counts the process's open file descriptors and reads its `Max open files` limit",
    params: { pid: { type: "pid", required: true, help: "the process" } },
    on: {
      linux: (p) => ({ kind: "read", files: [`/proc/${p.pid}/fd`, `/proc/${p.pid}/limits`, `/proc/${p.pid}/comm`] }),
      macos: (p) => ({ kind: "spawn", argv: ["/usr/sbin/lsof", "-n", "-P", "-p", String(p.pid)] }),
    },
  },
  {
    id: "sysctls",
    title: "kernel settings",
    help: "reads kernel settings from /proc/sys",
    params: { keys: { type: "sysctls", required: true, help: "the settings, from the list in docs/rule-authoring.md" } },
    on: { linux: (p) => ({ kind: "read", files: (p.keys as string[]).map(sysctlPath) }) },
  },
  {
    id: "counters",
    title: "kernel counters",
    help: "reads TCP counters from /proc/net/snmp and /proc/net/netstat (as `nstat -az NAME...` prints them)",
    params: { names: { type: "counters", required: true, help: "the counters, in nstat's spelling, from the list in docs/rule-authoring.md" } },
    on: { linux: () => ({ kind: "read", files: ["/proc/net/snmp", "/proc/net/netstat"] }) },
  },
  {
    id: "counter-delta",
    title: "kernel counters, moving",
    help: "reads TCP counters twice, `seconds` apart, and shows how much each moved",
    params: {
      names: { type: "counters", required: true, help: "the counters" },
      seconds: { type: "seconds", required: true, help: `the interval, 1-${MAX_SECONDS} s` },
    },
    on: { linux: (p) => ({ kind: "read", files: ["/proc/net/snmp", "/proc/net/netstat"], seconds: p.seconds as number }) },
  },
  {
    id: "sockstat",
    title: "socket memory and orphans",
    help: "reads /proc/net/sockstat and /proc/net/sockstat6: sockets in use, orphans, TIME_WAIT, memory pages",
    params: {},
    on: { linux: () => ({ kind: "read", files: ["/proc/net/sockstat", "/proc/net/sockstat6"] }) },
  },
];

/** The /proc/sys file of a setting from the fixed list. */
export function sysctlPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, "/")}`;
}

const BY_ID = new Map(PROBES.map((p) => [p.id, p]));

/** The probe with this id. */
export function probeSpec(id: string): ProbeSpec | undefined {
  return BY_ID.get(id);
}

/** A problem with a rule's `probe`: where inside it (`params.port`), what, and a hint. */
export interface ProbeProblem {
  at: string;
  message: string;
  hint?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Validates a rule check's `probe` value: a known id, known parameters,
 * every required one given, each a literal of its type or a placeholder of
 * that type. Used by rule validation (src/engine/rule_file.ts).
 */
export function validateProbe(v: unknown): ProbeProblem[] {
  if (!isRecord(v)) return [{ at: "", message: `must be a mapping with id and params, not ${shown(v)}`, hint: "probe: { id: sockets, params: { state: close-wait } }" }];
  const out: ProbeProblem[] = [];
  for (const k of Object.keys(v)) if (k !== "id" && k !== "params") out.push({ at: k, message: `unknown field "${k}"`, hint: "a probe has id and params" });
  const spec = typeof v.id === "string" ? probeSpec(v.id) : undefined;
  if (!spec) {
    out.push({ at: "id", message: `unknown probe ${shown(v.id)}`, hint: `probes: ${PROBES.map((p) => p.id).join(", ")}` });
    return out;
  }
  if (v.params !== undefined && !isRecord(v.params)) {
    out.push({ at: "params", message: `must be a mapping, not ${shown(v.params)}` });
    return out;
  }
  const params = (v.params ?? {}) as Record<string, unknown>;
  for (const [k, val] of Object.entries(params)) {
    const ps = Object.prototype.hasOwnProperty.call(spec.params, k) ? spec.params[k] : undefined;
    if (!ps) {
      const known = Object.keys(spec.params);
      out.push({ at: `params.${k}`, message: `probe ${spec.id} has no parameter "${k}"`, hint: known.length ? `its parameters: ${known.join(", ")}` : "it takes none" });
      continue;
    }
    const ph = typeof val === "string" ? placeholder(val) : undefined;
    if (ph) {
      if (ph.type !== ps.type) out.push({ at: `params.${k}`, message: `placeholder ${ph.name} is ${TYPE_WORDS[ph.type]}, but ${k} must be ${TYPE_WORDS[ps.type]}` });
      continue;
    }
    const c = checkValue(ps.type, val);
    if (c.ok) continue;
    if (typeof val === "string" && /^[A-Z][A-Z0-9_]*$/.test(val)) {
      out.push({ at: `params.${k}`, message: `unknown placeholder ${shown(val)}`, hint: `placeholders: ${PLACEHOLDERS.map((p) => p.name).join(", ")}` });
    } else out.push({ at: `params.${k}`, message: `${k} ${c.error}` });
  }
  for (const [k, ps] of Object.entries(spec.params)) {
    if (ps.required && params[k] === undefined) out.push({ at: "params", message: `probe ${spec.id} needs parameter "${k}" (${TYPE_WORDS[ps.type]})` });
  }
  return out;
}

/** JSON Schema of a check's `probe` (for rules/rule.schema.json). */
export function probeJsonSchema(): Record<string, unknown> {
  const typeSchema = (t: ParamType): Record<string, unknown> => {
    const names = PLACEHOLDERS.filter((p) => p.type === t).map((p) => p.name);
    const ph = names.length ? [{ enum: names, description: "a placeholder filled from the finding's evidence" }] : [];
    switch (t) {
      case "state":
      case "address":
      case "name":
        return { anyOf: [{ type: "string", description: TYPE_WORDS[t] }, ...ph] };
      case "port":
        return { anyOf: [{ type: "integer", minimum: 1, maximum: 65535 }, ...ph] };
      case "pid":
        return { anyOf: [{ type: "integer", minimum: 1 }, ...ph] };
      case "seconds":
        return { type: "integer", minimum: 1, maximum: MAX_SECONDS };
      case "sysctls":
        return { type: "array", items: { enum: [...SYSCTL_KEYS] }, minItems: 1 };
      case "counters":
        return { type: "array", items: { enum: [...COUNTER_NAMES] }, minItems: 1 };
    }
  };
  return {
    description: "a probe from tcpdoc's catalogue that a live session may run for this check (docs/rule-authoring.md)",
    oneOf: PROBES.map((p) => ({
      type: "object",
      additionalProperties: false,
      required: ["id"],
      properties: {
        id: { const: p.id, description: p.help },
        params: {
          type: "object",
          additionalProperties: false,
          required: Object.entries(p.params).filter(([, s]) => s.required).map(([k]) => k),
          properties: Object.fromEntries(Object.entries(p.params).map(([k, s]) => [k, { ...typeSchema(s.type), description: s.help }])),
        },
      },
    })),
  };
}

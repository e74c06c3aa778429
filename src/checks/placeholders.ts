/**
 * The placeholder vocabulary of rule checks: the capitalised words (PORT,
 * PID, HOST, ...) a rule writes in a check's `command` and `probe` where a
 * value from the finding belongs. Each has a type and the evidence figures
 * that fill it. It is part of the rule format: documented in
 * docs/rule-authoring.md, checked by rule validation in probe parameters.
 */

import { checkValue, type ParamType } from "./params.ts";

/** One placeholder: its type, and which evidence figures fill it. */
export interface Placeholder {
  name: string;
  type: ParamType;
  /** Figure names (exact, or `*_suffix`) read in this order; the first valid one wins. */
  figures: readonly string[];
  help: string;
}

/** Every placeholder a rule may use. */
export const PLACEHOLDERS: readonly Placeholder[] = [
  {
    name: "PORT",
    type: "port",
    figures: ["port", "*_port", "listener", "destination", "top_endpoint"],
    help: "a port number: the figure `port` or one ending in `_port` (a number), else the port of an address figure `listener`, `destination` or `top_endpoint` (host:port)",
  },
  {
    name: "PID",
    type: "pid",
    figures: ["pid", "*_pid", "*_process"],
    help: "a process id: the figure `pid` or one ending in `_pid` (a number), or a process figure ending in `_process` written `NAME (pid N)`; only the trailing `(pid N)` counts, so a process named `pid 1` does not give 1",
  },
  {
    name: "HOST",
    type: "address",
    figures: ["host", "destination", "peer", "*_peer", "client"],
    help: "an address literal: from the figure `host`, `destination`, `peer`, one ending in `_peer`, or `client` (an address, or address:port)",
  },
  {
    name: "PEER",
    type: "address",
    figures: ["peer", "*_peer", "destination", "host"],
    help: "the remote address: from the figure `peer`, one ending in `_peer`, `destination` or `host`",
  },
  {
    name: "CLIENT",
    type: "address",
    figures: ["client", "peer", "*_peer"],
    help: "the client's address: from the figure `client`, `peer` or one ending in `_peer`",
  },
  {
    name: "DEST_IP",
    type: "address",
    figures: ["destination", "peer", "*_peer", "host"],
    help: "the destination's address: from the figure `destination`, `peer`, one ending in `_peer` or `host`",
  },
  {
    name: "SERVICE",
    type: "name",
    figures: [],
    help: "the name of the service (a systemd unit): never in the evidence, the user fills it in",
  },
];

const BY_NAME = new Map(PLACEHOLDERS.map((p) => [p.name, p]));

/** The placeholder called `name`, if it is one. */
export function placeholder(name: string): Placeholder | undefined {
  return BY_NAME.get(name);
}

const WORD = new RegExp(`(?<![A-Za-z0-9_])(${PLACEHOLDERS.map((p) => p.name).join("|")})(?![A-Za-z0-9_])`, "g");

/** The placeholders a command text uses, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(WORD)].map((m) => m[1]))];
}

function matches(pattern: string, figure: string): boolean {
  return pattern.startsWith("*") ? figure.endsWith(pattern.slice(1)) : figure === pattern;
}

/** host[:port] or [v6]:port from a figure's text; the host is checked as an address literal. */
function splitEndpoint(v: string): { host?: string; port?: number } {
  const t = v.trim();
  const br = /^\[([0-9a-fA-F:.]+)\](?::([0-9]{1,5}))?$/.exec(t);
  const plain = br ? null : /^([0-9.]+)(?::([0-9]{1,5}))?$/.exec(t);
  const m = br ?? plain;
  let host: string | undefined;
  let port: string | undefined;
  if (m) [host, port] = [m[1], m[2]];
  else if (checkValue("address", t).ok) host = t; // a bare IPv6 address
  const h = host !== undefined && checkValue("address", host).ok ? host.toLowerCase() : undefined;
  const p = port !== undefined ? checkValue("port", port) : undefined;
  return { host: h, port: p?.ok ? (p.value as number) : undefined };
}

/** The value a figure gives a placeholder of this type, if it gives a valid one. */
function valueFrom(type: ParamType, figure: string, v: number | string): string | number | undefined {
  if (type === "port") {
    const direct = checkValue("port", v);
    if (direct.ok && (figure === "port" || figure.endsWith("_port"))) return direct.value as number;
    return typeof v === "string" ? splitEndpoint(v).port : undefined;
  }
  if (type === "pid") {
    if (figure.endsWith("_process")) {
      // Only the trailing "(pid N)" the engine writes: the name before it is anyone's.
      const m = typeof v === "string" ? /\(pid ([0-9]{1,7})\)$/.exec(v) ?? /^pid ([0-9]{1,7})$/.exec(v) : null;
      const c = m ? checkValue("pid", m[1]) : undefined;
      return c?.ok ? (c.value as number) : undefined;
    }
    const c = checkValue("pid", v);
    return c.ok ? (c.value as number) : undefined;
  }
  if (type === "address") return typeof v === "string" ? splitEndpoint(v).host : undefined;
  return undefined;
}

/** Placeholder values a finding's evidence figures give, by placeholder name. */
export function placeholderValues(figures: Record<string, number | string>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const names = Object.keys(figures);
  for (const p of PLACEHOLDERS) {
    search: for (const pattern of p.figures) {
      for (const f of names) {
        if (!matches(pattern, f)) continue;
        const v = valueFrom(p.type, f, figures[f]);
        if (v !== undefined) {
          out[p.name] = v;
          break search;
        }
      }
    }
  }
  return out;
}

/**
 * A command text with the placeholders the evidence gives filled in (for
 * the user to read and copy; it is never run), what was filled and what is
 * still missing.
 *
 * @example
 * ```ts
 * fillCommand("ss -tan '( sport = :PORT )'", { top_port: 8080 }).text; // "ss -tan '( sport = :8080 )'"
 * ```
 */
export function fillCommand(text: string, figures: Record<string, number | string>): { text: string; filled: Record<string, string>; missing: string[] } {
  const values = placeholderValues(figures);
  const filled: Record<string, string> = {};
  const missing = new Set<string>();
  const out = text.replace(WORD, (name) => {
    const v = values[name];
    if (v === undefined) {
      missing.add(name);
      return name;
    }
    filled[name] = String(v);
    return String(v);
  });
  return { text: out, filled, missing: [...missing] };
}

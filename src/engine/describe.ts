/** Rules in words: conditions, fact references and thresholds as people read them (explain, missing lists, docs). */

import { GROUP_LABELS, type GroupBy, parsePath } from "./facts.ts";
import type { Conditions, Rule } from "./rule_file.ts";

const OPERATOR_WORDS: Record<string, string> = {
  equal: "is",
  notEqual: "is not",
  in: "is one of",
  notIn: "is none of",
  contains: "contains",
  doesNotContain: "does not contain",
  lessThan: "<",
  lessThanInclusive: "<=",
  greaterThan: ">",
  greaterThanInclusive: ">=",
};

function statesText(s: unknown): string {
  if (s === undefined || s === null) return "all";
  return Array.isArray(s) ? s.join("+") : String(s);
}

function pathSteps(path: string | undefined): (string | number)[] {
  return path ? parsePath(path) ?? [path] : [];
}

/** A fact reference in words, e.g. "share of the biggest group of CLOSE_WAIT sockets by local port". */
export function refText(fact: string, params: Record<string, unknown> | undefined, path: string | undefined): string {
  const p = params ?? {};
  const steps = pathSteps(path);
  const tail = steps.map((s) => (typeof s === "number" ? `[${s}]` : s)).join(".");
  switch (fact) {
    case "states":
      return steps.length ? `${tail === "TOTAL" ? "all" : tail} sockets` : "sockets by state";
    case "sockets":
      return "TCP sockets";
    case "group": {
      const by = GROUP_LABELS[p.by as GroupBy] ?? String(p.by);
      const what = `${statesText(p.state ?? p.states)} sockets by ${by}${p.listener ? ` (ports ${p.listener === "absent" ? "without" : "with"} a listener)` : ""}`;
      const head: Record<string, string> = {
        "top.count": "sockets in the biggest group of",
        "top.share": "share of the biggest group among",
        "top.key": "the biggest group of",
        "top.listening": "whether a listener holds the port of the biggest group of",
        distinct: "number of distinct groups of",
        total: "number of",
        tallied: "number of tallied",
      };
      return `${head[tail] ?? `${tail} of`} ${what}`;
    }
    case "listeners": {
      const words: Record<string, string> = {
        full: "listeners whose accept queue is at or over the backlog",
        maxFill: "fullest accept queue / backlog",
        maxRecvQ: "longest accept queue",
        count: "LISTEN sockets",
        withBacklog: "LISTEN sockets showing their backlog",
      };
      return words[tail] ?? `listeners.${tail}`;
    }
    case "ephemeral": {
      const words: Record<string, string> = {
        "top.share": "share of the ephemeral port range used toward the busiest destination",
        "top.count": "sockets toward the busiest destination from one source address",
        "top.timeWaitShare": "TIME_WAIT share of the sockets toward the busiest destination",
        "top.timeWait": "TIME_WAIT sockets toward the busiest destination",
        "range.size": "size of the ephemeral port range",
      };
      return words[tail] ?? `ephemeral.${tail}`;
    }
    case "queues": {
      const [state, field] = steps as string[];
      const words: Record<string, string> = {
        recvQ: "sockets with unread data (Recv-Q > 0)",
        sendQ: "sockets with unacknowledged data (Send-Q > 0)",
        recvQShare: "share of sockets with unread data",
        sendQShare: "share of sockets with unacknowledged data",
      };
      return `${state ?? ""} ${words[field] ?? field ?? "queues"}`.trim();
    }
    case "orphans": {
      const [state, field] = steps as string[];
      return `${field === "share" ? "share of orphaned" : "orphaned"} ${state ?? ""} sockets`.replace(/\s+/g, " ").trim();
    }
    case "counters":
      return `kernel counter ${tail}`;
    case "sysctls":
      return `sysctl ${tail}`;
    case "symptoms":
      return `log lines with ${tail}`;
    case "answers":
      return `answer to "${tail}"`;
    default:
      return `${fact}${tail ? `.${tail}` : ""}`;
  }
}

function valueText(v: unknown): string {
  if (v && typeof v === "object" && !Array.isArray(v) && "fact" in (v as object)) {
    const r = v as { fact: string; params?: Record<string, unknown>; path?: string };
    return refText(r.fact, r.params, r.path);
  }
  if (v === true) return "yes";
  if (v === false) return "no";
  return Array.isArray(v) ? v.map(String).join(", ") : String(v);
}

/** One leaf condition in words. */
export function leafText(c: { fact: string; params?: Record<string, unknown>; path?: string; operator: string; value: unknown }): string {
  const parts = c.operator.split(":");
  const base = parts.pop()!;
  const neg = parts.includes("not") ? "not " : "";
  return `${refText(c.fact, c.params, c.path)} ${neg}${OPERATOR_WORDS[base] ?? base} ${valueText(c.value)}`;
}

/** The conditions as an indented outline. */
export function conditionLines(c: Conditions, named: ReadonlyMap<string, Conditions>, indent = "", seen = new Set<string>()): string[] {
  const out: string[] = [];
  const o = c as Record<string, unknown>;
  if (Array.isArray(o.all) || Array.isArray(o.any)) {
    const k = Array.isArray(o.all) ? "all" : "any";
    out.push(`${indent}${k === "all" ? "all of" : "any of"}:`);
    for (const x of o[k] as Conditions[]) out.push(...conditionLines(x, named, indent + "  ", seen));
  } else if (o.not) {
    out.push(`${indent}none of:`);
    out.push(...conditionLines(o.not as Conditions, named, indent + "  ", seen));
  } else if (typeof o.condition === "string") {
    const ref = named.get(o.condition);
    if (ref && !seen.has(o.condition)) {
      out.push(`${indent}${o.condition} (named condition):`);
      out.push(...conditionLines(ref, named, indent + "  ", new Set([...seen, o.condition])));
    } else out.push(`${indent}${o.condition} (named condition)`);
  } else {
    out.push(`${indent}- ${leafText(o as never)}`);
  }
  return out;
}

/** Every numeric threshold of a rule, with what it compares. */
export function thresholds(rule: Rule, named: ReadonlyMap<string, Conditions>): string[] {
  const out: string[] = [];
  const walk = (c: unknown, seen: Set<string>) => {
    if (!c || typeof c !== "object") return;
    const o = c as Record<string, unknown>;
    for (const k of ["all", "any"]) if (Array.isArray(o[k])) for (const x of o[k] as unknown[]) walk(x, seen);
    if (o.not) walk(o.not, seen);
    if (typeof o.condition === "string" && !seen.has(o.condition)) walk(named.get(o.condition), new Set([...seen, o.condition]));
    if (typeof o.fact === "string" && typeof o.value === "number") out.push(leafText(o as never));
  };
  walk(rule.conditions, new Set());
  return [...new Set(out)];
}

/**
 * The session model, free of ink: findings keyed and ranked, what changed
 * between two diagnoses, steps and answers, and the overview's tallies.
 */

import { AnswerError, normalizeAnswer as engineAnswer, rankFindings } from "../engine/mod.ts";
import type { Finding, Question } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { NONE } from "../model/socket_table.ts";
import { stateId } from "../model/states.ts";

/** Identifies a finding across re-runs of diagnose(): its rule and its first evidence key. */
export function findingKey(f: Finding): string {
  return `${f.rule}|${f.evidence.groups[0]?.key ?? ""}`;
}

/** Findings worst first, in the order `analyze` prints them (the engine's ranking). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return rankFindings([...findings]);
}

/** What one re-run of diagnose() changed for one finding. */
export interface Change {
  kind: "new" | "ruled-out" | "confirmed" | "weakened" | "severity";
  key: string;
  title: string;
  rule: string;
  from?: string;
  to?: string;
}

/** Compares two diagnoses finding by finding. */
export function diffFindings(before: readonly Finding[], after: readonly Finding[]): Change[] {
  const old = new Map(before.map((f) => [findingKey(f), f]));
  const out: Change[] = [];
  for (const f of after) {
    const k = findingKey(f);
    const o = old.get(k);
    old.delete(k);
    const base = { key: k, title: f.title, rule: f.rule };
    if (!o) out.push({ kind: "new", ...base });
    else if (o.severity !== f.severity) {
      out.push({ kind: "severity", ...base, from: `${o.severity} ${pctOf(o.confidence)}`, to: `${f.severity} ${pctOf(f.confidence)}` });
    }
    else if (f.confidence > o.confidence + 1e-9) {
      out.push({ kind: "confirmed", ...base, from: pctOf(o.confidence), to: pctOf(f.confidence) });
    } else if (f.confidence < o.confidence - 1e-9) {
      out.push({ kind: "weakened", ...base, from: pctOf(o.confidence), to: pctOf(f.confidence) });
    }
  }
  for (const [k, o] of old) out.push({ kind: "ruled-out", key: k, title: o.title, rule: o.rule });
  return out;
}

function pctOf(c: number): string {
  return `${Math.round(c * 100)}%`;
}

/** One sentence for a change; `byRule` names the finding by its rule id (short, for the status line). */
export function describeChange(c: Change, byRule = false): string {
  const name = byRule ? c.rule : c.title;
  switch (c.kind) {
    case "new":
      return `new finding: ${name}`;
    case "ruled-out":
      return `ruled out: ${name}`;
    case "confirmed":
      return `confirmed: ${name} (${c.from} -> ${c.to})`;
    case "weakened":
      return `weakened: ${name} (${c.from} -> ${c.to})`;
    case "severity":
      return `${name}: ${c.from} -> ${c.to}`;
  }
}

/** Summarises a list of changes in one line, findings named by rule id. */
export function describeChanges(changes: readonly Change[]): string {
  if (changes.length === 0) return "no finding changed";
  return changes.map((c) => describeChange(c, true)).join("; ");
}

/** The id of a step (a check or a fix of a finding) for the done list. */
export function stepKey(f: Finding, kind: "check" | "fix", index: number): string {
  return `${findingKey(f)}#${kind}${index}`;
}

/** An answer given during the session, with what it changed. */
export interface AnswerRecord {
  question: string;
  text: string;
  answer: string;
  /** The rule that asked. */
  rule: string;
  changes: Change[];
}

/** A probe tcpdoc ran for a check, with its output. */
export interface CheckRun {
  /** The probe and its parameters in one line (`sockets state=CLOSE_WAIT`). */
  probe: string;
  /** The check's step key (see {@link stepKey}). */
  step: string;
  findingTitle: string;
  checkTitle: string;
  status: "running" | "done" | "failed" | "timeout";
  exitCode: number | null;
  output: string;
  truncated: boolean;
  ms: number;
  /** What was read back into the snapshot, in words, when recognised. */
  fed?: string;
  changes?: Change[];
}

/**
 * Normalises an answer typed or picked for a question with the engine's
 * normaliser (the one `--answer` goes through), as the text the session
 * keeps; undefined when the engine would not take it as that kind.
 */
export function normalizeAnswer(q: Question, raw: string): string | undefined {
  let typed: boolean | number | string;
  try {
    typed = engineAnswer(q, raw);
  } catch (e) {
    if (e instanceof AnswerError) return undefined;
    throw e;
  }
  return typeof typed === "boolean" ? (typed ? "yes" : "no") : String(typed);
}

/** A count per key, largest first. */
export interface Tally {
  key: string;
  count: number;
}

/** The overview's top lists. */
export interface TopLists {
  ports: Tally[];
  peers: Tally[];
  processes: Tally[];
}

const WILDCARDS = new Set(["", "*", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);

function top(m: Map<string, number>, n: number): Tally[] {
  return [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, n);
}

/** The ephemeral port range: the snapshot's sysctl, else the widest default (Linux 32768, Windows and BSD 49152). */
function ephemeralLow(snap: Snapshot): number {
  const r = snap.sysctls.get("net.ipv4.ip_local_port_range")?.value;
  const low = r ? Number(String(r).trim().split(/\s+/)[0]) : NaN;
  return Number.isInteger(low) && low > 0 ? low : 32768;
}

/**
 * Counts the socket table's busiest local ports (listeners not counted, nor
 * a client's ephemeral ports that hold one socket each), remote peers and
 * processes.
 */
export function topLists(snap: Snapshot, n = 5): TopLists {
  const t = snap.sockets;
  const v = t.strings;
  const ports = new Map<string, number>();
  // peers by address id (no string made for each), named at the end
  const peerIds = new Map<number, number>();
  const procs = new Map<string, number>();
  const LISTEN = stateId("LISTEN");
  for (let i = 0; i < t.length; i++) {
    if (t.state[i] !== LISTEN && t.localPort[i] !== NONE) {
      const p = String(t.localPort[i]);
      ports.set(p, (ports.get(p) ?? 0) + 1);
    }
    peerIds.set(t.remoteAddr[i], (peerIds.get(t.remoteAddr[i]) ?? 0) + 1);
    const prog = t.program[i] ? v.str(t.program[i]) : "";
    const pid = t.pidOf(i);
    if (prog || pid !== NONE) {
      const k = pid !== NONE ? `${prog || "?"}/${pid}` : prog;
      procs.set(k, (procs.get(k) ?? 0) + 1);
    }
  }
  const peers = new Map<string, number>();
  for (const [id, count] of peerIds) if (!WILDCARDS.has(v.str(id))) peers.set(v.str(id), count);
  const low = ephemeralLow(snap);
  for (const [p, c] of ports) if (c === 1 && Number(p) >= low) ports.delete(p);
  return { ports: top(ports, n), peers: top(peers, n), processes: top(procs, n) };
}

/** A short description of where the data came from. */
export function sourceLine(snap: Snapshot): string {
  if (snap.live) return "live snapshot of this machine";
  const paths = snap.inputs.filter((i) => !i.path.startsWith("check: ")).map((i) => (i.path === "-" ? "stdin" : i.path));
  if (paths.length === 1) {
    const r = snap.inputs[0];
    return `${paths[0]} (${r.format}, ${r.lines} lines${r.unparsed ? `, ${r.unparsed} not understood` : ""})`;
  }
  const dir = (p: string) => p.slice(0, p.lastIndexOf("/") + 1);
  const common = paths.every((p) => dir(p) === dir(paths[0])) ? dir(paths[0]) : "";
  const unparsed = snap.inputs.reduce((n, r) => n + r.unparsed, 0);
  const names = paths.map((p) => p.slice(common.length)).join(", ");
  return `${paths.length} inputs${common ? ` in ${common}` : ""}: ${names}${unparsed ? ` (${unparsed} lines not understood)` : ""}`;
}

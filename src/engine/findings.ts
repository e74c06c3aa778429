/** Findings: a fired rule's evidence, message, checks and fixes, and the one ranking of findings. */

import {
  type Basis,
  type EvidenceGroup,
  type EvidenceSocket,
  type Finding,
  type Question,
  type Severity,
  SEVERITIES,
  severityRank,
} from "../model/finding.ts";
import { NONE } from "../model/socket_table.ts";
import { stateName } from "../model/states.ts";
import { fillCommand } from "../checks/mod.ts";
import type { RuleOutcome } from "./evaluate.ts";
import type { FactContext } from "./facts/context.ts";
import type { GroupEntry } from "./facts/group.ts";
import { factById, type GroupBy } from "./facts/registry.ts";
import { resolvePath } from "./language/paths.ts";
import { fillTemplate } from "./language/template.ts";
import { baseName, type FigureSpec } from "./rule.ts";

/** Default confidence of a finding whose conditions all held. */
export const DEFAULT_CONFIDENCE = 0.8;
/** Confidence factor when some conditions were unknown but the rule fired anyway. */
const SOME_UNKNOWN = 0.9;
/** Confidence factor of a partial finding. */
const PARTIAL = 0.5;

/** Formats a figure for a message ("" for a value the evidence lacks: its sentence is left out). */
export function formatFigure(v: unknown, format: FigureSpec["format"]): string {
  if (v === null || v === undefined) return "";
  if (format === "percent" && typeof v === "number") return `${Math.round(v * 1000) / 10}%`;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function downgrade(s: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(s) - 1)];
}

function endpoint(addr: string, port: number | undefined): string {
  const p = port === undefined ? "*" : String(port);
  return addr.indexOf(":") !== -1 ? `[${addr}]:${p}` : `${addr || "*"}:${p}`;
}

/** Confidence factor of a finding drawn from an excerpt of the socket table: the pattern is there, its size is not known. */
const EXCERPT = 0.85;

/** Which facts read sockets, logs, counters, settings or answers: for a finding's basis. */
const FACT_BASIS: Readonly<Record<string, Basis | "sockets">> = {
  states: "sockets", sockets: "sockets", coverage: "sockets", "state-share": "sockets", group: "sockets", pairs: "sockets",
  listeners: "sockets", ephemeral: "sockets", queues: "sockets", timers: "sockets", orphans: "sockets", "unexpected-listeners": "sockets",
  symptoms: "logs", counters: "counters", "orphan-budget": "counters", sysctls: "settings", answers: "answers",
};

/** What the evidence that made a rule fire is: the facts of its leaves that held. */
function basisOf(o: RuleOutcome, ctx: FactContext): Basis | undefined {
  const held = o.leaves.filter((l) => l.result && !l.unknown);
  const kinds = new Set(held.map((l) => FACT_BASIS[l.fact]).filter(Boolean));
  if (kinds.has("sockets")) {
    const table = ctx.scan.coverage().table;
    return table === "excerpt" ? "excerpt" : table === "counts" ? "counts" : "table";
  }
  for (const k of ["logs", "counters", "settings", "answers"] as const) if (kinds.has(k)) return k;
  return undefined;
}

/** The command of a question for this platform (the first one given when the platform is unknown). */
function questionCommand(commands: Record<string, string> | undefined, platform: string | undefined): string | undefined {
  if (!commands) return undefined;
  if (platform === "bsd") return commands.freebsd ?? commands.macos;
  if (platform && Object.hasOwn(commands, platform)) return commands[platform];
  return platform ? undefined : Object.values(commands)[0];
}

/** Builds the finding for an outcome that fired (or is partial); undefined when it does not. */
export function buildFinding(o: RuleOutcome, ctx: FactContext, answers: Record<string, unknown>): Finding | undefined {
  const rule = o.rule;
  const partial = o.truth === "unknown" && o.support;
  if (o.truth !== "true" && !partial) return undefined;
  const mode = rule.when_unknown ?? "downgrade";
  if (partial && mode === "silent") return undefined;
  const ex = rule.exceptions;
  const missing = [...o.missing];
  // figures
  const figures: Record<string, number | string> = {};
  const texts: Record<string, string> = {};
  const unknownFigures = new Set<string>();
  const emptyFigures = new Set<string>();
  for (const [name, spec] of Object.entries(rule.evidence?.figures ?? {})) {
    const m = ctx.get(spec.fact, spec.params ?? {}, ex, answers);
    const v = spec.path ? resolvePath(m.value, spec.path) : m.value;
    texts[name] = formatFigure(v, spec.format);
    if (v === null || v === undefined || (typeof v === "object")) {
      unknownFigures.add(name);
      continue;
    }
    if (v === 0 || v === false || v === "") emptyFigures.add(name);
    if (typeof v === "number" || typeof v === "string") figures[name] = v;
    else if (typeof v === "boolean") figures[name] = v ? "yes" : "no";
  }
  // `{{#when:NAME}}` sections: the branches that held
  for (const name of Object.keys(rule.branches ?? {})) {
    if (o.held.includes(name)) texts[`when:${name}`] = "yes";
    else unknownFigures.add(`when:${name}`);
  }
  // groups
  const groups: EvidenceGroup[] = [];
  const tops: ({ by?: GroupBy; first?: number })[] = [];
  for (const g of rule.evidence?.groups ?? []) {
    const m = ctx.get(g.fact, g.params ?? {}, ex, answers);
    const v = m.value as { groups?: GroupEntry[] } | null;
    const offered = factById(g.fact)?.groups?.(g.params ?? {});
    if (!v || !v.groups || !offered) {
      tops.push({});
      continue;
    }
    const label = g.label ?? offered.label;
    // Groups of one socket each show no concentration: not evidence.
    if ((v.groups[0]?.count ?? 0) > 1) for (const e of v.groups) groups.push({ by: label, key: e.key, count: e.count });
    tops.push({ by: offered.by, first: v.groups[0]?.first });
  }
  // example sockets
  const sockets: EvidenceSocket[] = [];
  const ss = rule.evidence?.sockets;
  if (ss) {
    const from = ss.from_group !== undefined ? tops[ss.from_group] : undefined;
    const idx = ctx.scan.examples(ss.states, ss.limit ?? 5, ctx.excluded(ex), from?.by, from?.first);
    const t = ctx.t;
    for (const i of idx) {
      const s = t.get(i);
      const e: EvidenceSocket = {
        input: ctx.snap.inputs[s.input]?.path ?? "?",
        line: s.line,
        local: endpoint(s.localAddress, s.localPort),
        remote: endpoint(s.remoteAddress, s.remotePort),
      };
      const st = stateName(t.state[i]);
      if (st) e.state = st;
      if (t.recvQ[i] !== NONE) e.recvQ = t.recvQ[i];
      if (t.sendQ[i] !== NONE) e.sendQ = t.sendQ[i];
      if (s.pid !== undefined) e.pid = s.pid;
      if (s.program) e.program = s.program;
      sockets.push(e);
    }
  }
  let severity = rule.severity;
  let confidence = rule.confidence ?? DEFAULT_CONFIDENCE;
  // the named alternatives that held grade it: the worst severity, the highest confidence
  const graded = o.held.filter((n) => rule.branches && Object.hasOwn(rule.branches, n)).map((n) => rule.branches![n]);
  if (graded.length && !partial) {
    severity = graded.map((b) => b.severity ?? rule.severity).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
    confidence = Math.max(...graded.map((b) => b.confidence ?? rule.confidence ?? DEFAULT_CONFIDENCE));
  }
  const basis = partial ? undefined : basisOf(o, ctx);
  if (basis === "excerpt") confidence *= EXCERPT;
  if (partial) {
    confidence *= PARTIAL;
    if (mode === "downgrade") severity = downgrade(severity);
  } else if (missing.length) confidence *= SOME_UNKNOWN;
  const platform = ctx.scan.platform().family;
  // a question the data answered (one of its settling branches held) is not asked
  const questions: Question[] = (rule.questions ?? []).filter((q) => partial || !q.settled_by?.some((n) => o.held.includes(n))).map((q) => {
    const out: Question = { id: q.id, text: q.text, kind: q.kind };
    if (q.choices) out.choices = [...q.choices];
    const command = questionCommand(q.commands, platform);
    if (command) out.command = fillCommand(command, figures).text;
    const a = Object.hasOwn(answers, q.id) ? answers[q.id] : undefined;
    if (typeof a === "string" || typeof a === "number" || typeof a === "boolean") out.answer = a;
    return out;
  });
  const finding: Finding = {
    rule: rule.id,
    severity,
    confidence: Math.round(confidence * 100) / 100,
    title: rule.title,
    message: fillTemplate((rule.message ?? rule.title).trim(), texts, unknownFigures, emptyFigures),
    evidence: { figures, groups, sockets },
    conditions: o.leaves.map((l) => {
      const c: Finding["conditions"][number] = { fact: l.fact, operator: l.operator, value: l.value, factResult: l.factResult, result: l.result };
      if (l.path) c.path = l.path;
      if (l.params) c.params = l.params;
      if (l.unknown) c.unknown = true;
      return c;
    }),
    missing,
    questions,
    checks: (rule.checks ?? []).map((c) => ({
      title: c.title,
      ...(c.command ? { command: c.command } : {}),
      lookFor: c.look_for,
      readOnly: c.read_only ?? false,
      platforms: c.platforms ?? [],
      ...(c.probe ? { probe: { id: c.probe.id, ...(c.probe.params ? { params: { ...c.probe.params } } : {}) } } : {}),
    })),
    fixes: (rule.fixes ?? []).map((f) => ({ title: f.title, steps: [...f.steps], caveats: [...(f.caveats ?? [])], ...(f.platforms?.length ? { platforms: [...f.platforms] } : {}) })),
    references: [...(rule.references ?? [])],
    tags: [...(rule.tags ?? [])],
    // Built-in rules by their place in the package, the same on every machine.
    source: rule.origin === "built-in" ? `rules/${baseName(rule.source.replace(/\\/g, "/"))}` : rule.source,
  };
  if (partial) finding.partial = true;
  if (basis) finding.basis = basis;
  if (o.held.length) finding.branches = [...o.held];
  return finding;
}

/** How much evidence backs a finding, for ties within a severity and confidence. */
function strength(f: Finding): number {
  let s = 0;
  for (const g of f.evidence.groups) s = Math.max(s, g.count);
  for (const v of Object.values(f.evidence.figures)) if (typeof v === "number" && Number.isInteger(v)) s = Math.max(s, v);
  return s;
}

/**
 * Sorts findings worst first: severity, then confidence, then the size of
 * the evidence, then rule id. The one order of findings: analyze, the
 * session and exports all show findings in it.
 */
export function rankFindings(fs: readonly Finding[]): Finding[] {
  return [...fs].sort((a, b) =>
    severityRank(b.severity) - severityRank(a.severity) ||
    b.confidence - a.confidence ||
    strength(b) - strength(a) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/** Findings: a fired rule's evidence, message, checks and fixes, and their ranking. */

import {
  type EvidenceGroup,
  type EvidenceSocket,
  type Finding,
  type Question,
  type Severity,
  SEVERITIES,
  severityRank,
} from "../model/finding.ts";
import { NONE } from "../model/socket_table.ts";
import type { RuleOutcome } from "./evaluate.ts";
import { type FactContext, GROUP_LABELS, type GroupBy, type GroupEntry, resolvePath, socketState } from "./facts.ts";
import type { FigureSpec, Rule } from "./rule_file.ts";

/** Default confidence of a finding whose conditions all held. */
export const DEFAULT_CONFIDENCE = 0.8;
/** Confidence factor when some conditions were unknown but the rule fired anyway. */
const SOME_UNKNOWN = 0.9;
/** Confidence factor of a partial finding. */
const PARTIAL = 0.5;

const TAG = /\{\{\s*([#/]?)\s*([^{}]*?)\s*\}\}/g;

/** Formats a figure for a message. */
export function formatFigure(v: unknown, format: FigureSpec["format"]): string {
  if (v === null || v === undefined) return "unknown";
  if (format === "percent" && typeof v === "number") return `${Math.round(v * 1000) / 10}%`;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * Fills a message template from `values` (figure name -> text). `{{name}}`
 * is replaced by the value; `{{#name}}...{{/name}}` keeps its text only
 * when `name` is known (not in `unknown`). One linear scan, plain
 * substitution: nothing in the template is evaluated, and a name without a
 * value is left as it is.
 *
 * @example
 * ```ts
 * fillTemplate("{{n}} sockets{{#port}} on port {{port}}{{/port}}", { n: "5" }, new Set(["port"])) === "5 sockets";
 * ```
 */
export function fillTemplate(template: string, values: Record<string, string>, unknown: ReadonlySet<string> = new Set()): string {
  let out = "";
  let last = 0;
  // open sections, innermost last, each with whether its text shows
  const open: { name: string; shown: boolean }[] = [];
  let hiddenDepth = 0;
  for (const m of template.matchAll(TAG)) {
    if (hiddenDepth === 0) out += template.slice(last, m.index);
    last = m.index! + m[0].length;
    const [, sigil, name] = m;
    if (sigil === "#") {
      const shown = !unknown.has(name) && Object.prototype.hasOwnProperty.call(values, name);
      open.push({ name, shown });
      if (!shown) hiddenDepth++;
    } else if (sigil === "/") {
      if (open.length && open[open.length - 1].name === name && !open.pop()!.shown) hiddenDepth--;
    } else if (hiddenDepth === 0) {
      out += Object.prototype.hasOwnProperty.call(values, name) ? values[name] : m[0];
    }
  }
  if (hiddenDepth === 0) out += template.slice(last);
  // a hidden section leaves its surrounding spaces behind
  return out.replace(/[ \t]{2,}/g, " ").replace(/ ([.,;:!?)])/g, "$1");
}

/** Figure names a template uses, in placeholders and sections. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(TAG)].map((m) => m[2]);
}

/** Turns answers given as text (--answer id=yes) into typed values by question kind. */
export function normalizeAnswers(raw: Record<string, unknown>, rules: readonly Rule[]): Record<string, unknown> {
  const kinds = new Map<string, string>();
  for (const r of rules) for (const q of r.questions ?? []) kinds.set(q.id, q.kind);
  const out: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(raw)) {
    const kind = kinds.get(id);
    if (kind === "yes-no" && typeof v === "string") {
      if (/^(y|yes|true|1|on)$/i.test(v.trim())) out[id] = true;
      else if (/^(n|no|false|0|off)$/i.test(v.trim())) out[id] = false;
      else out[id] = v;
    } else if (kind === "number" && typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) {
      out[id] = Number(v);
    } else out[id] = v;
  }
  return out;
}

function downgrade(s: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(s) - 1)];
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
  for (const [name, spec] of Object.entries(rule.evidence?.figures ?? {})) {
    const m = ctx.get(spec.fact, spec.params ?? {}, ex, answers);
    const v = spec.path ? resolvePath(m.value, spec.path) : m.value;
    texts[name] = formatFigure(v, spec.format);
    if (v === null || v === undefined) unknownFigures.add(name);
    if (typeof v === "number" || typeof v === "string") figures[name] = v;
    else if (typeof v === "boolean") figures[name] = v ? "yes" : "no";
    else figures[name] = "unknown";
  }
  // groups
  const groups: EvidenceGroup[] = [];
  const tops: ({ by?: GroupBy; first?: number })[] = [];
  for (const g of rule.evidence?.groups ?? []) {
    const m = ctx.get(g.fact, g.params ?? {}, ex, answers);
    const v = m.value as { groups?: GroupEntry[] } | null;
    const by = g.fact === "ephemeral" ? "source-destination" : (g.params?.by as GroupBy);
    const label = g.label ?? GROUP_LABELS[by] ?? by;
    if (!v || !v.groups) {
      tops.push({});
      continue;
    }
    // Groups of one socket each show no concentration: not evidence.
    if ((v.groups[0]?.count ?? 0) > 1) for (const e of v.groups) groups.push({ by: label, key: e.key, count: e.count });
    tops.push({ by, first: v.groups[0]?.first });
  }
  // example sockets
  const sockets: EvidenceSocket[] = [];
  const ss = rule.evidence?.sockets;
  if (ss) {
    const from = ss.from_group !== undefined ? tops[ss.from_group] : undefined;
    const idx = ctx.examples(ss.states, ss.limit ?? 5, ex, from?.by, from?.first);
    const t = ctx.t;
    for (const i of idx) {
      const s = t.get(i);
      const e: EvidenceSocket = {
        input: ctx.snap.inputs[s.input]?.path ?? "?",
        line: s.line,
        local: endpoint(s.localAddress, s.localPort),
        remote: endpoint(s.remoteAddress, s.remotePort),
      };
      const st = socketState(t, i);
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
  if (partial) {
    confidence *= PARTIAL;
    if (mode === "downgrade") severity = downgrade(severity);
  } else if (missing.length) confidence *= SOME_UNKNOWN;
  const questions: Question[] = (rule.questions ?? []).map((q) => {
    const out: Question = { id: q.id, text: q.text, kind: q.kind };
    if (q.choices) out.choices = [...q.choices];
    const a = answers[q.id];
    if (typeof a === "string" || typeof a === "number" || typeof a === "boolean") out.answer = a;
    return out;
  });
  const finding: Finding = {
    rule: rule.id,
    severity,
    confidence: Math.round(confidence * 100) / 100,
    title: rule.title,
    message: fillTemplate((rule.message ?? rule.title).trim(), texts, unknownFigures),
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
    fixes: (rule.fixes ?? []).map((f) => ({ title: f.title, steps: [...f.steps], caveats: [...(f.caveats ?? [])] })),
    references: [...(rule.references ?? [])],
    tags: [...(rule.tags ?? [])],
    // Built-in rules by their place in the package, the same on every machine.
    source: rule.origin === "built-in" ? `rules/${rule.source.slice(rule.source.replace(/\\/g, "/").lastIndexOf("/") + 1)}` : rule.source,
  };
  if (partial) finding.partial = true;
  return finding;
}

function endpoint(addr: string, port: number | undefined): string {
  const p = port === undefined ? "*" : String(port);
  return addr.indexOf(":") !== -1 ? `[${addr}]:${p}` : `${addr || "*"}:${p}`;
}

/** How much evidence backs a finding, for ties within a severity and confidence. */
function strength(f: Finding): number {
  let s = 0;
  for (const g of f.evidence.groups) s = Math.max(s, g.count);
  for (const v of Object.values(f.evidence.figures)) if (typeof v === "number" && Number.isInteger(v)) s = Math.max(s, v);
  return s;
}

/** Sorts findings worst first: severity, then confidence, then the size of the evidence, then id. */
export function rankFindings(fs: Finding[]): Finding[] {
  return [...fs].sort((a, b) =>
    severityRank(b.severity) - severityRank(a.severity) ||
    b.confidence - a.confidence ||
    strength(b) - strength(a) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/**
 * The fleet report (tcpdoc analyze --fleet) in text, Markdown and JSON:
 * the fleet findings, the connections whose two ends are on two hosts, and
 * one line per host with its counts and findings. Every string from a
 * host's files, labels or names is made inert.
 */

import type { FleetAnalysis, FleetFinding } from "../fleet/evaluate.ts";
import type { HostSummary } from "../fleet/host.ts";
import { severityRank } from "../model/finding.ts";
import { STATES } from "../model/states.ts";
import { inert } from "../text/inert.ts";
import { mdCell, mdCode, mdText } from "../text/markdown.ts";
import { wrapText } from "../text/wrap.ts";
import type { Provenance } from "./analysis.ts";
import { JSON_SCHEMA_VERSION, toJson } from "./json.ts";

export interface FleetTextOptions {
  color: boolean;
  width: number;
}

const STYLE = { critical: "31", warning: "33", info: "36" } as const;

function paint(on: boolean, code: string, s: string): string {
  return on ? `\x1b[${code}m${s}\x1b[0m` : s;
}

/** "ESTABLISHED 12, SYN_SENT 8": the nonzero counts in state order. */
export function stateWords(h: Pick<HostSummary, "states">): string {
  return STATES.filter((s) => h.states[s]).map((s) => `${s} ${h.states[s]}`).join(", ") || "no sockets";
}

function labelWords(h: HostSummary): string {
  return Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(" ");
}

/** The worst severity among a host's findings, or "ok". */
function hostVerdict(h: HostSummary): string {
  if (h.error) return "failed";
  const worst = h.findings.reduce((w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w), "info" as FleetFinding["severity"]);
  return h.findings.length === 0 ? "ok" : worst;
}

/** "2 fleet findings and 18 host findings below warning not shown (--min-severity warning)", or "" when none were left out. */
export function hiddenWords(a: FleetAnalysis, flag = (below: string) => `--min-severity ${below}`): string {
  const h = a.hidden;
  if (!h || h.fleet + h.hosts === 0) return "";
  const n = (k: number, what: string) => `${k} ${what} finding${k === 1 ? "" : "s"}`;
  const parts = [h.fleet ? n(h.fleet, "fleet") : "", h.hosts ? n(h.hosts, "host") : ""].filter(Boolean);
  return `${parts.join(" and ")} below ${h.below} not shown (${flag(h.below)})`;
}

function findingCount(n: number): string {
  return `${n} finding${n === 1 ? "" : "s"}`;
}

/** Counts of hosts by verdict. */
function verdictCounts(a: FleetAnalysis): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of a.hosts) out[hostVerdict(h)] = (out[hostVerdict(h)] ?? 0) + 1;
  return out;
}

export function renderFleetText(a: FleetAnalysis, o: FleetTextOptions): string {
  const w = Math.max(40, o.width);
  const out: string[] = [];
  const failed = a.hosts.filter((h) => h.error).length;
  const v = verdictCounts(a);
  out.push(paint(o.color, "1", inert(`Fleet ${a.from}: ${a.hosts.length} hosts`)) + (failed ? `, ${failed} not analysed` : ""));
  out.push(`  hosts by their worst finding${a.hidden ? ` shown` : ""}: ${["critical", "warning", "info", "ok", "failed"].filter((k) => v[k]).map((k) => `${k} ${v[k]}`).join(", ")}`);
  const hidden = hiddenWords(a);
  if (hidden) out.push(...wrapText(hidden, w, "  "));
  out.push("");
  out.push(paint(o.color, "1", a.findings.length ? `Fleet findings (${a.findings.length})` : a.hidden ? `Fleet findings: none at ${a.hidden.below} or worse` : "Fleet findings: none"));
  for (const f of a.findings) {
    const sev = f.severity.toUpperCase().padEnd(9);
    const head = wrapText(inert(`${f.title} [${f.rule}]`), w, sev);
    head[0] = paint(o.color, STYLE[f.severity], sev) + head[0].slice(sev.length);
    out.push("", ...head, ...wrapText(inert(f.message), w, "         "));
    if (f.hosts.length) out.push(...wrapText(inert(`hosts: ${f.hosts.join(", ")}`), w, "         "));
    out.push(`         confidence ${f.confidence}`);
    for (const x of f.fixes) out.push(...wrapText(inert(x), w, "         - ", "           "));
  }
  if (a.pairs.length) {
    out.push("", paint(o.color, "1", "Connections seen from both ends (FIN_WAIT_2 -> CLOSE_WAIT)"));
    for (const p of a.pairs) {
      out.push(...wrapText(inert(`${p.count} x ${p.waiting_host} (FIN_WAIT_2) -> ${p.closer_host} ${p.service} (CLOSE_WAIT, held by ${p.process})`), w, "  "));
      const e = p.examples[0];
      if (e) out.push(...wrapText(inert(`e.g. ${e.waiting.local} on ${e.waiting.host} <-> ${e.closer.local} on ${e.closer.host}`), w, "    "));
    }
  }
  out.push("", paint(o.color, "1", "Hosts"));
  const nameWidth = Math.min(24, Math.max(4, ...a.hosts.map((h) => h.host.length)));
  for (const h of a.hosts) {
    const verdict = hostVerdict(h);
    const style = verdict === "critical" || verdict === "warning" || verdict === "info" ? STYLE[verdict] : "2";
    const head = `  ${inert(h.host).padEnd(nameWidth)} ${paint(o.color, style, verdict.padEnd(8))}`;
    out.push(head + inert(h.error ? ` ${h.error}` : ` ${h.sockets} sockets: ${stateWords(h)}`));
    const labels = labelWords(h);
    if (labels) out.push(...wrapText(inert(labels), w, " ".repeat(nameWidth + 12)));
    for (const f of h.findings) out.push(...wrapText(inert(`${f.severity}: ${f.title} [${f.rule}]`), w, " ".repeat(nameWidth + 12), " ".repeat(nameWidth + 14)));
    for (const k of h.skipped ?? []) out.push(...wrapText(inert(`not read: ${k.file}: ${k.reason}`), w, " ".repeat(nameWidth + 12), " ".repeat(nameWidth + 14)));
    if (h.hidden) out.push(" ".repeat(nameWidth + 12) + paint(o.color, "2", `${findingCount(h.hidden)} below ${a.hidden?.below} not shown`));
  }
  if (a.skipped?.length) {
    out.push("", paint(o.color, "1", "Files of no host"));
    for (const k of a.skipped) out.push(...wrapText(inert(`${k.file}: ${k.reason}`), w, "  ", "    "));
  }
  out.push("", ...wrapText("Per host: tcpdoc analyze HOST-FILES...; fleet rules: rules/fleet/*.yaml and the fleet/ directory of each rules directory", w));
  return out.join("\n") + "\n";
}

export function renderFleetMarkdown(a: FleetAnalysis): string {
  const out: string[] = [];
  out.push(`# tcpdoc fleet report: ${mdText(inert(a.from))}`, "");
  out.push(`${a.hosts.length} hosts; ${a.findings.length} fleet finding${a.findings.length === 1 ? "" : "s"}.`, "");
  const hidden = hiddenWords(a, (below) => `\`--min-severity ${below}\``);
  if (hidden) out.push(`${hidden}.`, "");
  out.push("## Fleet findings", "");
  if (a.findings.length === 0) out.push(a.hidden ? `None at ${a.hidden.below} or worse.` : "None.", "");
  for (const f of a.findings) {
    out.push(`### ${f.severity.toUpperCase()}: ${mdText(inert(f.title))} (${mdCode(f.rule)})`, "");
    out.push(mdText(inert(f.message)), "");
    if (f.hosts.length) out.push(`Hosts: ${f.hosts.map((h) => mdCode(inert(h))).join(", ")}`, "");
    out.push(`Confidence ${f.confidence}.`, "");
    for (const x of f.fixes) out.push(`- ${mdText(inert(x))}`);
    if (f.fixes.length) out.push("");
  }
  if (a.pairs.length) {
    out.push("## Connections seen from both ends", "");
    out.push("| connections | FIN_WAIT_2 on | CLOSE_WAIT on | service | process that does not close |", "|---|---|---|---|---|");
    for (const p of a.pairs) out.push(`| ${p.count} | ${mdCell(mdCode(inert(p.waiting_host)))} | ${mdCell(mdCode(inert(p.closer_host)))} | ${mdCell(mdCode(inert(p.service)))} | ${mdCell(mdText(inert(p.process)))} |`);
    out.push("");
  }
  out.push("## Hosts", "", "| host | labels | worst | sockets | states | findings |", "|---|---|---|---|---|---|");
  for (const h of a.hosts) {
    const below = h.hidden ? `${findingCount(h.hidden)} below ${a.hidden?.below} not shown` : "";
    const findings = h.error ? mdText(inert(h.error)) : [h.findings.map((f) => mdCode(f.rule)).join(", ") || "none", below].filter(Boolean).join("; ");
    out.push(`| ${mdCell(mdCode(inert(h.host)))} | ${mdCell(mdText(inert(labelWords(h))))} | ${hostVerdict(h)} | ${h.sockets} | ${mdCell(stateWords(h))} | ${mdCell(findings)} |`);
  }
  const skipped = [...(a.skipped ?? []).map((k) => ({ host: undefined, ...k })), ...a.hosts.flatMap((h) => (h.skipped ?? []).map((k) => ({ host: h.host, ...k })))];
  if (skipped.length) {
    out.push("", "## Files not read", "");
    for (const k of skipped) out.push(`- ${mdCode(inert(k.file))} (${k.host === undefined ? "no host" : `host ${mdCode(inert(k.host))}`}): ${mdText(inert(k.reason))}`);
  }
  return out.join("\n") + "\n";
}

export function renderFleetJson(a: FleetAnalysis, provenance: Provenance): string {
  return toJson({
    version: JSON_SCHEMA_VERSION,
    kind: "fleet",
    provenance,
    from: a.from,
    summary: { hosts: a.hosts.length, failed: a.hosts.filter((h) => h.error).length, byWorstFinding: verdictCounts(a) },
    ...(a.hidden ? { hidden: a.hidden } : {}),
    findings: a.findings,
    pairs: a.pairs,
    ...(a.skipped ? { skipped: a.skipped } : {}),
    hosts: a.hosts.map((h) => ({
      host: h.host,
      labels: h.labels,
      inputs: h.inputs,
      ...(h.capturedAt ? { capturedAt: h.capturedAt } : {}),
      ...(h.error ? { error: h.error } : {}),
      ...(h.skipped ? { skipped: h.skipped } : {}),
      sockets: h.sockets,
      states: h.states,
      findings: h.findings.map((f) => ({ rule: f.rule, severity: f.severity, confidence: f.confidence, title: f.title, message: f.message, ...(f.partial ? { partial: true } : {}) })),
      ...(h.hidden ? { hidden: h.hidden } : {}),
    })),
  });
}

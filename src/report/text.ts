/** The plain-text report for terminals and logs. */

import { type Finding, severityRank } from "../model/finding.ts";
import { STATES } from "../model/states.ts";
import { wrapParagraphs, wrapText } from "../text/wrap.ts";
import type { Analysis } from "./analysis.ts";

export interface TextOptions {
  color: boolean;
  /** Terminal width to fit. */
  width: number;
}

const SGR = { bold: "1", dim: "2", red: "31", yellow: "33", cyan: "36", green: "32" } as const;

function paint(on: boolean, style: keyof typeof SGR, s: string): string {
  return on ? `\x1b[${SGR[style]}m${s}\x1b[0m` : s;
}

const SEVERITY_STYLE = { critical: "red", warning: "yellow", info: "cyan" } as const;

/** One line per input: what it was and what was read from it. */
export function inputLines(a: Analysis): string[] {
  return a.inputs.map((r) => {
    const parts = [`${r.lines} lines`, `${r.sockets} sockets`];
    if (r.kinds.counter) parts.push(`${r.kinds.counter} counters`);
    if (r.kinds.sysctl) parts.push(`${r.kinds.sysctl} sysctls`);
    if (r.kinds.symptom) parts.push(`${r.kinds.symptom} error lines`);
    if (r.unparsed) parts.push(`${r.unparsed} not understood`);
    return `${r.path} (${r.format}): ${parts.join(", ")}`;
  });
}

/** A bar chart of the state counts. */
export function stateBars(a: Analysis, width: number): string[] {
  const rows = STATES.map((s) => [s, a.summary.states[s] ?? 0] as const).filter(([, n]) => n > 0);
  if (a.summary.stateUnknown) rows.push(["(state not in dump)" as never, a.summary.stateUnknown]);
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const numWidth = String(max).length;
  const barWidth = Math.max(10, Math.min(40, width - 14 - numWidth - 4));
  return rows.map(([s, n]) => {
    const len = Math.max(1, Math.round((n / max) * barWidth));
    return `  ${String(s).padEnd(12)} ${String(n).padStart(numWidth)} ${"█".repeat(len)}`;
  });
}

function findingLines(f: Finding, o: TextOptions): string[] {
  const sev = f.severity.toUpperCase().padEnd(9);
  const head = wrapText(`${f.title} [${f.rule}]${f.partial ? " (partial evidence)" : ""}`, o.width, sev);
  head[0] = paint(o.color, SEVERITY_STYLE[f.severity], sev) + paint(o.color, "bold", head[0].slice(sev.length));
  const out = [...head, ...wrapParagraphs(f.message, o.width, "    ")];
  for (const g of f.evidence.groups.slice(0, 3)) out.push(...wrapText(`${g.by} ${g.key}: ${g.count}`, o.width, "    - ", "      "));
  if (f.missing.length) out.push(...wrapText(`(could not tell: ${f.missing.join(", ")})`, o.width, "    "));
  const check = f.checks[0];
  if (check?.command) out.push(...wrapText(check.command, o.width, "    check: "));
  if (f.fixes[0]) out.push(...wrapText(f.fixes[0].title, o.width, "    fix:   "));
  return out;
}

/** Renders the analysis as text that fits `width` columns. */
export function renderText(a: Analysis, o: TextOptions): string {
  const out: string[] = [];
  const title = a.live ? "tcpdoc: live snapshot of this machine" : a.inputs.length === 1 ? `tcpdoc: analysis of ${a.inputs[0].path}` : `tcpdoc: analysis of ${a.inputs.length} inputs`;
  out.push(...wrapText(title, o.width).map((l) => paint(o.color, "bold", l)));
  for (const l of inputLines(a)) out.push(...wrapText(l, o.width, "  ", "      "));
  out.push("", paint(o.color, "bold", `TCP sockets: ${a.summary.sockets}`));
  out.push(...stateBars(a, o.width));
  const unparsed = a.inputs.filter((r) => r.unparsed > 0);
  if (unparsed.length) {
    out.push("", paint(o.color, "yellow", "Lines not understood (shown so nothing is hidden):"));
    for (const r of unparsed) {
      for (const u of r.unparsedLines.slice(0, 5)) out.push(`  ${r.path}:${u.line}: ${u.text}`.slice(0, o.width));
      if (r.unparsed > 5) out.push(...wrapText(`... ${r.unparsed - 5} more in ${r.path} (--json lists up to ${r.unparsedLines.length})`, o.width, "  "));
    }
  }
  out.push("");
  if (a.findings.length === 0) {
    out.push(paint(o.color, "green", "No findings: nothing in this snapshot matches a known problem."));
  } else {
    const sorted = [...a.findings].sort((x, y) => severityRank(y.severity) - severityRank(x.severity));
    out.push(paint(o.color, "bold", `Findings (${sorted.length}):`));
    for (const f of sorted) out.push(...findingLines(f, o), "");
    out.push(...wrapText("Run 'tcpdoc explain RULE-ID' for the full rule, or 'tcpdoc FILE...' in a terminal for a guided session.", o.width));
  }
  return out.join("\n") + "\n";
}

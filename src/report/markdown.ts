/** The Markdown report: for tickets and chat. */

import { severityRank } from "../model/finding.ts";
import { STATES } from "../model/states.ts";
import type { Analysis } from "./analysis.ts";

function cell(s: string | number): string {
  return String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Renders the analysis as Markdown. */
export function renderMarkdown(a: Analysis): string {
  const out: string[] = ["# tcpdoc report", ""];
  out.push("## Inputs", "", "| input | format | lines | TCP sockets | not understood |", "|---|---|---:|---:|---:|");
  for (const r of a.inputs) out.push(`| ${cell(r.path)} | ${r.format} | ${r.lines} | ${r.sockets} | ${r.unparsed} |`);
  out.push("", `## TCP states (${a.summary.sockets} sockets)`, "", "| state | sockets |", "|---|---:|");
  for (const s of STATES) if (a.summary.states[s]) out.push(`| ${s} | ${a.summary.states[s]} |`);
  if (a.summary.stateUnknown) out.push(`| (not in dump) | ${a.summary.stateUnknown} |`);
  out.push("", "## Findings", "");
  if (a.findings.length === 0) out.push("No findings.");
  const sorted = [...a.findings].sort((x, y) => severityRank(y.severity) - severityRank(x.severity));
  for (const f of sorted) {
    out.push(`### ${f.severity.toUpperCase()}: ${f.title} (\`${f.rule}\`)`, "", f.message, "");
    out.push(`Confidence ${Math.round(f.confidence * 100)}%${f.partial ? " (partial: some conditions could not be evaluated)" : ""}.`, "");
    if (f.missing.length) out.push(`Could not tell: ${f.missing.map(cell).join("; ")}.`, "");
    const open = f.questions.filter((q) => q.answer === undefined);
    if (open.length) out.push(`Open questions: ${open.map((q) => `${cell(q.text)} (\`--answer ${q.id}=...\`)`).join("; ")}`, "");
    if (f.evidence.groups.length) {
      out.push("| group | key | sockets |", "|---|---|---:|");
      for (const g of f.evidence.groups) out.push(`| ${cell(g.by)} | ${cell(g.key)} | ${g.count} |`);
      out.push("");
    }
    if (f.checks.length) {
      out.push("**Checks**", "");
      for (const c of f.checks) out.push(`- ${c.title}${c.command ? `: \`${c.command}\`` : ""}. ${c.lookFor}`);
      out.push("");
    }
    if (f.fixes.length) {
      out.push("**Fixes**", "");
      for (const x of f.fixes) {
        out.push(`- ${x.title}`);
        for (const s of x.steps) out.push(`  - ${s}`);
        for (const c of x.caveats) out.push(`  - Caveat: ${c}`);
      }
      out.push("");
    }
    if (f.references.length) out.push("References: " + f.references.join(", "), "");
  }
  const unparsed = a.inputs.filter((r) => r.unparsed);
  if (unparsed.length) {
    out.push("## Lines not understood", "");
    for (const r of unparsed) for (const u of r.unparsedLines) out.push(`- \`${cell(r.path)}:${u.line}\`: \`${cell(u.text)}\``);
  }
  return out.join("\n") + "\n";
}

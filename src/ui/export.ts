/**
 * The session as Markdown for a ticket: the report, then answers, steps and
 * the probes run. Text from outside (rule text, answers, probe output) is
 * made inert and escaped so it stays text: no HTML, links or images.
 */

import type { SeriesDigest } from "../engine/mod.ts";
import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { type Provenance, summarize } from "../report/analysis.ts";
import { renderMarkdown } from "../report/markdown.ts";
import { inert, inertLines } from "../text/inert.ts";
import { fillCommand } from "../checks/mod.ts";
import { type AnswerRecord, type CheckRun, describeChange, findingKey, sortFindings, stepKey } from "./session.ts";

/** Everything the export needs from a session. */
export interface SessionRecord {
  snap: Snapshot;
  findings: Finding[];
  /** Findings an answer or a fed-back fact ruled out, by key. */
  ruledOut: Finding[];
  answers: AnswerRecord[];
  /** Question id to answer, as passed to diagnose(). */
  answerMap: Record<string, string>;
  done: ReadonlySet<string>;
  runs: CheckRun[];
}

/** Markdown text that renders as the text: inert, every Markdown and HTML character escaped. */
export function mdText(s: string): string {
  return inert(s.replace(/\r?\n/g, " ")).replace(/[\\`*_{}[\]<>()#+!|~&]/g, (c) => `\\${c}`);
}

/** A code span that holds `s` verbatim: fenced with more backticks than any run inside. */
export function mdCode(s: string): string {
  const t = inert(s.replace(/\r?\n/g, " "));
  const fence = "`".repeat(Math.max(0, ...[...t.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = t.startsWith("`") || t.endsWith("`") || t.startsWith(" ") ? " " : "";
  return `${fence}${pad}${t}${pad}${fence}`;
}

const cell = mdText;

const OUTPUT_LINES = 60;

/** Renders the session as Markdown; with `provenance`, it says the capture's host and time, the tcpdoc version and the command line, as reports do; with `series` (watch), the series section. */
export function renderSessionMarkdown(s: SessionRecord, now = new Date(), provenance?: Provenance, series?: SeriesDigest): string {
  const findings = sortFindings(s.findings);
  const base = renderMarkdown({ inputs: s.snap.inputs, summary: summarize(s.snap), findings, live: s.snap.live, provenance, series })
    .replace(/^# tcpdoc report/, "# tcpdoc session");
  const out: string[] = [base.trimEnd(), "", "## Session", ""];
  out.push(`- Exported: ${now.toISOString()}`);
  out.push(`- Data: ${s.snap.live ? "live snapshot of this machine" : "saved dumps"}`);
  out.push("");
  out.push("### Answers", "");
  const answered = Object.entries(s.answerMap);
  if (answered.length === 0) out.push("No question was answered.");
  else {
    out.push("| question | answer | asked by | effect |", "|---|---|---|---|");
    for (const [id, ans] of answered) {
      const rec = [...s.answers].reverse().find((a) => a.question === id);
      const effect = rec ? (rec.changes.length ? rec.changes.map((c) => describeChange(c)).join("; ") : "no change") : "given up front";
      out.push(`| ${cell(rec?.text ?? id)} (${mdCode(id)}) | ${cell(ans)} | ${rec ? mdCode(rec.rule) : ""} | ${cell(effect)} |`);
    }
  }
  out.push("", "### Steps", "");
  if (findings.length === 0) out.push("No findings, so no steps.");
  for (const f of findings) {
    if (!f.checks.length && !f.fixes.length) continue;
    out.push(`**${mdText(f.title)}** (${mdCode(f.rule)})`, "");
    f.checks.forEach((c, i) => {
      const done = s.done.has(stepKey(f, "check", i)) ? "x" : " ";
      const cmd = c.command ? ` (${mdCode(fillCommand(c.command, f.evidence.figures).text)})` : "";
      out.push(`- [${done}] Check: ${mdText(c.title)}${cmd}`);
    });
    f.fixes.forEach((x, i) => {
      const done = s.done.has(stepKey(f, "fix", i)) ? "x" : " ";
      out.push(`- [${done}] Fix: ${mdText(x.title)}`);
    });
    out.push("");
  }
  if (s.ruledOut.length) {
    out.push("### Ruled out during the session", "");
    const live = new Set(findings.map(findingKey));
    for (const f of s.ruledOut) if (!live.has(findingKey(f))) out.push(`- ${mdText(f.title)} (${mdCode(f.rule)})`);
    out.push("");
  }
  if (s.runs.length) {
    out.push("### Probes run", "");
    for (const r of s.runs) {
      const lines = inertLines(r.output.replace(/\n$/, ""));
      out.push(`#### ${mdCode(r.probe)}`, "");
      out.push(`For "${mdText(r.checkTitle)}" (${mdText(r.findingTitle)}): ${r.status}${r.exitCode !== null ? `, exit code ${r.exitCode}` : ""}, ${r.ms} ms${r.truncated ? ", output cut at the cap" : ""}.${r.fed ? ` ${mdText(r.fed)}.` : ""}`, "");
      // A fence longer than any run of backticks in the output.
      const fence = "`".repeat(Math.max(3, ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length + 1))));
      out.push(`${fence}text`, ...lines.slice(0, OUTPUT_LINES), ...(lines.length > OUTPUT_LINES ? [`... ${lines.length - OUTPUT_LINES} more lines`] : []), fence, "");
    }
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/** A file name for an export: tcpdoc-session-YYYYMMDD-HHMMSS.md (the edge puts it in a directory). */
export function defaultExportName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `tcpdoc-session-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.md`;
}

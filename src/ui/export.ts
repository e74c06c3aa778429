/** The session as Markdown for a ticket: the report, then answers, steps and commands run. */

import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { summarize } from "../report/analysis.ts";
import { renderMarkdown } from "../report/markdown.ts";
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

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

const OUTPUT_LINES = 60;

/** Renders the session as Markdown. */
export function renderSessionMarkdown(s: SessionRecord, now = new Date()): string {
  const findings = sortFindings(s.findings);
  const base = renderMarkdown({ inputs: s.snap.inputs, summary: summarize(s.snap), findings, live: s.snap.live })
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
      out.push(`| ${cell(rec?.text ?? id)} (\`${id}\`) | ${cell(ans)} | ${rec ? `\`${rec.rule}\`` : ""} | ${cell(effect)} |`);
    }
  }
  out.push("", "### Steps", "");
  if (findings.length === 0) out.push("No findings, so no steps.");
  for (const f of findings) {
    if (!f.checks.length && !f.fixes.length) continue;
    out.push(`**${f.title}** (\`${f.rule}\`)`, "");
    f.checks.forEach((c, i) => {
      const done = s.done.has(stepKey(f, "check", i)) ? "x" : " ";
      out.push(`- [${done}] Check: ${c.title}${c.command ? ` (\`${c.command}\`)` : ""}`);
    });
    f.fixes.forEach((x, i) => {
      const done = s.done.has(stepKey(f, "fix", i)) ? "x" : " ";
      out.push(`- [${done}] Fix: ${x.title}`);
    });
    out.push("");
  }
  if (s.ruledOut.length) {
    out.push("### Ruled out during the session", "");
    const live = new Set(findings.map(findingKey));
    for (const f of s.ruledOut) if (!live.has(findingKey(f))) out.push(`- ${f.title} (\`${f.rule}\`)`);
    out.push("");
  }
  if (s.runs.length) {
    out.push("### Commands run", "");
    for (const r of s.runs) {
      const lines = r.output.replace(/\n$/, "").split("\n");
      out.push(`#### \`${r.command}\``, "");
      out.push(`For "${r.checkTitle}" (${r.findingTitle}): ${r.status}, exit code ${r.exitCode ?? "none"}, ${r.ms} ms${r.truncated ? ", output cut at the cap" : ""}.${r.fed ? ` ${r.fed}.` : ""}`, "");
      // A fence longer than any run of backticks in the output.
      const fence = "`".repeat(Math.max(3, ...[...r.output.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      out.push(`${fence}text`, ...lines.slice(0, OUTPUT_LINES), ...(lines.length > OUTPUT_LINES ? [`... ${lines.length - OUTPUT_LINES} more lines`] : []), fence, "");
    }
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/** A file name for an export: tcpdoc-session-YYYYMMDD-HHMMSS.md. */
export function defaultExportName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `tcpdoc-session-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.md`;
}

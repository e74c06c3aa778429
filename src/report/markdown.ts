/**
 * The Markdown report: for tickets and chat. Text from inputs and rules is
 * literal Markdown (src/text/markdown.ts): no HTML, image or link from a
 * dump or a stranger's rule reaches the ticket.
 */

import { fillCommand } from "../checks/mod.ts";
import { severityRank } from "../model/finding.ts";
import { STATES } from "../model/states.ts";
import { mdCell, mdCode, mdText } from "../text/markdown.ts";
import type { SeriesDigest } from "../engine/mod.ts";
import { type Analysis, capturedWords, commandLine, foldedFindings, inputName, shownOn } from "./analysis.ts";
import { duration, perMinute, shortTime } from "./text.ts";

/** Most moments listed one by one (the latest). */
const POINTS_SHOWN = 60;

/** The series as Markdown: the states' course, the counters that move, the limits, the counts per moment. */
export function seriesMarkdown(d: SeriesDigest): string[] {
  const out = ["## Over time", "", `${d.moments} snapshots from ${mdText(shortTime(d.from))} to ${mdText(shortTime(d.to, d.from))} (${duration(d.seconds)}${d.interval ? `, every ${duration(d.interval)}` : ""}), from ${d.inputs.map((i) => `${mdCode(inputName(i.path))} (${i.moments})`).join(", ")}.`];
  if (d.timeless.length) out.push("", `Read with the last snapshot (they say no time of their own): ${d.timeless.map((p) => mdCode(inputName(p))).join(", ")}.`);
  for (const n of d.notes) out.push("", `Note: ${mdText(n)}`);
  if (d.states.length) out.push("", "| state | first | now | min | max | per minute | course | the sockets |", "|---|---:|---:|---:|---:|---:|---|---|");
  for (const x of d.states) {
    const p = x.persistence;
    const who = !p ? "" : p.rotating ? `rotate: ${p.left} left, ${p.joined} came (oldest ${duration(p.oldest)})` : p.same ? `stay (oldest ${duration(p.oldest)})` : `${p.stayed} stayed, ${p.left} left, ${p.joined} came`;
    out.push(`| ${x.state} | ${x.first} | ${x.last} | ${x.min} | ${x.max} | ${perMinute(x.perMinute)} | ${x.course} | ${who} |`);
  }
  const moving = d.counters.filter((c) => c.rising || (c.flat && c.now));
  if (moving.length) {
    out.push("", "| counter | per second | increase | over | |", "|---|---:|---:|---:|---|");
    for (const c of moving) out.push(`| ${mdCode(c.name)} | ${c.perSecond ?? ""} | ${c.delta ?? ""} | ${duration(c.seconds)} | ${c.rising ? "rising" : `standing still at ${c.now}: an old total`}${c.resets ? `, ${c.resets} reset${c.resets === 1 ? "" : "s"}` : ""} |`);
  }
  if (d.limits.length) {
    out.push("", "| limit | now | of | runs out |", "|---|---:|---:|---|");
    for (const l of d.limits) {
      const when = l.exhausted ? `used up${l.at ? ` at ${mdText(shortTime(l.at, d.from))}` : ""}` : `in about ${duration(l.seconds!)}${l.at ? ` (${mdText(shortTime(l.at, d.from))})` : ""}, ${perMinute(l.perMinute ?? 0)}`;
      out.push(`| ${mdCell(mdText(`${l.what}${l.key ? ` ${l.key}` : ""}`))} | ${l.now} | ${l.limit} | ${when} |`);
    }
  }
  if (d.points.length === 0) return [...out, ""];
  const shown = d.points.slice(-POINTS_SHOWN);
  const cols = d.states.map((x) => x.state);
  out.push("", `| time | sockets | ${cols.join(" | ")} |`, `|---|---:|${cols.map(() => "---:").join("|")}|`);
  if (shown.length < d.points.length) out.push(`| (${d.points.length - shown.length} earlier) | | ${cols.map(() => "").join(" | ")} |`);
  for (const p of shown) out.push(`| ${mdText(shortTime(p.at, d.from))} | ${p.sockets} | ${cols.map((c) => p.states[c] ?? 0).join(" | ")} |`);
  return [...out, ""];
}

/** Renders the analysis as Markdown. */
export function renderMarkdown(a: Analysis): string {
  const out: string[] = ["# tcpdoc report", ""];
  const p = a.provenance;
  if (p) {
    const captured = capturedWords({ host: p.host, time: p.capturedAt });
    if (captured) out.push(`- Captured ${mdText(captured)}`);
    out.push(`- Report by tcpdoc ${mdText(p.tool.version)}: ${mdCode(commandLine(p.command))}`, "");
  }
  out.push("## Inputs", "", "| input | format | lines | TCP sockets | not understood |", "|---|---|---:|---:|---:|");
  for (const r of a.inputs) out.push(`| ${mdCell(mdCode(inputName(r.path)))} | ${mdCell(mdText(r.format))} | ${r.lines} | ${r.sockets} | ${r.unparsed} |`);
  for (const r of a.inputs) {
    const c = r.capture;
    if (!c) continue;
    const captured = capturedWords({ host: c.host, time: c.time });
    const system = [c.platform, c.kernel].filter(Boolean).join(" ");
    out.push("", `${mdCode(inputName(r.path))} is a tcpdoc snapshot${captured ? ` taken ${mdText(captured)}` : ""}${system ? ` (${mdText(system)})` : ""}${c.tcpdoc ? ` by tcpdoc ${mdText(c.tcpdoc)}` : ""}.`);
  }
  out.push("", `## TCP states (${a.summary.sockets} sockets)`, "", "| state | sockets |", "|---|---:|");
  for (const s of STATES) if (a.summary.states[s]) out.push(`| ${s} | ${a.summary.states[s]} |`);
  if (a.summary.stateUnknown) out.push(`| (not in dump) | ${a.summary.stateUnknown} |`);
  if (a.series) out.push("", ...seriesMarkdown(a.series));
  out.push("", "## Findings", "");
  if (a.error) {
    const e = a.error;
    out.push(`**The error you see:** ${mdText(e.text)}. ${mdText(e.means)}`, "");
    if (e.explainedBy.length) out.push(`Explained by: ${e.explainedBy.map((r) => mdCode(r)).join(", ")}.`, "");
    else {
      out.push("No finding explains it from these inputs. Collect this evidence and run tcpdoc on it:", "");
      for (const c of e.collect) out.push(`- ${mdCode(c.command)}: ${mdText(c.why)}`);
      out.push("");
    }
  }
  const hidden = a.hidden && a.hidden.count > 0 ? a.hidden : undefined;
  if (hidden) out.push(`${hidden.count} finding${hidden.count === 1 ? "" : "s"} below ${hidden.below} not shown (\`--min-severity ${hidden.below}\`).`, "");
  if (a.findings.length === 0) out.push(hidden ? `No findings at ${hidden.below} or worse.` : "No findings.");
  const lead = a.findings.filter((f) => a.error && f.explainsError?.error === a.error.kind);
  const sorted = [...lead, ...a.findings.filter((f) => !lead.includes(f)).sort((x, y) => severityRank(y.severity) - severityRank(x.severity))];
  for (const { finding: f, depth } of foldedFindings(sorted)) {
    out.push(`${depth ? "####" : "###"} ${f.severity.toUpperCase()}: ${mdText(f.title)} (${mdCode(f.rule)})`, "");
    if (f.explainedBy) out.push(`*Explained by ${mdCode(f.explainedBy.rule)} (${f.explainedBy.role}): ${mdText(f.explainedBy.how)}*`, "");
    if (f.explainsError) out.push(`Explains ${mdCode(f.explainsError.error)}: ${mdText(f.explainsError.how)}`, "");
    for (const para of f.message.split("\n")) out.push(mdText(para, true), "");
    const basis = f.basis === "excerpt" ? " (seen in an excerpt of the socket table)" : f.basis === "counts" ? " (from counts without socket rows)" : "";
    out.push(`Confidence ${Math.round(f.confidence * 100)}%${f.partial ? " (partial: some conditions could not be evaluated)" : ""}${basis}.`, "");
    if (f.missing.length) out.push(`Could not tell: ${f.missing.map((m) => mdText(m)).join("; ")}.`, "");
    const open = f.questions.filter((q) => q.answer === undefined);
    if (open.length) out.push(`Open questions: ${open.map((q) => `${mdText(q.text)} (${mdCode(`--answer ${q.id}=...`)}${q.command ? `; run ${mdCode(q.command)}` : ""})`).join("; ")}`, "");
    if (f.evidence.groups.length) {
      out.push("| group | key | sockets |", "|---|---|---:|");
      for (const g of f.evidence.groups) out.push(`| ${mdCell(mdText(g.by))} | ${mdCell(mdCode(g.key))} | ${g.count} |`);
      out.push("");
    }
    const checks = f.checks.filter((c) => shownOn(c.platforms, a.platform));
    if (checks.length) {
      out.push("**Checks**", "");
      for (const c of checks) out.push(`- ${mdText(c.title, true)}${c.command ? `: ${mdCode(fillCommand(c.command, f.evidence.figures).text)}` : ""}. ${mdText(c.lookFor)}`);
      out.push("");
    }
    const fixes = f.fixes.filter((x) => shownOn(x.platforms, a.platform));
    if (fixes.length) {
      out.push("**Fixes**", "");
      for (const x of fixes) {
        out.push(`- ${mdText(x.title, true)}`);
        for (const s of x.steps) out.push(`  - ${mdText(s, true)}`);
        for (const c of x.caveats) out.push(`  - Caveat: ${mdText(c)}`);
      }
      out.push("");
    }
    // References are shown as text, not made links: a stranger's rule decides what they say.
    if (f.references.length) out.push("References: " + f.references.map((r) => mdText(r)).join(", "), "");
  }
  if (a.nearMisses?.length) {
    out.push("## Near misses", "", "Rules that did not fire though some of their conditions held:", "");
    for (const m of a.nearMisses) out.push(`- ${mdCode(m.rule)}: blocked by ${m.blockedBy.map((b) => mdText(b)).join("; ")}`);
    out.push("");
  }
  const unparsed = a.inputs.filter((r) => r.unparsed);
  if (unparsed.length) {
    out.push("## Lines not understood", "");
    for (const r of unparsed) for (const u of r.unparsedLines) out.push(`- ${mdCode(`${inputName(r.path)}:${u.line}`)}: ${mdCode(u.text)}`);
  }
  return out.join("\n") + "\n";
}

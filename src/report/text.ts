/** The plain-text report for terminals and logs. Every string from an input, a rule or a file name is made inert. */

import type { SeriesDigest } from "../engine/mod.ts";
import { type Finding, severityRank } from "../model/finding.ts";
import { STATES } from "../model/states.ts";
import { fillCommand } from "../checks/mod.ts";
import { inert, inertLines } from "../text/inert.ts";
import { sparkline } from "../text/sparkline.ts";
import { wrapParagraphs, wrapText } from "../text/wrap.ts";
import { type Analysis, capturedWords, commandLine, foldedFindings, inputName, shownOn } from "./analysis.ts";

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
export function inputLines(a: Pick<Analysis, "inputs">): string[] {
  return a.inputs.map((r) => {
    const parts = [`${r.lines} lines`, `${r.sockets} sockets`];
    if (r.kinds.counter) parts.push(`${r.kinds.counter} counters`);
    if (r.kinds.sysctl) parts.push(`${r.kinds.sysctl} sysctls`);
    if (r.kinds.symptom) parts.push(`${r.kinds.symptom} error lines`);
    if (r.unparsed) parts.push(`${r.unparsed} not understood`);
    return `${inert(inputName(r.path))} (${r.format}): ${parts.join(", ")}`;
  });
}

/** What a snapshot file's header says, as a line under its input line; undefined for other inputs. */
function captureLine(r: Analysis["inputs"][number]): string | undefined {
  const c = r.capture;
  if (!c) return undefined;
  const system = [c.platform, c.kernel].filter(Boolean).join(" ");
  const where = capturedWords({ host: c.host ? `${c.host}${system ? ` (${system})` : ""}` : undefined, time: c.time });
  return inert(`tcpdoc snapshot${where ? ` taken ${where}` : ""}${c.tcpdoc ? ` by tcpdoc ${c.tcpdoc}` : ""}`);
}

/** A bar chart of the state counts. */
export function stateBars(a: Pick<Analysis, "summary">, width: number): string[] {
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

/** "2026-12-01 17:13:10Z" (to the second), or the time alone when `same` is of the same day. */
export function shortTime(t: string, same?: string): string {
  const ms = Date.parse(t);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(t) || Number.isNaN(ms)) return t;
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString();
  return same?.startsWith(iso.slice(0, 10)) ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** A number of seconds as people say it: "45 s", "3 min", "2 h 5 min". */
export function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600), m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** A rate with its sign: "+300/min", "-12/min", "0/min". */
export function perMinute(n: number): string {
  const v = Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
  return `${v > 0 ? "+" : ""}${v}/min`;
}

const LIMIT_WORDS = {
  ports: "ephemeral ports",
  timeWait: "TIME_WAIT buckets (tcp_max_tw_buckets)",
  orphans: "orphans (tcp_max_orphans)",
  descriptors: "open files",
} as const;

/** The series section: per state its course over the moments, the counters that move, the limits that run out. */
export function seriesLines(d: SeriesDigest, width: number, color = false): string[] {
  const every = d.interval ? `, every ${duration(d.interval)}` : "";
  const head = `Over time: ${d.moments} snapshots from ${shortTime(d.from)} to ${shortTime(d.to, d.from)} (${duration(d.seconds)}${every})`;
  const out = wrapText(head, width).map((l) => paint(color, "bold", l));
  for (const i of d.inputs) out.push(...wrapText(`${inert(inputName(i.path))}: ${i.moments} snapshot${i.moments === 1 ? "" : "s"}`, width, "  ", "    "));
  if (d.timeless.length) out.push(...wrapText(`with the last: ${d.timeless.map((p) => inert(inputName(p))).join(", ")} (no time of their own)`, width, "  ", "    "));
  for (const n of d.notes) out.push(...wrapText(`note: ${inert(n)}`, width, "  ", "    "));
  // Blips (one socket once) are left out: they are no course.
  const states = d.states.filter((x) => x.first > 0 || x.last > 0 || x.max > 1);
  const num = Math.max(...states.map((x) => `${x.first} → ${x.last}`.length), 1);
  for (const x of states) {
    const values = d.points.map((p) => p.states[x.state] ?? 0);
    const what = x.course === "flat" ? "flat" : `${x.course} ${perMinute(x.perMinute)}`;
    let detail = "";
    const p = x.persistence;
    if (p && x.last > 0 && p.rotating) detail = `; they rotate: ${p.left} left and ${p.joined} came since the snapshot before (oldest ${duration(p.oldest)})`;
    else if (p && x.last > 0 && x.course === "rising" && p.same) detail = `; none of them left${p.fromFirst ? ` (${p.fromFirst} there since the first snapshot)` : ""}, oldest ${duration(p.oldest)}`;
    const lead = `  ${x.state.padEnd(12)} ${`${x.first} → ${x.last}`.padEnd(num)}  ${sparkline(values, 16)}  `;
    out.push(...wrapText(`${what}${detail}`, width, lead, " ".repeat(Math.min(lead.length, width >> 1))));
  }
  for (const c of d.counters) {
    if (!c.rising) continue;
    const rate = c.perSecond !== null ? `+${c.perSecond}/s (${c.delta} in ${duration(c.seconds)})` : "rising";
    out.push(...wrapText(`${c.name} ${rate}${c.resets ? `, reset ${c.resets} time${c.resets === 1 ? "" : "s"}` : ""}`, width, "  ", "    "));
  }
  // Counters that stand still carry an old total (since boot): said once, without the zeros.
  const still = d.counters.filter((c) => c.flat && c.now);
  if (still.length) out.push(...wrapText(`standing still over ${duration(still[0].seconds)} (old totals, not now): ${still.map((c) => `${c.name} ${c.now}`).join(", ")}`, width, "  ", "    "));
  for (const l of d.limits) {
    const what = `${LIMIT_WORDS[l.what]}${l.key ? ` ${inert(l.key)}` : ""}: ${l.now} of ${l.limit}`;
    const when = l.exhausted
      ? `used up${l.at ? ` (at ${shortTime(l.at, d.from)})` : ""}`
      : `run out in about ${duration(l.seconds!)}${l.at ? ` (${shortTime(l.at, d.from)})` : ""} at ${perMinute(l.perMinute ?? 0)}`;
    out.push(...wrapText(`${what}, ${when}`, width, "  ", "    ").map((x) => (l.exhausted ? paint(color, "red", x) : x)));
  }
  return out;
}

const BASIS_WORDS: Partial<Record<NonNullable<Finding["basis"]>, string>> = {
  excerpt: "seen in an excerpt of the socket table: its size is not known",
  counts: "from counts without socket rows",
};

const ROLE_WORDS = { cause: "The cause", consequence: "A consequence", detail: "Part of the same problem" } as const;

function findingLines(f: Finding, o: TextOptions, platform: Analysis["platform"]): string[] {
  const sev = f.severity.toUpperCase().padEnd(9);
  const head = wrapText(inert(`${f.title} [${f.rule}]`) + (f.partial ? " (partial evidence)" : ""), o.width, sev);
  head[0] = paint(o.color, SEVERITY_STYLE[f.severity], sev) + paint(o.color, "bold", head[0].slice(sev.length));
  const out = [...head];
  if (f.explainsError) out.push(...wrapText(inert(`Explains ${f.explainsError.error}: ${f.explainsError.how}`), o.width, "    "));
  out.push(...wrapParagraphs(inertLines(f.message).join("\n"), o.width, "    "));
  const basis = f.basis ? BASIS_WORDS[f.basis] : undefined;
  if (basis) out.push(...wrapText(`(${basis}; confidence ${Math.round(f.confidence * 100)}%)`, o.width, "    "));
  for (const g of f.evidence.groups.slice(0, 3)) out.push(...wrapText(inert(`${g.by} ${g.key}`) + `: ${g.count}`, o.width, "    - ", "      "));
  if (f.missing.length) out.push(...wrapText(`(could not tell: ${f.missing.map(inert).join(", ")})`, o.width, "    "));
  for (const q of f.questions.filter((x) => x.answer === undefined && x.command).slice(0, 1)) {
    out.push(...wrapText(inert(`${q.text} (--answer ${q.id}=...)`), o.width, "    ask:   ", "           "));
    out.push(...wrapText(inert(q.command!), o.width, "    run:   ", "           "));
  }
  const check = f.checks.find((c) => c.command && shownOn(c.platforms, platform));
  if (check?.command) out.push(...wrapText(inert(fillCommand(check.command, f.evidence.figures).text), o.width, "    check: "));
  const fix = f.fixes.find((x) => shownOn(x.platforms, platform));
  if (fix) out.push(...wrapText(inert(fix.title), o.width, "    fix:   "));
  return out;
}

/** A finding another explains: its head and how, indented under the one that explains it. */
function foldedLines(f: Finding, depth: number, o: TextOptions): string[] {
  const pad = "    ".repeat(depth);
  const e = f.explainedBy!;
  const head = wrapText(inert(`${f.severity.toUpperCase()} ${f.title} [${f.rule}]`), o.width, `${pad}+ `, `${pad}  `);
  return [...head, ...wrapText(inert(`${ROLE_WORDS[e.role]} (see ${e.rule} above): ${e.how}`), o.width, `${pad}  `)];
}

/** The error the user named, and what explains it or what to collect. */
function errorLines(a: Analysis, o: TextOptions): string[] {
  const e = a.error!;
  const out = wrapText(inert(`The error you see: ${e.text}. ${e.means}`), o.width).map((l) => paint(o.color, "bold", l));
  if (e.explainedBy.length) out.push(...wrapText(`Explained by: ${e.explainedBy.join(", ")} (first below).`, o.width, "  "));
  else {
    out.push(...wrapText("No finding explains it from these inputs. Collect this evidence and run tcpdoc on it:", o.width, "  "));
    for (const c of e.collect) out.push(...wrapText(inert(`${c.command}  (${c.why})`), o.width, "  - ", "    "));
  }
  return [...out, ""];
}

/** The report's title line. */
function title(a: Analysis): string {
  const files = a.inputs.filter((r) => !r.path.startsWith("live:"));
  const name = (r: Analysis["inputs"][number]) => inert(inputName(r.path));
  if (a.live) {
    const extra = files.length === 0 ? "" : files.length === 1 ? `, with ${name(files[0])}` : `, with ${files.length} inputs`;
    return `tcpdoc: live snapshot of this machine${extra}`;
  }
  return a.inputs.length === 1 ? `tcpdoc: analysis of ${name(a.inputs[0])}` : `tcpdoc: analysis of ${a.inputs.length} inputs`;
}

/** Renders the analysis as text that fits `width` columns. */
export function renderText(a: Analysis, o: TextOptions): string {
  const out: string[] = [];
  out.push(...wrapText(title(a), o.width).map((l) => paint(o.color, "bold", l)));
  for (const r of a.inputs) {
    out.push(...wrapText(inputLines({ inputs: [r] })[0], o.width, "  ", "      "));
    const c = captureLine(r);
    if (c) out.push(...wrapText(c, o.width, "      "));
  }
  const p = a.provenance;
  if (p && a.live) {
    const captured = capturedWords({ host: p.host, time: p.capturedAt });
    if (captured) out.push(...wrapText(inert(`captured ${captured}`), o.width, "  ", "      "));
  }
  if (p) out.push(...wrapText(`run: ${inert(commandLine(p.command))} (tcpdoc ${p.tool.version})`, o.width, "  ", "      "));
  out.push("", paint(o.color, "bold", `TCP sockets${a.series ? " now (the last snapshot)" : ""}: ${a.summary.sockets}`));
  out.push(...stateBars(a, o.width));
  if (a.series) out.push("", ...seriesLines(a.series, o.width, o.color));
  const unparsed = a.inputs.filter((r) => r.unparsed > 0);
  if (unparsed.length) {
    out.push("", paint(o.color, "yellow", "Lines not understood (shown so nothing is hidden):"));
    for (const r of unparsed) {
      const name = inert(inputName(r.path));
      for (const u of r.unparsedLines.slice(0, 5)) out.push(`  ${name}:${u.line}: ${inert(u.text)}`.slice(0, o.width));
      if (r.unparsed > 5) out.push(...wrapText(`... ${r.unparsed - 5} more in ${name} (--json lists up to ${r.unparsedLines.length})`, o.width, "  "));
    }
  }
  out.push("");
  if (a.error) out.push(...errorLines(a, o));
  const hidden = a.hidden && a.hidden.count > 0 ? a.hidden : undefined;
  const hiddenWords = hidden
    ? `${hidden.count} finding${hidden.count === 1 ? "" : "s"} below ${hidden.below} not shown (--min-severity ${hidden.below})`
    : "";
  if (a.findings.length === 0) {
    const none = hidden
      ? `No findings at ${hidden.below} or worse; ${hiddenWords}.`
      : "No findings: nothing in this snapshot matches a known problem.";
    out.push(...wrapText(none, o.width).map((l) => paint(o.color, "green", l)));
  } else {
    // worst first, except that the findings explaining the error the user named lead
    const lead = a.findings.filter((f) => a.error && f.explainsError?.error === a.error.kind);
    const sorted = [...lead, ...a.findings.filter((f) => !lead.includes(f)).sort((x, y) => severityRank(y.severity) - severityRank(x.severity))];
    out.push(...wrapText(`Findings (${sorted.length}${hidden ? `; ${hiddenWords}` : ""}):`, o.width).map((l) => paint(o.color, "bold", l)));
    const folded = foldedFindings(sorted);
    for (const [k, { finding, depth }] of folded.entries()) {
      if (depth === 0) out.push(...findingLines(finding, o, a.platform));
      else out.push(...foldedLines(finding, depth, o));
      if (k + 1 === folded.length || folded[k + 1].depth === 0) out.push("");
    }
    out.push(...wrapText("Run 'tcpdoc explain RULE-ID' for the full rule, 'tcpdoc explain RULE-ID FILE...' for why it fired or not, or 'tcpdoc FILE...' in a terminal for a guided session.", o.width));
  }
  if (a.nearMisses?.length) {
    out.push("", paint(o.color, "bold", `Near misses (${a.nearMisses.length}): rules that did not fire though some conditions held`));
    for (const m of a.nearMisses) {
      out.push(...wrapText(inert(`${m.rule}: ${m.title}`), o.width, "  "));
      for (const b of m.blockedBy.slice(0, 3)) out.push(...wrapText(inert(`blocked by ${b}`), o.width, "    - ", "      "));
    }
  }
  return out.join("\n") + "\n";
}

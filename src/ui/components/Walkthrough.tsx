/**
 * One finding, walked through: what is wrong and why we think so, the
 * evidence, the rule's questions (an answer re-runs the rules at once), the
 * checks step by step and the fixes with their caveats.
 */

import { Box } from "ink";
import { useState } from "react";
import { conditionValueText, leafText } from "../../engine/mod.ts";
import type { ConditionResult, EvidenceSocket, Finding, Question } from "../../model/finding.ts";
import { fillCommand } from "../../checks/mod.ts";
import { inert } from "../../text/inert.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import type { Session } from "../hooks/use-session.ts";
import { type DocLine, line, num, pct, type Seg, wrapText } from "../lines.ts";
import { findingKey, stepKey } from "../session.ts";
import { AnswerPrompt } from "./AnswerPrompt.tsx";
import { DocView } from "./DocView.tsx";

/** What a selectable line of the walkthrough is. */
export type WalkItem =
  | { kind: "question"; question: Question }
  | { kind: "check"; index: number }
  | { kind: "fix"; index: number };

/** The walkthrough as lines, with what each item is. */
export interface WalkDoc {
  lines: DocLine[];
  items: WalkItem[];
}

function conditionText(c: ConditionResult): string {
  return inert(`${leafText(c)}: ${conditionValueText(c)}`);
}

/** A figure's value as the walkthrough shows it: ports and pids without separators, shares as percentages. */
export function figureText(name: string, v: number | string): string {
  if (typeof v !== "number") return inert(v);
  // Ports, pids and kernel settings are identifiers and settings, not quantities: no separators.
  if (/(^|_)(port|pid)$|^range_|somaxconn|backlog|(^|_)max_|_max$|retries|timeout|reuse|recycle/.test(name)) return String(v);
  if (/share|ratio|fraction/.test(name) && v >= 0 && v <= 1) return pct(v);
  return num(v);
}

/**
 * The conditions that back a finding, each once: those that held, and those
 * that could not be told. A condition that did not hold in a rule that
 * fired was an alternative (an `any` branch) that did not matter, and is not
 * listed; how many there were is said.
 */
export function whyLines(f: Finding): { held: string[]; unknown: string[]; failed: string[]; others: number } {
  const seen = new Set<string>();
  const held: string[] = [], unknown: string[] = [], failed: string[] = [];
  let others = 0;
  for (const c of f.conditions) {
    const t = conditionText(c);
    if (seen.has(t)) continue;
    seen.add(t);
    if (c.result) held.push(t);
    else if (c.unknown || c.factResult === null || c.factResult === undefined) unknown.push(t);
    else failed.push(t);
  }
  // Only a rule that no longer fires (ruled out) has failures that mattered.
  if (failed.length && held.length) {
    others = failed.length;
    failed.length = 0;
  }
  return { held, unknown, failed, others };
}

function endpoint(s: EvidenceSocket): string {
  const q = [s.recvQ ? `recv-q ${num(s.recvQ)}` : "", s.sendQ ? `send-q ${num(s.sendQ)}` : ""].filter(Boolean).join(" ");
  const who = s.program || s.pid ? ` ${s.program ?? "?"}${s.pid ? `/${s.pid}` : ""}` : "";
  return inert(`${s.state ?? ""} ${s.local} ${s.remote}${q ? ` ${q}` : ""}${who}`.trim());
}

/** Builds the walkthrough document for `width` columns of text. */
export function buildWalkthrough(f: Finding, s: Pick<Session, "answerMap" | "done" | "firstConfidence">, width: number, ruledOut: boolean): WalkDoc {
  const lines: DocLine[] = [];
  const items: WalkItem[] = [];
  const push = (...ls: DocLine[]) => lines.push(...ls);
  const heading = (t: string, extra = "") => push(line(), line({ text: t, bold: true, color: "magenta" }, { text: extra, dim: true }));
  const para = (t: string, indent = "  ", style: Partial<Seg> = {}) => {
    for (const l of wrapText(t, width, indent)) push(line({ text: l, ...style }));
  };
  const sevColor = f.severity === "critical" ? "red" : f.severity === "warning" ? "yellow" : "cyan";
  const was = s.firstConfidence.get(findingKey(f));
  const trend = was !== undefined && Math.abs(was - f.confidence) > 1e-9 ? ` (was ${pct(was)})` : "";
  push(line(
    { text: f.severity.toUpperCase(), color: sevColor, bold: true },
    { text: `  ${f.rule}  confidence ${pct(f.confidence)}${trend}`, dim: true },
  ));
  for (const l of wrapText(inert(f.title), width, "")) push(line({ text: l, bold: true }));
  if (ruledOut) {
    push(line({ text: "RULED OUT: after your answers the rule no longer matches. Esc goes back.", color: "green", bold: true }));
  }

  heading("What is wrong");
  para(inert(f.message));

  heading("Why we think so");
  const why = whyLines(f);
  for (const t of why.held.slice(0, 8)) para(`✓ ${t}`, "  ");
  if (why.held.length > 8) para(`… ${why.held.length - 8} more conditions held`);
  for (const t of why.failed.slice(0, 4)) para(`✗ ${t}`, "  ", { dim: true });
  for (const t of why.unknown.slice(0, 4)) para(`? ${t}`, "  ", { dim: true });
  if (why.others) para(`(${why.others} other alternative${why.others === 1 ? "" : "s"} of the rule did not hold and did not matter: tcpdoc explain ${f.rule})`, "  ", { dim: true });
  if (f.conditions.length === 0) para("The rule matched the evidence below.");
  if (f.missing.length) para(`Could not tell (not in the inputs): ${inert(f.missing.join(", "))}`, "  ", { color: "yellow" });

  heading("Evidence");
  const figs = Object.entries(f.evidence.figures);
  for (const [k, v] of figs) para(`${k.replace(/_/g, " ")}: ${figureText(k, v)}`);
  // At most three groups of each kind: the biggest say the most.
  const kinds = [...new Set(f.evidence.groups.map((g) => g.by))];
  for (const by of kinds) {
    const gs = f.evidence.groups.filter((g) => g.by === by);
    for (const g of gs.slice(0, 3)) para(inert(`${g.by} ${g.key}: ${num(g.count)} socket${g.count === 1 ? "" : "s"}`));
    if (gs.length > 3) para(inert(`… ${gs.length - 3} more by ${by}`), "  ", { dim: true });
  }
  if (f.evidence.sockets.length) {
    push(line({ text: "  Example sockets:", dim: true }));
    for (const sock of f.evidence.sockets.slice(0, 5)) {
      const file = sock.input.slice(Math.max(sock.input.lastIndexOf("/"), sock.input.lastIndexOf("\\")) + 1);
      para(`${endpoint(sock)}  (${inert(file)}:${sock.line})`, "    ");
    }
  }
  if (!figs.length && !f.evidence.groups.length && !f.evidence.sockets.length) para("(the rule gave no figures)");

  if (f.questions.length) {
    heading("Questions", "  your answer re-runs the rules at once");
    for (const q of f.questions) {
      const item = items.length;
      items.push({ kind: "question", question: q });
      const given = s.answerMap[q.id] ?? (q.answer !== undefined ? String(q.answer) : undefined);
      const ans: Seg = given !== undefined ? { text: `  [${inert(given)}]`, color: "green", bold: true } : { text: "  [not answered]", dim: true };
      const wrapped = wrapText(inert(q.text), width - ans.text.length, "  ? ");
      wrapped.forEach((l, i) => {
        const segs: Seg[] = [{ text: i === 0 ? l : "    " + l.slice(4) }];
        if (i === wrapped.length - 1) segs.push(ans);
        lines.push({ segs, item });
      });
    }
  }

  if (f.checks.length) {
    heading("Checks", "  Enter: details; r: run its probe; x: mark done");
    f.checks.forEach((c, i) => {
      const item = items.length;
      items.push({ kind: "check", index: i });
      const done = s.done.has(stepKey(f, "check", i));
      const box: Seg = done ? { text: "  [x] ", color: "green" } : { text: "  [ ] " };
      wrapText(`${i + 1}. ${inert(c.title)}${c.probe ? "  [probe]" : ""}`, width, "      ").forEach((l, j) => {
        lines.push({ segs: j === 0 ? [box, { text: l.slice(6), bold: !done, dim: done }] : [{ text: l, dim: done }], item });
      });
      if (c.command) {
        wrapText(inert(fillCommand(c.command, f.evidence.figures).text), width - 2, "      ").forEach((l, j) => {
          lines.push({ segs: [{ text: j === 0 ? "      $ " : "        " }, { text: l.slice(6), color: "cyan" }], item });
        });
      }
      for (const l of wrapText(`look for: ${inert(c.lookFor)}`, width, "      ")) lines.push({ segs: [{ text: l, dim: true }], item });
    });
  }

  if (f.fixes.length) {
    heading("Fixes", "  x: mark done");
    f.fixes.forEach((x, i) => {
      const item = items.length;
      items.push({ kind: "fix", index: i });
      const done = s.done.has(stepKey(f, "fix", i));
      const box: Seg = done ? { text: "  [x] ", color: "green" } : { text: "  [ ] " };
      wrapText(`${i + 1}. ${inert(x.title)}`, width, "      ").forEach((l, j) => {
        lines.push({ segs: j === 0 ? [box, { text: l.slice(6), bold: !done }] : [{ text: l }], item });
      });
      for (const st of x.steps) for (const l of wrapText(`- ${inert(st)}`, width, "      ")) lines.push({ segs: [{ text: l }], item });
      for (const cv of x.caveats) {
        for (const l of wrapText(`caveat: ${inert(cv)}`, width, "      ")) lines.push({ segs: [{ text: l, color: "yellow" }], item });
      }
    });
  }

  if (f.references.length) {
    heading("References");
    for (const r of f.references) para(inert(r));
  }
  push(line(), line({ text: `Rule file: ${inert(f.source)}`, dim: true }));
  return { lines, items };
}

/** Props of {@link Walkthrough}. */
export interface WalkthroughProps {
  /** Whether the screen takes keys. @default true */
  active?: boolean;
  session: Session;
  findingKey: string;
  width: number;
  height: number;
  color: boolean;
  onBack(): void;
  /** Opens check `index` of the finding; with `confirm`, straight to the run confirmation. */
  onOpenCheck(index: number, confirm?: boolean): void;
}

/** The walkthrough screen. */
export function Walkthrough({ active = true, session, findingKey: key, width, height, color, onBack, onOpenCheck }: WalkthroughProps) {
  const found = session.find(key);
  const [asking, setAsking] = useState<Question | undefined>();
  const f = found?.finding;
  const doc = f ? buildWalkthrough(f, session, width - 2, found.ruledOut) : { lines: [line("This finding is gone.")], items: [] };
  const promptHeight = asking ? Math.min(height - 4, 4 + Math.max(2, asking.kind === "choice" ? (asking.choices?.length ?? 0) + 1 : 3)) : 0;
  const docHeight = height - promptHeight;
  const cursor = useDocCursor(doc.lines, docHeight);
  useKeyHandler((k) => {
    if (cursor.handle(k)) return true;
    if (k.back) {
      onBack();
      return true;
    }
    const item = doc.items[cursor.sel];
    if (!f || !item) return false;
    if (k.enter) {
      if (item.kind === "question") {
        if (session.busy) session.setStatus({ text: "the rules are still running: try again in a moment", tone: "info" });
        else setAsking(item.question);
      } else if (item.kind === "check") onOpenCheck(item.index);
      else session.toggleDone(stepKey(f, "fix", item.index));
      return true;
    }
    if (k.input === "r") {
      if (item.kind === "check") onOpenCheck(item.index, true);
      else session.setStatus({ text: "r runs a check: move to one of the Checks, then press r", tone: "info" });
      return true;
    }
    if ((k.input === "x" || k.input === " ") && item.kind !== "question") {
      session.toggleDone(stepKey(f, item.kind, item.index));
      return true;
    }
    return false;
  }, LAYER.screen, active);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <DocView lines={doc.lines} top={cursor.top} height={docHeight} width={width} selected={cursor.sel} color={color} />
      {asking && f && (
        <AnswerPrompt
          question={asking}
          current={session.answerMap[asking.id]}
          width={width}
          height={promptHeight}
          color={color}
          active={active}
          onCancel={() => setAsking(undefined)}
          onAnswer={(v) => {
            setAsking(undefined);
            void session.answer(f, asking, v);
          }}
        />
      )}
    </Box>
  );
}

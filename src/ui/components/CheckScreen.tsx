/**
 * One check of a finding, step by step: the command for the user to read
 * and copy (never run), what to look for, and in a live session the
 * check's probe from tcpdoc's catalogue, run only after a confirmation that
 * shows exactly what it does; its output scrolls below.
 */

import { Box } from "ink";
import { useEffect, useState } from "react";
import { actionLines, fillCommand, planCheck, probeLine } from "../../checks/mod.ts";
import { inert, inertLines } from "../../text/inert.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { LAYER, useFreshKeyTest, useKeyHandler } from "../hooks/use-keys.ts";
import type { Session } from "../hooks/use-session.ts";
import { type DocLine, line, num, type Seg, wrapText } from "../lines.ts";
import { describeChanges, stepKey } from "../session.ts";
import { DocView, SegText } from "./DocView.tsx";

/** Props of {@link CheckScreen}. */
export interface CheckScreenProps {
  /** Whether the screen takes keys. @default true */
  active?: boolean;
  session: Session;
  findingKey: string;
  index: number;
  width: number;
  height: number;
  color: boolean;
  /** Platform name (rules' spelling) for planning the probe. */
  platform: string;
  /** Opens with the confirmation up (r on a check in the walkthrough). */
  confirm?: boolean;
  onBack(): void;
  /** Moves to another check of the same finding. */
  onGoto(index: number): void;
}

/** Lines cut at exactly `width` columns, no indent: what the copy view shows. */
export function hardLines(text: string, width: number): string[] {
  const out: string[] = [];
  for (const l of inertLines(text)) {
    if (l.length === 0) out.push("");
    for (let i = 0; i < l.length; i += width) out.push(l.slice(i, i + width));
  }
  return out;
}

/** The confirmation box's lines: the probe, its exact action (never cut: wrapped), the limits, the keys. */
export function confirmLines(probe: string, action: string[], timeoutMs: number, width: number): Seg[][] {
  const out: Seg[][] = [[{ text: "Run this probe on this machine?", bold: true }]];
  for (const l of wrapText(`probe: ${inert(probe)}`, width, "  ")) out.push([{ text: l, color: "cyan", bold: true }]);
  for (const a of action) for (const l of wrapText(inert(a), width, "    ")) out.push([{ text: l }]);
  out.push([{ text: `Stops after ${Math.round(timeoutMs / 1000)} s; output kept up to 256 KiB.`, dim: true }]);
  out.push([{ text: "y: run it   n or Esc: cancel", bold: true }]);
  return out;
}

/** The check screen. */
export function CheckScreen({ active = true, session, findingKey: key, index, width, height, color, platform, confirm = false, onBack, onGoto }: CheckScreenProps) {
  const found = session.find(key);
  const f = found?.finding;
  const check = f?.checks[index];
  const [confirming, setConfirming] = useState(false);
  const [copying, setCopying] = useState(false);
  const w = width - 2;
  const lines: DocLine[] = [];
  const planned = check && f ? planCheck(check, session.snap.live, platform, f.evidence.figures) : { ok: false as const, reason: "no such check" };
  const runnable = planned.ok && session.canRun ? planned : planned.ok ? { ok: false as const, reason: "this session cannot run probes" } : planned;
  const step = f ? stepKey(f, "check", index) : "";
  const filled = check?.command && f ? fillCommand(check.command, f.evidence.figures) : undefined;
  if (f && check) {
    const done = session.done.has(step);
    lines.push(line({ text: `Check ${index + 1} of ${f.checks.length}`, dim: true }, { text: `  for: ${inert(f.title)}`, dim: true }));
    for (const l of wrapText(inert(check.title), w, "")) lines.push(line({ text: l, bold: true }));
    lines.push(line(done ? { text: "[x] done", color: "green" } : { text: "[ ] not done yet (x marks it done)", dim: true }));
    lines.push(line());
    if (filled) {
      const plat = check.platforms.length ? `  (${check.platforms.map(inert).join(", ")})` : "";
      lines.push(line({ text: "Command", bold: true, color: "magenta" }, { text: `${plat}  for you to run; c shows it alone to copy`, dim: true }));
      for (const l of wrapText(inert(filled.text), w - 2, "  ")) lines.push(line({ text: "  " }, { text: l.slice(2), color: "cyan" }));
      const vals = Object.entries(filled.filled);
      if (vals.length) lines.push(line({ text: `  filled in from the evidence: ${vals.map(([k, v]) => `${k}=${inert(v)}`).join(", ")}`, dim: true }));
      if (filled.missing.length) lines.push(line({ text: `  fill in yourself: ${filled.missing.join(", ")}`, color: "yellow" }));
    }
    lines.push(line({ text: "Look for", bold: true, color: "magenta" }));
    for (const l of wrapText(inert(check.lookFor), w, "  ")) lines.push(line(l));
    lines.push(line());
    if (runnable.ok) {
      const p = runnable.plan;
      lines.push(line({ text: "Probe", bold: true, color: "magenta" }, { text: `  ${probeLine(p)}: ${p.probe.title}`, dim: true }));
      for (const a of actionLines(p.action)) for (const l of wrapText(inert(a), w, "  ")) lines.push(line({ text: l }));
      lines.push(line({ text: "r: run the probe here (you confirm first)", color: "green" }));
    } else {
      for (const l of wrapText(`Not run by tcpdoc: ${inert(runnable.reason)}.`, w, "")) lines.push(line({ text: l, color: "yellow" }));
    }
    const last = session.runsOf(step).at(-1);
    if (last) {
      lines.push(line());
      const head = last.status === "running"
        ? `Running ${inert(last.probe)}…`
        : `Output of ${inert(last.probe)} (${last.status}${last.exitCode !== null ? `, exit ${last.exitCode}` : ""}, ${num(last.ms)} ms${last.truncated ? ", cut at the cap" : ""})`;
      lines.push({ ...line({ text: head, bold: true, color: "magenta" }), item: 0 });
      if (last.fed) for (const l of wrapText(last.fed, w, "  ")) lines.push(line({ text: l, color: "green" }));
      if (last.changes) for (const l of wrapText(`Rules re-run: ${describeChanges(last.changes)}`, w, "  ")) lines.push(line({ text: l, color: "green" }));
      // Output lines wrap (hard, by characters) so nothing is cut at the right.
      const room = Math.max(20, w - 2);
      for (const o of inertLines(last.output.replace(/\n$/, ""))) {
        const t = o.trimEnd();
        for (let i = 0; i === 0 || i < t.length; i += room) lines.push(line({ text: (i ? "    " : "  ") + t.slice(i, i + room) }));
      }
    }
  } else lines.push(line("This check is gone: the finding changed. Esc goes back."));

  const box = confirming && runnable.ok ? confirmLines(probeLine(runnable.plan), actionLines(runnable.plan.action), runnable.plan.timeoutMs, w - 4) : [];
  const panel = box.length ? Math.min(height, box.length + 2) : 0;
  const copyLines = copying && filled ? hardLines(filled.text, width) : [];
  const cursor = useDocCursor(lines, height - panel, { sel: -1, top: 0 });
  // When a run starts or ends, bring its output into view.
  const lastRun = session.runsOf(step).at(-1);
  const runState = lastRun ? `${session.runs.indexOf(lastRun)}:${lastRun.status}` : "";
  useEffect(() => {
    if (runState) cursor.select(0, true);
  }, [runState]);
  const ask = () => {
    if (!runnable.ok) return session.setStatus({ text: `not run: ${runnable.reason}`, tone: "info" });
    if (session.busy || session.runs.some((r) => r.status === "running")) return session.setStatus({ text: "a probe is still running", tone: "info" });
    setConfirming(true);
  };
  useEffect(() => {
    if (confirm) ask();
  }, []);
  useKeyHandler((k) => {
    if (cursor.handle(k)) return true;
    if (k.back) return onBack(), true;
    if (!f || !check) return false;
    if (k.input === "x" || k.input === " ") return session.toggleDone(step), true;
    if (k.input === "n" && index + 1 < f.checks.length) return onGoto(index + 1), true;
    if (k.input === "p" && index > 0) return onGoto(index - 1), true;
    if (k.input === "c") {
      if (filled) setCopying(true);
      else session.setStatus({ text: "this check has no command to copy", tone: "info" });
      return true;
    }
    if (k.input === "r" || k.enter) return ask(), true;
    return false;
  }, LAYER.screen, active && !copying);
  useKeyHandler((k) => {
    if (k.back || k.enter || k.input === "c") return setCopying(false), true;
    return k.input !== "q";
  }, LAYER.modal, copying && active);

  return (
    <Box flexDirection="column" width={width} height={height}>
      {copying ? (
        <CopyView lines={copyLines} width={width} height={height} color={color} split={copyLines.length > (filled ? inertLines(filled.text).length : 0)} />
      ) : (
        <DocView lines={lines} top={cursor.top} height={height - panel} width={width} selected={cursor.sel} color={color} />
      )}
      {panel > 0 && runnable.ok && f && check && (
        <ConfirmBox
          lines={box}
          width={width}
          height={panel}
          color={color}
          active={active}
          onYes={() => {
            setConfirming(false);
            void session.runCheck(f, index, check, runnable.plan);
          }}
          onNo={() => setConfirming(false)}
        />
      )}
    </Box>
  );
}

/** The command alone at column 0, unwrapped where it fits, for the terminal's own selection (tcpdoc never writes the clipboard). */
function CopyView({ lines, width, height, color, split }: { lines: string[]; width: number; height: number; color: boolean; split: boolean }) {
  const rows: Seg[][] = [
    [{ text: "The command alone: select it with the mouse and copy it. Esc closes.", dim: true }],
    split ? [{ text: "It is wider than the screen: split at the edge. Widen the terminal, or export (e).", color: "yellow" }] : [],
    ...lines.map((l) => [{ text: l, color: "cyan" as const }]),
  ];
  return (
    <Box flexDirection="column" width={width} height={height}>
      {rows.slice(0, height).map((segs, i) => (
        <Box key={i} width={width} height={1}>
          <SegText color={color} segs={segs} />
        </Box>
      ))}
    </Box>
  );
}

/** The confirmation: takes y only when typed after the box appeared. */
function ConfirmBox({ lines, width, height, color, active, onYes, onNo }: { lines: Seg[][]; width: number; height: number; color: boolean; active: boolean; onYes(): void; onNo(): void }) {
  const fresh = useFreshKeyTest();
  useKeyHandler((k) => {
    if (k.input === "y" && fresh(k)) return onYes(), true;
    if (k.input === "n" || k.back) return onNo(), true;
    return k.input !== "q"; // the confirmation takes every key but quit
  }, LAYER.modal, active);
  return (
    <Box flexDirection="column" borderStyle={color ? "double" : "classic"} borderColor={color ? "yellow" : undefined} width={width} height={height} paddingX={1}>
      {lines.slice(0, Math.max(0, height - 2)).map((segs, i) => <SegText key={i} color={color} segs={segs} />)}
    </Box>
  );
}

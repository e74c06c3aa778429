/**
 * One check of a finding, step by step: the exact command and what to look
 * for; on a live session, a read-only command can be run after a
 * confirmation screen that shows it first; its output scrolls below.
 */

import { Box } from "ink";
import { useEffect, useState } from "react";
import { fillPlaceholders, runnableCheck } from "../check_runner.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import type { Session } from "../hooks/use-session.ts";
import { type DocLine, line, num, wrapText } from "../lines.ts";
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
  /** Platform name for the runnable test. @default the running platform */
  platform?: string;
  onBack(): void;
  /** Moves to another check of the same finding. */
  onGoto(index: number): void;
}

/** The check screen. */
export function CheckScreen({ active = true, session, findingKey: key, index, width, height, color, platform, onBack, onGoto }: CheckScreenProps) {
  const found = session.find(key);
  const f = found?.finding;
  const check = f?.checks[index];
  const [confirming, setConfirming] = useState(false);
  const w = width - 2;
  const lines: DocLine[] = [];
  const runnable = check ? runnableCheck(check, session.snap.live, platform, f?.evidence.figures) : { ok: false as const, reason: "no such check" };
  if (f && check) {
    const done = session.done.has(stepKey(f, "check", index));
    lines.push(line({ text: `Check ${index + 1} of ${f.checks.length}`, dim: true }, { text: `  for: ${f.title}`, dim: true }));
    for (const l of wrapText(check.title, w, "")) lines.push(line({ text: l, bold: true }));
    lines.push(line(done ? { text: "[x] done", color: "green" } : { text: "[ ] not done yet (x marks it done)", dim: true }));
    lines.push(line());
    if (check.command) {
      lines.push(line({ text: "Command", bold: true, color: "magenta" }, { text: check.platforms.length ? `  (${check.platforms.join(", ")})` : "", dim: true }));
      for (const l of wrapText(check.command, w - 2, "  ")) lines.push(line({ text: "  " }, { text: l.slice(2), color: "cyan" }));
    }
    lines.push(line({ text: "Look for", bold: true, color: "magenta" }));
    for (const l of wrapText(check.lookFor, w, "  ")) lines.push(line(l));
    lines.push(line());
    const fill = check.command ? fillPlaceholders(check.command, f.evidence.figures) : undefined;
    if (fill && Object.keys(fill.filled).length) {
      lines.push(line({ text: "With this finding's values", bold: true, color: "magenta" }, { text: `  (${Object.entries(fill.filled).map(([k, v]) => `${k}=${v}`).join(", ")})`, dim: true }));
      for (const l of wrapText(fill.command, w - 2, "  ")) lines.push(line({ text: "  " }, { text: l.slice(2), color: "cyan" }));
    }
    if (runnable.ok) lines.push(line({ text: "r: run it here (read-only; you confirm first)", color: "green" }));
    else if (check.command) for (const l of wrapText(`Not run by tcpdoc: ${runnable.reason}.`, w, "")) lines.push(line({ text: l, color: "yellow" }));
    const runs = check.command ? session.runsOf(runnable.ok ? runnable.command : check.command) : [];
    const last = runs[runs.length - 1];
    if (last) {
      lines.push(line());
      const head = last.status === "running"
        ? "Running…"
        : `Output (${last.status}${last.exitCode !== null ? `, exit ${last.exitCode}` : ""}, ${num(last.ms)} ms${last.truncated ? ", cut at the cap" : ""})`;
      lines.push({ ...line({ text: head, bold: true, color: "magenta" }), item: 0 });
      if (last.fed) for (const l of wrapText(last.fed, w, "  ")) lines.push(line({ text: l, color: "green" }));
      if (last.changes) for (const l of wrapText(`Rules re-run: ${describeChanges(last.changes)}`, w, "  ")) lines.push(line({ text: l, color: "green" }));
      const out = last.output.replace(/\n$/, "").split("\n");
      // Output lines wrap (hard, by characters) so nothing is cut at the right.
      const room = Math.max(20, w - 4);
      for (const o of out) {
        const t = o.replace(/\t/g, "    ").trimEnd();
        for (let i = 0; i === 0 || i < t.length; i += room) lines.push(line({ text: (i ? "    " : "  ") + t.slice(i, i + room) }));
      }
    }
  } else lines.push(line("This check is gone: the finding changed. Esc goes back."));

  const shown = runnable.ok ? runnable.command : check?.command ?? "";
  const panel = confirming && runnable.ok ? Math.min(height - 3, 6 + wrapText(shown, w - 4, "").length) : 0;
  const cursor = useDocCursor(lines, height - panel, { sel: -1, top: 0 });
  // When a run starts or ends, bring its output into view.
  const lastRun = check?.command ? session.runsOf(runnable.ok ? runnable.command : check.command).at(-1) : undefined;
  const runState = lastRun ? `${session.runs.indexOf(lastRun)}:${lastRun.status}` : "";
  useEffect(() => {
    if (runState) cursor.select(0, true);
  }, [runState]);
  useKeyHandler((k) => {
    if (cursor.handle(k)) return true;
    if (k.back) return onBack(), true;
    if (!f || !check) return false;
    if (k.input === "x" || k.input === " ") return session.toggleDone(stepKey(f, "check", index)), true;
    if (k.input === "n" && index + 1 < f.checks.length) return onGoto(index + 1), true;
    if (k.input === "p" && index > 0) return onGoto(index - 1), true;
    if (k.input === "r" || k.enter) {
      if (runnable.ok) {
        if (session.busy || session.runs.some((r) => r.status === "running")) {
          session.setStatus({ text: "a command is still running", tone: "info" });
        } else setConfirming(true);
      } else session.setStatus({ text: check.command ? `not run: ${runnable.reason}` : "this check has no command", tone: "info" });
      return true;
    }
    return false;
  }, LAYER.screen, active);
  useKeyHandler((k) => {
    if (k.input === "y" && runnable.ok && f && check) {
      setConfirming(false);
      void session.runCheck(f, check, runnable.argv, runnable.command);
      return true;
    }
    if (k.input === "n" || k.back) return setConfirming(false), true;
    return k.input !== "q"; // the confirmation takes every key but quit
  }, LAYER.modal, confirming && active);

  return (
    <Box flexDirection="column" width={width} height={height}>
      <DocView lines={lines} top={cursor.top} height={height - panel} width={width} selected={cursor.sel} color={color} />
      {panel > 0 && runnable.ok && (
        <Box flexDirection="column" borderStyle={color ? "double" : "classic"} borderColor={color ? "yellow" : undefined} width={width} height={panel} paddingX={1}>
          <SegText color={color} segs={[{ text: "Run this command on this machine?", bold: true }]} />
          {wrapText(shown, w - 4, "").map((l, i) => <SegText key={i} color={color} segs={[{ text: i ? "    " : "  $ " }, { text: l, color: "cyan", bold: true }]} />)}
          <SegText color={color} segs={[{ text: `No shell: argv ${JSON.stringify(runnable.argv)}`, dim: true }]} />
          <SegText color={color} segs={[{ text: "Stops after 10 s or 256 KiB of output.", dim: true }]} />
          <SegText color={color} segs={[{ text: "y: run it   n or Esc: cancel", bold: true }]} />
        </Box>
      )}
    </Box>
  );
}

/**
 * `tcpdoc watch` on a terminal: the watch screen (watch_model.ts) redrawn
 * on each tick the edge hands in as the `tick` prop, with keys: pause,
 * interval, filter, a finding's walkthrough (the guided session's own
 * screens, over the tick it was opened on), export of the recorded series
 * with the session, quit. Sampling, and writing files, happen at the edge
 * (src/ui/run.tsx, src/cli/watch.ts) and come in as props.
 */

import { Box } from "ink";
import { useEffect, useState } from "react";
import { platformOf } from "../checks/mod.ts";
import { provenanceOf } from "../report/analysis.ts";
import { inert } from "../text/inert.ts";
import { FilterPrompt } from "./app.tsx";
import { CheckScreen } from "./components/CheckScreen.tsx";
import { SegText } from "./components/DocView.tsx";
import { ExportPrompt } from "./components/ExportPrompt.tsx";
import { Walkthrough } from "./components/Walkthrough.tsx";
import { renderSessionMarkdown } from "./export.ts";
import { KeyProvider, type KeyPress, useKeyHandler } from "./hooks/use-keys.ts";
import { type DiagnoseFn, useSession } from "./hooks/use-session.ts";
import { type Size, useTerminalSize } from "./hooks/use-terminal-size.ts";
import { clip, type DocLine, type Seg } from "./lines.ts";
import { type AnswerRecord, findingKey } from "./session.ts";
import { fit, watchFindings, watchLines, type WatchTick } from "./watch_model.ts";

/** What steers the sampling at the edge. */
export interface WatchControl {
  /** Pauses (true) or resumes sampling. */
  pause(on: boolean): void;
  /** One interval step up (1) or down (-1), within the edge's bounds; returns the interval now (ms). */
  step(dir: 1 | -1): number;
}

/** What an export wrote, or why it could not. */
export type WatchExportFn = (path: string, markdown: string) => { files: string[] } | { error: string };

/** Props of {@link WatchApp}. */
export interface WatchAppProps {
  /** The newest tick (undefined before the first). */
  tick?: WatchTick;
  /** The interval at the start (ms). */
  every: number;
  control: WatchControl;
  /** Re-runs the rules for a walkthrough's answers. */
  diagnose: DiagnoseFn;
  /** Writes the recorded series and the session; absent, no export. */
  exportWatch?: WatchExportFn;
  exportPath?: string;
  /** tcpdoc's version and the command line, for the export's provenance. */
  command?: { version: string; argv: readonly string[] };
  /** @default true */
  color?: boolean;
  size?: Size;
  platform?: string;
  onQuit(end: { exported: string[] }): void;
}

/** The help line: every key of the watch screen. */
export const WATCH_KEYS = "space/p pause  +/- interval  / filter  ↑↓ Enter 1-9 finding  e export  q quit";
const FINDING_KEYS = "↑↓ move  Enter open/answer  x done  Esc back to watch  q quit";

/** Seconds as the header says them: "2 s", "500 ms". */
function interval(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function Line({ l, width, color }: { l: DocLine; width: number; color: boolean }) {
  return (
    <Box width={width} height={1}>
      <SegText segs={l.segs} color={color} />
    </Box>
  );
}

/** What the walkthroughs opened from a watch were told: carried from one to the next, and into the export. */
export interface WatchAnswers {
  answers: AnswerRecord[];
  answerMap: Record<string, string>;
  done: ReadonlySet<string>;
}

/** A finding opened from the watch: the guided session's walkthrough over the tick it was opened on. */
function FindingPane({ tick, findingKey: key, diagnose, width, height, color, platform, given, onGiven, onBack }: {
  tick: WatchTick; findingKey: string; diagnose: DiagnoseFn; width: number; height: number; color: boolean; platform: string;
  given: WatchAnswers; onGiven(g: WatchAnswers): void; onBack(): void;
}) {
  const session = useSession({ snap: tick.snap, findings: tick.findings, diagnose, answers: given.answerMap, resume: given });
  const { answers, answerMap, done } = session;
  useEffect(() => {
    if (answers !== given.answers || answerMap !== given.answerMap || done !== given.done) onGiven({ answers, answerMap, done });
  }, [answers, answerMap, done]);
  const [check, setCheck] = useState<number | undefined>();
  const common = { session, width, color, height };
  if (check !== undefined) {
    return (
      <CheckScreen key={`${key}#${check}`} {...common} active findingKey={key} index={check} platform={platformOf(platform)} onBack={() => setCheck(undefined)} onGoto={setCheck} />
    );
  }
  return <Walkthrough {...common} active findingKey={key} onBack={onBack} onOpenCheck={(index) => setCheck(index)} />;
}

/** The watch screen's own keys (findings list): ↑↓ select, Enter or a digit opens. */
function WatchBody({ lines, count, active, width, color, selected, onSelect, onOpen }: {
  lines: DocLine[]; count: number; active: boolean; width: number; color: boolean; selected: number; onSelect(i: number): void; onOpen(i: number): void;
}) {
  useKeyHandler((k: KeyPress) => {
    if (k.input === "j" || k.input === "k" || k.input === "g" || k.input === "G") return false; // letters stay letters here
    if (k.down) return count ? (onSelect(Math.min(count - 1, selected + 1)), true) : false;
    if (k.up) return count ? (onSelect(Math.max(0, selected - 1)), true) : false;
    if (k.enter) return count ? (onOpen(selected), true) : false;
    if (/^[1-9]$/.test(k.input) && Number(k.input) <= count) return onOpen(Number(k.input) - 1), true;
    return false;
  }, undefined, active);
  return (
    <Box flexDirection="column" width={width} height={lines.length}>
      {lines.map((l, i) => <Line key={i} l={l} width={width} color={color} />)}
    </Box>
  );
}

/** The watch app. */
export function WatchApp(props: WatchAppProps) {
  const { color = true, tick, platform = "linux" } = props;
  const { columns, rows } = useTerminalSize(props.size);
  const width = Math.max(40, columns);
  // One line short of the screen: ink redraws the whole screen when a frame fills it.
  const height = Math.max(10, rows - 1);
  const [paused, setPaused] = useState(false);
  const [every, setEvery] = useState(props.every);
  const [filter, setFilter] = useState("");
  const [filtering, setFiltering] = useState(false);
  const [selected, setSelected] = useState(0);
  const [open, setOpen] = useState<{ tick: WatchTick; key: string; n: number } | undefined>();
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string[]>([]);
  const [status, setStatus] = useState<{ text: string; tone: "good" | "bad" | "info" } | undefined>();
  const opened = useState(0);
  const [given, setGiven] = useState<WatchAnswers>({ answers: [], answerMap: {}, done: new Set() });

  const quit = () => props.onQuit({ exported });
  const findings = tick ? watchFindings(tick, filter) : [];
  const sel = Math.min(selected, Math.max(0, findings.length - 1));

  const global = (k: KeyPress): boolean => {
    if (k.input === "q" || k.interrupt) return quit(), true;
    if (k.input === " " || k.input === "p") {
      props.control.pause(!paused);
      setPaused(!paused);
      return true;
    }
    if (k.input === "+" || k.input === "=" || k.input === "-" || k.input === "_") {
      const next = props.control.step(k.input === "+" || k.input === "=" ? 1 : -1);
      if (next === every) setStatus({ text: `the interval stays ${interval(next)}: it goes from 500 ms to 60 s`, tone: "info" });
      setEvery(next);
      return true;
    }
    if (k.input === "e") {
      if (!props.exportWatch) setStatus({ text: "this watch cannot write files: no export", tone: "info" });
      else if (!tick) setStatus({ text: "nothing recorded yet", tone: "info" });
      else setExporting(true);
      return true;
    }
    if (k.input === "/" && !open) return setFiltering(true), true;
    if (k.escape && filter && !open) return setFilter(""), true;
    return false;
  };

  const save = (file: string): string | undefined => {
    if (!tick || !props.exportWatch) return "nothing to export";
    const record = { snap: tick.snap, findings: tick.findings, ruledOut: [], ...given, runs: [] };
    const r = props.exportWatch(file, renderSessionMarkdown(record, new Date(), props.command && provenanceOf(tick.snap, props.command.version, props.command.argv), tick.digest));
    if ("error" in r) return r.error;
    setExported((e) => [...e, ...r.files]);
    setStatus({ text: `saved ${r.files.map(inert).join(" and ")}`, tone: "good" });
    return undefined;
  };

  // Header: what is watched, how often, the tick, paused or running.
  const time = tick ? new Date(tick.at).toISOString().slice(11, 19) + "Z" : "";
  const state: Seg = paused ? { text: " PAUSED ", bold: true, color: "yellow" } : { text: " running", color: "green" };
  const head: DocLine = {
    segs: [
      { text: " tcpdoc watch", bold: true, color: "cyan" },
      { text: `  every ${interval(every)}  tick ${tick?.n ?? 0} ` },
      state,
      { text: open ? `  › finding ${inert(open.tick.findings.find((f) => findingKey(f) === open.key)?.rule ?? "")} (tick ${open.n})` : "", dim: true },
    ],
  };
  const used = head.segs.reduce((n, s) => n + s.text.length, 0);
  if (width - used > time.length + 1) head.segs.push({ text: `${time} `.padStart(width - used), dim: true });

  const footer: DocLine[] = [];
  if (status) footer.push({ segs: [{ text: " " + clip(inert(status.text), width - 2), color: status.tone === "good" ? "green" : status.tone === "bad" ? "red" : "yellow" }] });
  footer.push({ segs: [{ text: " " + clip(open ? FINDING_KEYS : WATCH_KEYS, width - 1), dim: true }] });
  const filterLine = filtering || (filter && !open) ? 1 : 0;
  const exportHeight = exporting ? 6 : 0;
  const bodyHeight = height - 1 - footer.length - filterLine - exportHeight;

  let body;
  if (open) {
    body = (
      <Box width={width} height={bodyHeight}>
        <FindingPane key={opened[0]} tick={open.tick} findingKey={open.key} diagnose={props.diagnose} width={width} height={bodyHeight} color={color} platform={platform} given={given} onGiven={setGiven} onBack={() => setOpen(undefined)} />
      </Box>
    );
  } else {
    const lines = tick ? watchLines(tick, { width, height: bodyHeight, filter, selected: sel }) : [{ segs: [{ text: " reading this machine…", dim: true }] }];
    body = (
      <WatchBody
        lines={lines}
        count={findings.length}
        active={!filtering && !exporting}
        width={width}
        color={color}
        selected={sel}
        onSelect={setSelected}
        onOpen={(i) => {
          const f = findings[i];
          if (!f || !tick) return;
          opened[1]((n) => n + 1);
          setOpen({ tick, key: findingKey(f), n: tick.n });
        }}
      />
    );
  }

  return (
    <KeyProvider onUnhandled={global} onAnyKey={() => status && setStatus(undefined)}>
      <Box flexDirection="column" width={width} height={height}>
        <Line l={fit(head, width)} width={width} color={color} />
        {body}
        <Box flexGrow={1} />
        {exporting && (
          <ExportPrompt
            defaultPath={props.exportPath ?? "tcpdoc-watch.tcpdoc"}
            title="Export the watched series (tcpdoc analyze reads it) and the session (.md)"
            width={width}
            color={color}
            onSave={save}
            onClose={() => setExporting(false)}
          />
        )}
        {filtering ? (
          <FilterPrompt value={filter} width={width} color={color} onChange={setFilter} onClose={(keep) => (setFiltering(false), keep || setFilter(""))} />
        ) : filter && !open ? (
          <Line l={fit({ segs: [{ text: ` filter: ${inert(filter)}`, color: "cyan" }, { text: "  (process, port or address)  Esc clears, / edits", dim: true }] }, width)} width={width} color={color} />
        ) : null}
        {footer.map((l, i) => <Line key={`f${i}`} l={l} width={width} color={color} />)}
      </Box>
    </KeyProvider>
  );
}

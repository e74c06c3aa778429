/**
 * The guided session: a header with the views, the current screen, and a
 * status line. Overview -> finding walkthrough -> check, plus the state
 * explorer, the rules and the input views on Tab; / filters a list, help on
 * ?, export on e, quit on q. Everything that touches the system (diagnose,
 * probes, writing the export) comes in as props from the edge (run.tsx).
 */

import { Box } from "ink";
import { type ReactNode, useState } from "react";
import { platformOf } from "../checks/mod.ts";
import { severityRank, type Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { Provenance } from "../report/analysis.ts";
import { inert } from "../text/inert.ts";
import { CheckScreen } from "./components/CheckScreen.tsx";
import { SegText } from "./components/DocView.tsx";
import { ExportPrompt } from "./components/ExportPrompt.tsx";
import { HelpScreen } from "./components/HelpScreen.tsx";
import { InputView } from "./components/InputView.tsx";
import { Overview } from "./components/Overview.tsx";
import { RulesView, type RuleListing } from "./components/RulesView.tsx";
import { StateExplorer } from "./components/StateExplorer.tsx";
import { Walkthrough } from "./components/Walkthrough.tsx";
import { renderSessionMarkdown } from "./export.ts";
import { KeyProvider, type KeyPress, LAYER, useKeyHandler } from "./hooks/use-keys.ts";
import { type DiagnoseFn, type RunCheckFn, type Session, useSession } from "./hooks/use-session.ts";
import { type Size, useTerminalSize } from "./hooks/use-terminal-size.ts";
import { clip, type Seg, wrapText } from "./lines.ts";

/** The views Tab cycles through. */
export const TABS = ["overview", "states", "rules", "input"] as const;
export type Tab = typeof TABS[number];
const TAB_TITLE: Record<Tab, string> = { overview: "Overview", states: "States", rules: "Rules", input: "Input" };

/** A screen on the overview's stack. */
export type Screen =
  | { kind: "overview" }
  | { kind: "finding"; key: string }
  | { kind: "check"; key: string; index: number; confirm?: boolean };

/** How the session ended, for the edge: the exit code and what was exported. */
export interface SessionEnd {
  /** The findings shown when the user quit. */
  findings: Finding[];
  /** Files the session was exported to, in order. */
  exported: string[];
}

/** The exit code `analyze` would give for these findings: 1 when one is a warning or worse. */
export function exitCodeFor(findings: readonly Finding[]): number {
  return findings.some((f) => severityRank(f.severity) >= severityRank("warning")) ? 1 : 0;
}

/** Writes an export; returns an error message (one line) or undefined. */
export type WriteExportFn = (file: string, text: string) => string | undefined;

/** Props of {@link App}. */
export interface AppProps {
  snap: Snapshot;
  /** The first diagnosis. */
  findings: Finding[];
  /** Re-runs the rules; called again each time an answer or a fact is added. */
  diagnose: DiagnoseFn;
  /** Runs a planned probe; absent, no check runs. */
  runCheck?: RunCheckFn;
  /** Writes the export; absent, there is no export. */
  writeExport?: WriteExportFn;
  /** The path the export dialog offers. */
  exportPath?: string;
  /** Where the data came from and which command ran, for the export (as the reports say it). */
  provenance?: Provenance;
  /** Answers given up front. */
  answers?: Record<string, string>;
  /** The loaded rules for the rules view; a function is called when the view opens. */
  rules?: RuleListing | (() => Promise<RuleListing>);
  /** @default true */
  color?: boolean;
  /** Fixed size (tests); else the terminal's. */
  size?: Size;
  /** Platform name (rules' spelling: linux, macos, freebsd, windows) for planning probes. @default linux */
  platform?: string;
  onQuit(end: SessionEnd): void;
}

const HINTS: Record<Screen["kind"] | Tab, string> = {
  overview: "↑↓ move  Enter open  / filter  Tab views  e export  ? help  q quit",
  finding: "↑↓ move  Enter open/answer  r run check  x done  Esc back  ? help  q quit",
  check: "r run  c copy  x done  n/p next/prev  Esc back  ? help  q quit",
  states: "↑↓ pick a state  Enter explain  Tab views  Esc back  ? help  q quit",
  rules: "↑↓ move  Enter: the rule in full  / filter  Tab views  ? help  q quit",
  input: "↑↓ move  / filter  Tab views  Esc back  ? help  q quit",
};

function Header({ tab, screen, session, width, color }: { tab: Tab; screen: Screen; session: Session; width: number; color: boolean }) {
  const segs: Seg[] = [{ text: " tcpdoc ", bold: true, color: "cyan" }];
  const mark = (title: string, on: boolean): Seg => ({ text: on ? `[${title}]` : ` ${title} `, bold: on, color: on ? "cyan" : undefined, dim: !on });
  for (const t of TABS) {
    // Inside a finding the Overview tab is the way back; the finding (or check) is what is marked.
    const inside = t === "overview" && tab === "overview" && screen.kind !== "overview";
    segs.push(mark(TAB_TITLE[t], t === tab && !inside));
    if (inside) {
      const rule = session.find(screen.key)?.finding.rule ?? "";
      const label = screen.kind === "check" ? `Check ${screen.index + 1}` : "Finding";
      segs.push({ text: "›", dim: true }, mark(clip(`${label} ${inert(rule)}`, Math.max(8, width - 50)), true));
    }
  }
  const used = segs.reduce((n, s) => n + s.text.length, 0);
  const right = `${session.findings.length} findings  ${session.snap.live ? "live" : "dump"} `;
  if (width - used > right.length) segs.push({ text: right.padStart(width - used), dim: true });
  return (
    <Box width={width} height={1}>
      <SegText segs={segs} color={color} />
    </Box>
  );
}

/** The / prompt: a filter over the current list, applied as it is typed. */
export function FilterPrompt({ value, width, color, onChange, onClose }: { value: string; width: number; color: boolean; onChange(v: string): void; onClose(keep: boolean): void }) {
  useKeyHandler((k) => {
    if (k.escape) return onClose(false), true;
    if (k.enter) return onClose(true), true;
    if (k.clearLine) return onChange(""), true;
    if (k.erase) return onChange(value.slice(0, -1)), true;
    if (k.input && !k.ctrl) return onChange(value + k.input), true;
    return !k.interrupt;
  }, LAYER.modal);
  return (
    <Box width={width} height={1}>
      <SegText color={color} segs={[{ text: " /", bold: true, color: "cyan" }, { text: clip(inert(value), width - 40) }, { text: "_", dim: true }, { text: "  Enter: keep  Esc: clear  Ctrl-U: erase", dim: true }]} />
    </Box>
  );
}

/** The session app. */
export function App(props: AppProps) {
  const { color = true, platform = "linux" } = props;
  const { columns, rows } = useTerminalSize(props.size);
  const width = Math.max(40, columns);
  // One line short of the screen: ink redraws the whole screen when a frame fills it.
  const height = Math.max(10, rows - 1);
  const session = useSession({ snap: props.snap, findings: props.findings, diagnose: props.diagnose, answers: props.answers, runCheck: props.runCheck });
  const [tab, setTab] = useState<Tab>("overview");
  const [stack, setStack] = useState<Screen[]>([{ kind: "overview" }]);
  const [help, setHelp] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string[]>([]);
  const [filters, setFilters] = useState<Partial<Record<Tab, string>>>({});
  const [filtering, setFiltering] = useState(false);
  const screen = stack[stack.length - 1];
  const listView = (tab === "overview" && screen.kind === "overview") || tab === "rules" || tab === "input";
  const filter = listView ? filters[tab] ?? "" : "";
  const hintKey = tab === "overview" ? screen.kind : tab;
  const status = session.busy ? { text: `… ${session.busy}`, tone: "info" as const } : session.status;
  // The status line grows to three lines for a long message (what an answer changed).
  const statusLines = status ? wrapText(inert(status.text), width - 2, " ").slice(0, 3) : [];
  const footer: Seg[][] = status
    ? statusLines.map((l) => [{ text: l, color: status.tone === "good" ? "green" : status.tone === "bad" ? "red" : "yellow" }])
    : [[{ text: ` ${help ? "↑↓ scroll  Esc or ? closes help  q quit" : HINTS[hintKey]}`, dim: true }]];
  const filterLine = filtering || filter ? 1 : 0;
  const bodyHeight = height - 1 - footer.length - filterLine;
  const push = (s: Screen) => setStack((st) => [...st, s]);
  const back = () => setStack((st) => (st.length > 1 ? st.slice(0, -1) : st));
  const replaceTop = (s: Screen) => setStack((st) => [...st.slice(0, -1), s]);
  const quit = () => props.onQuit({ findings: session.findings, exported });

  const global = (k: KeyPress): boolean => {
    if (k.input === "q" || k.interrupt) return quit(), true;
    if (k.input === "?") return setHelp(true), true;
    if (k.tab || k.shiftTab) {
      const i = TABS.indexOf(tab);
      setTab(TABS[(i + (k.tab ? 1 : TABS.length - 1)) % TABS.length]);
      return true;
    }
    if (k.input === "e") {
      if (props.writeExport) setExporting(true);
      else session.setStatus({ text: "this session cannot write files: no export", tone: "info" });
      return true;
    }
    if (k.input === "/") {
      if (listView) setFiltering(true);
      else session.setStatus({ text: "/ filters the lists: the overview's findings, the rules and the input lines", tone: "info" });
      return true;
    }
    if (k.input === "r") {
      session.setStatus({ text: "r runs a check: open a finding (Enter), pick one of its checks, then press r", tone: "info" });
      return true;
    }
    if (k.back && filter) return setFilters((f) => ({ ...f, [tab]: "" })), true;
    if (k.back && tab !== "overview") return setTab("overview"), true;
    return false;
  };

  const save = (file: string): string | undefined => {
    const text = renderSessionMarkdown(session, new Date(), props.provenance);
    const err = props.writeExport?.(file, text);
    if (!err) {
      setExported((e) => [...e, file]);
      session.setStatus({ text: `saved the session to ${file}`, tone: "good" });
    }
    return err;
  };

  const common = { session, width, color };
  const exportHeight = exporting ? 6 : 0;
  const h = bodyHeight - exportHeight;
  const onOverviewTab = tab === "overview" && !help;
  const keysOn = !exporting && !filtering;
  // Every screen of the overview's stack stays mounted (hidden, keys off) so
  // going back finds the cursor where it was.
  const screens: ReactNode[] = stack.map((sc, i) => {
    const active = onOverviewTab && keysOn && i === stack.length - 1;
    let el: ReactNode;
    if (sc.kind === "overview") {
      el = <Overview {...common} height={h} active={active} filter={filters.overview ?? ""} onOpen={(key) => push({ kind: "finding", key })} />;
    } else if (sc.kind === "finding") {
      el = (
        <Walkthrough
          {...common}
          height={h}
          active={active}
          findingKey={sc.key}
          onBack={back}
          onOpenCheck={(index, confirm) => push({ kind: "check", key: sc.key, index, confirm })}
        />
      );
    } else {
      el = (
        <CheckScreen
          key={`${sc.key}#${sc.index}`}
          {...common}
          height={h}
          active={active}
          findingKey={sc.key}
          index={sc.index}
          confirm={sc.confirm}
          platform={platformOf(platform)}
          onBack={back}
          onGoto={(index) => replaceTop({ kind: "check", key: sc.key, index })}
        />
      );
    }
    return (
      <Box key={`${i}:${sc.kind}:${sc.kind === "overview" ? "" : sc.key}`} display={onOverviewTab && i === stack.length - 1 ? "flex" : "none"}>
        {el}
      </Box>
    );
  });
  let other: ReactNode = null;
  if (help) {
    other = <HelpScreen width={width} height={bodyHeight} color={color} live={props.snap.live} onClose={() => setHelp(false)} />;
  } else if (tab === "states") {
    const focus = session.findings[0]?.evidence.sockets[0]?.state;
    other = <StateExplorer snap={props.snap} width={width} height={h} color={color} active={keysOn} focus={focus} />;
  } else if (tab === "rules") {
    other = <RulesView rules={props.rules} findings={session.findings} width={width} height={h} color={color} active={keysOn} filter={filter} />;
  } else if (tab === "input") {
    other = <InputView snap={props.snap} width={width} height={h} color={color} active={keysOn} filter={filter} />;
  }

  return (
    <KeyProvider onUnhandled={global} onAnyKey={() => session.status && session.setStatus(undefined)}>
      <Box flexDirection="column" width={width} height={height}>
        <Header tab={tab} screen={screen} session={session} width={width} color={color} />
        {screens}
        {other}
        {exporting && (
          <ExportPrompt defaultPath={props.exportPath ?? "tcpdoc-session.md"} width={width} color={color} onSave={save} onClose={() => setExporting(false)} />
        )}
        {filtering ? (
          <FilterPrompt
            value={filter}
            width={width}
            color={color}
            onChange={(v) => setFilters((f) => ({ ...f, [tab]: v }))}
            onClose={(keep) => {
              setFiltering(false);
              if (!keep) setFilters((f) => ({ ...f, [tab]: "" }));
            }}
          />
        ) : filter ? (
          <Box width={width} height={1}>
            <SegText color={color} segs={[{ text: ` filter: ${clip(inert(filter), width - 30)}`, color: "cyan" }, { text: "  Esc clears, / edits", dim: true }]} />
          </Box>
        ) : null}
        {footer.map((segs, i) => (
          <Box key={`f${i}`} width={width} height={1}>
            <SegText segs={segs} color={color} />
          </Box>
        ))}
      </Box>
    </KeyProvider>
  );
}

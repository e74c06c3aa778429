/**
 * The guided session: a header with the views, the current screen, and a
 * status line. Overview -> finding walkthrough -> check, plus the state
 * explorer and the rules view on Tab; help on ?, export on e, quit on q.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { Box, Text } from "ink";
import { type ReactNode, useMemo, useState } from "react";
import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { RunLimits } from "./check_runner.ts";
import { CheckScreen } from "./components/CheckScreen.tsx";
import { SegText } from "./components/DocView.tsx";
import { ExportPrompt } from "./components/ExportPrompt.tsx";
import { HelpScreen } from "./components/HelpScreen.tsx";
import { Overview } from "./components/Overview.tsx";
import { RulesView, type RuleListing } from "./components/RulesView.tsx";
import { StateExplorer } from "./components/StateExplorer.tsx";
import { Walkthrough } from "./components/Walkthrough.tsx";
import { defaultExportName, renderSessionMarkdown } from "./export.ts";
import { KeyProvider, type KeyPress } from "./hooks/use-keys.ts";
import { type DiagnoseFn, type Session, useSession } from "./hooks/use-session.ts";
import { type Size, useTerminalSize } from "./hooks/use-terminal-size.ts";
import { clip, type Seg, wrapText } from "./lines.ts";

/** The views Tab cycles through. */
export const TABS = ["overview", "states", "rules"] as const;
export type Tab = typeof TABS[number];
const TAB_TITLE: Record<Tab, string> = { overview: "Overview", states: "States", rules: "Rules" };

/** A screen on the overview's stack. */
export type Screen =
  | { kind: "overview" }
  | { kind: "finding"; key: string }
  | { kind: "check"; key: string; index: number };

/** Props of {@link App}. */
export interface AppProps {
  snap: Snapshot;
  /** The first diagnosis. */
  findings: Finding[];
  /** Re-runs the rules; called again each time an answer or a fact is added. */
  diagnose: DiagnoseFn;
  /** Answers given up front. */
  answers?: Record<string, string>;
  /** The loaded rules for the rules view; a function is called when the view opens. */
  rules?: RuleListing | (() => Promise<RuleListing>);
  /** @default true */
  color?: boolean;
  /** Fixed size (tests); else the terminal's. */
  size?: Size;
  /** Platform name for deciding which checks can run. */
  platform?: string;
  limits?: RunLimits;
  /** Writes an export; the default writes the file. Returns an error message or undefined. */
  writeExport?: (file: string, text: string) => string | undefined;
  onQuit(): void;
}

function defaultWrite(file: string, text: string): string | undefined {
  // Under Deno without --allow-write, asking would print a permission prompt
  // over the session: say what is missing instead.
  const deno = (globalThis as { Deno?: { permissions?: { querySync?(d: { name: string; path: string }): { state: string } } } }).Deno;
  const state = deno?.permissions?.querySync?.({ name: "write", path: file }).state;
  if (state !== undefined && state !== "granted") return `cannot write ${file}: run Deno with --allow-write (or -A) to export`;
  try {
    fs.writeFileSync(file, text);
    return undefined;
  } catch (e) {
    return `cannot write ${file}: ${(e as Error).message}`;
  }
}

const HINTS: Record<Screen["kind"] | Tab, string> = {
  overview: "↑↓ move  Enter open  Tab views  e export  ? help  q quit",
  finding: "↑↓ move  Enter open/answer  x done  Esc back  e export  ? help  q quit",
  check: "r run  x done  n/p next/prev check  Esc back  ? help  q quit",
  states: "↑↓ pick a state  Tab views  Esc back  ? help  q quit",
  rules: "↑↓ move  Enter: the rule in full  Tab views  Esc back  ? help  q quit",
};

function Header({ tab, session, width, color, crumb }: { tab: Tab; session: Session; width: number; color: boolean; crumb: string }) {
  const segs: Seg[] = [{ text: " tcpdoc ", bold: true, color: "cyan" }];
  for (const t of TABS) {
    const on = t === tab;
    segs.push({ text: on ? `[${TAB_TITLE[t]}]` : ` ${TAB_TITLE[t]} `, bold: on, color: on ? "cyan" : undefined, dim: !on });
  }
  const used = segs.reduce((n, s) => n + s.text.length, 0);
  const right = `${crumb ? `${crumb}  ` : ""}${session.findings.length} findings  ${session.snap.live ? "live" : "dump"} `;
  segs.push({ text: clip(right, Math.max(0, width - used - 1)).padStart(Math.max(0, width - used)), dim: true });
  return (
    <Box width={width} height={1}>
      <SegText segs={segs} color={color} />
    </Box>
  );
}

/** The session app. */
export function App(props: AppProps) {
  const { color = true } = props;
  const { columns, rows } = useTerminalSize(props.size);
  const width = Math.max(40, columns);
  // One line short of the screen: ink redraws the whole screen when a frame fills it.
  const height = Math.max(10, rows - 1);
  const session = useSession({ snap: props.snap, findings: props.findings, diagnose: props.diagnose, answers: props.answers, limits: props.limits });
  const [tab, setTab] = useState<Tab>("overview");
  const [stack, setStack] = useState<Screen[]>([{ kind: "overview" }]);
  const [help, setHelp] = useState(false);
  const [exporting, setExporting] = useState(false);
  const exportName = useMemo(() => defaultExportName(), [exporting]);
  const screen = stack[stack.length - 1];
  const crumb = tab === "overview" && screen.kind !== "overview" ? (session.find(screen.key)?.finding.rule ?? "") : "";
  const hintKey = help ? "overview" : tab === "overview" ? screen.kind : tab;
  const status = session.busy ? { text: `… ${session.busy}`, tone: "info" as const } : session.status;
  // The status line grows to three lines for a long message (what an answer changed).
  const statusLines = status ? wrapText(status.text, width - 2, " ").slice(0, 3) : [];
  const footer: Seg[][] = status
    ? statusLines.map((l) => [{ text: l, color: status.tone === "good" ? "green" : status.tone === "bad" ? "red" : "yellow" }])
    : [[{ text: ` ${help ? "Esc or ? closes help  q quit" : HINTS[hintKey]}`, dim: true }]];
  const bodyHeight = height - 1 - footer.length;
  const push = (s: Screen) => setStack((st) => [...st, s]);
  const back = () => setStack((st) => (st.length > 1 ? st.slice(0, -1) : st));
  const replaceTop = (s: Screen) => setStack((st) => [...st.slice(0, -1), s]);

  const global = (k: KeyPress): boolean => {
    if (k.input === "q" || k.interrupt) {
      props.onQuit();
      return true;
    }
    if (k.input === "?") return setHelp(true), true;
    if (k.tab || k.shiftTab) {
      const i = TABS.indexOf(tab);
      setTab(TABS[(i + (k.tab ? 1 : TABS.length - 1)) % TABS.length]);
      return true;
    }
    if (k.input === "e") return setExporting(true), true;
    if (k.back && tab !== "overview") return setTab("overview"), true;
    return false;
  };

  const save = (file: string): string | undefined => {
    const text = renderSessionMarkdown(session);
    const err = (props.writeExport ?? defaultWrite)(file, text);
    if (!err) session.setStatus({ text: `saved the session to ${path.resolve(file)}`, tone: "good" });
    return err;
  };

  const common = { session, width, color };
  const exportHeight = exporting ? 6 : 0;
  const h = bodyHeight - exportHeight;
  const onOverviewTab = tab === "overview" && !help;
  // Every screen of the overview's stack stays mounted (hidden, keys off) so
  // going back finds the cursor where it was.
  const screens: ReactNode[] = stack.map((sc, i) => {
    const active = onOverviewTab && !exporting && i === stack.length - 1;
    let el: ReactNode;
    if (sc.kind === "overview") {
      el = <Overview {...common} height={h} active={active} onOpen={(key) => push({ kind: "finding", key })} />;
    } else if (sc.kind === "finding") {
      el = (
        <Walkthrough
          {...common}
          height={h}
          active={active}
          findingKey={sc.key}
          onBack={back}
          onOpenCheck={(index) => push({ kind: "check", key: sc.key, index })}
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
          platform={props.platform}
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
    other = <StateExplorer snap={props.snap} width={width} height={h} color={color} active={!exporting} focus={focus} />;
  } else if (tab === "rules") {
    other = <RulesView rules={props.rules} findings={session.findings} width={width} height={h} color={color} active={!exporting} />;
  }

  return (
    <KeyProvider onUnhandled={global} onAnyKey={() => session.status && session.setStatus(undefined)}>
      <Box flexDirection="column" width={width} height={height}>
        <Header tab={tab} session={session} width={width} color={color} crumb={crumb} />
        {screens}
        {other}
        {exporting && (
          <ExportPrompt defaultPath={exportName} width={width} color={color} onSave={save} onClose={() => setExporting(false)} />
        )}
        {footer.map((segs, i) => (
          <Box key={`f${i}`} width={width} height={1}>
            <SegText segs={segs} color={color} />
          </Box>
        ))}
      </Box>
    </KeyProvider>
  );
}


/** The first screen: where the data came from, the findings worst first, the state chart and the busiest ports, peers and processes. */

import { Box, Text } from "ink";
import { useMemo } from "react";
import type { Finding } from "../../model/finding.ts";
import { summarize } from "../../report/analysis.ts";
import { stateBars } from "../../report/text.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import type { Session } from "../hooks/use-session.ts";
import { clip, type DocLine, line, num, pct, type Seg } from "../lines.ts";
import { findingKey, sourceLine, topLists } from "../session.ts";
import { DocView, SegText } from "./DocView.tsx";

/** Props of {@link Overview}. */
export interface OverviewProps {
  /** Whether the screen takes keys. @default true */
  active?: boolean;
  session: Session;
  width: number;
  height: number;
  color: boolean;
  /** Opens the walkthrough of the finding with this key. */
  onOpen(key: string): void;
}

const TAG = { critical: ["CRIT", "red"], warning: ["WARN", "yellow"], info: ["INFO", "cyan"] } as const;

/** The one-line entry of a finding in a list. */
export function findingRow(f: Finding, width: number, first: number | undefined, ruledOut: boolean): Seg[] {
  const [tag, color] = TAG[f.severity];
  let trend = "  ";
  if (ruledOut) trend = "";
  else if (first !== undefined && f.confidence > first + 1e-9) trend = " ▲";
  else if (first !== undefined && f.confidence < first - 1e-9) trend = " ▼";
  const right = ruledOut ? "ruled out" : `${pct(f.confidence)}${trend}`;
  const titleWidth = Math.max(10, width - 6 - right.length - 1);
  const title = clip(f.title, titleWidth).padEnd(titleWidth);
  if (ruledOut) return [{ text: `${tag.padEnd(5)} `, dim: true }, { text: `${title} `, dim: true }, { text: right, dim: true }];
  return [{ text: tag.padEnd(5), color, bold: true }, { text: " " }, { text: `${title} ` }, { text: right, dim: true }];
}

/** Severity counts in words: "1 critical, 2 warning". */
function severityCounts(fs: readonly Finding[]): string {
  const parts: string[] = [];
  for (const s of ["critical", "warning", "info"] as const) {
    const n = fs.filter((f) => f.severity === s).length;
    if (n) parts.push(`${n} ${s}`);
  }
  return parts.join(", ");
}

/** The overview screen. */
export function Overview({ active = true, session, width, height, color, onOpen }: OverviewProps) {
  const { snap, findings, ruledOut } = session;
  const summary = useMemo(() => summarize(snap), [snap, snap.inputs.length]);
  const tops = useMemo(() => topLists(snap, 5), [snap]);
  const w = width - 2;
  const rows: DocLine[] = [];
  const keys: string[] = [];
  findings.forEach((f) => {
    rows.push({ segs: findingRow(f, w, session.firstConfidence.get(findingKey(f)), false), item: keys.length });
    keys.push(findingKey(f));
  });
  for (const f of ruledOut) {
    rows.push({ segs: findingRow(f, w, undefined, true), item: keys.length });
    keys.push(findingKey(f));
  }
  if (rows.length === 0) {
    rows.push(line({ text: "No findings: nothing in this snapshot matches a known problem.", color: "green" }));
  }
  // Findings get what the summary leaves, at least 3 lines.
  const fixed = 3; // data line, sockets line, findings heading
  const summaryMin = Math.min(10, Math.max(0, height - fixed - 4));
  const listHeight = Math.max(1, Math.min(rows.length, height - fixed - 1 - summaryMin));
  const cursor = useDocCursor(rows, listHeight);
  useKeyHandler((k) => {
    if (cursor.handle(k)) return true;
    if (k.enter && keys[cursor.sel]) {
      onOpen(keys[cursor.sel]);
      return true;
    }
    return false;
  }, LAYER.screen, active);

  const analysis = { inputs: snap.inputs, summary, findings, live: snap.live };
  const leftWidth = Math.min(44, Math.floor(w / 2) + 4);
  const rightWidth = w - leftWidth - 1;
  const bottom = Math.max(0, height - fixed - listHeight - 1);
  let bars = stateBars(analysis, leftWidth).map((s) => s.slice(2));
  if (bars.length === 0) bars = ["(no TCP sockets)"];
  if (bars.length > bottom - 1) bars = [...bars.slice(0, Math.max(0, bottom - 2)), `... ${bars.length - (bottom - 2)} more states (Tab: States)`];
  const right: Seg[][] = [];
  const section = (title: string, list: { key: string; count: number }[], n: number) => {
    if (!list.length || n <= 0) return;
    right.push([{ text: title, bold: true }]);
    for (const t of list.slice(0, n)) {
      const c = num(t.count);
      right.push([{ text: `${clip(t.key, rightWidth - c.length - 2).padEnd(rightWidth - c.length - 1)} ${c}` }]);
    }
  };
  // Share the lines between the three lists; a short list leaves its lines to the others.
  const lists = [tops.ports, tops.peers, tops.processes];
  const shown = lists.map((l) => (l.length ? 1 : 0));
  let room = bottom - lists.filter((l) => l.length).length;
  for (let more = true; more && room > 0;) {
    more = false;
    for (let i = 0; i < 3 && room > 0; i++) {
      if (lists[i].length && shown[i] - 1 < lists[i].length) {
        shown[i]++;
        room--;
        more = true;
      }
    }
  }
  section("Busiest local ports", tops.ports, shown[0] - 1);
  section("Remote peers", tops.peers, shown[1] - 1);
  section("Processes", tops.processes, shown[2] - 1);

  const found = findings.length
    ? `${findings.length} finding${findings.length > 1 ? "s" : ""} (${severityCounts(findings)}), worst first: Enter opens`
    : "Findings";
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box width={width} paddingLeft={1}>
        <SegText color={color} segs={[{ text: "Data: ", dim: true }, { text: clip(sourceLine(snap), w - 6) }]} />
      </Box>
      <Box width={width} paddingLeft={1}>
        <SegText
          color={color}
          segs={[
            { text: `TCP sockets: ${num(summary.sockets)}`, bold: true },
            { text: summary.stateUnknown ? ` (${num(summary.stateUnknown)} without a state)` : "", dim: true },
            { text: Object.keys(summary.symptoms).length ? `  errors seen: ${Object.entries(summary.symptoms).map(([k, n]) => `${k} x${n}`).join(", ")}` : "", color: "yellow" },
          ]}
        />
      </Box>
      <Box width={width} paddingLeft={1}>
        <SegText color={color} segs={[{ text: clip(found, w), bold: true }]} />
      </Box>
      <DocView lines={rows} top={cursor.top} height={listHeight} width={width} selected={cursor.sel} color={color} />
      <Box width={width} height={1}><Text> </Text></Box>
      {bottom > 0 && (
        <Box width={width} height={bottom} paddingLeft={1}>
          <Box flexDirection="column" width={leftWidth} flexShrink={0}>
            <SegText color={color} segs={[{ text: "States", bold: true }]} />
            {bars.slice(0, bottom - 1).map((b, i) => <SegText key={i} color={color} segs={[{ text: b }]} />)}
          </Box>
          <Box width={1} flexShrink={0}><Text> </Text></Box>
          <Box flexDirection="column" width={rightWidth} flexShrink={0}>
            {right.slice(0, bottom).map((segs, i) => <SegText key={i} color={color} segs={segs} />)}
          </Box>
        </Box>
      )}
    </Box>
  );
}

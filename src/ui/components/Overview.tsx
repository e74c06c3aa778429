/** The first screen: where the data came from, the findings worst first, the state chart and the busiest ports, peers and processes. */

import { Box, Text } from "ink";
import { useMemo } from "react";
import type { Finding } from "../../model/finding.ts";
import { summarize } from "../../report/analysis.ts";
import { stateBars } from "../../report/text.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import type { Session } from "../hooks/use-session.ts";
import { clip, type DocLine, line, num, pct, type Seg, wrapText } from "../lines.ts";
import { figureText, whyLines } from "./Walkthrough.tsx";
import { inert } from "../../text/inert.ts";
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
  /** Shows only the findings whose title, rule or message holds this text (any case). */
  filter?: string;
  /** Opens the walkthrough of the finding with this key. */
  onOpen(key: string): void;
}

/** True when a finding matches a / filter. */
export function matchesFilter(f: Finding, filter: string): boolean {
  if (!filter) return true;
  const q = filter.toLowerCase();
  return [f.title, f.rule, f.message].some((t) => t.toLowerCase().includes(q));
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
  const title = clip(inert(f.title), titleWidth).padEnd(titleWidth);
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
export function Overview({ active = true, session, width, height, color, filter = "", onOpen }: OverviewProps) {
  const { snap } = session;
  const findings = session.findings.filter((f) => matchesFilter(f, filter));
  const ruledOut = session.ruledOut.filter((f) => matchesFilter(f, filter));
  const summary = useMemo(() => summarize(snap), [snap, snap.inputs.length]);
  const tops = useMemo(() => topLists(snap, Math.max(5, height)), [snap, height]);
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
    rows.push(line(filter
      ? { text: `No finding matches "${inert(filter)}" (Esc clears the filter).`, color: "yellow" }
      : { text: "No findings: nothing in this snapshot matches a known problem.", color: "green" }));
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
    if (k.input === "r") {
      session.setStatus({ text: "r runs a check: open this finding with Enter, pick a check, then press r", tone: "info" });
      return true;
    }
    return false;
  }, LAYER.screen, active);

  const analysis = { inputs: snap.inputs, summary, findings, live: snap.live };
  const leftWidth = Math.min(44, Math.floor(w / 2) + 4);
  const rightWidth = w - leftWidth - 1;
  const avail = Math.max(0, height - fixed - listHeight - 1);
  let bottom = avail;
  let bars = stateBars(analysis, leftWidth).map((s) => s.slice(2));
  if (bars.length === 0) bars = ["(no TCP sockets)"];
  if (bars.length > bottom - 1) bars = [...bars.slice(0, Math.max(0, bottom - 2)), `... ${bars.length - (bottom - 2)} more states (Tab: States)`];
  const lists = [
    { title: "Busiest local ports", list: tops.ports },
    { title: "Remote peers", list: tops.peers },
    { title: "Processes", list: tops.processes },
  ].filter((l) => l.list.length);
  // Side by side when the screen is wide enough (each column at most 40 wide), else stacked.
  const across = Math.max(1, Math.min(lists.length, Math.floor((rightWidth + 2) / 24)));
  const sideBySide = across >= lists.length && lists.length > 1;
  const colWidth = Math.min(40, sideBySide ? Math.floor((rightWidth - (across - 1) * 2) / across) : rightWidth);
  // The states and the lists take the lines they need; a tall screen gives the rest to a preview of the selected finding.
  const cap = Math.max(5, Math.floor(height / 3));
  const wanted = Math.max(
    bars.length + 1,
    ...(sideBySide ? lists.map((l) => Math.min(l.list.length, cap) + 1) : [lists.reduce((n, l) => n + Math.min(l.list.length, cap) + 1, 0)]),
  );
  if (avail - wanted >= 8) bottom = wanted;
  const previewHeight = Math.max(0, avail - bottom - 1);
  const section = (title: string, list: { key: string; count: number }[], n: number, cw: number): Seg[][] => {
    if (n <= 0) return [];
    const out: Seg[][] = [[{ text: title, bold: true }]];
    for (const t of list.slice(0, n)) {
      const c = num(t.count);
      out.push([{ text: `${clip(inert(t.key), cw - c.length - 2).padEnd(cw - c.length - 1)} ${c}` }]);
    }
    return out;
  };
  const columns: Seg[][][] = [];
  if (sideBySide) {
    for (const l of lists) columns.push(section(l.title, l.list, Math.min(bottom - 1, cap), colWidth));
  } else {
    // Stacked: share the lines between the lists; a short list leaves its lines to the others.
    const shown = lists.map(() => 1);
    let room = bottom - lists.length;
    for (let more = true; more && room > 0;) {
      more = false;
      for (let i = 0; i < lists.length && room > 0; i++) {
        if (shown[i] - 1 < lists[i].list.length) {
          shown[i]++;
          room--;
          more = true;
        }
      }
    }
    columns.push(lists.flatMap((l, i) => section(l.title, l.list, shown[i] - 1, colWidth)));
  }

  // The preview: the selected finding's message and evidence, as far as there is room.
  const selected = [...findings, ...ruledOut][cursor.sel];
  const preview: Seg[][] = [];
  if (selected && previewHeight >= 4) {
    preview.push([{ text: "Selected: ", dim: true }, { text: inert(selected.title), bold: true }]);
    for (const l of wrapText(inert(selected.message), w - 2, "  ")) preview.push([{ text: l }]);
    const figs = Object.entries(selected.evidence.figures).map(([k, v]) => `${k.replace(/_/g, " ")} ${figureText(k, v)}`);
    if (figs.length) for (const l of wrapText(`Evidence: ${figs.join(", ")}`, w - 2, "  ")) preview.push([{ text: l, dim: true }]);
    const why = whyLines(selected).held;
    if (why.length) {
      preview.push([{ text: "  Why we think so", bold: true }]);
      for (const t of why) for (const l of wrapText(`✓ ${t}`, w - 2, "    ")) preview.push([{ text: l }]);
    }
    if (selected.checks.length) {
      preview.push([{ text: "  Checks", bold: true }, { text: "  (Enter, then r runs one with a probe in a live session)", dim: true }]);
      selected.checks.forEach((c, i) => preview.push([{ text: clip(`    ${i + 1}. ${inert(c.title)}${c.probe ? "  [probe]" : ""}`, w - 1) }]));
    }
    if (selected.fixes.length) {
      preview.push([{ text: "  Fixes", bold: true }]);
      selected.fixes.forEach((x, i) => preview.push([{ text: clip(`    ${i + 1}. ${inert(x.title)}`, w - 1) }]));
    }
    if (preview.length > previewHeight) preview.splice(previewHeight - 1, preview.length, [{ text: "  … Enter opens the whole walkthrough", dim: true }]);
  }
  const found = findings.length
    ? `${findings.length} finding${findings.length > 1 ? "s" : ""} (${severityCounts(findings)}), worst first: Enter opens${filter ? ` (filtered from ${session.findings.length})` : ""}`
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
          {columns.map((col, c) => (
            <Box key={c} flexDirection="column" width={colWidth + (c < columns.length - 1 ? 2 : 0)} flexShrink={0}>
              {col.slice(0, bottom).map((segs, i) => <SegText key={i} color={color} segs={segs} />)}
            </Box>
          ))}
        </Box>
      )}
      {previewHeight > 0 && preview.length > 0 && (
        <Box flexDirection="column" width={width} height={previewHeight + 1} paddingLeft={1}>
          <Text> </Text>
          {preview.slice(0, previewHeight).map((segs, i) => <SegText key={i} color={color} segs={segs} />)}
        </Box>
      )}
    </Box>
  );
}

/**
 * The TCP state diagram with this snapshot's count on each state; ↑↓ pick a
 * state, Enter reads its full explanation (from src/knowledge).
 */

import { Box } from "ink";
import { useMemo, useState } from "react";
import { explainState, layoutStateDiagram, stateInfo, type StateCounts } from "../../knowledge/mod.ts";
import type { Snapshot } from "../../model/snapshot.ts";
import { STATES, type StateName } from "../../model/states.ts";
import { summarize } from "../../report/analysis.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { type DocLine, line, num, type Seg, wrapText } from "../lines.ts";
import { DocView, SegText } from "./DocView.tsx";

/** Props of {@link StateExplorer}. */
export interface StateExplorerProps {
  snap: Snapshot;
  width: number;
  height: number;
  color: boolean;
  /** Whether the view takes keys. @default true */
  active?: boolean;
  /** The state to start on (the top finding's); else the most numerous unusual one. */
  focus?: StateName;
}

/** The state to start on: the most numerous one that is not LISTEN or ESTABLISHED, else ESTABLISHED. */
export function initialState(counts: StateCounts): StateName {
  let best: StateName = "ESTABLISHED";
  let n = 0;
  for (const s of STATES) {
    if (s === "LISTEN" || s === "ESTABLISHED") continue;
    if ((counts[s] ?? 0) > n) [best, n] = [s, counts[s]!];
  }
  return best;
}

// The diagram's three columns, row by row: where each state sits in the compact grid.
const GRID: readonly (readonly (StateName | undefined)[])[] = [
  [undefined, "CLOSED", undefined],
  ["LISTEN", undefined, "SYN_SENT"],
  ["SYN_RECV", "ESTABLISHED", undefined],
  ["FIN_WAIT_1", "CLOSING", "CLOSE_WAIT"],
  ["FIN_WAIT_2", "TIME_WAIT", "LAST_ACK"],
];

/** Every state of the diagram with its count, in the diagram's columns, for screens too small for it. */
export function compactGrid(counts: StateCounts, selected: StateName, width: number, color: boolean): Seg[][] {
  const cw = Math.max(12, Math.floor((width - 2) / 3));
  const out: Seg[][] = [[{ text: " every TCP state, with its sockets here".slice(0, width - 1), dim: true }]];
  for (const row of GRID) {
    const segs: Seg[] = [{ text: " " }];
    for (const st of row) {
      if (!st) {
        segs.push({ text: " ".repeat(cw) });
        continue;
      }
      const n = counts[st] ?? 0;
      const on = st === selected;
      const text = color ? `${st} ${num(n)}` : on ? `*${st} ${num(n)}*` : `${st} ${num(n)}`;
      segs.push({ text: text.padEnd(cw).slice(0, cw), color: on ? "cyan" : n > 0 ? "yellow" : undefined, bold: on || n > 0, dim: !on && n === 0 });
    }
    out.push(segs);
  }
  return out;
}

/** The state explorer view. */
export function StateExplorer({ snap, width, height, color, active = true, focus }: StateExplorerProps) {
  const counts = useMemo(() => summarize(snap).states as StateCounts, [snap]);
  const order = STATES.filter((s) => s !== "BOUND" || (counts.BOUND ?? 0) > 0);
  const [state, setState] = useState<StateName>(() => focus ?? initialState(counts));
  const [reading, setReading] = useState(false);
  const diagram = layoutStateDiagram(counts, { highlight: state });
  const explanation: DocLine[] = useMemo(
    () => (explainState(state, width - 2) ?? `${state}: no explanation`).split("\n").map((l) => line(l)),
    [state, width],
  );
  const cursor = useDocCursor(explanation, height - 1, { sel: -1, top: 0 });
  useKeyHandler((k) => {
    if (reading) {
      if (cursor.handle(k)) return true;
      if (k.back || k.enter) return setReading(false), true;
      return false;
    }
    const i = order.indexOf(state);
    if (k.down || k.right) return setState(order[(i + 1) % order.length]), true;
    if (k.up || k.left) return setState(order[(i + order.length - 1) % order.length]), true;
    if (k.enter) return setReading(true), true;
    return false;
  }, LAYER.screen, active);

  if (reading) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Box paddingLeft={1}>
          <SegText color={color} segs={[{ text: `${state}: ${num(counts[state] ?? 0)} sockets here`, bold: true }, { text: "  Esc: back to the diagram", dim: true }]} />
        </Box>
        <DocView lines={explanation} top={cursor.top} height={height - 1} width={width} selected={-1} color={color} />
      </Box>
    );
  }

  // The diagram, with the selected node and the states that hold sockets
  // coloured; where it does not fit, the same states in a compact grid.
  const compact = width < diagram.lines.reduce((m, l) => Math.max(m, [...l].length), 0) + 2 || height < diagram.lines.length + 3;
  const rows: Seg[][] = compact ? compactGrid(counts, state, width, color) : diagram.lines.map((l) => [{ text: l }]);
  const byRow = new Map<number, typeof diagram.nodes>();
  for (const n of diagram.nodes) byRow.set(n.row, [...(byRow.get(n.row) ?? []), n].sort((a, b) => a.column - b.column));
  for (const [r, nodes] of compact ? [] : byRow) {
    const text = diagram.lines[r];
    const segs: Seg[] = [];
    let at = 0;
    for (const n of nodes) {
      segs.push({ text: text.slice(at, n.column) });
      const has = (counts[n.state] ?? 0) > 0;
      segs.push({ text: text.slice(n.column, n.column + n.width), color: n.state === state ? "cyan" : has ? "yellow" : undefined, bold: n.state === state || has, dim: !has && n.state !== state });
      at = n.column + n.width;
    }
    segs.push({ text: text.slice(at) });
    rows[r] = segs;
  }
  const info = stateInfo(state);
  const below: Seg[][] = [];
  below.push([{ text: `${state}`, bold: true, color: "cyan" }, { text: `  ${num(counts[state] ?? 0)} sockets in this snapshot` }]);
  for (const l of wrapText(info ? `${info.summary}.` : "", width - 2, "")) below.push([{ text: l }]);
  if (info?.whenMany) for (const l of wrapText(`Many of them: ${info.whenMany}`, width - 2, "")) below.push([{ text: l, dim: true }]);
  below.push([{ text: "↑↓ pick a state  Enter: full explanation", dim: true }]);
  const diagramRows = Math.min(rows.length, Math.max(0, height - 3));
  const room = height - diagramRows;
  let shownBelow = below;
  if (below.length > room) {
    shownBelow = [...below.slice(0, Math.max(1, room - 1)), below[below.length - 1]];
    const cut = shownBelow[shownBelow.length - 2];
    if (cut && room > 1) cut[0] = { ...cut[0], text: cut[0].text.replace(/\s*\S*$/, " … (Enter: more)") };
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {rows.slice(0, diagramRows).map((segs, i) => (
        <Box key={i} width={width} height={1}>
          <SegText color={color} segs={segs} />
        </Box>
      ))}
      {shownBelow.map((segs, i) => (
        <Box key={`b${i}`} width={width} height={1} paddingLeft={1}>
          <SegText color={color} segs={segs} />
        </Box>
      ))}
    </Box>
  );
}

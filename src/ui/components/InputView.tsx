/** The inputs: what each was read as, and the lines tcpdoc did not understand (the first ones of each input). */

import { Box } from "ink";
import type { Snapshot } from "../../model/snapshot.ts";
import { inert } from "../../text/inert.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { type DocLine, line, num, wrapText } from "../lines.ts";
import { DocView } from "./DocView.tsx";

/** Builds the input view's lines; each line not understood is an item. */
export function inputLines(snap: Snapshot, width: number, filter = ""): DocLine[] {
  const out: DocLine[] = [];
  const q = filter.toLowerCase();
  let item = 0;
  const total = snap.inputs.reduce((n, r) => n + r.unparsed, 0);
  out.push(line({ text: `Lines not understood: ${num(total)}`, bold: true, color: "magenta" }, { text: total ? "  (the first of each input are kept)" : "", dim: true }));
  for (const r of snap.inputs) {
    const path = r.path === "-" ? "stdin" : r.path;
    out.push(line());
    for (const l of wrapText(`${inert(path)}: ${r.format}, ${num(r.lines)} lines, ${num(r.sockets)} TCP sockets, ${num(r.unparsed)} not understood`, width, "  ")) {
      out.push(line({ text: l, bold: true }));
    }
    const shown = r.unparsedLines.filter((u) => !q || u.text.toLowerCase().includes(q));
    for (const u of shown) {
      const lead = `  ${String(u.line).padStart(6)}  `;
      wrapText(inert(u.text), Math.max(10, width - lead.length), "").forEach((t, i) => {
        out.push({ segs: [{ text: i === 0 ? lead : " ".repeat(lead.length), dim: true }, { text: t }], item });
      });
      item++;
    }
    if (r.unparsed > r.unparsedLines.length) out.push(line({ text: `  … ${num(r.unparsed - r.unparsedLines.length)} more not kept`, dim: true }));
    if (q && r.unparsedLines.length && !shown.length) out.push(line({ text: `  none matches "${inert(filter)}"`, dim: true }));
  }
  return out;
}

/** Props of {@link InputView}. */
export interface InputViewProps {
  snap: Snapshot;
  width: number;
  height: number;
  color: boolean;
  active?: boolean;
  filter?: string;
}

/** The input view. */
export function InputView({ snap, width, height, color, active = true, filter = "" }: InputViewProps) {
  const lines = inputLines(snap, width - 2, filter);
  const cursor = useDocCursor(lines, height);
  useKeyHandler((k) => cursor.handle(k), LAYER.screen, active);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <DocView lines={lines} top={cursor.top} height={height} width={width} selected={cursor.sel} color={color} />
    </Box>
  );
}

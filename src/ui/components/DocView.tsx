/** Shows `height` lines of a document from `top`, marking the selected item and the scroll position. */

import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { inert } from "../../text/inert.ts";
import type { DocLine, Seg } from "../lines.ts";

/** Props of {@link DocView}. */
export interface DocViewProps {
  lines: readonly DocLine[];
  top: number;
  height: number;
  width: number;
  /** Index of the selected item, -1 for none. */
  selected: number;
  /** @default true */
  color?: boolean;
}

/**
 * Renders one styled line (no styles when colour is off). Every string goes
 * through inert() here as well, so nothing that came from outside can reach
 * the terminal as a control sequence, whatever a screen forgot.
 */
export function SegText({ segs, color, bold, inverse, width }: { segs: readonly Seg[]; color: boolean; bold?: boolean; inverse?: boolean; width?: number }) {
  if (!color) return <Text wrap="truncate-end">{segs.map((s) => inert(s.text)).join("") || " "}</Text>;
  // A selection bar runs the whole width.
  const used = segs.reduce((n, s) => n + inert(s.text).length, 0);
  const pad = inverse && width && width > used ? " ".repeat(width - used) : "";
  return (
    <Text wrap="truncate-end" bold={bold} inverse={inverse}>
      {segs.length === 0 && !pad ? " " : segs.map((s, i) => (
        <Text key={i} color={inverse ? undefined : s.color} bold={s.bold || bold} dimColor={s.dim && !inverse}>
          {inert(s.text)}
        </Text>
      ))}
      {pad}
    </Text>
  );
}

/**
 * A window on a document: a one-column gutter with › on the selected item,
 * whose lines show as an inverse bar (with colour), the text cut to fit,
 * and ▲/▼ in the last column when there is more.
 */
export function DocView({ lines, top, height, width, selected, color = true }: DocViewProps) {
  const rows: ReactNode[] = [];
  const more = lines.length > height;
  for (let r = 0; r < height; r++) {
    const i = top + r;
    const l = lines[i];
    const sel = l !== undefined && l.item !== undefined && l.item === selected;
    // The marker goes on the selected item's first visible line.
    const firstOfItem = sel && (r === 0 || lines[i - 1].item !== l.item);
    const marker = more && r === 0 && top > 0 ? "▲" : more && r === height - 1 && top + height < lines.length ? "▼" : " ";
    rows.push(
      <Box key={r} width={width} height={1}>
        <Box width={1} flexShrink={0}>
          {firstOfItem && color ? <Text color="cyan" bold>›</Text> : <Text>{firstOfItem ? "›" : " "}</Text>}
        </Box>
        <Box width={Math.max(1, width - 2)} flexShrink={0}>
          <SegText segs={l?.segs ?? []} color={color} bold={sel} inverse={sel && color} width={Math.max(1, width - 2)} />
        </Box>
        <Box width={1} flexShrink={0}>
          <Text>{marker}</Text>
        </Box>
      </Box>,
    );
  }
  return <Box flexDirection="column" width={width} height={height}>{rows}</Box>;
}

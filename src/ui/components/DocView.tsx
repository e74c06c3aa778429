/** Shows `height` lines of a document from `top`, marking the selected item and the scroll position. */

import { Box, Text } from "ink";
import type { ReactNode } from "react";
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

/** Renders one styled line (no styles when colour is off). */
export function SegText({ segs, color, bold }: { segs: readonly Seg[]; color: boolean; bold?: boolean }) {
  if (!color) return <Text wrap="truncate-end">{segs.map((s) => s.text).join("") || " "}</Text>;
  return (
    <Text wrap="truncate-end" bold={bold}>
      {segs.length === 0 ? " " : segs.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold || bold} dimColor={s.dim}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/**
 * A window on a document: a one-column gutter with › on the selected item,
 * the text cut to fit, and ▲/▼ in the last column when there is more.
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
          <SegText segs={l?.segs ?? []} color={color} bold={sel} />
        </Box>
        <Box width={1} flexShrink={0}>
          <Text>{marker}</Text>
        </Box>
      </Box>,
    );
  }
  return <Box flexDirection="column" width={width} height={height}>{rows}</Box>;
}

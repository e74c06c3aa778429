/** The key reference, shown over any view with ?. */

import { Box } from "ink";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { type DocLine, line, wrapText } from "../lines.ts";
import { DocView } from "./DocView.tsx";

/** The keys, as [keys, what they do]. */
export const KEYS: readonly (readonly [string, string])[] = [
  ["↑↓ jk PgUp PgDn gG", "move, a page, top, bottom"],
  ["Enter", "open: a finding, a question, a check"],
  ["Esc  Backspace", "back"],
  ["Tab  Shift-Tab", "views: Overview, States, Rules, Input"],
  ["/", "filter a list: findings, rules, input lines"],
  ["x  Space", "mark a check or a fix done (again: not done)"],
  ["y n", "answer a yes/no question; confirm or cancel"],
  ["r", "run a check's probe (live; you confirm first)"],
  ["c", "show a check's command alone, to copy it"],
  ["n p", "next and previous check of a finding"],
  ["e", "export the session as Markdown for a ticket"],
  ["?", "this help"],
  ["q  Ctrl-C", "quit"],
];

/** Props of {@link HelpScreen}. */
export interface HelpScreenProps {
  width: number;
  height: number;
  color: boolean;
  live: boolean;
  onClose(): void;
}

/** The help screen. */
export function HelpScreen({ width, height, color, live, onClose }: HelpScreenProps) {
  const lines: DocLine[] = [line({ text: "Keys", bold: true, color: "magenta" })];
  for (const [k, what] of KEYS) lines.push(line({ text: `  ${k.padEnd(20)}`, color: "cyan" }, { text: what }));
  lines.push(line(), line({ text: "How a session goes", bold: true, color: "magenta" }));
  const story = "The overview ranks the findings, worst first. Open one to read what is wrong and why, answer its questions (the rules re-run at once: a finding can be confirmed, weakened or ruled out), work through its checks and fixes, then press e to save it all for a ticket. " +
    (live
      ? "This is a live session: a check with a probe can run here after you confirm; its command is for you to copy, never run by tcpdoc."
      : "This session reads saved dumps: run the checks on the machine yourself.");
  for (const l of wrapText(story, width - 2, "  ")) lines.push(line(l));
  const cursor = useDocCursor(lines, height, { sel: -1, top: 0 });
  useKeyHandler((k) => {
    if (cursor.handle(k)) return true;
    if (k.back || k.input === "?") return onClose(), true;
    return k.input !== "q" && !k.ctrl;
  }, LAYER.modal);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <DocView lines={lines} top={cursor.top} height={height} width={width} selected={-1} color={color} />
    </Box>
  );
}

/** Screen lines for the session: styled segments, word wrapping and number formatting, free of ink. */

/** A run of text with one style. */
export interface Seg {
  text: string;
  color?: "red" | "yellow" | "cyan" | "green" | "magenta" | "gray";
  bold?: boolean;
  dim?: boolean;
}

/** One screen line; `item` marks lines that belong to a selectable item. */
export interface DocLine {
  segs: Seg[];
  item?: number;
}

/** A plain line from strings or segments. */
export function line(...parts: (string | Seg)[]): DocLine {
  return { segs: parts.map((p) => (typeof p === "string" ? { text: p } : p)) };
}

/** Returns the plain text of a line (tests, exports). */
export function lineText(l: DocLine): string {
  return l.segs.map((s) => s.text).join("");
}

/** Wraps each line of `text` to `width` columns with `indent`, cutting words longer than a line. */
export { wrapParagraphs as wrapText } from "../text/wrap.ts";

/** Formats an integer with thousands separators (1,234). */
export function num(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Formats a 0..1 confidence as a percentage. */
export function pct(c: number): string {
  return `${Math.round(c * 100)}%`;
}

/** Cuts `s` to `width` columns with an ellipsis (ASCII-width text). */
export function clip(s: string, width: number): string {
  if (width <= 0) return "";
  return s.length <= width ? s : s.slice(0, Math.max(0, width - 1)) + "…";
}

/**
 * A cursor over a scrolling document whose selectable items span lines:
 * moving down selects the next item when no unread text lies before it, and
 * otherwise scrolls a page, so long explanations are read, not skipped.
 */

import { useState } from "react";
import type { DocLine } from "../lines.ts";
import type { KeyPress } from "./use-keys.ts";

/** Where the cursor is: the selected item (-1: none) and the first line shown. */
export interface Cursor {
  sel: number;
  top: number;
}

/** First and last line of each item, in order. */
export interface ItemSpan {
  first: number;
  last: number;
}

/** Returns the line span of each item in `lines`. */
export function itemSpans(lines: readonly DocLine[]): ItemSpan[] {
  const spans: ItemSpan[] = [];
  lines.forEach((l, i) => {
    if (l.item === undefined) return;
    const s = spans[l.item];
    if (s) s.last = i;
    else spans[l.item] = { first: i, last: i };
  });
  return spans.filter(Boolean);
}

/** Cursor moves. */
export type CursorMove = "down" | "up" | "pageDown" | "pageUp" | "home" | "end";

/** Keeps a cursor inside the document after it changed. */
export function clampCursor(c: Cursor, spans: readonly ItemSpan[], lines: number, height: number): Cursor {
  const maxTop = Math.max(0, lines - height);
  const sel = spans.length === 0 ? -1 : Math.min(Math.max(c.sel, 0), spans.length - 1);
  return { sel, top: Math.min(Math.max(0, c.top), maxTop) };
}

/** Applies one move. Pure, for tests. */
export function moveCursor(c: Cursor, spans: readonly ItemSpan[], lines: number, height: number, move: CursorMove): Cursor {
  const maxTop = Math.max(0, lines - height);
  const page = Math.max(1, height - 1);
  const clampTop = (t: number) => Math.min(Math.max(0, t), maxTop);
  const { sel, top } = clampCursor(c, spans, lines, height);
  const visible = (s: ItemSpan, t: number) => s.first >= t && s.last < t + height;
  switch (move) {
    case "down": {
      const cur = spans[sel];
      const next = cur && cur.first >= top + height ? sel : sel + 1;
      const s = spans[next];
      if (!s) return { sel, top: clampTop(top + 1) };
      if (s.first > top + height) {
        const t = clampTop(Math.min(top + page, s.first));
        return { sel: visible(s, t) ? next : sel, top: t };
      }
      return { sel: next, top: clampTop(Math.max(top, Math.min(s.first, s.last - height + 1))) };
    }
    case "up": {
      const cur = spans[sel];
      const prev = cur && cur.last < top ? sel : sel - 1;
      const s = spans[prev];
      if (!s) return { sel, top: clampTop(top - 1) };
      if (s.last < top - height) {
        const t = clampTop(Math.max(top - page, s.first));
        return { sel: visible(s, t) ? prev : sel, top: t };
      }
      return { sel: prev, top: clampTop(Math.min(top, s.first)) };
    }
    case "pageDown":
    case "pageUp": {
      const t = clampTop(move === "pageDown" ? top + page : top - page);
      if (spans[sel] && visible(spans[sel], t)) return { sel, top: t };
      const inView = spans.findIndex((s) => visible(s, t));
      return { sel: inView === -1 ? sel : inView, top: t };
    }
    case "home":
      return { sel: spans.length ? 0 : -1, top: 0 };
    case "end":
      return { sel: spans.length - 1, top: maxTop };
  }
}

/** Maps a key to a cursor move. */
export function keyMove(k: KeyPress): CursorMove | undefined {
  if (k.down) return "down";
  if (k.up) return "up";
  if (k.pageDown) return "pageDown";
  if (k.pageUp) return "pageUp";
  if (k.home) return "home";
  if (k.end) return "end";
  return undefined;
}

/** The cursor state for a document shown `height` lines at a time. */
export function useDocCursor(lines: readonly DocLine[], height: number, initial: Cursor = { sel: 0, top: 0 }) {
  const [raw, setRaw] = useState<Cursor>(initial);
  const spans = itemSpans(lines);
  const cursor = clampCursor(raw, spans, lines.length, height);
  return {
    ...cursor,
    spans,
    /** Moves on a navigation key; returns true when the key was one. */
    handle(k: KeyPress): boolean {
      const m = keyMove(k);
      if (!m) return false;
      setRaw(moveCursor(cursor, spans, lines.length, height, m));
      return true;
    },
    /** Selects item `i` and scrolls it into view (to the top of the view with `atTop`). */
    select(i: number, atTop = false) {
      const s = spans[i];
      if (!s) return;
      const top = atTop || s.first < cursor.top ? s.first : s.last >= cursor.top + height ? s.last - height + 1 : cursor.top;
      setRaw(clampCursor({ sel: i, top }, spans, lines.length, height));
    },
  };
}

/**
 * The TCP state diagram as text: eleven labelled nodes with a count each and
 * arrows for the main transitions, in at most 80 columns and 16 lines.
 * A pure function of the counts; the ink UI and `tcpdoc explain` print it.
 */

import type { StateName } from "../model/states.ts";

/** Sockets per state; missing states count as 0. */
export type StateCounts = Partial<Record<StateName, number>>;

export interface DiagramOptions {
  /** The state to mark, drawn as `[*NAME n*]` instead of `[ NAME n ]`. */
  highlight?: StateName;
  /** Use only ASCII (`-`, `|`, `+`, `v`, `>`, `<`) instead of box-drawing characters. @default false */
  ascii?: boolean;
}

/** Where a node was drawn, so a UI can colour it. Rows and columns count from 0. */
export interface DiagramNode {
  state: StateName;
  row: number;
  column: number;
  width: number;
  highlighted: boolean;
}

/** The drawn diagram: its lines (right-trimmed) and where each node sits. */
export interface StateDiagram {
  lines: string[];
  nodes: DiagramNode[];
}

/** Widest line the diagram may produce. */
export const DIAGRAM_WIDTH = 80;

const _UNICODE = { h: "─", v: "│", tl: "┌", tr: "┐", br: "┘", up: "┴", down: "▼", right: "▶", left: "◀" };
const _ASCII = { h: "-", v: "|", tl: "+", tr: "+", br: "+", up: "+", down: "v", right: ">", left: "<" };

// Columns: left nodes end at column 19 (right-aligned), middle nodes start at
// 29, right nodes start at 59. Vertical arrows run down these columns, which
// every node of the column covers whatever its width.
const L_END = 20;
const L = 14;
const M_START = 29;
const M = 34;
const R_START = 59;
const R = 64;
const R2 = 70;

/**
 * Formats a count in at most 5 characters: exact below 100000, then k or M.
 *
 * @example
 * ```ts
 * formatCount(312) === "312"; formatCount(250_000) === "250k";
 * ```
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "?";
  n = Math.round(n);
  if (n < 100_000) return String(n);
  if (n < 999_500) return `${Math.round(n / 1000)}k`;
  if (n < 9_950_000) return `${(n / 1e6).toFixed(1)}M`;
  if (n < 999_500_000) return `${Math.round(n / 1e6)}M`;
  return `${Math.round(n / 1e9)}G`;
}

class _Canvas {
  rows: string[][] = [];
  put(row: number, col: number, text: string): void {
    while (this.rows.length <= row) this.rows.push([]);
    const r = this.rows[row];
    for (let i = 0; i < text.length; i++) {
      while (r.length < col + i) r.push(" ");
      r[col + i] = text[i];
    }
  }
  hline(row: number, from: number, to: number, ch: string): void {
    for (let c = from; c <= to; c++) this.put(row, c, ch);
  }
  lines(): string[] {
    return this.rows.map((r) => r.join("").trimEnd());
  }
}

/**
 * Lays out the diagram and returns its lines and node positions.
 *
 * @example
 * ```ts
 * const { lines, nodes } = layoutStateDiagram({ CLOSE_WAIT: 312 }, { highlight: "CLOSE_WAIT" });
 * ```
 */
export function layoutStateDiagram(counts?: StateCounts, options: DiagramOptions = {}): StateDiagram {
  const g = options.ascii ? _ASCII : _UNICODE;
  const canvas = new _Canvas();
  const nodes: DiagramNode[] = [];

  const label = (state: StateName): string => {
    const text = counts ? `${state} ${formatCount(counts[state] ?? 0)}` : state;
    return state === options.highlight ? `[*${text}*]` : `[ ${text} ]`;
  };
  /** Draws a node; `align` says whether `col` is its first column or one past its last. */
  const node = (state: StateName, row: number, col: number, align: "start" | "end"): DiagramNode => {
    const text = label(state);
    const column = align === "start" ? col : col - text.length;
    canvas.put(row, column, text);
    const n = { state, row, column, width: text.length, highlighted: state === options.highlight };
    nodes.push(n);
    return n;
  };
  /** A horizontal arrow from column `from` to `to` (inclusive) with a label after the first dash. */
  const arrowRight = (row: number, from: number, to: number, text: string): void => {
    canvas.hline(row, from, to - 1, g.h);
    canvas.put(row, from + 1, text);
    canvas.put(row, to, g.right);
  };
  const fork = (row: number): void => {
    canvas.put(row, L, g.tl);
    canvas.hline(row, L + 1, R - 1, g.h);
    canvas.put(row, M, g.up);
    canvas.put(row, R, g.tr);
  };
  const leftOf = (row: number, col: number, text: string): void => canvas.put(row, col - 1 - text.length, text);

  // Opening: CLOSED forks to LISTEN (passive) and SYN_SENT (active).
  node("CLOSED", 0, M_START, "start");
  fork(1);
  canvas.put(2, L, g.down);
  canvas.put(2, L + 2, "listen()");
  leftOf(2, R, "connect()/SYN");
  canvas.put(2, R, g.down);
  node("LISTEN", 3, L_END, "end");
  node("SYN_SENT", 3, R_START, "start");
  canvas.put(4, L, g.down);
  canvas.put(4, L + 2, "SYN/SYN+ACK");
  leftOf(4, R2, "SYN+ACK/ACK");
  canvas.put(4, R2, g.v);
  node("SYN_RECV", 5, L_END, "end");
  arrowRight(5, L_END, M_START - 1, "ACK");
  const est = node("ESTABLISHED", 5, M_START, "start");
  canvas.put(5, est.column + est.width, g.left);
  canvas.hline(5, est.column + est.width + 1, R2 - 1, g.h);
  canvas.put(5, R2, g.br);

  // Closing: ESTABLISHED forks to FIN_WAIT_1 (active) and CLOSE_WAIT (passive).
  fork(6);
  canvas.put(7, L, g.down);
  canvas.put(7, L + 2, "close()/FIN");
  leftOf(7, R, "FIN/ACK");
  canvas.put(7, R, g.down);
  node("FIN_WAIT_1", 8, L_END, "end");
  arrowRight(8, L_END, M_START - 1, "FIN/ACK");
  node("CLOSING", 8, M_START, "start");
  node("CLOSE_WAIT", 8, R_START, "start");
  for (const col of [L, M, R]) canvas.put(9, col, g.down);
  canvas.put(9, L + 2, "ACK");
  canvas.put(9, M + 2, "ACK");
  canvas.put(9, R + 2, "close()/FIN");
  node("FIN_WAIT_2", 10, L_END, "end");
  arrowRight(10, L_END, M_START - 1, "FIN/ACK");
  node("TIME_WAIT", 10, M_START, "start");
  node("LAST_ACK", 10, R_START, "start");
  canvas.put(11, M, g.v);
  canvas.put(11, M + 2, "60 s (2MSL)");
  canvas.put(11, R, g.v);
  canvas.put(11, R + 2, "ACK");
  canvas.put(12, M, g.down);
  canvas.put(12, M + 2, "CLOSED");
  canvas.put(12, R, g.down);
  canvas.put(12, R + 2, "CLOSED");

  canvas.put(13, 0, "x/y: on receiving x, send y    f(): the application calls f");
  if ((counts?.BOUND ?? 0) > 0 || options.highlight === "BOUND") {
    canvas.put(14, 0, "Windows only: ");
    const b = node("BOUND", 14, "Windows only: ".length, "start");
    canvas.put(14, b.column + b.width, " bind() done, no listen() or connect() yet");
  }
  return { lines: canvas.lines(), nodes };
}

/**
 * Draws the TCP state diagram as lines of at most 80 columns. With `counts`,
 * each node shows its count (`CLOSE_WAIT 312`); without, only the names.
 *
 * @example
 * ```ts
 * console.log(drawStateDiagram({ TIME_WAIT: 1200 }, { highlight: "TIME_WAIT", ascii: true }).join("\n"));
 * ```
 */
export function drawStateDiagram(counts?: StateCounts, options: DiagramOptions = {}): string[] {
  return layoutStateDiagram(counts, options).lines;
}

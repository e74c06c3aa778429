/** A row of block characters that draws a series of counts in a line of text. */

const BLOCKS = "▁▂▃▄▅▆▇█";

/**
 * Draws `values` in at most `width` characters (later values kept when
 * there are more), from the smallest (▁) to the largest (█); an unchanging
 * series is drawn at mid height.
 */
export function sparkline(values: readonly number[], width = 24): string {
  const vs = values.slice(-width);
  if (vs.length === 0) return "";
  const lo = Math.min(...vs), hi = Math.max(...vs);
  if (hi === lo) return BLOCKS[hi === 0 ? 0 : 3].repeat(vs.length);
  return vs.map((v) => BLOCKS[Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1))]).join("");
}

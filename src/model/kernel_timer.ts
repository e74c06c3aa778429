/**
 * A socket's kernel timer as /proc/net/tcp shows it (`tr:tm->when`) and
 * tcpdoc writes it: "keepalive (71.84s)". The socket table's timer column
 * keeps one by value (a code and the ticks left: model/socket_table.ts,
 * TIMER_BY_VALUE), and so does the string pool for such a text, so a dump
 * whose every socket has its own expiry makes no string or id per socket.
 */

/** Timer names by /proc's `tr` code (include/net/tcp.h ICSK_TIME_*; 5, the zero-window probe, shows as keepalive). */
export const KERNEL_TIMERS: readonly string[] = ["", "retransmit", "keepalive", "timewait", "probe", "keepalive"];

/**
 * The most ticks a timer kept by value may have (about 7.7 days at 100 a
 * second; a keepalive's idle time is at most 32,767 s; longer is text):
 * code and ticks share 29 bits, so that a timer cell (model/socket_table.ts,
 * TIMER_BY_VALUE + packed) is still a positive int32.
 */
const MAX_TICKS = 2 ** 26 - 1;

/** The text of timer `code` with `ticks` left (clock ticks, USER_HZ: 100 a second), or "" for no timer. */
export function formatKernelTimer(code: number, ticks: number): string {
  return code > 0 && code < KERNEL_TIMERS.length ? `${KERNEL_TIMERS[code]} (${(ticks / 100).toFixed(2)}s)` : "";
}

/**
 * The timer as one number under 2^29 (ticks * 8 + code, the code of the
 * first name of equal names, so equal texts pack equal), or -1 when it is
 * none or its ticks are past what is kept by value.
 */
export function packKernelTimer(code: number, ticks: number): number {
  if (!(code > 0 && code < KERNEL_TIMERS.length) || !(ticks >= 0 && ticks <= MAX_TICKS)) return -1;
  return ticks * 8 + KERNEL_TIMERS.indexOf(KERNEL_TIMERS[code]);
}

/** The code of a packed timer (an index in KERNEL_TIMERS). */
export function packedKernelTimerCode(packed: number): number {
  return packed & 7;
}

/** The text of a packed timer. */
export function packedKernelTimerText(packed: number): string {
  return formatKernelTimer(packedKernelTimerCode(packed), packed >>> 3);
}

/** The packed timer whose text is exactly `s` (as formatKernelTimer writes it), or -1. */
export function parseKernelTimer(s: string): number {
  const open = s.indexOf(" (");
  if (open <= 0 || s.length < open + 7 || s.charCodeAt(s.length - 1) !== 41 || s.charCodeAt(s.length - 2) !== 115) return -1;
  const code = KERNEL_TIMERS.indexOf(s.slice(0, open));
  if (code <= 0) return -1;
  // "S.SS": S without leading zeros, two decimals.
  const a = open + 2, dot = s.length - 5;
  if (s.charCodeAt(dot) !== 46 || dot === a || (dot - a > 1 && s.charCodeAt(a) === 48) || dot - a > 7) return -1;
  let ticks = 0;
  for (let i = a; i < s.length - 2; i++) {
    if (i === dot) continue;
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    ticks = ticks * 10 + d;
  }
  const packed = packKernelTimer(code, ticks);
  return packed !== -1 && packedKernelTimerText(packed) === s ? packed : -1;
}

/** /proc/net/tcp and /proc/net/tcp6 (net/ipv4/tcp_ipv4.c get_tcp4_sock, net/ipv6/tcp_ipv6.c get_tcp6_sock). */

import { NONE, type SocketRow } from "../../model/socket_table.ts";
import { PROC_STATE_IDS, stateId } from "../../model/states.ts";
import { type LineParser } from "../parser.ts";

/** Names of the timer codes in the `tr` column (tcp_ipv4.c get_tcp4_sock), by code. */
export const TIMER_NAMES = ["", "retransmit", "keepalive", "timewait", "probe", "keepalive"];
const LISTEN = stateId("LISTEN");

function hexByte(s: string, i: number): number {
  return parseInt(s.slice(i, i + 2), 16);
}

/** Decodes a /proc hex address: each 32-bit word is in host (little-endian) order. */
export function decodeProcAddress(hex: string): string | undefined {
  if (hex.length === 8) {
    if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
    return `${hexByte(hex, 6)}.${hexByte(hex, 4)}.${hexByte(hex, 2)}.${hexByte(hex, 0)}`;
  }
  if (hex.length === 32) {
    if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return undefined;
    const bytes: number[] = [];
    for (let w = 0; w < 4; w++) {
      for (let b = 3; b >= 0; b--) bytes.push(hexByte(hex, w * 8 + b * 2));
    }
    // v4-mapped ::ffff:a.b.c.d
    if (bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 255 && bytes[11] === 255) {
      return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
    }
    const groups: string[] = [];
    for (let g = 0; g < 8; g++) groups.push(((bytes[g * 2] << 8) | bytes[g * 2 + 1]).toString(16));
    return compressV6(groups);
  }
  return undefined;
}

function compressV6(groups: string[]): string {
  // Replace the longest run of two or more zero groups with "::" (RFC 5952).
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i >= 2) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best === -1) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

/** /proc/net/tcp{,6} rows. */
export const procNetTcpParser: LineParser = {
  format: "proc-net-tcp",
  parse(line, _ctx, sink) {
    const t = line.tokens;
    const t0 = t[0];
    if (t0 === "sl" && t[1] === "local_address") return "header";
    if (t0.charCodeAt(t0.length - 1) !== 58 /* : */ || t.length < 10 || !/^\d+:$/.test(t0)) return undefined;
    const lc = t[1].indexOf(":"), rc = t[2].indexOf(":");
    if (lc === -1 || rc === -1) return undefined;
    const localAddress = decodeProcAddress(t[1].slice(0, lc));
    const remoteAddress = decodeProcAddress(t[2].slice(0, rc));
    const st = parseInt(t[3], 16);
    const qc = t[4].indexOf(":");
    if (!localAddress || !remoteAddress || !(st > 0 && st < PROC_STATE_IDS.length) || qc === -1) return undefined;
    const state = PROC_STATE_IDS[st];
    const tx = parseInt(t[4].slice(0, qc), 16);
    const rx = parseInt(t[4].slice(qc + 1), 16);
    const row: SocketRow = {
      family: lc === 8 ? 4 : 6, // 8 hex digits: IPv4; 32: IPv6
      state,
      localAddress,
      localPort: parseInt(t[1].slice(lc + 1), 16),
      remoteAddress,
      remotePort: parseInt(t[2].slice(rc + 1), 16),
      recvQ: Number.isFinite(rx) ? rx : NONE,
      // A listener's tx_queue is not its backlog: unknown.
      sendQ: state === LISTEN || !Number.isFinite(tx) ? NONE : tx,
      user: t[7],
      inode: Number(t[9]),
    };
    if (row.family === 4 && localAddress.indexOf(":") !== -1) row.family = 6;
    const tc = t[5].indexOf(":");
    const timer = parseInt(t[5].slice(0, tc), 16);
    if (timer > 0 && timer < TIMER_NAMES.length) {
      // The expiry is in clock ticks (USER_HZ, 100 a second on Linux).
      const ticks = parseInt(t[5].slice(tc + 1), 16);
      row.timer = `${TIMER_NAMES[timer]} (${(ticks / 100).toFixed(2)}s)`;
    }
    sink.socket(row);
    return "socket";
  },
};

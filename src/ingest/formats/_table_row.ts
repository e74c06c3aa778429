/**
 * Pieces the fast row readers of Linux socket tables share: `ss -tan` and
 * `netstat -nat` rows both carry `RECVQ SENDQ LOCAL PEER`, in that order.
 */

import type { PlainRow, StringPool } from "../../model/socket_table.ts";
import { NONE } from "../../model/socket_table.ts";
import { EndpointScan, PORT_OTHER, readQuadPort, scanColonEndpoint } from "../endpoint.ts";
import { digitsValue, spacesAfter, TokenBounds } from "../scan.ts";

/** The fields of the row being read, reused row after row by one reader. */
export class RowFields {
  readonly local = new EndpointScan();
  readonly remote = new EndpointScan();
  readonly tokens = new TokenBounds();
  recvQ = 0;
  sendQ = 0;

  /**
   * Reads ` RECVQ SENDQ a.b.c.d:port a.b.c.d:port` (single spaces or runs of
   * them, IPv4 only) from the space at `i`, in one pass; returns the index
   * after the peer, or -1 when the row is not that plain.
   */
  usual(text: string, i: number, end: number): number {
    let e: number;
    if ((i = spacesAfter(text, i, end)) < 0 || (e = this.#number(text, i, end)) < 0) return -1;
    this.recvQ = this.#value;
    if ((i = spacesAfter(text, e, end)) < 0 || (e = this.#number(text, i, end)) < 0) return -1;
    this.sendQ = this.#value;
    if ((i = spacesAfter(text, e, end)) < 0 || (i = readQuadPort(text, i, end, this.local)) < 0) return -1;
    if ((i = spacesAfter(text, i, end)) < 0 || (i = readQuadPort(text, i, end, this.remote)) < 0) return -1;
    return i;
  }

  /** The value #number read last. */
  #value = 0;

  /** Reads the digits at `i` (as digitsValue reads them) into #value in one pass; the index after them, or -1 when there are none. */
  #number(text: string, i: number, end: number): number {
    let v = 0, j = i;
    for (; j < end; j++) {
      const d = text.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (j === i) return -1;
    this.#value = j - i > 15 ? digitsValue(text, i, j) : v;
    return j;
  }

  /** Reads the queues in tokens `q` and `q + 1`; false unless both are digits. */
  queues(text: string, q: number): boolean {
    const t = this.tokens;
    this.recvQ = digitsValue(text, t.start(q), t.end(q));
    this.sendQ = digitsValue(text, t.start(q + 1), t.end(q + 1));
    return this.recvQ >= 0 && this.sendQ >= 0;
  }

  /**
   * Reads tokens `l` and `l + 1` as colon endpoints the way the careful
   * parsers' splitColonPort would; false for anything a fast reader leaves
   * to them (no host, a %scope, a service name for a port).
   */
  endpoints(text: string, l: number): boolean {
    const t = this.tokens;
    return plain(text, t.start(l), t.end(l), this.local) && plain(text, t.start(l + 1), t.end(l + 1), this.remote);
  }

  /** Fills `out` with the fields read; `sendQ` as the format has it. */
  fill(text: string, pool: StringPool, out: PlainRow, state: number, family: number, sendQ: number): void {
    out.state = state;
    out.family = family;
    out.localAddr = intern(text, this.local, pool);
    out.localPort = this.local.port;
    out.remoteAddr = intern(text, this.remote, pool);
    out.remotePort = this.remote.port;
    out.recvQ = this.recvQ;
    out.sendQ = sendQ;
    out.user = 0;
    out.inode = NONE;
    out.timer = 0;
  }
}

function plain(text: string, a: number, b: number, ep: EndpointScan): boolean {
  return scanColonEndpoint(text, a, b, ep) && !ep.scoped && ep.portKind !== PORT_OTHER;
}

/** The pool id of an endpoint's host: a dotted quad by its value, without making a string. */
export function intern(text: string, ep: EndpointScan, pool: StringPool): number {
  return ep.isQuad ? pool.internV4(ep.quad) : pool.intern(text.slice(ep.hostStart, ep.hostEnd));
}

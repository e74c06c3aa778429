/**
 * What the fast row readers of Linux socket tables share: `ss -tan` and
 * `netstat -nat` rows both carry `RECVQ SENDQ LOCAL PEER`, in that order,
 * read here from the line's bytes in place.
 */

import { familyOfBytes, mappedPrefixAt, readV4Bytes } from "../../model/address.ts";
import { NONE, type StringPool } from "../../model/socket_table.ts";
import { spacesAfterBytes } from "../scan.ts";

// What a host read in place is: bytes to intern as they are, or a quad (a dotted one, or one in `::ffff:`).
const NOT_QUAD = 0, QUAD = 1, MAPPED = 2;

/** The fields of the row being read, reused row after row by one reader. */
export class RowFields {
  recvQ = 0;
  sendQ = 0;
  localAddr = 0;
  localPort = 0;
  localFamily = 0;
  remoteAddr = 0;
  remotePort = 0;
  remoteFamily = 0;
  /** Where readV4Bytes stopped. */
  readonly #at = { end: 0 };

  // Where the hosts are, until intern(): a dotted quad's bits (int32) and its kind (QUAD, MAPPED), else NOT_QUAD and the host's bytes.
  #localQuad = 0;
  #localKind = NOT_QUAD;
  #localStart = 0;
  #localEnd = 0;
  #remoteQuad = 0;
  #remoteKind = NOT_QUAD;
  #remoteStart = 0;
  #remoteEnd = 0;

  /**
   * Reads ` RECVQ SENDQ LOCAL PEER` (runs of spaces between) from the space
   * at `i`; returns the index after the peer, or -1 when the row is not one
   * a fast reader takes (see {@link endpoint}). The hosts are interned only
   * by {@link intern}, once the reader knows it takes the row: a declined
   * line adds nothing to the pool.
   */
  read(b: Uint8Array, i: number, end: number): number {
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.#number(b, i, end)) < 0) return -1;
    this.recvQ = this.#value;
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.#number(b, i, end)) < 0) return -1;
    this.sendQ = this.#value;
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.endpoint(b, i, end)) < 0) return -1;
    this.localPort = this.#port, this.localFamily = this.#family;
    this.#localKind = this.#kind, this.#localQuad = this.#quad, this.#localStart = this.#hostStart, this.#localEnd = this.#hostEnd;
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.endpoint(b, i, end)) < 0) return -1;
    this.remotePort = this.#port, this.remoteFamily = this.#family;
    this.#remoteKind = this.#kind, this.#remoteQuad = this.#quad, this.#remoteStart = this.#hostStart, this.#remoteEnd = this.#hostEnd;
    return i;
  }

  /** Interns the hosts read last, local then peer (the table's order), into localAddr and remoteAddr. */
  intern(b: Uint8Array, pool: StringPool): void {
    const lk = this.#localKind, rk = this.#remoteKind;
    this.localAddr = lk === QUAD ? pool.internV4(this.#localQuad) : lk === MAPPED ? pool.internMapped(this.#localQuad) : pool.internBytes(b, this.#localStart, this.#localEnd);
    this.remoteAddr = rk === QUAD ? pool.internV4(this.#remoteQuad) : rk === MAPPED ? pool.internMapped(this.#remoteQuad) : pool.internBytes(b, this.#remoteStart, this.#remoteEnd);
  }

  /** The value #number read last. */
  #value = 0;

  /** Reads 1 to 15 digits at `i` into #value (as digitsValue reads them); the index after them, or -1. */
  #number(b: Uint8Array, i: number, end: number): number {
    let v = 0, j = i;
    for (; j < end; j++) {
      const d = b[j] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (j === i || j - i > 15) return -1;
    this.#value = v;
    return j;
  }

  /** What endpoint() read: the host (a dotted quad's bits and kind, or where its bytes are), the port (NONE for "*"), the host's family. */
  #kind = NOT_QUAD;
  #quad = 0;
  #hostStart = 0;
  #hostEnd = 0;
  #port = 0;
  #family = 0;

  /**
   * Reads the endpoint at `i` up to the next space, CR or LF as the careful
   * parsers' splitColonPort reads it: the port after the last colon, the
   * host before it without brackets. Returns the index after it, or -1 for
   * anything a fast reader leaves to the parsers: no host, a port that is
   * not "*" or 1 to 5 digits, a host with other characters than those of
   * numeric addresses (hex digits, ".", ":", "*"; so no "%scope" and no
   * names).
   */
  endpoint(b: Uint8Array, i: number, end: number): number {
    // The usual IPv4 endpoint, read in one pass.
    const at = this.#at;
    const v4 = readV4Bytes(b, i, end, at);
    if (v4 !== -1 && at.end < end && b[at.end] === 58) {
      const p = this.#portAt(b, at.end + 1, end);
      if (p >= 0) {
        this.#kind = QUAD;
        this.#quad = v4 | 0;
        this.#family = 4;
        return p;
      }
    }
    // An IPv4-mapped endpoint, `::ffff:a.b.c.d:PORT` (netstat) or `[::ffff:a.b.c.d]:PORT` (ss): the
    // dual-stack server's every row, read in one pass too, to the quad the pool keeps it as (parseMappedBytes).
    const q = b[i] === 91 ? i + 1 : i;
    if (mappedPrefixAt(b, q, end)) {
      const m = readV4Bytes(b, q + 7, end, at);
      let e = at.end;
      if (m !== -1 && (q === i || (e < end && b[e++] === 93)) && e < end && b[e] === 58) {
        const p = this.#portAt(b, e + 1, end);
        if (p >= 0) {
          this.#kind = MAPPED;
          this.#quad = m | 0;
          this.#family = 6;
          return p;
        }
      }
    }
    const start = i;
    let colon = -1;
    for (; i < end; i++) {
      const c = b[i];
      if (c === 58) colon = i;
      else if (c === 32 || c === 13 || c === 10) break;
      else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46 || c === 42 || c === 91 || c === 93)) return -1;
    }
    if (colon <= start) return -1;
    if (this.#portAt(b, colon + 1, end) !== i) return -1;
    let ha = start, hb = colon;
    if (hb - ha > 1 && b[ha] === 91 && b[hb - 1] === 93) ha++, hb--;
    for (let k = ha; k < hb; k++) if (b[k] === 91 || b[k] === 93) return -1;
    this.#kind = NOT_QUAD;
    this.#hostStart = ha;
    this.#hostEnd = hb;
    this.#family = familyOfBytes(b, ha, hb);
    return i;
  }

  /** Reads the port at `i` ("*": NONE; 1 to 5 digits, NONE over 65535) into #port when a space, CR, LF or `end` follows; the index after it, or -1. */
  #portAt(b: Uint8Array, i: number, end: number): number {
    let j = i;
    if (j < end && b[j] === 42) {
      this.#port = NONE;
      j++;
    } else {
      let p = 0;
      for (; j < end && j - i < 6; j++) {
        const d = b[j] - 48;
        if (d < 0 || d > 9) break;
        p = p * 10 + d;
      }
      if (j === i || j - i > 5) return -1;
      this.#port = p > 65535 ? NONE : p;
    }
    if (j < end) {
      const c = b[j];
      if (c !== 32 && c !== 13 && c !== 10) return -1;
    }
    return j;
  }
}

/**
 * Endpoints as the tools print them ("host:port", "[v6]:port", BSD's
 * "host.port") and the one builder of a socket row from two of them.
 * {@link scanColonEndpoint} reads an endpoint in place for both a careful
 * parser (on a token) and a fast row reader (on a field of the line).
 */

import { familyOf, parseV4, readV4 } from "../model/address.ts";
import { NONE, type SocketRow } from "../model/socket_table.ts";
import { digitsValue, indexIn, lastIndexIn } from "./scan.ts";

/** An endpoint: host as printed without brackets or scope, port or NONE for "*". */
export interface Endpoint {
  host: string;
  port: number;
}

/** How the port of an endpoint is written: 1 to 5 digits (a value over 65535 reads as NONE). */
export const PORT_DIGITS = 0;
/** ... "*": any port. */
export const PORT_STAR = 1;
/** ... anything else: a service name ("https") or junk. */
export const PORT_OTHER = 2;

/**
 * Where the parts of one endpoint are, filled by {@link scanColonEndpoint}.
 * One per reader, reused.
 */
export class EndpointScan {
  /** The host without brackets, up to a "%scope" if any. */
  hostStart = 0;
  hostEnd = 0;
  /** The host carried a "%scope" ("fe80::1%eth0"). */
  scoped = false;
  portStart = 0;
  portEnd = 0;
  portKind = PORT_OTHER;
  /** The port's value for PORT_DIGITS, else NONE. */
  port = NONE;
  /** Address family of the host (familyOf). */
  family: 0 | 4 | 6 = 0;
  /** Where the last read stopped (readV4's `at`). */
  end = 0;
  /** The host is a canonical dotted quad (parseV4). */
  isQuad = false;
  /**
   * Its 32 bits as an int32 (`quad >>> 0` is parseV4's value): an int32
   * stays a small integer in the object, where a value past 2^31 would be
   * a boxed double written on every row.
   */
  quad = 0;
}

/**
 * Reads an endpoint whose port follows the last colon in `s[a, b)`: Linux
 * netstat (`::1:8080`, `0.0.0.0:*`), ss (`[::1]:8080`, `*:22`,
 * `127.0.0.53%lo:53`), Windows (`[::]:135`, `host:https`). False when there
 * is no colon after a non-empty host.
 */
export function scanColonEndpoint(s: string, a: number, b: number, out: EndpointScan): boolean {
  const c = lastIndexIn(s, 58, a, b);
  if (c <= a) return false;
  let ha = a, hb = c;
  if (hb - ha > 1 && s.charCodeAt(ha) === 91 /* [ */ && s.charCodeAt(hb - 1) === 93 /* ] */) {
    ha++;
    hb--;
  }
  let v4 = parseV4(s, ha, hb), scoped = false;
  if (v4 === -1) {
    const pct = indexIn(s, 37 /* % */, ha, hb);
    if (pct !== -1) {
      scoped = true;
      hb = pct;
      v4 = parseV4(s, ha, hb);
    }
  }
  out.scoped = scoped;
  out.hostStart = ha;
  out.hostEnd = hb;
  out.isQuad = v4 !== -1;
  out.quad = v4 === -1 ? 0 : v4 | 0;
  out.family = v4 !== -1 ? 4 : familyOf(s, ha, hb);
  scanPort(s, c + 1, b, out);
  return true;
}

/**
 * Reads the usual IPv4 endpoint, `a.b.c.d:port` (a canonical quad; the port
 * "*" or 1 to 5 digits), that starts at `s[i]` and ends at a space or `end`,
 * into `out` as {@link scanColonEndpoint} would read that field, in one
 * pass. Returns the index after it, or -1 when the field is anything else.
 */
export function readQuadPort(s: string, i: number, end: number, out: EndpointScan): number {
  const v = readV4(s, i, end, out);
  if (v === -1) return -1;
  const c = out.end;
  if (c >= end || s.charCodeAt(c) !== 58) return -1;
  let j = c + 1;
  if (j < end && s.charCodeAt(j) === 42) {
    out.portKind = PORT_STAR;
    out.port = NONE;
    j++;
  } else {
    let p = 0;
    const from = j;
    for (; j < end && j - from < 6; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      p = p * 10 + d;
    }
    if (j === from || j - from > 5) return -1;
    out.portKind = PORT_DIGITS;
    out.port = p > 65535 ? NONE : p;
  }
  if (j !== end && s.charCodeAt(j) !== 32) return -1;
  out.hostStart = i;
  out.hostEnd = c;
  out.scoped = false;
  out.isQuad = true;
  out.quad = v | 0;
  out.family = 4;
  out.portStart = c + 1;
  out.portEnd = j;
  return j;
}

function scanPort(s: string, a: number, b: number, out: EndpointScan): void {
  out.portStart = a;
  out.portEnd = b;
  if (b - a === 1 && s.charCodeAt(a) === 42 /* * */) {
    out.portKind = PORT_STAR;
    out.port = NONE;
    return;
  }
  const v = b - a <= 5 ? digitsValue(s, a, b) : -1;
  out.portKind = v === -1 ? PORT_OTHER : PORT_DIGITS;
  out.port = v === -1 || v > 65535 ? NONE : v;
}

// Service names printed in place of port numbers when a tool runs without -n
// (from IANA's registry as /etc/services ships it; the ones servers commonly use).
const SERVICES = new Map<string, number>(Object.entries({
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, www: 80, "www-http": 80, kerberos: 88, pop3: 110,
  sunrpc: 111, epmap: 135, "loc-srv": 135, "netbios-ssn": 139, imap: 143, imap2: 143, ldap: 389, https: 443,
  "microsoft-ds": 445, submission: 587, ldaps: 636, imaps: 993, pop3s: 995, "ms-sql-s": 1433, mysql: 3306,
  "ms-wbt-server": 3389, postgresql: 5432, postgres: 5432, amqp: 5672, "x11": 6000, redis: 6379, "http-alt": 8080,
  webcache: 8080, "wsman": 5985, "wsmans": 5986, "memcache": 11211, "mongodb": 27017, "cslistener": 9000,
  "afs3-callback": 7001, "jetdirect": 9100, "ircd": 6667, "rsync": 873, "nfs": 2049, "hbci": 3000, "xmpp-client": 5222,
  tproxy: 8081, socks: 1080, openvpn: 1194, ipp: 631, smtps: 465, submissions: 465, "xmpp-server": 5269, git: 9418,
  svn: 3690, "zabbix-agent": 10050, "zabbix-trapper": 10051, webmin: 10000,
}));

/** Parses a port token: 1 to 5 digits up to 65535; "*" and anything else give NONE. */
export function parsePort(s: string): number {
  const v = s.length <= 5 ? digitsValue(s) : -1;
  return v === -1 || v > 65535 ? NONE : v;
}

/** Parses a port token that may be a service name (`https`); NONE when neither. */
export function parsePortOrService(s: string): number {
  const n = parsePort(s);
  return n !== NONE ? n : SERVICES.get(s) ?? NONE;
}

/**
 * Splits a token whose port follows the last colon (see
 * {@link scanColonEndpoint}); a service name reads as its port. Undefined
 * when there is no colon after a host.
 */
export function splitColonPort(s: string, scan = new EndpointScan()): Endpoint | undefined {
  if (!scanColonEndpoint(s, 0, s.length, scan)) return undefined;
  const port = scan.portKind === PORT_OTHER ? SERVICES.get(s.slice(scan.portStart)) ?? NONE : scan.port;
  return { host: s.slice(scan.hostStart, scan.hostEnd), port };
}

/**
 * Splits a BSD/macOS endpoint whose port follows the last dot:
 * `127.0.0.1.8080`, `*.22`, `*.*`, `fe80::1%lo0.123`, `::1.631`.
 */
export function splitDotPort(s: string): Endpoint | undefined {
  const d = s.lastIndexOf(".");
  if (d <= 0) return undefined;
  const pct = s.indexOf("%");
  return { host: s.slice(0, pct !== -1 && pct < d ? pct : d), port: parsePortOrService(s.slice(d + 1)) };
}

/**
 * The socket row of two endpoints. The family is `family` when the dump
 * says it (a tcp6 protocol column), else the local host's, else the
 * remote's.
 */
export function socketRow(
  state: number,
  local: Endpoint,
  remote: Endpoint,
  recvQ: number,
  sendQ: number,
  family: 0 | 4 | 6 = 0,
): SocketRow {
  return {
    family: family || familyOf(local.host) || familyOf(remote.host),
    state,
    localAddress: local.host,
    localPort: local.port,
    remoteAddress: remote.host,
    remotePort: remote.port,
    recvQ,
    sendQ,
  };
}

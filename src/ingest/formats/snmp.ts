/**
 * SNMP walks of the TCP connection tables: RFC 1213's tcpConnState
 * (1.3.6.1.2.1.6.13.1.1, indexed by local address, local port, remote
 * address, remote port; IPv4 only, listeners included) and RFC 4022's
 * tcpConnectionState (1.3.6.1.2.1.6.19.1.7, indexed by address type,
 * length and octets, then the port, for each end; IPv4 and IPv6, no
 * listeners on most agents, Windows lists them). As snmpwalk prints them:
 * `iso.3.6.1.2.1.6.13.1.1.<index> = INTEGER: 5`, `-On`
 * (`.1.3.6.1...`), with the MIB loaded (`TCP-MIB::tcpConnState.<index> =
 * INTEGER: established(5)`, `tcpConnectionState.ipv4."10.0.0.1".80...`),
 * and as other SNMP tools print them (`.1.3.6... = 2`). The value is the
 * MIB's state number: 1 closed, 2 listen, 3 synSent, 4 synReceived,
 * 5 established, 6 finWait1, 7 finWait2, 8 closeWait, 9 lastAck,
 * 10 closing, 11 timeWait, 12 deleteTCB. Index octets a paster masked
 * ("XXX") leave that address unknown; the row still counts.
 */

import { NONE } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow } from "../endpoint.ts";
import type { Format } from "../format.ts";

const MIB_STATES: readonly StateName[] = [
  "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "LAST_ACK", "CLOSING",
  "TIME_WAIT", "CLOSED",
];

const CONN_STATE = "1.3.6.1.2.1.6.13.1.1.";
const CONNECTION_STATE = "1.3.6.1.2.1.6.19.1.7.";
/** Other columns of the two tables (address, port, process): walked beside the state, nothing to count. */
const OTHER_COLUMNS = /^(?:\.?(?:iso|1)\.3\.6\.1\.2\.1\.6\.(?:13\.1\.[2-5]|19\.1\.8|20\.1\.4)\.|(?:TCP|RFC1213)-MIB::tcp(?:ConnLocal|ConnRem|ConnectionProcess|ListenerProcess))/;

/** The OID's index after the state column's, and which table; undefined for other OIDs. */
function indexOf(oid: string): { table: "conn" | "connection"; index: string } | undefined {
  let o = oid;
  const mib = o.indexOf("::");
  if (mib !== -1) {
    o = o.slice(mib + 2);
    if (o.startsWith("tcpConnState.")) return { table: "conn", index: o.slice(13) };
    if (o.startsWith("tcpConnectionState.")) return { table: "connection", index: o.slice(19) };
    return undefined;
  }
  if (o.startsWith("iso.")) o = "1." + o.slice(4);
  else if (o.startsWith(".")) o = o.slice(1);
  if (o.startsWith(CONN_STATE)) return { table: "conn", index: o.slice(CONN_STATE.length) };
  if (o.startsWith(CONNECTION_STATE)) return { table: "connection", index: o.slice(CONNECTION_STATE.length) };
  return undefined;
}

/** Splits an index into its parts; a quoted address ("10.0.0.1" as the MIB prints it) is one part. */
function parts(index: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < index.length) {
    if (index[i] === '"') {
      const e = index.indexOf('"', i + 1);
      if (e === -1) return [];
      out.push(index.slice(i, e + 1));
      i = e + 2;
    } else {
      const e = index.indexOf(".", i);
      out.push(e === -1 ? index.slice(i) : index.slice(i, e));
      i = e === -1 ? index.length : e + 1;
    }
  }
  return out;
}

function port(p: string | undefined): number {
  return p !== undefined && /^\d{1,5}$/.test(p) && Number(p) <= 65535 ? Number(p) : NONE;
}

/** An address from its octets (dotted quad, 16 IPv6 octets), or "" when they are masked. */
function address(octets: string[]): string {
  if (octets.length === 1 && octets[0].startsWith('"')) return octets[0].slice(1, -1);
  if (!octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return "";
  if (octets.length === 4) return octets.join(".");
  if (octets.length === 16) {
    const h: string[] = [];
    for (let k = 0; k < 16; k += 2) h.push(((Number(octets[k]) << 8) | Number(octets[k + 1])).toString(16));
    return h.join(":");
  }
  return "";
}

/** Reads "TYPE.LEN.OCTETS...PORT" (or "ipv4."ADDR".PORT") from parts[at]; the endpoint and where the next starts. */
function typed(p: string[], at: number): { host: string; port: number; next: number; family: 0 | 4 | 6 } | undefined {
  const type = p[at];
  if (type === undefined) return undefined;
  if (type === "ipv4" || type === "ipv6" || type === "unknown" || type === "ipv4z" || type === "ipv6z") {
    const q = p[at + 1];
    if (q?.startsWith('"')) return { host: address([q]), port: port(p[at + 2]), next: at + 3, family: type.startsWith("ipv6") ? 6 : 4 };
    // unknown: an empty address (Windows' listeners)
    return { host: "", port: port(p[at + 1]), next: at + 2, family: 0 };
  }
  const len = Number(p[at + 1]);
  if (!/^\d+$/.test(type) || !/^\d+$/.test(p[at + 1] ?? "") || len > 16) return undefined;
  const octets = p.slice(at + 2, at + 2 + len);
  const fam = type === "1" ? 4 : type === "2" ? 6 : 0;
  return { host: address(octets), port: port(p[at + 2 + len]), next: at + 3 + len, family: fam };
}

/** SNMP walk lines of tcpConnState and tcpConnectionState. */
export const snmp: Format = {
  format: "snmp",
  reads: "SNMP walks of TCP-MIB/RFC1213-MIB tcpConnState and tcpConnectionState: numeric, -On, iso., and name(N) values",
  commands: ["snmpwalk", "snmpbulkwalk", "snmptable"],
  parse(line, _ctx, sink) {
    const t = line.tokens;
    // OID = [TYPE:] VALUE
    if (t.length < 3 || t[1] !== "=") return undefined;
    const at = indexOf(t[0]);
    if (!at) return OTHER_COLUMNS.test(t[0]) ? "detail" : undefined;
    let v = t[2] === "INTEGER:" ? t[3] : t.length === 3 ? t[2] : undefined;
    if (v === undefined) return undefined;
    // "established(5)"
    const paren = v.indexOf("(");
    if (paren > 0 && v.endsWith(")")) v = v.slice(paren + 1, -1);
    if (!/^\d{1,2}$/.test(v)) return undefined;
    const n = Number(v);
    const state = n >= 1 && n <= 12 ? stateId(MIB_STATES[n - 1]) : UNKNOWN_STATE;
    const p = parts(at.index);
    let local: { host: string; port: number }, remote: { host: string; port: number }, family: 0 | 4 | 6 = 4;
    if (at.table === "conn") {
      if (p.length !== 10) return undefined;
      local = { host: address(p.slice(0, 4)), port: port(p[4]) };
      remote = { host: address(p.slice(5, 9)), port: port(p[9]) };
    } else {
      const a = typed(p, 0), b = a && typed(p, a.next);
      if (!a || !b) return undefined;
      local = a;
      remote = b;
      family = a.family || b.family;
    }
    const row = socketRow(state, local, remote, NONE, NONE, family);
    if (state === stateId("LISTEN") && (remote.port === 0 || remote.port === NONE)) row.remotePort = NONE;
    sink.socket(row);
    return "socket";
  },
};

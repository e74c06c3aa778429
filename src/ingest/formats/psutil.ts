/**
 * Python psutil's connection reprs: `sconn(...)` from
 * `psutil.net_connections()` and `pconn(...)` from
 * `Process.net_connections()` / `.connections()`, one per line or a printed
 * list of them on one line, in the old (`family=2, laddr=('1.2.3.4', 80)`)
 * and new (`family=<AddressFamily.AF_INET: 2>, laddr=addr(ip='1.2.3.4',
 * port=80)`) forms. `type` 1 (SOCK_STREAM) is TCP; the rest are counted as
 * other sockets. Status words are psutil's CONN_* names (FIN_WAIT1, CLOSE,
 * DELETE_TCB, BOUND; NONE for UDP; Solaris' IDLE names no state).
 */

import { familyOf } from "../../model/address.ts";
import { NONE } from "../../model/socket_table.ts";
import { UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow } from "../endpoint.ts";
import type { Format } from "../format.ts";

const FORMAT = "psutil";

// laddr=addr(ip='1.2.3.4', port=80) | laddr=('1.2.3.4', 80) | laddr=()
const ADDR = /^(?:addr\(ip='([^']*)', port=(\d{1,5})\)|\('([^']*)', (\d{1,5})\)|\(\))/;

/** The end of the repr that opens at `open` (its "("): the matching ")", quotes skipped; -1 when it does not close. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 39 /* ' */) {
      const e = s.indexOf("'", i + 1);
      if (e === -1) return -1;
      i = e;
    } else if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
  }
  return -1;
}

/** The value after `key=` in a repr, up to the next field. */
function field(repr: string, key: string): string | undefined {
  const at = repr.indexOf(`${key}=`);
  if (at === -1) return undefined;
  return repr.slice(at + key.length + 1);
}

function address(v: string | undefined): { host: string; port: number } | undefined {
  if (v === undefined) return undefined;
  const m = ADDR.exec(v);
  if (!m) return undefined;
  if (m[1] !== undefined) return { host: m[1], port: Number(m[2]) };
  if (m[3] !== undefined) return { host: m[3], port: Number(m[4]) };
  return { host: "", port: NONE };
}

/** psutil sconn/pconn reprs. */
export const psutil: Format = {
  format: FORMAT,
  reads: "Python psutil sconn(...)/pconn(...) reprs, one per line or a printed list",
  // A printed list holds every connection on one line.
  manyPerLine: true,
  parse(line, ctx, sink) {
    const s = line.text;
    let at = s.indexOf("conn(");
    if (at === -1) {
      // The Python around them: "In [5]: psutil.net_connections()", ">>> p = psutil.Process(1694)".
      return s.indexOf("psutil.") !== -1 || /^\s*(?:import psutil|Out\[\d+\]:\s*)$/.test(s) ? "noise" : undefined;
    }
    let sockets = 0, others = 0;
    while (at !== -1) {
      const kind = s.charCodeAt(at - 1);
      if (kind !== 115 /* s */ && kind !== 112 /* p */) {
        at = s.indexOf("conn(", at + 5);
        continue;
      }
      const end = closing(s, at + 4);
      if (end === -1) break;
      const repr = s.slice(at + 5, end);
      const type = field(repr, "type") ?? "";
      const stream = /^(?:1\b|<Socket(?:Kind|Type)\.SOCK_STREAM)/.test(type);
      const status = /^'([A-Z_0-9]*)'/.exec(field(repr, "status") ?? "")?.[1];
      const local = address(field(repr, "laddr")), remote = address(field(repr, "raddr"));
      if (status === undefined || !local || !remote) break;
      if (!stream) others++;
      else {
        const state = status === "IDLE" || status === "NONE" ? UNKNOWN_STATE : ctx.states.id(status);
        const fam = /^(?:10\b|23\b|30\b|<AddressFamily\.AF_INET6)/.test(field(repr, "family") ?? "") ? 6 : familyOf(local.host) || 4;
        const row = socketRow(state, local, remote, NONE, NONE, fam);
        const pid = /^(\d+)/.exec(field(repr, "pid") ?? "");
        if (pid) row.pid = Number(pid[1]);
        sink.socket(row);
        sockets++;
      }
      at = s.indexOf("conn(", end);
    }
    return sockets ? "socket" : others ? "other-socket" : undefined;
  },
};

/**
 * The file `tcpdoc snapshot` writes. It is the raw sources themselves, each
 * after a `# source` line, so the other parsers read it; this parser only
 * reads its own `#` lines and gives /proc/net/tcp rows their owners:
 *
 * ```text
 * # tcpdoc snapshot v1 platform=linux host=web1 kernel=6.1.0 time=2024-05-01T10:00:00.000Z tcpdoc=0.1.0
 * # owner-scan processes=212 unreadable=3 unowned=0
 * # socket-owner inode=41234 pid=812 comm="nginx"
 * # source /proc/net/tcp
 *   sl  local_address rem_address   st tx_queue rx_queue ...
 *    0: 00000000:0050 00000000:0000 0A 00000000:00000000 ...
 * # source /proc/sys
 * net.ipv4.tcp_tw_reuse = 2
 * # end
 * ```
 *
 * Owner lines come before the tables, so each row gets its pid and program
 * as it is read.
 */

import type { Capture } from "../../model/snapshot.ts";
import type { SocketRow } from "../../model/socket_table.ts";
import type { LineParser, ParseContext, Sink } from "../parser.ts";
import { procNetTcpParser } from "./proc_net_tcp.ts";

const FORMAT = "tcpdoc-snapshot";

/** The first line of a snapshot file starts with this. */
export const SNAPSHOT_MAGIC = "# tcpdoc snapshot v1";

/** Who owns a socket inode. */
export interface SocketOwner {
  pid: number;
  comm: string;
}

interface State {
  owners: Map<number, SocketOwner>;
  proxy: Sink | undefined;
  target: Sink | undefined;
}

function state(ctx: ParseContext): State | undefined {
  return ctx.scratch[FORMAT] as State | undefined;
}

/** Reads `key=value key="quoted value"` fields. */
export function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w-]+)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let v = m[2];
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v) as string;
      } catch {
        v = v.slice(1, -1);
      }
    }
    out[m[1]] = v;
  }
  return out;
}

/** The header's fields that say where and when (empty ones left out). */
function headerFields(f: Record<string, string>): Capture {
  const out: Capture = {};
  for (const k of ["platform", "host", "kernel", "time", "tcpdoc"] as const) if (f[k]) out[k] = f[k];
  return out;
}

/** Formats one owner line. */
export function ownerLine(inode: number, o: SocketOwner): string {
  return `# socket-owner inode=${inode} pid=${o.pid} comm=${JSON.stringify(o.comm)}`;
}

function proxyFor(st: State, sink: Sink): Sink {
  if (st.target === sink && st.proxy) return st.proxy;
  const owners = st.owners;
  st.target = sink;
  st.proxy = {
    socket(row: SocketRow) {
      const o = row.inode ? owners.get(row.inode) : undefined;
      if (o) {
        row.pid = o.pid;
        if (o.comm) row.program = o.comm;
      }
      sink.socket(row);
    },
    tally: (s, n) => sink.tally(s, n),
    detail: (f) => sink.detail(f),
    counter: (n, v) => sink.counter(n, v),
    sysctl: (k, v) => sink.sysctl(k, v),
    symptom: (k, t, e) => sink.symptom(k, t, e),
  };
  return st.proxy;
}

/** Snapshot-file lines. Must come before the shell parser, which would take `# ...` for a prompt. */
export const snapshotFileParser: LineParser = {
  format: FORMAT,
  parse(line, ctx, sink) {
    const text = line.text;
    if (text.charCodeAt(0) !== 35 /* # */) {
      const st = state(ctx);
      // /proc/net/tcp rows inside a snapshot: the proc parser reads them, owners are added here.
      if (st && st.owners.size > 0) return procNetTcpParser.parse(line, ctx, proxyFor(st, sink));
      return undefined;
    }
    const t = line.tokens;
    if (t[0] !== "#" || t.length < 2) return undefined;
    switch (t[1]) {
      case "tcpdoc":
        if (!text.startsWith(SNAPSHOT_MAGIC)) return undefined;
        ctx.scratch[FORMAT] = { owners: new Map(), proxy: undefined, target: undefined } satisfies State;
        sink.capture?.(headerFields(parseFields(text.slice(SNAPSHOT_MAGIC.length))));
        return "header";
      case "socket-owner": {
        const f = parseFields(text);
        const inode = Number(f.inode), pid = Number(f.pid);
        if (!(inode > 0) || !Number.isInteger(pid)) return undefined;
        let st = state(ctx);
        if (!st) ctx.scratch[FORMAT] = st = { owners: new Map(), proxy: undefined, target: undefined };
        st.owners.set(inode, { pid, comm: f.comm ?? "" });
        return "detail";
      }
      case "owner-scan": {
        const f = parseFields(text);
        let any = false;
        for (const k of ["processes", "unreadable", "unowned"]) {
          if (f[k] !== undefined && /^\d+$/.test(f[k])) {
            sink.counter(`tcpdoc.owner_scan.${k}`, Number(f[k]));
            any = true;
          }
        }
        return any ? "counter" : undefined;
      }
      case "source":
        return state(ctx) ? "header" : undefined;
      case "end":
        return state(ctx) && t.length === 2 ? "header" : undefined;
    }
    return undefined;
  },
};

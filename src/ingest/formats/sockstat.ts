/**
 * FreeBSD `sockstat`: "USER COMMAND PID FD PROTO LOCAL ADDRESS FOREIGN ADDRESS",
 * optionally followed by a state column (`-s`). One row per process and fd, so a
 * socket shared by several processes (sshd's privilege-separated pair) shows up
 * once per process.
 */

import { NONE } from "../../model/socket_table.ts";
import { UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow, splitColonPort } from "../endpoint.ts";
import type { Format } from "../format.ts";
import { isDigits } from "../scan.ts";
import { BSD_STATE_WORDS, familyFor, OTHER, TCP, UNIX_TYPES } from "./netstat_bsd.ts";

export const sockstat: Format = {
  format: "sockstat",
  reads: "FreeBSD sockstat -4 / -6",
  platform: "freebsd",
  // sockstat prints the kernel's state names, as netstat does.
  states: BSD_STATE_WORDS,
  commands: ["sockstat"],
  parse(line, ctx, sink) {
    const t = line.tokens;
    if (t[0] === "USER" && t[1] === "COMMAND" && t.includes("PROTO")) return "header";
    if (t.length < 7) return undefined;
    // PID and FD are numbers, or "?" for sockets no process holds.
    if (!(isDigits(t[2]) || t[2] === "?") || !(isDigits(t[3]) || t[3] === "?")) return undefined;
    const proto = t[4];
    if (TCP.has(proto)) {
      const local = splitColonPort(t[5]);
      const remote = splitColonPort(t[6]);
      if (!local || !remote) return undefined;
      const st = t.length > 7 ? ctx.states.id(t[7]) : UNKNOWN_STATE;
      const row = socketRow(st, local, remote, NONE, NONE, familyFor(proto, local.host));
      row.user = t[0];
      row.program = t[1];
      if (isDigits(t[2])) row.pid = Number(t[2]);
      sink.socket(row);
      return "socket";
    }
    if (OTHER.has(proto) || UNIX_TYPES.has(proto)) return "other-socket";
    return undefined;
  },
};

/**
 * net-tools `netstat` on Linux (-nat, -antp, -anp, -e, -o, -W, localized
 * state words) and BusyBox/toybox netstat, which print the same columns.
 */

import { NONE, type SocketRow } from "../../model/socket_table.ts";
import { addStateAliases, parseState, UNKNOWN_STATE } from "../../model/states.ts";
import { familyOf, splitColonPort } from "../address.ts";
import { isDigits, type LineParser } from "../parser.ts";

// net-tools translations of the state words that differ from English
// (po/de.po: msgid "ESTABLISHED" msgstr "VERBUNDEN"); see samples/LOCALIZATION.md.
addStateAliases({ VERBUNDEN: "ESTABLISHED" });

const TCP = new Set(["tcp", "tcp6"]);
const OTHER = new Set(["udp", "udp6", "udpl", "udpl6", "udplite", "raw", "raw6", "unix", "sctp", "sctp6", "ax25", "ipx", "netrom", "x25"]);
const TIMERS = new Set(["off", "on", "keepalive", "timewait", "unkn", "probe"]);

const HEADINGS = [
  /^Active (Internet|UNIX|Bluetooth|IPX|AX\.25|NET\/ROM|X\.25) /,
  /^Proto\s+Recv-Q\s+Send-Q\s+/,
  /^Proto\s+RefCnt\s+Flags\s+/,
  /^Aktive (Internetverbindungen|Sockets in der UNIX-Domäne)/,
];

function isColonEndpoint(s: string): boolean {
  // "0.0.0.0:*", "::1:8080", ":::*": the port follows the last colon.
  return s.lastIndexOf(":") > s.lastIndexOf(".");
}

/** net-tools and BusyBox netstat rows. */
export const netstatLinuxParser: LineParser = {
  format: "netstat-linux",
  parse(line, _ctx, sink) {
    const t = line.tokens;
    const proto = t[0];
    if (TCP.has(proto)) {
      if (t.length < 6 || !isDigits(t[1]) || !isDigits(t[2]) || !isColonEndpoint(t[3]) || !isColonEndpoint(t[4])) {
        return undefined;
      }
      const state = parseState(t[5]);
      // No state word: ss's state-filtered `tcp n n a b` rows, not ours.
      if (state === UNKNOWN_STATE) return undefined;
      const local = splitColonPort(t[3])!;
      const remote = splitColonPort(t[4])!;
      const row: SocketRow = {
        family: proto === "tcp6" ? 6 : (familyOf(local.host) || 4),
        state,
        localAddress: local.host,
        localPort: local.port,
        remoteAddress: remote.host,
        remotePort: remote.port,
        recvQ: Number(t[1]),
        // A listener's Send-Q here is not its backlog (net-tools has none): unknown.
        sendQ: t[5] === "LISTEN" ? NONE : Number(t[2]),
      };
      let i = 6;
      // -e: User and Inode columns.
      if (t.length >= i + 2 && isDigits(t[i + 1]) && !t[i].includes("/") && !TIMERS.has(t[i])) {
        row.user = t[i];
        row.inode = Number(t[i + 1]);
        i += 2;
      }
      // -p: "PID/Program name" or "-"; the name may contain spaces.
      if (i < t.length && (t[i] === "-" || /^\d+\//.test(t[i]))) {
        if (t[i] !== "-") {
          const slash = t[i].indexOf("/");
          row.pid = Number(t[i].slice(0, slash));
          let name = t[i].slice(slash + 1);
          let j = i + 1;
          while (j < t.length && !TIMERS.has(t[j])) name += " " + t[j++];
          row.program = name;
          i = j;
        } else i++;
      }
      // -o: "keepalive (7184.01/0/0)".
      if (i + 1 < t.length && TIMERS.has(t[i]) && t[i + 1].startsWith("(")) row.timer = `${t[i]} ${t[i + 1]}`;
      sink.socket(row);
      return "socket";
    }
    if (OTHER.has(proto)) {
      if (proto === "unix" ? t.length >= 4 && isDigits(t[1]) : t.length >= 5 && isDigits(t[1]) && isColonEndpoint(t[3])) {
        return "other-socket";
      }
      return undefined;
    }
    for (const h of HEADINGS) if (h.test(line.text)) return "header";
    return undefined;
  },
};

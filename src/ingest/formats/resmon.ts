/**
 * Windows Resource Monitor (resmon.exe), Network tab, "Listening Ports"
 * pane, copied as text: Image, PID, Address, Port, Protocol and Firewall
 * Status. Every row is a listening socket (UDP rows are other sockets). The
 * pane names the wildcard and loopback addresses in words: "IPv4
 * unspecified" is 0.0.0.0, "IPv6 loopback" is ::1; other addresses are
 * printed as they are. The image name may hold spaces
 * ("svchost.exe (RPCSS)"); the PID is the first number after it.
 */

import { NONE } from "../../model/socket_table.ts";
import { stateId } from "../../model/states.ts";
import { parsePort, socketRow } from "../endpoint.ts";
import type { Format } from "../format.ts";
import { isDigits } from "../scan.ts";

const LISTEN = stateId("LISTEN");

/** The pane's words for an address, by family and kind. */
const NAMED: Readonly<Record<string, string>> = {
  "IPv4 unspecified": "0.0.0.0",
  "IPv6 unspecified": "::",
  "IPv4 loopback": "127.0.0.1",
  "IPv6 loopback": "::1",
};
const LITERAL = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.%]*)$/;
// The firewall column's words ("Allowed, not restricted", "Not allowed, restricted").
const FIREWALL = /^(?:allowed,?|not|restricted|not allowed,?)$/i;

/** Resource Monitor's Listening Ports rows and heading. */
export const resmon: Format = {
  format: "resmon",
  reads: "Windows Resource Monitor's Listening Ports pane copied as text (Image, PID, Address, Port, Protocol, Firewall Status)",
  platform: "windows",
  parse(line, _ctx, sink) {
    const t = line.tokens;
    if (t.length < 5 || t.length > 24) return undefined;
    // "Image PID Address Port Protocol Firewall Status"; a pasted pane title may stand for "Image".
    const text = line.text;
    if (/\bPID\s+Address\s+Port\s+Protocol\b/.test(text) && /^(?:Image|Listening Ports)\b/.test(text.trim())) return "header";
    // From the right: Protocol, then Port, then the address (one literal, or two words).
    let p = t.length - 1;
    while (p > 0 && FIREWALL.test(t[p])) p--;
    const proto = t[p];
    if (proto !== "TCP" && proto !== "UDP") return undefined;
    const port = t[p - 1];
    if (port === undefined || !isDigits(port)) return undefined;
    let host: string | undefined, a = p - 2;
    const two = `${t[p - 3]} ${t[p - 2]}`;
    if (Object.hasOwn(NAMED, two)) {
      host = NAMED[two];
      a = p - 3;
    } else if (LITERAL.test(t[p - 2] ?? "")) host = t[p - 2];
    if (host === undefined) return undefined;
    // The PID just before the address, the image name before it.
    const pidTok = t[a - 1];
    if (a < 2 || pidTok === undefined || !isDigits(pidTok)) return undefined;
    if (proto === "UDP") return "other-socket";
    const row = socketRow(LISTEN, { host, port: parsePort(port) }, { host: host.includes(":") ? "::" : "0.0.0.0", port: NONE }, NONE, NONE);
    row.pid = Number(pidTok);
    row.program = t.slice(0, a - 1).join(" ");
    sink.socket(row);
    return "socket";
  },
};

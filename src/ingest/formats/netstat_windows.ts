/**
 * Windows `netstat`: -an, -ano (PID column), -a (host and service names),
 * -b/-anob (the component and `[program.exe]` lines under a row), and the
 * localized titles, column headers and state words of non-English Windows.
 * Windows has no Recv-Q/Send-Q, so queue sizes are unknown.
 */

import { NONE } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow, splitColonPort } from "../endpoint.ts";
import { type Format, type ParseContext, parserState } from "../format.ts";
import { isDigits } from "../scan.ts";

const FORMAT = "netstat-windows";

const STATE_WORDS: Readonly<Record<string, StateName>> = {
  // English (netstat.exe and the MIB_TCP_STATE names).
  LISTENING: "LISTEN",
  SYN_SENT: "SYN_SENT",
  SYN_RECEIVED: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  FIN_WAIT_1: "FIN_WAIT_1",
  FIN_WAIT_2: "FIN_WAIT_2",
  CLOSE_WAIT: "CLOSE_WAIT",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  TIME_WAIT: "TIME_WAIT",
  CLOSED: "CLOSED",
  DELETE_TCB: "CLOSED",
  BOUND: "BOUND",
  // German. Sources: samples/windows/kilian-blog-netstat-an-de.txt (ABHÖREN, HERGESTELLT,
  // WARTEND, SCHLIESSEN_WARTEN, FIN_WARTEN_2), Checkmk's win_netstat check and its
  // agent-output patterns (SYN_GESENDET, SYN_EMPFANGEN, SCHLIESSEND, TIMED_WAIT),
  // sebhildebrandt/systeminformation network.js (the same German words). FIN_WARTEN_1
  // follows FIN_WARTEN_2. Real dumps in other languages (es, fr, pt, ru, ja, zh) print
  // the English words.
  "ABHÖREN": "LISTEN",
  ABHOEREN: "LISTEN",
  HERGESTELLT: "ESTABLISHED",
  WARTEND: "TIME_WAIT",
  SCHLIESSEN_WARTEN: "CLOSE_WAIT",
  SYN_GESENDET: "SYN_SENT",
  SYN_EMPFANGEN: "SYN_RECV",
  FIN_WARTEN_1: "FIN_WAIT_1",
  FIN_WARTEN_2: "FIN_WAIT_2",
  SCHLIESSEND: "CLOSING",
  TIMED_WAIT: "TIME_WAIT",
  // Unverified: seen only in third-party test fixtures, contradicted by real dumps
  // (samples/LOCALIZATION.md section 1); harmless to accept.
  ESCUCHANDO: "LISTEN",
  ESTABLECIDO: "ESTABLISHED",
  ESCUTANDO: "LISTEN",
  ESTABELECIDA: "ESTABLISHED",
  "ÉCOUTE": "LISTEN",
  "IN ASCOLTO": "LISTEN",
  STABILITO: "ESTABLISHED",
  "ПРОСЛУШИВАНИЕ": "LISTEN",
};

const LISTEN = stateId("LISTEN");

// "Active Connections" as Windows prints it per display language (netstat.exe.mui);
// the ones in samples/windows are marked (s).
const TITLES = new Set([
  "Active Connections", // en (s)
  "Aktive Verbindungen", // de (s)
  "Conexiones activas", // es (s)
  "Connexions actives", // fr (s)
  "Conexões ativas", // pt (s)
  "Connessioni attive", // it
  "Активные подключения", // ru (s)
  "活动连接", // zh-CN (s)
  "使用中連線", // zh-TW (s)
  "アクティブな接続", // ja (s)
  "활성 연결", // ko
  "Aktywne połączenia", // pl
  "Actieve verbindingen", // nl
  "Aktiva anslutningar", // sv
  "Aktivní připojení", // cs
  "Etkin Bağlantılar", // tr
]);

// First word of the column header: "Proto" in most languages, else translated (all (s)).
const PROTO_WORDS = new Set([
  "Proto", "协议", "協定", "プロトコル", "Имя", "Protocolo", "Protocole", "Protokoll",
  // From the titles' languages, unverified by a dump (ko, pl, cs, tr).
  "프로토콜", "Protokół", "Protokol",
]);

/** What the parser remembers between lines of one input. */
interface State {
  /** The last line was a row or a -b line under one. */
  inRow: boolean;
  /** The last row was TCP (so -b lines may name its program). */
  lastTcp: boolean;
  /** The last line was the "Active Connections" title (in any language): the column heading follows. */
  afterTitle: boolean;
}

function state(ctx: ParseContext): State {
  return parserState<State>(ctx, FORMAT, () => ({ inRow: false, lastTcp: false, afterTitle: false }));
}

/**
 * Reads a state word as Windows prints it. German ABHÖREN often arrives
 * mis-decoded from code page 850 ("ABH\u0099REN", "ABH™REN", "ABH�REN") or
 * with the letter dropped: any one character (or none) between ABH and REN.
 */
function windowsState(ctx: ParseContext, word: string): number {
  const id = ctx.states.id(word);
  if (id !== UNKNOWN_STATE) return id;
  if ((word.length === 7 || word.length === 6) && word.startsWith("ABH") && word.endsWith("REN")) return LISTEN;
  return UNKNOWN_STATE;
}

function isEndpoint(s: string): boolean {
  const c = s.lastIndexOf(":");
  return c > 0 && c > s.lastIndexOf("]") - 1;
}

/** Windows netstat rows, headings and -b detail lines. */
export const netstatWindows: Format = {
  format: FORMAT,
  reads: "Windows netstat: -an, -ano, -a with host names, -b; headings and German state words of localized systems",
  platform: "windows",
  states: STATE_WORDS,
  commands: ["netstat", "netstat.exe", "NETSTAT", "NETSTAT.EXE"],
  parse(line, ctx, sink) {
    const t = line.tokens;
    const t0 = t[0];
    // Lower case in tables other tools print in netstat's layout (and in hand-typed pastes).
    if (t0 === "TCP" || t0 === "UDP" || t0 === "tcp" || t0 === "udp") {
      if (t.length < 3 || !isEndpoint(t[1])) return undefined;
      const st = state(ctx);
      if (t0 === "UDP" || t0 === "udp") {
        st.inRow = true;
        st.lastTcp = false;
        return "other-socket";
      }
      const local = splitColonPort(t[1]);
      // A row cut at the console width may end inside the foreign address.
      const remote = isEndpoint(t[2]) ? splitColonPort(t[2]) : undefined;
      if (!local || !remote) return undefined;
      let end = t.length;
      let pid: number | undefined;
      let tcpState = t.length > 3 ? windowsState(ctx, t[3]) : UNKNOWN_STATE;
      if (tcpState !== UNKNOWN_STATE) {
        // The usual row: one state word, then the PID (-o); anything after that is not netstat's.
        if (t.length > 4 && isDigits(t[4])) pid = Number(t[4]);
      } else {
        if (end >= 5 && isDigits(t[end - 1])) pid = Number(t[--end]);
        // Some translations are several words; an unknown word leaves the state unknown.
        if (end > 4) tcpState = windowsState(ctx, t.slice(3, end).join(" "));
      }
      // Windows prints no Recv-Q or Send-Q.
      const row = socketRow(tcpState, local, remote, NONE, NONE);
      if (pid !== undefined) row.pid = pid;
      // A listener's peer is printed as "0.0.0.0:0": no peer, not port 0.
      if (row.state === LISTEN && row.remotePort === 0) row.remotePort = NONE;
      sink.socket(row);
      st.inRow = true;
      st.lastTcp = true;
      return "socket";
    }

    const text = line.text;
    const indented = text.charCodeAt(0) === 32;
    const st = state(ctx);
    const afterTitle = st.afterTitle;
    st.afterTitle = false;
    // The column heading: "Proto" or its translation first; or, in a language not listed, any
    // indented line of words (no endpoint, no number) right under the title.
    if (indented && t.length >= 4 && (PROTO_WORDS.has(t0) || afterTitle && !/[:\d]/.test(text))) {
      st.inRow = false;
      return "header";
    }
    // -b: " [chrome.exe]", "  RpcSs" (the service), " Can not obtain ownership information"
    // (localized), all indented and directly under their row.
    if (st.inRow && indented && t.length <= 10) {
      if (t0.charCodeAt(0) === 91 /* [ */ && t[t.length - 1].endsWith("]")) {
        const name = text.trim().slice(1, -1);
        if (st.lastTcp && name) sink.detail({ program: name });
        return "detail";
      }
      if (/^[-=_*#~.]+$/.test(t0)) {
        st.inRow = false;
        return "noise";
      }
      if (t.length === 1 || !isEndpoint(t[t.length - 1])) return "detail";
    }
    st.inRow = false;
    const trimmed = t.length <= 4 ? text.trim() : "";
    if (trimmed && TITLES.has(trimmed)) {
      st.afterTitle = true;
      return "header";
    }
    // cmd.exe's banner: "Microsoft Windows [Version 10.0.19044.1766]", "(c) Microsoft Corporation. ...".
    if (t0 === "Microsoft" && t[1] === "Windows" && t.length >= 3 && t[2].startsWith("[")) return "noise";
    if (t0 === "(c)" && text.indexOf("Microsoft Corporation") !== -1) return "noise";
    // netstat -b without administrator rights.
    if (t0 === "The" && text.indexOf("requires elevation") !== -1) return "noise";
    return undefined;
  },
};

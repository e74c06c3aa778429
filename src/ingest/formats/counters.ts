/**
 * Kernel counters, named as nstat names them (TcpExtListenOverflows,
 * TcpActiveOpens, ...), from every tool that prints them:
 *
 * - `nstat`, `nstat -az` (`#kernel`, `Name value rate`) and /proc/net/snmp6
 *   (`Name value`);
 * - /proc/net/netstat and /proc/net/snmp (a `Prefix: Name...` header line,
 *   then a `Prefix: value...` line);
 * - Linux net-tools `netstat -s` (phrases from net-tools statistics.c, old
 *   and new spellings; unknown phrases get a generic `netstat.<section>.<words>` name);
 * - macOS/FreeBSD `netstat -s [-p tcp]` (phrases from their inet.c;
 *   others `bsd.<section>.<words>`);
 * - Windows `netstat -s` ("TCP Statistics for IPv4" and the other blocks);
 * - /proc/net/sockstat{,6} (`sockstat.tcp.orphan`, ...), `ss -s` and `sar -n SOCK|SOCK6|TCP|ETCP`.
 */

import { stateId, UNKNOWN_STATE } from "../../model/states.ts";
import { type Format, type Line, type ParseContext, parserState, type Sink } from "../format.ts";
import { isDigits } from "../scan.ts";

const FORMAT = "counters";

interface State {
  /** Column names of the last /proc/net/{snmp,netstat} header line, by prefix ("TcpExt"). */
  names: Record<string, string[]>;
  /** The current `netstat -s` section ("Tcp", "TcpExt", "tcp" on BSD, "tcp4" on Windows). */
  section: string;
  family: "" | "linux" | "bsd" | "windows";
  /** Linux ICMP histogram being printed: In or Out. */
  icmpDir: "" | "In" | "Out";
  /** ss -s transport table seen. */
  ssTable: boolean;
  /** sar columns after the time stamp, and whether the Average row was seen. */
  sarCols: string[] | undefined;
  sarAverage: boolean;
  /** The sink the parser writes to, which also books the kernel's socket counts as counts (see gauges). */
  out: Sink | undefined;
  target: Sink | undefined;
}

function state(ctx: ParseContext): State {
  return parserState<State>(ctx, FORMAT, () => ({
    names: {}, section: "", family: "", icmpDir: "", ssTable: false, sarCols: undefined, sarAverage: false, out: undefined,
    target: undefined,
  }));
}

const ESTABLISHED = stateId("ESTABLISHED"), CLOSE_WAIT = stateId("CLOSE_WAIT"), TIME_WAIT = stateId("TIME_WAIT");
const SYN_RECV = stateId("SYN_RECV");

/**
 * The counters that are the kernel's own count of sockets in a state, also
 * booked as counts ("summary"): Linux's CurrEstab counts ESTABLISHED (RFC
 * 1213's tcpCurrEstab, which Windows follows, counts CLOSE_WAIT too),
 * sockstat's `tw` and ss -s's `timewait` count TIME_WAIT, `synrecv`
 * SYN_RECV, and ss -s's `TCP: N` every TCP socket. BSD's "connections
 * established" is a running total, not a count of sockets.
 */
function gauges(sink: Sink, st: State): Sink {
  if (st.target === sink && st.out) return st.out;
  st.target = sink;
  return st.out = {
    ...sink,
    socket: (r) => sink.socket(r),
    tally: (a, b, c, d) => sink.tally(a, b, c, d),
    detail: (f) => sink.detail(f),
    sysctl: (k, v) => sink.sysctl(k, v),
    symptom: (k, t, e, d) => sink.symptom(k, t, e, d),
    capture: (c) => sink.capture(c),
    moment: (at) => sink.moment(at),
    elided: () => sink.elided(),
    platform: (p) => sink.platform(p),
    counter(name, value) {
      sink.counter(name, value);
      if (name === "TcpCurrEstab") {
        if (st.family === "windows") sink.tally(UNKNOWN_STATE, value, "summary", [ESTABLISHED, CLOSE_WAIT]);
        else sink.tally(ESTABLISHED, value, "summary");
      } else if (name === "sockstat.tcp.tw") sink.tally(TIME_WAIT, value, "summary");
      else if (name === "ss.tcp.synrecv") sink.tally(SYN_RECV, value, "summary");
      else if (name === "ss.summary.tcp") sink.tally(UNKNOWN_STATE, value, "summary", []);
    },
  };
}

// ---------------------------------------------------------------- Linux netstat -s

// [section, MIB name, phrase with % for the number] from net-tools
// statistics.c (Iptab, Icmptab, Tcptab, Udptab, Tcpexttab), plus the
// spellings of older net-tools releases ("active connections openings",
// "segments send out", "segments retransmited", "packets send").
const LINUX_PHRASES: readonly [string, string, string][] = [
  ["Ip", "DefaultTTL", "Default TTL is %"],
  ["Ip", "ForwDatagrams", "% forwarded"],
  ["Ip", "FragCreates", "% fragments created"],
  ["Ip", "FragFails", "% outgoing packets failed fragmentation"],
  ["Ip", "FragFails", "% fragments failed"],
  ["Ip", "FragOKs", "% outgoing packets fragmented ok"],
  ["Ip", "FragOKs", "% fragments received ok"],
  ["Ip", "InAddrErrors", "% with invalid addresses"],
  ["Ip", "InDelivers", "% incoming packets delivered"],
  ["Ip", "InDiscards", "% incoming packets discarded"],
  ["Ip", "InHdrErrors", "% with invalid headers"],
  ["Ip", "InReceives", "% total packets received"],
  ["Ip", "InUnknownProtos", "% with unknown protocol"],
  ["Ip", "OutDiscards", "% outgoing packets dropped"],
  ["Ip", "OutNoRoutes", "% dropped because of missing route"],
  ["Ip", "OutRequests", "% requests sent out"],
  ["Ip", "ReasmFails", "% packet reassemblies failed"],
  ["Ip", "ReasmFails", "% packet reassembles failed"],
  ["Ip", "ReasmOKs", "% packets reassembled ok"],
  ["Ip", "ReasmReqds", "% reassemblies required"],
  ["Ip", "ReasmTimeout", "% fragments dropped after timeout"],
  ["Icmp", "InErrors", "% input ICMP message failed"],
  ["Icmp", "InMsgs", "% ICMP messages received"],
  ["Icmp", "OutErrors", "% ICMP messages failed"],
  ["Icmp", "OutMsgs", "% ICMP messages sent"],
  ["Tcp", "ActiveOpens", "% active connection openings"],
  ["Tcp", "ActiveOpens", "% active connections openings"],
  ["Tcp", "ActiveOpens", "% active opens"],
  ["Tcp", "AttemptFails", "% failed connection attempts"],
  ["Tcp", "CurrEstab", "% connections established"],
  ["Tcp", "EstabResets", "% connection resets received"],
  ["Tcp", "InErrs", "% bad segments received"],
  ["Tcp", "InSegs", "% segments received"],
  ["Tcp", "OutRsts", "% resets sent"],
  ["Tcp", "OutSegs", "% segments sent out"],
  ["Tcp", "OutSegs", "% segments send out"],
  ["Tcp", "PassiveOpens", "% passive connection openings"],
  ["Tcp", "PassiveOpens", "% passive opens"],
  ["Tcp", "RetransSegs", "% segments retransmitted"],
  ["Tcp", "RetransSegs", "% segments retransmited"],
  ["Udp", "InDatagrams", "% packets received"],
  ["Udp", "InErrors", "% packet receive errors"],
  ["Udp", "NoPorts", "% packets to unknown port received"],
  ["Udp", "OutDatagrams", "% packets sent"],
  ["Udp", "OutDatagrams", "% packets send"],
  ["Udp", "RcvbufErrors", "% receive buffer errors"],
  ["Udp", "SndbufErrors", "% send buffer errors"],
  ["TcpExt", "DelayedACKLocked", "% delayed acks further delayed because of locked socket"],
  ["TcpExt", "DelayedACKLost", "Quick ack mode was activated % times"],
  ["TcpExt", "DelayedACKs", "% delayed acks sent"],
  ["TcpExt", "EmbryonicRsts", "% resets received for embryonic SYN_RECV sockets"],
  ["TcpExt", "ListenDrops", "% SYNs to LISTEN sockets dropped"],
  ["TcpExt", "ListenDrops", "% SYNs to LISTEN sockets ignored"],
  ["TcpExt", "ListenOverflows", "% times the listen queue of a socket overflowed"],
  ["TcpExt", "LockDroppedIcmps", "% ICMP packets dropped because socket was locked"],
  ["TcpExt", "OfoPruned", "% packets dropped from out-of-order queue because of socket buffer overrun"],
  ["TcpExt", "OutOfWindowIcmps", "% ICMP packets dropped because they were out-of-window"],
  ["TcpExt", "PAWSActive", "% active connections rejected because of time stamp"],
  ["TcpExt", "PAWSEstab", "% packetes rejected in established connections because of timestamp"],
  ["TcpExt", "PAWSEstab", "% packets rejects in established connections because of timestamp"],
  ["TcpExt", "PAWSPassive", "% passive connections rejected because of time stamp"],
  ["TcpExt", "PruneCalled", "% packets pruned from receive queue because of socket buffer overrun"],
  ["TcpExt", "RcvPruned", "% packets pruned from receive queue"],
  ["TcpExt", "SockMallocOOM", "Ran % times out of system memory during packet sending"],
  ["TcpExt", "SyncookiesFailed", "% invalid SYN cookies received"],
  ["TcpExt", "SyncookiesRecv", "% SYN cookies received"],
  ["TcpExt", "SyncookiesSent", "% SYN cookies sent"],
  ["TcpExt", "TCPAbortFailed", "% times unable to send RST due to no memory"],
  ["TcpExt", "TCPAbortOnClose", "% connections reset due to early user close"],
  ["TcpExt", "TCPAbortOnData", "% connections reset due to unexpected data"],
  ["TcpExt", "TCPAbortOnLinger", "% connections aborted after user close in linger timeout"],
  ["TcpExt", "TCPAbortOnMemory", "% connections aborted due to memory pressure"],
  ["TcpExt", "TCPAbortOnSyn", "% connections reset due to unexpected SYN"],
  ["TcpExt", "TCPAbortOnTimeout", "% connections aborted due to timeout"],
  ["TcpExt", "TCPDirectCopyFromBacklog", "% bytes directly in process context from backlog"],
  ["TcpExt", "TCPDirectCopyFromPrequeue", "% bytes directly received in process context from prequeue"],
  ["TcpExt", "TCPDSACKOfoRecv", "% DSACKs for out of order packets received"],
  ["TcpExt", "TCPDSACKOfoSent", "% DSACKs sent for out of order packets"],
  ["TcpExt", "TCPDSACKOldSent", "% DSACKs sent for old packets"],
  ["TcpExt", "TCPDSACKRecv", "% DSACKs received"],
  ["TcpExt", "TCPDSACKUndo", "% congestion windows recovered without slow start by DSACK"],
  ["TcpExt", "TCPDSACKUndo", "% congestion window recovered without slow start using DSACK"],
  ["TcpExt", "TCPFACKReorder", "Detected reordering % times using FACK"],
  ["TcpExt", "TCPFastRetrans", "% fast retransmits"],
  ["TcpExt", "TCPForwardRetrans", "% forward retransmits"],
  ["TcpExt", "TCPFullUndo", "% congestion windows fully recovered without slow start"],
  ["TcpExt", "TCPHPAcks", "% predicted acknowledgments"],
  ["TcpExt", "TCPHPHits", "% packet headers predicted"],
  ["TcpExt", "TCPHPHits", "% packets header predicted"],
  ["TcpExt", "TCPHPHitsToUser", "% packet headers predicted and directly queued to user"],
  ["TcpExt", "TCPHPHitsToUser", "% packets header predicted and directly queued to user"],
  ["TcpExt", "TCPLossFailures", "% timeouts in loss state"],
  ["TcpExt", "TCPLoss", "% TCP data loss events"],
  ["TcpExt", "TCPLossUndo", "% congestion windows recovered without slow start after partial ack"],
  ["TcpExt", "TCPLostRetransmits", "% retransmits lost"],
  ["TcpExt", "TCPMemoryPressures", "TCP ran low on memory % times"],
  ["TcpExt", "TCPPartialUndo", "% congestion windows partially recovered using Hoe heuristic"],
  ["TcpExt", "TCPPrequeued", "% packets directly queued to recvmsg prequeue"],
  ["TcpExt", "TCPPrequeueDropped", "% packets dropped from prequeue"],
  ["TcpExt", "TCPPureAcks", "% acknowledgments not containing data payload received"],
  ["TcpExt", "TCPPureAcks", "% acknowledgments not containing data received"],
  ["TcpExt", "TCPRcvCollapsed", "% packets collapsed in receive queue due to low socket buffer"],
  ["TcpExt", "TCPRenoFailures", "% timeouts after reno fast retransmit"],
  ["TcpExt", "TCPRenoRecoveryFail", "% classic Reno fast retransmits failed"],
  ["TcpExt", "TCPRenoRecoveryFail", "% reno fast retransmits failed"],
  ["TcpExt", "TCPRenoRecovery", "% times recovered from packet loss due to fast retransmit"],
  ["TcpExt", "TCPRenoReorder", "Detected reordering % times using reno fast retransmit"],
  ["TcpExt", "TCPSackFailures", "% timeouts after SACK recovery"],
  ["TcpExt", "TCPSackRecoveryFail", "% SACK retransmits failed"],
  ["TcpExt", "TCPSackRecovery", "% times recovered from packet loss by selective acknowledgements"],
  ["TcpExt", "TCPSACKReneging", "% bad SACK blocks received"],
  ["TcpExt", "TCPSACKReorder", "Detected reordering % times using SACK"],
  ["TcpExt", "TCPSchedulerFailed", "% times receiver scheduled too late for direct processing"],
  ["TcpExt", "TCPSlowStartRetrans", "% retransmits in slow start"],
  ["TcpExt", "TCPTimeouts", "% other TCP timeouts"],
  ["TcpExt", "TCPTSReorder", "Detected reordering % times using time stamp"],
  ["TcpExt", "TWKilled", "% TCP sockets finished time wait in slow timer"],
  ["TcpExt", "TW", "% TCP sockets finished time wait in fast timer"],
  ["TcpExt", "TWRecycled", "% time wait sockets recycled by time stamp"],
];

// ICMP histogram lines ("destination unreachable: 3"), In or Out by the
// histogram title above them.
const ICMP_HISTOGRAM: Record<string, string> = {
  "address mask replies: %": "AddrMaskReps",
  "address mask request: %": "AddrMasks",
  "address mask requests: %": "AddrMasks",
  "destination unreachable: %": "DestUnreachs",
  "echo replies: %": "EchoReps",
  "echo requests: %": "Echos",
  "echo request: %": "Echos",
  "wrong parameters: %": "ParmProbs",
  "redirects: %": "Redirects",
  "redirect: %": "Redirects",
  "source quenches: %": "SrcQuenchs",
  "source quenchs: %": "SrcQuenchs",
  "source quench: %": "SrcQuenchs",
  "timeout in transit: %": "TimeExcds",
  "time exceeded: %": "TimeExcds",
  "timestamp reply: %": "TimestampReps",
  "timestamp replies: %": "TimestampReps",
  "timestamp request: %": "Timestamps",
  "timestamp requests: %": "Timestamps",
};

/** Sections net-tools prints as "Name:" titles. */
const LINUX_SECTIONS = new Set(["Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "MPTcpExt", "Sctp", "Ip6", "Icmp6", "Udp6", "UdpLite6", "Tcp6"]);
/** Line prefixes of /proc/net/snmp and /proc/net/netstat. */
const PROC_PREFIXES = new Set(["Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "MPTcpExt", "Sctp"]);

const LINUX_BY_SECTION = new Map<string, string>();
const LINUX_ANY_SECTION = new Map<string, string>();
{
  const seen = new Map<string, number>();
  for (const [sec, name, phrase] of LINUX_PHRASES) {
    LINUX_BY_SECTION.set(`${sec}|${phrase}`, sec + name);
    seen.set(phrase, (seen.get(phrase) ?? 0) + 1);
  }
  // Phrases that name one counter whatever the section (grep'd netstat -s output has none).
  for (const [sec, name, phrase] of LINUX_PHRASES) if (seen.get(phrase) === 1) LINUX_ANY_SECTION.set(phrase, sec + name);
}

// ---------------------------------------------------------------- BSD netstat -s

// macOS network_cmds and FreeBSD usr.bin/netstat inet.c tcp_stats(): the
// phrases whose counter means the same as a Linux one ("%s" is the plural
// ending). Other lines get `bsd.<section>.<words>`.
const BSD_PHRASES: readonly [string, string][] = [
  ["% connection request%s", "TcpActiveOpens"],
  ["% connection accept%s", "TcpPassiveOpens"],
  ["% listen queue overflow%s", "TcpExtListenOverflows"],
  ["% data packet%s (% byte%s) retransmitted", "TcpRetransSegs"],
  ["% cookie%s sent", "TcpExtSyncookiesSent"],
  ["% cookie%s received", "TcpExtSyncookiesRecv"],
  ["% embryonic connection%s dropped", "bsd.tcp.embryonic_connections_dropped"],
  ["% bad connection attempt%s", "bsd.tcp.bad_connection_attempts"],
  ["% connection%s established (including accepts)", "bsd.tcp.connections_established"],
  ["% connection%s closed (including % drop%s)", "bsd.tcp.connections_closed"],
  ["% connection%s dropped by rexmit timeout", "bsd.tcp.connections_dropped_by_rexmit_timeout"],
  ["% connection%s dropped by keepalive", "bsd.tcp.connections_dropped_by_keepalive"],
  ["% packet%s sent", "TcpOutSegs"],
  ["% packet%s received", "TcpInSegs"],
];
const BSD_BY_PHRASE = new Map<string, string>();
for (const [phrase, name] of BSD_PHRASES) {
  let forms = [phrase];
  while (forms[0].includes("%s")) forms = forms.flatMap((f) => [f.replace("%s", ""), f.replace("%s", "s")]);
  for (const f of forms) BSD_BY_PHRASE.set(f, name);
}
const BSD_SECTIONS = new Set([
  "tcp", "udp", "ip", "icmp", "igmp", "ipsec", "ip6", "icmp6", "ipsec6", "rip6", "pfkey", "arp", "mptcp", "sctp", "pim",
  "carp", "divert", "raw", "ipcomp", "esp", "ah", "ipip", "etherip", "pfsync", "kctl", "kevt", "unix", "vsock",
]);

// ---------------------------------------------------------------- Windows netstat -s

const WINDOWS_SECTION = /^(IPv4|IPv6|ICMPv4|ICMPv6|TCP|UDP) Statistics(?: for (IPv4|IPv6))?$/;
const WINDOWS_TCP: Record<string, string> = {
  "Active Opens": "ActiveOpens",
  "Passive Opens": "PassiveOpens",
  "Failed Connection Attempts": "AttemptFails",
  "Reset Connections": "EstabResets",
  "Current Connections": "CurrEstab",
  "Segments Received": "InSegs",
  "Segments Sent": "OutSegs",
  "Segments Retransmitted": "RetransSegs",
};

// ---------------------------------------------------------------- sockstat, ss -s, sar

const SOCKSTAT = new Set([
  "sockets:", "TCP:", "UDP:", "UDPLITE:", "RAW:", "FRAG:", "MPTCP:", "TCP6:", "UDP6:", "UDPLITE6:", "RAW6:", "FRAG6:",
]);
const SS_TRANSPORT = new Set(["*", "RAW", "UDP", "TCP", "INET", "FRAG", "MPTCP"]);
// ss -s "TCP:" words and the counters they are (iproute2 misc/ss.c print_summary()).
const SS_TCP_WORDS: Record<string, string> = {
  estab: "TcpCurrEstab",
  closed: "ss.tcp.closed",
  orphaned: "sockstat.tcp.orphan",
  synrecv: "ss.tcp.synrecv",
  timewait: "sockstat.tcp.tw",
  ports: "ss.tcp.ports",
};
// sar -n SOCK, SOCK6, TCP, ETCP column names (sysstat).
const SAR_COLUMNS = new Set([
  "totsck", "tcpsck", "udpsck", "rawsck", "ip-frag", "tcp-tw", "tcp6sck", "udp6sck", "raw6sck", "ip6-frag",
  "active/s", "passive/s", "iseg/s", "oseg/s", "atmptf/s", "estres/s", "retrans/s", "isegerr/s", "orsts/s",
]);
const SAR_TIME = /^\d{1,2}:\d{2}:\d{2}$/;

// ---------------------------------------------------------------- helpers

const MIB_NAME = /^(?:Ip|Icmp|Tcp|Udp|Sctp|MPTcp|Xfrm)[A-Za-z0-9]+$/;
const RATE = /^\d+(?:\.\d+)?$/;
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

function isInt(s: string): boolean {
  return isDigits(s) || (s.charCodeAt(0) === 45 /* - */ && isDigits(s.slice(1)));
}

function isNumber(s: string): boolean {
  return RATE.test(s);
}

/** Lower-case words joined by underscores: "Failed Connection Attempts" -> "failed_connection_attempts". */
function slug(words: string): string {
  return words.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/** A netstat -s line with its numbers replaced by "%", and the first number. */
function phraseOf(t: string[]): { phrase: string; value: number; words: string } | undefined {
  let value: number | undefined;
  const parts: string[] = [];
  const words: string[] = [];
  for (const tok of t) {
    let num = tok;
    let pre = "";
    if (num.charCodeAt(0) === 40 /* ( */) {
      pre = "(";
      num = num.slice(1);
    }
    if (isDigits(num)) {
      if (value === undefined) value = Number(num);
      parts.push(pre + "%");
    } else {
      parts.push(tok);
      words.push(tok);
    }
  }
  if (value === undefined) return undefined;
  let phrase = parts.join(" ");
  if (phrase.endsWith(".")) phrase = phrase.slice(0, -1);
  return { phrase, value, words: words.join(" ") };
}

function sockstatLine(t: string[], sink: Sink): boolean {
  if (t.length < 3 || t.length % 2 === 0) return false;
  for (let i = 1; i < t.length; i += 2) if (!IDENT.test(t[i]) || !isDigits(t[i + 1])) return false;
  const group = t[0].slice(0, -1).toLowerCase();
  for (let i = 1; i < t.length; i += 2) sink.counter(`sockstat.${group}.${t[i]}`, Number(t[i + 1]));
  return true;
}

/** `TCP:   9 (estab 2, closed 1, orphaned 0, synrecv 0, timewait 1/0), ports 0` from ss -s. */
function ssTcpLine(text: string, t: string[], sink: Sink): boolean {
  if (!isDigits(t[1]) || t[2]?.charCodeAt(0) !== 40) return false;
  sink.counter("ss.summary.tcp", Number(t[1]));
  const re = /\b([a-z]+) (\d+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = SS_TCP_WORDS[m[1]];
    if (name) sink.counter(name, Number(m[2]));
  }
  return true;
}

function procPair(prefix: string, t: string[], st: State, sink: Sink): "header" | "counter" | undefined {
  let idents = true, ints = true;
  for (let i = 1; i < t.length; i++) {
    if (idents && !IDENT.test(t[i])) idents = false;
    if (ints && !isInt(t[i])) ints = false;
  }
  if (idents && PROC_PREFIXES.has(prefix)) {
    st.names[prefix] = t.slice(1);
    return "header";
  }
  const names = st.names[prefix];
  if (ints && names) {
    const n = Math.min(names.length, t.length - 1);
    for (let i = 0; i < n; i++) sink.counter(prefix + names[i], Number(t[i + 1]));
    return "counter";
  }
  return undefined;
}

function linuxName(st: State, name: string): string {
  if (st.section) return st.section + name;
  return name.startsWith("TCP") ? "TcpExt" + name : "netstat." + name;
}

function windowsLine(text: string, st: State, sink: Sink): boolean {
  const eq = text.indexOf("=");
  if (eq === -1) return false;
  const label = text.slice(0, eq).trim();
  const v = text.slice(eq + 1).trim();
  if (!label || !isDigits(v)) return false;
  const sec = st.section;
  const tcp = WINDOWS_TCP[label];
  if (tcp && sec === "tcp4") sink.counter("Tcp" + tcp, Number(v));
  else if (tcp && sec === "tcp6") sink.counter(`windows.tcp6.${tcp}`, Number(v));
  else sink.counter(`windows.${sec}.${slug(label)}`, Number(v));
  return true;
}

function sarLine(line: Line, st: State, sink: Sink): "header" | "counter" | undefined {
  const t = line.tokens;
  let i = 1;
  const avg = t[0] === "Average:";
  if (!avg && !SAR_TIME.test(t[0])) return undefined;
  if (t[1] === "AM" || t[1] === "PM") i = 2;
  if (t.length <= i) return undefined;
  if (SAR_COLUMNS.has(t[i])) {
    for (let j = i; j < t.length; j++) if (!/^[a-z0-9%/-]+$/.test(t[j])) return undefined;
    st.sarCols = t.slice(i);
    st.sarAverage = false;
    return "header";
  }
  const cols = st.sarCols;
  if (!cols || t.length - i !== cols.length) return undefined;
  for (let j = i; j < t.length; j++) if (!isNumber(t[j])) return undefined;
  // The Average row is the one that counts; rows after it (a second run) do not replace it.
  if (avg || !st.sarAverage) for (let j = 0; j < cols.length; j++) sink.counter(`sar.${cols[j]}`, Number(t[i + j]));
  if (avg) st.sarAverage = true;
  return "counter";
}

/** Kernel counter lines from nstat, /proc/net/*, netstat -s, ss -s and sar. */
export const counters: Format = {
  format: FORMAT,
  reads: "kernel counters: nstat, /proc/net/netstat, /proc/net/snmp, /proc/net/sockstat, netstat -s (Linux, BSD, Windows), ss -s, sar -n SOCK",
  commands: ["nstat", "sar"],
  parse(line, ctx, into) {
    const t = line.tokens;
    const t0 = t[0];
    const n = t.length;
    const st = state(ctx);
    const sink = gauges(into, st);
    const c0 = t0.charCodeAt(0);

    // nstat
    if (t0 === "#kernel" && n === 1) return "header";
    if ((n === 3 && isDigits(t[1]) && RATE.test(t[2]) || n === 2 && isDigits(t[1])) && MIB_NAME.test(t0)) {
      sink.counter(t0, Number(t[1]));
      return "counter";
    }

    if (t0.charCodeAt(t0.length - 1) === 58 /* : */ && t0.length > 1) {
      const prefix = t0.slice(0, -1);
      if (n === 1) {
        // netstat -s section titles: "Tcp:" (Linux), "tcp:" (BSD).
        if (LINUX_SECTIONS.has(prefix) || st.family === "linux" && /^[A-Z][A-Za-z0-9]*$/.test(prefix)) {
          [st.section, st.family, st.icmpDir] = [prefix, "linux", ""];
          return "header";
        }
        if (BSD_SECTIONS.has(prefix)) {
          [st.section, st.family] = [prefix, "bsd"];
          return "header";
        }
        return undefined;
      }
      if (t0 === "Total:" && isDigits(t[1])) {
        // ss -s: "Total: 182" or "Total: 1180 (kernel 1425)"
        sink.counter("sockstat.sockets.used", Number(t[1]));
        const k = /\(kernel (\d+)\)/.exec(line.text.slice(0, 64));
        if (k) sink.counter("ss.kernel.sockets", Number(k[1]));
        // The whole of ss -s on one line (a web page lost its line breaks): its TCP line is in it.
        const tcp = line.text.indexOf(" TCP: ");
        if (tcp !== -1) {
          const end = line.text.indexOf(")", tcp);
          const part = line.text.slice(tcp + 1, end === -1 ? undefined : end + 1);
          const pt = part.split(/\s+/);
          if (pt.length > 2) ssTcpLine(part, pt, sink);
        }
        return "counter";
      }
      if (SOCKSTAT.has(t0)) {
        if (t0 === "TCP:" && ssTcpLine(line.text, t, sink)) return "counter";
        if (sockstatLine(t, sink)) return "counter";
        return undefined;
      }
      if (t0 === "Average:") return sarLine(line, st, sink);
      if (c0 >= 65 && c0 <= 90 && IDENT.test(prefix)) {
        const k = procPair(prefix, t, st, sink);
        if (k) return k;
        // netstat -s prints counters it has no phrase for as "Name: value".
        if (n === 2 && isDigits(t[1]) && (st.family === "linux" || prefix.startsWith("TCP"))) {
          sink.counter(linuxName(st, prefix), Number(t[1]));
          return "counter";
        }
      }
      return undefined;
    }

    // sar -n SOCK: "Linux 6.1.0 (host) 	01/02/24 	_x86_64_	(2 CPU)", header and rows.
    if (c0 >= 48 && c0 <= 57 && SAR_TIME.test(t0)) {
      const k = sarLine(line, st, sink);
      if (k) return k;
    }
    if (t0 === "Linux" && line.text.endsWith("CPU)")) return "header";

    // ss -s transport table
    if (t0 === "Transport" && t[1] === "Total" && t[2] === "IP" && t[3] === "IPv6") {
      st.ssTable = true;
      return "header";
    }
    if (st.ssTable && n === 4 && SS_TRANSPORT.has(t0)) {
      const g = t0 === "*" ? "all" : t0.toLowerCase();
      const cols = ["total", "ip", "ipv6"];
      let ok = true;
      for (let i = 1; i < 4; i++) if (t[i] !== "-" && !isDigits(t[i])) ok = false;
      if (ok) {
        for (let i = 1; i < 4; i++) if (t[i] !== "-") sink.counter(`ss.${g}.${cols[i - 1]}`, Number(t[i]));
        return "counter";
      }
    }

    // Windows netstat -s
    const text = line.text.trim();
    if (c0 >= 65 && c0 <= 90) {
      const w = WINDOWS_SECTION.exec(text);
      if (w) {
        const proto = w[1].toLowerCase().replace("v", "");
        const fam = w[2] ? w[2].slice(3) : "";
        [st.section, st.family] = [proto + fam, "windows"];
        return "header";
      }
    }
    if (st.family === "windows") {
      if (windowsLine(text, st, sink)) return "counter";
      if (t0 === "Received" && t[1] === "Sent" && n === 2) return "header";
      // ICMP table: "Messages   12   34"
      if (n >= 3 && isDigits(t[n - 1]) && isDigits(t[n - 2])) {
        const label = slug(t.slice(0, -2).join(" "));
        if (label && !/\d/.test(label)) {
          sink.counter(`windows.${st.section}.${label}.received`, Number(t[n - 2]));
          sink.counter(`windows.${st.section}.${label}.sent`, Number(t[n - 1]));
          return "counter";
        }
      }
    }

    // Linux ICMP histogram titles
    if (text === "ICMP input histogram:" || text === "ICMP output histogram:") {
      st.icmpDir = text.charCodeAt(5) === 105 ? "In" : "Out";
      return "header";
    }
    if (text === "Forwarding is enabled" || text === "Forwarding is disabled") return "header";

    // netstat -s phrases
    const p = phraseOf(t);
    if (!p) return undefined;
    if (st.family === "bsd") {
      const name = BSD_BY_PHRASE.get(p.phrase);
      if (name && st.section === "tcp") {
        sink.counter(name, p.value);
        return "counter";
      }
    } else {
      const hist = st.icmpDir && ICMP_HISTOGRAM[p.phrase];
      if (hist) {
        sink.counter(`Icmp${st.icmpDir}${hist}`, p.value);
        return "counter";
      }
      const name = LINUX_BY_SECTION.get(`${st.section}|${p.phrase}`) ??
        (st.family !== "windows" ? LINUX_ANY_SECTION.get(p.phrase) : undefined);
      if (name) {
        sink.counter(name, p.value);
        return "counter";
      }
    }
    // Any other netstat -s line: indented, a number and words, no addresses.
    const c = line.text.charCodeAt(0);
    // Not a socket row cut short ("    tcp   0   0   ESTABLISHED"): no state word, no protocol first.
    if ((c === 32 || c === 9) && p.words && !/\d/.test(p.words) && !t.some((w) => ctx.states.id(w) !== UNKNOWN_STATE) &&
      !/^(?:tcp|udp|raw)[46]?$/.test(t[0]) && !/^(?:Active|Proto)\b/.test(p.words)) {
      const words = slug(p.words);
      if (!words) return undefined;
      if (st.family === "bsd") sink.counter(`bsd.${st.section}.${words}`, p.value);
      else if (st.family === "linux") sink.counter(`netstat.${st.section.toLowerCase()}.${words}`, p.value);
      else if (n >= 3) sink.counter(`netstat.${words}`, p.value);
      else return undefined;
      return "counter";
    }
    return undefined;
  },
};

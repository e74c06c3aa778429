/**
 * What tcpdoc knows about each TCP state: how the tools spell it, who is in
 * it, what it waits for, how it is entered and left, how long it lasts on
 * Linux, and when a crowd of them is a problem. Plain data; the explanation
 * text, the diagram and the rules are built from it elsewhere.
 */

import type { StateName } from "../model/states.ts";

/** Ids of the rules a state points to (the rules themselves live in `rules/`). */
export type RelatedRuleId =
  | "close-wait-leak"
  | "time-wait-port-exhaustion"
  | "time-wait-blocks-restart"
  | "fin-wait-1-after-restart"
  | "fin-wait-2-lingering"
  | "last-ack-after-load-test"
  | "syn-flood"
  | "syn-sent-unreachable-upstream"
  | "accept-queue-overflow"
  | "time-wait-churn"
  | "closing-simultaneous-close"
  | "recv-queue-backlog"
  | "send-queue-backlog"
  | "orphan-pressure"
  | "syn-recv-stuck-one-client"
  | "unexpected-listener";

/** One spelling of a state and the tools that print it that way. */
export interface StateAlias {
  spelling: string;
  tools: string;
}

/** Everything tcpdoc says about one state. */
export interface StateKnowledge {
  name: StateName;
  /** One sentence, no final period. */
  summary: string;
  /** Spellings as the tools print them. */
  aliases: readonly StateAlias[];
  /** Hex code in /proc/net/tcp (include/net/tcp_states.h), when Linux has one. */
  procCode?: string;
  /** Which end of a connection is in this state. */
  who: string;
  /** What the state waits for. */
  waitsFor: string;
  /** How long it normally lasts on Linux, with the knob or constant that sets it. */
  lifetime: string;
  /** When many of them are a problem, and what that usually means. */
  whenMany: string;
  /** Rules about this state. */
  relatedRules: readonly RelatedRuleId[];
  /** Where the facts come from. */
  sources: readonly string[];
}

/** What causes a transition. */
export type TransitionCause = "app" | "segment" | "timer";

/** Which path through the diagram a transition belongs to. */
export type TransitionPath =
  | "open"
  | "active-close"
  | "passive-close"
  | "simultaneous"
  | "abort"
  | "windows";

/** One edge of the state diagram. */
export interface Transition {
  from: StateName;
  to: StateName;
  cause: TransitionCause;
  /** The event in words, e.g. "receives FIN" or "the application calls close()". */
  on: string;
  /** The segment sent in response, if any. */
  sends?: string;
  /** Short label for a diagram: "x/y" means on receiving x, send y. */
  label: string;
  path: TransitionPath;
}

const RFC_STATES = "RFC 9293 section 3.3.2 (state definitions and Figure 5; RFC 793 section 3.2 before it)";
const RFC_OPEN = "RFC 9293 section 3.5 (establishing a connection, three-way handshake)";
const RFC_CLOSE = "RFC 9293 section 3.6 (closing a connection: active, passive and simultaneous close)";
const TCP_STATES_H = "include/net/tcp_states.h (Linux state numbers shown in /proc/net/tcp)";
const SYSCTL = "Documentation/networking/ip-sysctl.rst";

const NETSTAT_ALL = "netstat on Linux, BSD, macOS and Windows";

/** The states in the order of src/model/states.ts. */
export const STATE_KNOWLEDGE: Readonly<Record<StateName, StateKnowledge>> = {
  LISTEN: {
    name: "LISTEN",
    summary: "A server socket waits for connection requests on its port",
    aliases: [
      { spelling: "LISTEN", tools: "ss, netstat on Linux, BSD and macOS" },
      { spelling: "LISTENING", tools: "Windows netstat" },
      { spelling: "Listen", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "listening", tools: "ss state filter" },
    ],
    procCode: "0A",
    who: "The passive opener: a server, once its application has called socket(), bind() and listen()",
    waitsFor:
      "A SYN from any client. Handshakes that complete are parked in the accept queue until the application calls accept(); the listening socket itself never changes state",
    lifetime:
      "No timer: it lasts as long as the process keeps the listening socket open. In ss a LISTEN row shows the current accept-queue length as Recv-Q and the queue limit (the listen() backlog, silently capped by net.core.somaxconn: 4096 since Linux 5.4, 128 before) as Send-Q",
    whenMany:
      "The number of LISTEN sockets is the number of open service ports, not a measure of load. Compare them with what should be running: an unknown listener is a forgotten service at best and a back door at worst. For a single listener, Recv-Q at or near Send-Q means the accept queue is full: the application accepts too slowly and the kernel drops new handshakes (TcpExt ListenOverflows rises)",
    relatedRules: ["accept-queue-overflow", "unexpected-listener", "syn-flood"],
    sources: [
      RFC_STATES,
      "listen(2) (backlog and the accept queue)",
      "net/ipv4/tcp_diag.c (Recv-Q and Send-Q of a listening socket)",
      "Documentation/admin-guide/sysctl/net.rst (somaxconn)",
      TCP_STATES_H,
    ],
  },
  SYN_SENT: {
    name: "SYN_SENT",
    summary: "This end has sent a SYN to open a connection and waits for the answer",
    aliases: [
      { spelling: "SYN-SENT", tools: "ss" },
      { spelling: "SYN_SENT", tools: NETSTAT_ALL },
      { spelling: "SynSent", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "syn-sent", tools: "ss state filter" },
      { spelling: "SYN_SENT2", tools: "conntrack (a simultaneous open)" },
    ],
    procCode: "02",
    who: "The active opener: a client whose application called connect()",
    waitsFor: "A SYN+ACK from the peer (or, in the rare simultaneous open, a bare SYN)",
    lifetime:
      "Normally one round trip. When nothing comes back, Linux resends the SYN tcp_syn_retries times (default 6, TCP_SYN_RETRIES in include/net/tcp.h) with the timeout doubling from 1 s, and connect() fails with ETIMEDOUT after about 127 s. A RST in reply (nothing listens on that port) ends it at once with ECONNREFUSED; a connect timeout in the application ends it sooner",
    whenMany:
      "Many SYN_SENT toward one destination mean that peer does not answer: it is down, a firewall silently drops the SYNs, or the route is broken. Many toward many different addresses point to a port scan or a worm running on this host. A handful that come and go is normal",
    relatedRules: ["syn-sent-unreachable-upstream"],
    sources: [
      RFC_STATES,
      RFC_OPEN,
      `${SYSCTL} (tcp_syn_retries)`,
      "include/net/tcp.h (TCP_SYN_RETRIES)",
      "connect(2) (ETIMEDOUT, ECONNREFUSED)",
    ],
  },
  SYN_RECV: {
    name: "SYN_RECV",
    summary: "A SYN arrived and this end answered with SYN+ACK: the handshake is half done",
    aliases: [
      { spelling: "SYN-RECV", tools: "ss" },
      { spelling: "NEW-SYN-RECV", tools: "ss (Linux request sockets, on some versions)" },
      { spelling: "SYN_RECV", tools: "Linux netstat" },
      { spelling: "SYN_RCVD", tools: "BSD and macOS netstat" },
      { spelling: "SYN_RECEIVED", tools: "Windows netstat" },
      { spelling: "SynReceived", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "syn-recv", tools: "ss state filter" },
      { spelling: "SYN-RCV", tools: "other stacks' socket dumps" },
    ],
    procCode: "03 (0C for a request socket, TCP_NEW_SYN_RECV)",
    who: "The passive opener: a server, on behalf of its listening socket (an active opener only in a simultaneous open)",
    waitsFor: "The client's ACK, the third segment of the three-way handshake",
    lifetime:
      "Normally one round trip. Without that ACK, Linux resends the SYN+ACK tcp_synack_retries times (default 5), starting at 1 s and doubling, and drops the half-open request after about 63 s. Linux keeps these as small request sockets in the listener's SYN queue (sized by tcp_max_syn_backlog); with tcp_syncookies=1 a full queue answers with SYN cookies instead of keeping any state",
    whenMany:
      "Many SYN_RECV from many different addresses usually mean a SYN flood, often from spoofed sources: dmesg says 'SYN flooding on port' and the SyncookiesSent counter rises. Many from one client mean its final ACKs are lost on the way, for example by a firewall or an asymmetric route. They also pile up when the accept queue is full, because Linux then ignores the final ACK and keeps resending SYN+ACK",
    relatedRules: ["syn-flood", "syn-recv-stuck-one-client", "accept-queue-overflow"],
    sources: [
      RFC_STATES,
      RFC_OPEN,
      `${SYSCTL} (tcp_synack_retries, tcp_max_syn_backlog, tcp_syncookies)`,
      TCP_STATES_H,
    ],
  },
  ESTABLISHED: {
    name: "ESTABLISHED",
    summary: "The connection is open and data can flow both ways",
    aliases: [
      { spelling: "ESTAB", tools: "ss" },
      { spelling: "ESTABLISHED", tools: NETSTAT_ALL },
      { spelling: "Established", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "established", tools: "ss state filter" },
    ],
    procCode: "01",
    who: "Both ends, client and server alike, once the handshake is complete",
    waitsFor:
      "Nothing in particular: data moves, until the local application closes the socket or a FIN arrives from the peer",
    lifetime:
      "No limit. An idle connection stays ESTABLISHED for ever unless the socket enables keepalive (probes start after tcp_keepalive_time, 7200 s by default) or data stays unacknowledged until tcp_retries2 retransmissions (default 15, roughly 15 minutes) make the kernel give up",
    whenMany:
      "A high count is normal on a busy server; compare it with the expected number of clients and with the process's file-descriptor limit. The queues tell more: a Recv-Q that keeps growing means the application is not reading, a Send-Q that keeps growing means the peer or the path is slow. Connections that never carry data can belong to peers that vanished without a FIN or RST; keepalive or an idle timeout in the application clears them",
    relatedRules: ["recv-queue-backlog", "send-queue-backlog", "time-wait-port-exhaustion"],
    sources: [RFC_STATES, `${SYSCTL} (tcp_keepalive_time, tcp_retries2)`, TCP_STATES_H],
  },
  FIN_WAIT_1: {
    name: "FIN_WAIT_1",
    summary: "This end closed first and sent its FIN; it waits for that FIN to be acknowledged",
    aliases: [
      { spelling: "FIN-WAIT-1", tools: "ss" },
      { spelling: "FIN_WAIT1", tools: "Linux netstat" },
      { spelling: "FIN_WAIT_1", tools: "BSD, macOS and Windows netstat" },
      { spelling: "FinWait1", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "fin-wait-1", tools: "ss state filter" },
    ],
    procCode: "04",
    who: "The active closer: the end whose application called close() or shutdown() first",
    waitsFor:
      "The ACK of its FIN (next state FIN_WAIT_2), or the peer's own FIN (next state CLOSING), or both in one segment (straight to TIME_WAIT)",
    lifetime:
      "Normally one round trip. It lasts longer when unsent data is still queued in front of the FIN, or when the peer stops acknowledging or advertises a zero window. Once the process has let go of the socket it is an orphan, and Linux gives up after tcp_orphan_retries retransmissions (0, the default, means 8): around 100 s with a 200 ms RTO, longer on slow paths. /proc/net/sockstat counts orphans and tcp_max_orphans caps them",
    whenMany:
      "Many FIN_WAIT_1, often with a non-empty Send-Q, right after a server was stopped or restarted: the old process died with data still queued for slow or unreachable clients, and the kernel keeps trying to deliver it. They drain by themselves. If they keep appearing, the peers are not acknowledging: they are gone, or a middlebox drops the segments",
    relatedRules: ["fin-wait-1-after-restart", "orphan-pressure", "send-queue-backlog"],
    sources: [RFC_STATES, RFC_CLOSE, `${SYSCTL} (tcp_orphan_retries, tcp_max_orphans)`, TCP_STATES_H],
  },
  FIN_WAIT_2: {
    name: "FIN_WAIT_2",
    summary: "This end's FIN was acknowledged; it waits for the peer to close its side",
    aliases: [
      { spelling: "FIN-WAIT-2", tools: "ss" },
      { spelling: "FIN_WAIT2", tools: "Linux netstat" },
      { spelling: "FIN_WAIT_2", tools: "BSD, macOS and Windows netstat" },
      { spelling: "FinWait2", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "fin-wait-2", tools: "ss state filter" },
    ],
    procCode: "05",
    who: "The active closer. The connection is half closed: this end can still receive but sends nothing more",
    waitsFor: "The peer's FIN, which the peer sends when its application closes the socket",
    lifetime:
      "If the application still owns the socket (it called shutdown(), or it simply has not closed yet) no timer applies and it can stay indefinitely. If the socket is orphaned (the application closed it), Linux drops it after tcp_fin_timeout, 60 s by default (TCP_FIN_TIMEOUT in include/net/tcp.h)",
    whenMany:
      "Many FIN_WAIT_2 toward the same peer mean the application over there receives the FIN but never closes its socket; on that host the same connections show up as CLOSE_WAIT. The fix belongs on the peer. Lowering tcp_fin_timeout only helps orphaned sockets",
    relatedRules: ["fin-wait-2-lingering", "close-wait-leak"],
    sources: [RFC_STATES, RFC_CLOSE, `${SYSCTL} (tcp_fin_timeout)`, "include/net/tcp.h (TCP_FIN_TIMEOUT)"],
  },
  CLOSE_WAIT: {
    name: "CLOSE_WAIT",
    summary: "The peer closed its side and this end acknowledged; it waits for its own application to close",
    aliases: [
      { spelling: "CLOSE-WAIT", tools: "ss" },
      { spelling: "CLOSE_WAIT", tools: NETSTAT_ALL },
      { spelling: "CloseWait", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "close-wait", tools: "ss state filter" },
    ],
    procCode: "08",
    who: "The passive closer: the end that received the first FIN",
    waitsFor:
      "The local application to call close() on the socket (or shutdown() for writing). A read already returns end-of-file, 0 bytes, to tell it the peer is done",
    lifetime:
      "No timeout at all: the socket stays in CLOSE_WAIT until the owning process closes it or exits. No sysctl shortens it",
    whenMany:
      "A steady or growing pile of CLOSE_WAIT is nearly always a bug in the application or in a library it uses: it gets end-of-file (or never reads) and forgets to close the socket, for example a leaking connection pool or a missing close() on an error path. Each one holds a file descriptor, so 'Too many open files' often follows. Restarting the process only hides the leak for a while",
    relatedRules: ["close-wait-leak", "recv-queue-backlog", "fin-wait-2-lingering"],
    sources: [RFC_STATES, RFC_CLOSE, "close(2), shutdown(2)", TCP_STATES_H],
  },
  CLOSING: {
    name: "CLOSING",
    summary: "Both ends sent a FIN at about the same time; this end waits for the ACK of its own",
    aliases: [
      { spelling: "CLOSING", tools: `ss, ${NETSTAT_ALL}` },
      { spelling: "Closing", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "closing", tools: "ss state filter" },
    ],
    procCode: "0B",
    who: "Both ends, in a simultaneous close: each one acted as the active closer",
    waitsFor: "The ACK of its own FIN; the peer's FIN has already arrived and been acknowledged",
    lifetime:
      "Normally one round trip, then TIME_WAIT. If the ACK never arrives the FIN is retransmitted, and an orphaned socket gives up after tcp_orphan_retries attempts",
    whenMany:
      "Rare, and a few are harmless. Many, or CLOSING sockets that persist, mean FINs cross and the ACKs get lost: look for packet loss or a middlebox that drops segments",
    relatedRules: ["closing-simultaneous-close"],
    sources: [RFC_STATES, RFC_CLOSE, `${SYSCTL} (tcp_orphan_retries)`, TCP_STATES_H],
  },
  LAST_ACK: {
    name: "LAST_ACK",
    summary: "The passive closer has sent its own FIN and waits for the final ACK",
    aliases: [
      { spelling: "LAST-ACK", tools: "ss" },
      { spelling: "LAST_ACK", tools: NETSTAT_ALL },
      { spelling: "LastAck", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "last-ack", tools: "ss state filter" },
    ],
    procCode: "09",
    who: "The passive closer, after its application called close() in CLOSE_WAIT",
    waitsFor: "The peer's ACK of this FIN (the peer is then in TIME_WAIT)",
    lifetime:
      "Normally one round trip. If the ACK never comes, the FIN is resent with growing intervals; the application has already closed the socket, so it is an orphan and tcp_orphan_retries limits the attempts (a minute or two with the defaults)",
    whenMany:
      "A pile of LAST_ACK toward one peer or subnet means the peer vanished between sending its FIN and acknowledging ours: a load-test client that was killed, a host that lost power, or a NAT or firewall that forgot the connection. They normally clear by themselves; if they keep coming back, look at the middlebox",
    relatedRules: ["last-ack-after-load-test", "orphan-pressure"],
    sources: [RFC_STATES, RFC_CLOSE, `${SYSCTL} (tcp_orphan_retries)`, TCP_STATES_H],
  },
  TIME_WAIT: {
    name: "TIME_WAIT",
    summary: "The active closer acknowledged the peer's FIN and waits a while before forgetting the connection",
    aliases: [
      { spelling: "TIME-WAIT", tools: "ss" },
      { spelling: "TIME_WAIT", tools: NETSTAT_ALL },
      { spelling: "TimeWait", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "time-wait", tools: "ss state filter" },
    ],
    procCode: "06",
    who: "Only the active closer: whichever end called close() first ends here, client or server",
    waitsFor:
      "Only time: twice the maximum segment lifetime (2MSL) in the RFC. Meanwhile it can resend the last ACK if the peer repeats its FIN, and stray segments of the old connection die out before the same address and port pair is used again",
    lifetime:
      "60 s on Linux, fixed by TCP_TIMEWAIT_LEN in include/net/tcp.h; no sysctl changes it (tcp_fin_timeout does not). Beyond tcp_max_tw_buckets, new TIME_WAIT sockets are destroyed at once and the TcpExt TCPTimeWaitOverflow counter rises",
    whenMany:
      "Thousands are normal on a host that opens and closes many short connections. They become a problem when they use up the ephemeral ports toward one destination (connect() fails with EADDRNOTAVAIL, 'Cannot assign requested address'), or when a restarted server cannot bind() its port (EADDRINUSE, 'Address already in use') because it closed first and does not set SO_REUSEADDR. Prefer keep-alive and connection pooling; tcp_tw_reuse=1 helps outgoing connections; never use tcp_tw_recycle, which broke clients behind NAT and was removed in Linux 4.12",
    relatedRules: ["time-wait-port-exhaustion", "time-wait-blocks-restart", "time-wait-churn"],
    sources: [
      RFC_STATES,
      RFC_CLOSE,
      "include/net/tcp.h (TCP_TIMEWAIT_LEN)",
      `${SYSCTL} (tcp_tw_reuse, tcp_max_tw_buckets, ip_local_port_range)`,
      "connect(2) (EADDRNOTAVAIL), socket(7) (SO_REUSEADDR)",
    ],
  },
  CLOSED: {
    name: "CLOSED",
    summary: "No connection: the socket is neither connected nor listening",
    aliases: [
      { spelling: "UNCONN", tools: "ss" },
      { spelling: "CLOSE", tools: "Linux netstat" },
      { spelling: "CLOSED", tools: "BSD, macOS and Windows netstat" },
      { spelling: "Closed", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "DELETE_TCB", tools: "Windows (MIB_TCP_STATE, a connection being torn down)" },
      { spelling: "DeleteTCB", tools: "PowerShell Get-NetTCPConnection" },
      { spelling: "closed", tools: "ss state filter" },
    ],
    procCode: "07",
    who: "Either end, before a connection starts and after it has ended; the RFC calls it fictional because no connection record exists",
    waitsFor: "An application call: listen() to wait for clients, or connect() to send a SYN",
    lifetime:
      "A connection leaves the tables when it reaches CLOSED. A TCP socket is still listed as UNCONN (ss) or CLOSE (07 in /proc/net/tcp) while a process holds one that was created or bound but not connected, or whose connection failed or was reset; it stays until the process closes it",
    whenMany:
      "Many UNCONN or CLOSE TCP sockets held by one process hint at a descriptor leak: sockets left behind by failed connect() calls or resets and never closed. Windows briefly shows CLOSED or DeleteTCB for connections being torn down; those pass on their own",
    relatedRules: ["close-wait-leak", "syn-sent-unreachable-upstream"],
    sources: [RFC_STATES, TCP_STATES_H, "socket(2), close(2)"],
  },
  BOUND: {
    name: "BOUND",
    summary: "Windows only: a socket holds a local address and port from bind() but neither listens nor is connected",
    aliases: [
      { spelling: "BOUND", tools: "Windows netstat -q" },
      { spelling: "Bound", tools: "PowerShell Get-NetTCPConnection" },
    ],
    who: "Either end, usually a client between bind() and connect(), or a socket that was bound and forgotten",
    waitsFor: "listen(), connect() or closesocket() from the application",
    lifetime:
      "No timer: until the application listens, connects or closes the socket. Linux has no such state (a bound socket shows as UNCONN); on Windows, netstat -anoq and Get-NetTCPConnection -State Bound list them, plain netstat -an does not",
    whenMany:
      "Many Bound sockets owned by one process hold ephemeral ports without using them. With enough of them the dynamic port range (49152-65535 by default since Vista) runs out and new outgoing connections fail with WSAENOBUFS (10055) or WSAEADDRINUSE (10048)",
    relatedRules: ["time-wait-port-exhaustion"],
    sources: [
      "Microsoft: MIB_TCP_STATE (MIB_TCP_STATE_* values)",
      "Microsoft: netstat (-q lists bound, non-listening ports)",
      "Microsoft: Get-NetTCPConnection (State Bound)",
    ],
  },
};

/**
 * The edges of the TCP state diagram (RFC 9293 Figure 5) plus the Linux and
 * Windows details tcpdoc needs. Labels use the RFC's shorthand: "x/y" means
 * "on receiving x, send y"; a name with () is an application call.
 */
export const TRANSITIONS: readonly Transition[] = [
  // Opening
  { from: "CLOSED", to: "LISTEN", cause: "app", on: "the application calls listen()", label: "listen()", path: "open" },
  { from: "CLOSED", to: "SYN_SENT", cause: "app", on: "the application calls connect()", sends: "SYN", label: "connect()/SYN", path: "open" },
  { from: "LISTEN", to: "SYN_RECV", cause: "segment", on: "receives SYN", sends: "SYN+ACK", label: "SYN/SYN+ACK", path: "open" },
  { from: "SYN_SENT", to: "ESTABLISHED", cause: "segment", on: "receives SYN+ACK", sends: "ACK", label: "SYN+ACK/ACK", path: "open" },
  { from: "SYN_RECV", to: "ESTABLISHED", cause: "segment", on: "receives the ACK of its SYN", label: "ACK", path: "open" },
  { from: "SYN_SENT", to: "SYN_RECV", cause: "segment", on: "receives a bare SYN (simultaneous open)", sends: "SYN+ACK", label: "SYN/SYN+ACK", path: "simultaneous" },
  { from: "LISTEN", to: "SYN_SENT", cause: "app", on: "the application sends data on a listening socket (RFC only; the sockets API has no such call)", sends: "SYN", label: "send/SYN", path: "open" },
  // Active close
  { from: "ESTABLISHED", to: "FIN_WAIT_1", cause: "app", on: "the application calls close() or shutdown()", sends: "FIN", label: "close()/FIN", path: "active-close" },
  { from: "SYN_RECV", to: "FIN_WAIT_1", cause: "app", on: "the application closes before the handshake completes", sends: "FIN", label: "close()/FIN", path: "active-close" },
  { from: "FIN_WAIT_1", to: "FIN_WAIT_2", cause: "segment", on: "receives the ACK of its FIN", label: "ACK", path: "active-close" },
  { from: "FIN_WAIT_2", to: "TIME_WAIT", cause: "segment", on: "receives the peer's FIN", sends: "ACK", label: "FIN/ACK", path: "active-close" },
  { from: "FIN_WAIT_1", to: "TIME_WAIT", cause: "segment", on: "receives the peer's FIN together with the ACK of its own", sends: "ACK", label: "FIN+ACK/ACK", path: "active-close" },
  { from: "TIME_WAIT", to: "CLOSED", cause: "timer", on: "the 2MSL timer expires (60 s on Linux, TCP_TIMEWAIT_LEN)", label: "60 s (2MSL)", path: "active-close" },
  // Simultaneous close
  { from: "FIN_WAIT_1", to: "CLOSING", cause: "segment", on: "receives the peer's FIN before the ACK of its own", sends: "ACK", label: "FIN/ACK", path: "simultaneous" },
  { from: "CLOSING", to: "TIME_WAIT", cause: "segment", on: "receives the ACK of its FIN", label: "ACK", path: "simultaneous" },
  // Passive close
  { from: "ESTABLISHED", to: "CLOSE_WAIT", cause: "segment", on: "receives the peer's FIN", sends: "ACK", label: "FIN/ACK", path: "passive-close" },
  { from: "CLOSE_WAIT", to: "LAST_ACK", cause: "app", on: "the application calls close()", sends: "FIN", label: "close()/FIN", path: "passive-close" },
  { from: "LAST_ACK", to: "CLOSED", cause: "segment", on: "receives the ACK of its FIN", label: "ACK", path: "passive-close" },
  // Timeouts, resets and aborts
  { from: "LISTEN", to: "CLOSED", cause: "app", on: "the application closes the listening socket", label: "close()", path: "abort" },
  { from: "SYN_SENT", to: "CLOSED", cause: "timer", on: "tcp_syn_retries run out (about 127 s), a RST arrives, or the application gives up", label: "timeout/RST", path: "abort" },
  { from: "SYN_RECV", to: "LISTEN", cause: "segment", on: "receives RST or tcp_synack_retries run out (about 63 s): the half-open request is dropped", label: "RST/timeout", path: "abort" },
  { from: "ESTABLISHED", to: "CLOSED", cause: "segment", on: "receives RST, the application aborts (SO_LINGER with 0 timeout, sends RST), or tcp_retries2 or keepalive give up", label: "RST/abort", path: "abort" },
  { from: "FIN_WAIT_1", to: "CLOSED", cause: "timer", on: "an orphan exhausts tcp_orphan_retries, or a RST arrives", label: "timeout/RST", path: "abort" },
  { from: "FIN_WAIT_2", to: "CLOSED", cause: "timer", on: "an orphan reaches tcp_fin_timeout (60 s); a socket the application still owns has no such timer", label: "tcp_fin_timeout", path: "abort" },
  { from: "CLOSING", to: "CLOSED", cause: "timer", on: "an orphan exhausts tcp_orphan_retries, or a RST arrives", label: "timeout/RST", path: "abort" },
  { from: "LAST_ACK", to: "CLOSED", cause: "timer", on: "tcp_orphan_retries run out, or a RST arrives", label: "timeout/RST", path: "abort" },
  { from: "CLOSE_WAIT", to: "CLOSED", cause: "segment", on: "receives RST; otherwise nothing but close() ends it", label: "RST", path: "abort" },
  // Windows
  { from: "CLOSED", to: "BOUND", cause: "app", on: "the application calls bind()", label: "bind()", path: "windows" },
  { from: "BOUND", to: "LISTEN", cause: "app", on: "the application calls listen()", label: "listen()", path: "windows" },
  { from: "BOUND", to: "SYN_SENT", cause: "app", on: "the application calls connect()", sends: "SYN", label: "connect()/SYN", path: "windows" },
  { from: "BOUND", to: "CLOSED", cause: "app", on: "the application calls closesocket()", label: "closesocket()", path: "windows" },
];

/** A named walk through the diagram, for drawing and for teaching. */
export interface StateSequence {
  id: "open-active" | "open-passive" | "active-close" | "passive-close" | "simultaneous-close";
  title: string;
  /** Who walks it. */
  who: string;
  steps: readonly StateName[];
  /** The transitions between consecutive steps, taken from {@link TRANSITIONS}. */
  edges: readonly Transition[];
}

/** Looks up the edge from `from` to `to`, preferring the given path. */
export function findTransition(from: StateName, to: StateName, path?: TransitionPath): Transition | undefined {
  const all = TRANSITIONS.filter((t) => t.from === from && t.to === to);
  return all.find((t) => t.path === path) ?? all[0];
}

function _sequence(
  id: StateSequence["id"],
  title: string,
  who: string,
  path: TransitionPath,
  steps: StateName[],
): StateSequence {
  const edges = steps.slice(1).map((to, i) => {
    const t = findTransition(steps[i], to, path);
    if (!t) throw new Error(`No transition from ${steps[i]} to ${to}`);
    return t;
  });
  return { id, title, who, steps, edges };
}

/** The open and close sequences, as edges with labels. */
export const SEQUENCES: readonly StateSequence[] = [
  _sequence("open-active", "Open, active side (three-way handshake)", "the client", "open", ["CLOSED", "SYN_SENT", "ESTABLISHED"]),
  _sequence("open-passive", "Open, passive side (three-way handshake)", "the server", "open", ["CLOSED", "LISTEN", "SYN_RECV", "ESTABLISHED"]),
  _sequence("active-close", "Active close", "the end that closes first", "active-close", [
    "ESTABLISHED",
    "FIN_WAIT_1",
    "FIN_WAIT_2",
    "TIME_WAIT",
    "CLOSED",
  ]),
  _sequence("passive-close", "Passive close", "the end that receives the first FIN", "passive-close", [
    "ESTABLISHED",
    "CLOSE_WAIT",
    "LAST_ACK",
    "CLOSED",
  ]),
  _sequence("simultaneous-close", "Simultaneous close", "both ends, when their FINs cross", "simultaneous", [
    "ESTABLISHED",
    "FIN_WAIT_1",
    "CLOSING",
    "TIME_WAIT",
    "CLOSED",
  ]),
];

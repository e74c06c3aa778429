/**
 * The errors people see, as symptoms: each kind with the names and numbers
 * it goes by (errno, Windows' WSA codes, the kernel's words), what it means,
 * and the evidence that tells its cause. `--error TEXT`, the guided
 * session's first question and the `symptoms` fact read this table; a
 * report that explains no finding for the error the user named says what
 * to collect from here.
 *
 * Sources: errno(3) and connect(2), bind(2), accept(2), socket(7) for the
 * Linux numbers and texts; Microsoft's "Windows Sockets Error Codes" for
 * 10024-10061 and the Tcpip event 4227; the kernel's printk texts
 * (net/ipv4/tcp_input.c, tcp.c, tcp_minisocks.c, netfilter) and FreeBSD's
 * sonewconn() (sys/kern/uipc_socket.c).
 */

import type { SymptomKind } from "../model/snapshot.ts";
import type { Platform } from "./platforms.ts";

/** One command to collect evidence, and where it runs. */
export interface Collect {
  command: string;
  platforms: readonly Platform[];
  why: string;
}

/** An error as users meet it. */
export interface ErrorInfo {
  kind: SymptomKind;
  /** Words the user may type or paste: the error name, its texts, its numbers. */
  names: readonly string[];
  /** The text most people see, for menus. */
  text: string;
  /** What it means, one sentence. */
  means: string;
  /** Shown first in the guided session's question (the errors people most often ask about). */
  common?: true;
  /** What to collect when no finding explains it. */
  collect: readonly Collect[];
}

const ALL: readonly Platform[] = ["linux", "macos", "freebsd", "windows"];
const BSD: readonly Platform[] = ["macos", "freebsd"];

export const ERRORS: readonly ErrorInfo[] = [
  {
    kind: "EADDRNOTAVAIL",
    names: ["EADDRNOTAVAIL", "Cannot assign requested address", "errno 99", "99", "WSAEADDRNOTAVAIL", "10049", "The requested address is not valid in its context", "event 4227"],
    text: "Cannot assign requested address (EADDRNOTAVAIL, 99, WSAEADDRNOTAVAIL 10049)",
    means: "connect() found no free local port toward that destination: the ephemeral ports toward it are all held (TIME_WAIT, or connections never closed).",
    common: true,
    collect: [
      { command: "ss -tan", platforms: ["linux"], why: "every socket: the states that hold ports toward the destination" },
      { command: "sysctl net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse", platforms: ["linux"], why: "the size of the port range" },
      { command: "netstat -an -p tcp", platforms: BSD, why: "every socket" },
      { command: "sysctl net.inet.ip.portrange.first net.inet.ip.portrange.last", platforms: BSD, why: "the size of the port range" },
      { command: "netstat -ano", platforms: ["windows"], why: "every socket with its process" },
      { command: "netsh int ipv4 show dynamicport tcp", platforms: ["windows"], why: "the size of the dynamic port range" },
    ],
  },
  {
    kind: "EADDRINUSE",
    names: ["EADDRINUSE", "Address already in use", "errno 98", "98", "WSAEADDRINUSE", "10048", "Only one usage of each socket address"],
    text: "Address already in use (EADDRINUSE, 98, WSAEADDRINUSE 10048)",
    means: "bind() or listen() found the port taken: another process listens on it, or TIME_WAIT sockets of an earlier run hold it.",
    common: true,
    collect: [
      { command: "ss -tanp", platforms: ["linux"], why: "who listens on the port, and TIME_WAIT sockets on it" },
      { command: "lsof -nP -iTCP", platforms: BSD, why: "who holds the port" },
      { command: "netstat -ano", platforms: ["windows"], why: "who holds the port (the PID column)" },
    ],
  },
  {
    kind: "ECONNREFUSED",
    names: ["ECONNREFUSED", "Connection refused", "errno 111", "111", "WSAECONNREFUSED", "10061", "actively refused"],
    text: "Connection refused (ECONNREFUSED, 111, WSAECONNREFUSED 10061)",
    means: "the destination answered the SYN with a reset: nothing listens on that port there (or a firewall rejects).",
    common: true,
    collect: [
      { command: "ss -ltn", platforms: ["linux"], why: "on the destination: does anything listen on the port" },
      { command: "netstat -an -p tcp", platforms: BSD, why: "on the destination: its listeners" },
      { command: "netstat -ano", platforms: ["windows"], why: "on the destination: its listeners" },
    ],
  },
  {
    kind: "ETIMEDOUT",
    names: ["ETIMEDOUT", "Connection timed out", "errno 110", "110", "WSAETIMEDOUT", "10060"],
    text: "Connection timed out (ETIMEDOUT, 110, WSAETIMEDOUT 10060)",
    means: "nothing answered: the SYNs (or the data) got no reply, so the destination is down, unreachable, or a firewall drops the packets.",
    common: true,
    collect: [
      { command: "ss -tan state syn-sent", platforms: ["linux"], why: "connection attempts waiting for an answer, by destination" },
      { command: "netstat -an -p tcp", platforms: BSD, why: "SYN_SENT sockets by destination" },
      { command: "netstat -ano", platforms: ["windows"], why: "SYN_SENT sockets by destination" },
    ],
  },
  {
    kind: "ECONNRESET",
    names: ["ECONNRESET", "Connection reset by peer", "errno 104", "104", "WSAECONNRESET", "10054", "forcibly closed by the remote host"],
    text: "Connection reset by peer (ECONNRESET, 104, WSAECONNRESET 10054)",
    means: "the other end (or a middlebox) aborted the connection with a reset.",
    collect: [
      { command: "nstat -az", platforms: ["linux"], why: "resets and aborts the kernel counted (TcpExtTCPAbortOn*, TcpEstabResets)" },
      { command: "ss -tan", platforms: ["linux"], why: "the state of the connections at the time" },
      { command: "netstat -s -p tcp", platforms: BSD, why: "the kernel's reset counters" },
      { command: "netstat -s -p tcp", platforms: ["windows"], why: "reset counters" },
    ],
  },
  {
    kind: "EMFILE",
    names: ["EMFILE", "Too many open files", "errno 24", "24", "WSAEMFILE", "10024"],
    text: "Too many open files (EMFILE, 24, WSAEMFILE 10024)",
    means: "the process has used up its file descriptors: sockets it never closed (often CLOSE_WAIT) or a limit too small for its load.",
    common: true,
    collect: [
      { command: "ss -tanp", platforms: ["linux"], why: "the sockets the process holds, by state (CLOSE_WAIT piles)" },
      { command: "ls /proc/PID/fd | wc -l; grep 'open files' /proc/PID/limits", platforms: ["linux"], why: "its descriptors against its limit" },
      { command: "lsof -nP -p PID", platforms: BSD, why: "its descriptors" },
    ],
  },
  {
    kind: "ENOBUFS",
    names: ["ENOBUFS", "No buffer space available", "errno 105", "105", "WSAENOBUFS", "10055", "lacked sufficient buffer space"],
    text: "No buffer space available (ENOBUFS, 105, WSAENOBUFS 10055)",
    means: "on Windows the dynamic ports (or the memory behind sockets) ran out; on Linux socket memory ran short.",
    common: true,
    collect: [
      { command: "netstat -ano", platforms: ["windows"], why: "every socket: TIME_WAIT and BOUND piles holding the dynamic ports" },
      { command: "netsh int ipv4 show dynamicport tcp", platforms: ["windows"], why: "the size of the dynamic port range" },
      { command: "cat /proc/net/sockstat; sysctl net.ipv4.tcp_mem", platforms: ["linux"], why: "socket memory in use against its limit" },
      { command: "netstat -m", platforms: BSD, why: "mbuf use" },
    ],
  },
  {
    kind: "SYN_FLOODING",
    names: ["SYN_FLOODING", "Possible SYN flooding", "SYN flooding", "Sending cookies", "Dropping request"],
    text: "Possible SYN flooding on port N (kernel)",
    means: "a listener's SYN queue filled: the kernel answered with SYN cookies, or dropped the requests when cookies are off.",
    collect: [
      { command: "ss -tan state syn-recv", platforms: ["linux"], why: "half-open connections and where they come from" },
      { command: "nstat -az TcpExtSyncookiesSent TcpExtTCPReqQFullDrop TcpExtListenOverflows", platforms: ["linux"], why: "whether the queue keeps overflowing" },
      { command: "sysctl net.ipv4.tcp_syncookies net.ipv4.tcp_max_syn_backlog net.core.somaxconn", platforms: ["linux"], why: "the queue's limits" },
    ],
  },
  {
    kind: "LISTEN_OVERFLOW",
    names: ["LISTEN_OVERFLOW", "sonewconn", "Listen queue overflow"],
    text: "sonewconn: Listen queue overflow (FreeBSD, macOS kernel)",
    means: "a listener's accept queue is full: the program does not accept() fast enough, or its backlog is too small.",
    collect: [
      { command: "netstat -Lan", platforms: BSD, why: "each listener's queue against its limit" },
      { command: "sysctl kern.ipc.soacceptqueue", platforms: ["freebsd"], why: "the cap on backlogs" },
      { command: "sysctl kern.ipc.somaxconn", platforms: ["macos"], why: "the cap on backlogs" },
    ],
  },
  {
    kind: "ORPHANS_EXCEEDED",
    names: ["ORPHANS_EXCEEDED", "too many orphaned sockets"],
    text: "TCP: too many orphaned sockets (kernel)",
    means: "closed connections not yet finished passed tcp_max_orphans: the kernel resets them.",
    collect: [
      { command: "cat /proc/net/sockstat", platforms: ["linux"], why: "the orphan count and TCP memory" },
      { command: "sysctl net.ipv4.tcp_max_orphans net.ipv4.tcp_mem", platforms: ["linux"], why: "their limits" },
      { command: "ss -tan state fin-wait-1", platforms: ["linux"], why: "where the orphans wait" },
    ],
  },
  {
    kind: "SOCKET_MEMORY",
    names: ["SOCKET_MEMORY", "Out of socket memory", "out of memory -- consider tuning tcp_mem"],
    text: "Out of socket memory (kernel)",
    means: "TCP memory or the orphan count passed its limit: the kernel resets connections.",
    collect: [
      { command: "cat /proc/net/sockstat", platforms: ["linux"], why: "orphans and TCP memory pages" },
      { command: "sysctl net.ipv4.tcp_max_orphans net.ipv4.tcp_mem", platforms: ["linux"], why: "their limits" },
    ],
  },
  {
    kind: "TW_BUCKET_OVERFLOW",
    names: ["TW_BUCKET_OVERFLOW", "time wait bucket table overflow"],
    text: "TCP: time wait bucket table overflow (kernel)",
    means: "more connections closed than tcp_max_tw_buckets allows in TIME_WAIT: the rest skip it.",
    collect: [
      { command: "ss -s", platforms: ["linux"], why: "the TIME_WAIT count" },
      { command: "sysctl net.ipv4.tcp_max_tw_buckets", platforms: ["linux"], why: "the limit" },
    ],
  },
  {
    kind: "CONNTRACK_FULL",
    names: ["CONNTRACK_FULL", "nf_conntrack: table full", "table full, dropping packet"],
    text: "nf_conntrack: table full, dropping packet (kernel)",
    means: "the connection-tracking table is full: new flows through this host are dropped.",
    collect: [
      { command: "conntrack -C; sysctl net.netfilter.nf_conntrack_max", platforms: ["linux"], why: "tracked flows against the limit" },
    ],
  },
];

const BY_KIND: ReadonlyMap<string, ErrorInfo> = new Map(ERRORS.map((e) => [e.kind, e]));

/** The catalogue entry of a kind. */
export function errorInfo(kind: string): ErrorInfo | undefined {
  return BY_KIND.get(kind);
}

/** Every symptom kind, in catalogue order. */
export const SYMPTOM_KINDS: readonly SymptomKind[] = ERRORS.map((e) => e.kind);

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();

/**
 * The symptom kind a user's words name: an error name (EADDRNOTAVAIL,
 * WSAENOBUFS), a number (99, 10055), or the error's text or part of it
 * ("cannot assign requested address"); undefined when nothing matches.
 *
 * @example
 * ```ts
 * errorKind("cannot assign requested address"); // "EADDRNOTAVAIL"
 * errorKind("10048"); // "EADDRINUSE"
 * ```
 */
export function errorKind(text: string): SymptomKind | undefined {
  const t = norm(text);
  if (!t) return undefined;
  const bare = t.replace(/^(errno|error|code|wsa error) /, "");
  for (const e of ERRORS) {
    for (const n of e.names) {
      const nn = norm(n);
      if (nn === t || nn === bare || (/^\d+$/.test(bare) && nn === bare)) return e.kind;
    }
  }
  // a phrase: the user's words inside a known text, or a known text inside the user's line
  for (const e of ERRORS) {
    for (const n of e.names) {
      const nn = norm(n);
      if (/^\d+$/.test(nn) || nn.length < 6) continue;
      if (t.includes(nn) || (t.length >= 8 && nn.includes(t))) return e.kind;
    }
  }
  return undefined;
}

/**
 * Application and kernel log lines that name a socket error (Node, Python,
 * Go, Java, .NET/Windows, nginx, envoy, dmesg), as symptoms with the port or
 * address they name; and other log lines (time stamps, level words, stack
 * frames, tracebacks) as "log", so they are accounted for.
 *
 * This parser runs last, on lines nothing else claimed: a cheap substring
 * pre-test guards every regular expression.
 */

import type { Platform, SymptomDetail, SymptomEndpoint, SymptomKind } from "../../model/snapshot.ts";
import { type Format, type Line, type ParseContext, parserState } from "../format.ts";
import { indexIn } from "../scan.ts";

const FORMAT = "log";

// Substrings at least one of which every error line below contains, in the casings tools print.
const ANCHORS = [
  "ddress", "ADDR", "efused", "EFUSED", "imed out", "TIMEDOUT", "i/o timeout", "respond after", "eset", "RESET",
  "forcibly", "pen files", "pen sockets", "MFILE", "uffer space", "NOBUFS", "flooding", "rphaned", "tcp_mem",
  "bucket table", "rrno", "WSA", "1004", "1005", "1006", "sonewconn", "ueue overflow", "table full", "ocket memory",
  "4227", "recently used", "failed (", "MySQL server on", "MariaDB server on",
];

function pretest(text: string): boolean {
  for (let i = 0; i < ANCHORS.length; i++) if (text.indexOf(ANCHORS[i]) !== -1) return true;
  return false;
}

// Checked in this order; the first that matches names the line's kind.
// Texts: strerror(3) (glibc), Node's error codes, Python's OSError
// subclasses, Go's syscall errors, Java's java.net exceptions, nginx's
// "(errno: strerror)", Windows' WSA messages (FormatMessage texts of
// 10048/10049/10054/10055/10060/10061), and the kernel's printk texts
// (net/ipv4/tcp_input.c tcp_syn_flood_action, tcp.c tcp_check_oom,
// tcp_minisocks.c tcp_time_wait).
const KINDS: readonly [SymptomKind, RegExp | { test(text: string): boolean }][] = [
  ["SYN_FLOODING", /possible SYN flooding on port/i],
  // FreeBSD/macOS uipc_socket.c sonewconn(), with or without a syslog prefix.
  ["LISTEN_OVERFLOW", { test: (text) => {
    const at = text.indexOf("sonewconn: ");
    return at !== -1 && text.indexOf("Listen queue overflow", at) !== -1;
  } }],
  ["CONNTRACK_FULL", /(?:nf|ip)_conntrack: table full, dropping packet/],
  ["SOCKET_MEMORY", /Out of socket memory|out of memory -- consider tuning tcp_mem/i],
  ["ORPHANS_EXCEEDED", /too many (?:of )?orphaned sockets/i],
  ["TW_BUCKET_OVERFLOW", /time wait bucket table overflow/i],
  ["EADDRINUSE", /EADDRINUSE|address already in use|only one usage of each socket address/i],
  // Windows event 4227 (Tcpip): "TCP/IP failed to establish an outgoing connection because the selected local endpoint was recently used ...".
  ["EADDRNOTAVAIL", /EADDRNOTAVAIL|cannot assign requested address|requested address is not valid in its context|selected local endpoint was recently used|^\s*Event ID:\s*4227\s*$/i],
  ["ECONNREFUSED", /ECONNREFUSED|connection refused|actively refused/i],
  ["ETIMEDOUT", /ETIMEDOUT|connection timed out|connect timed out|operation timed out|did not properly respond after a period of time|dial tcp \S+ i\/o timeout/i],
  ["ECONNRESET", /ECONNRESET|connection reset(?!s)|forcibly closed by the remote host/i],
  ["EMFILE", /EMFILE|too many open files|too many open sockets/i],
  ["ENOBUFS", /ENOBUFS|no buffer space available|lacked sufficient buffer space/i],
];

// errno values (Linux) and WSA codes when a line gives only the number.
const BY_NUMBER: Record<string, SymptomKind> = {
  98: "EADDRINUSE", 99: "EADDRNOTAVAIL", 111: "ECONNREFUSED", 110: "ETIMEDOUT", 104: "ECONNRESET", 24: "EMFILE",
  105: "ENOBUFS", 10048: "EADDRINUSE", 10049: "EADDRNOTAVAIL", 10061: "ECONNREFUSED", 10060: "ETIMEDOUT",
  10054: "ECONNRESET", 10024: "EMFILE", 10055: "ENOBUFS",
};
// nginx prints "failed (errno: strerror)", and its strerror text is "Unknown
// error" where its libc lacks the name (musl in Alpine images): the number
// says it. The MySQL/MariaDB client's CR_CONN_HOST_ERROR (2003) ends with the
// connect() errno alone: "Can't connect to MySQL server on 'host' (99)".
const NUMBER = /\[Errno (\d+)\]|\berrno[ =:]+-?(\d+)|\b(?:WSA\w*|error|code)\W{0,3}(100\d\d)\b|SocketException \((100\d\d)\)|\bfailed \((\d{2,5}): |(?:MySQL|MariaDB) server on '[^']*' \((\d{2,5})\)/i;

// Log-line shapes.
const ISO = /^\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}/;
const SYSLOG = /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}\b/;
const DMESG = /^\[\s*\d+\.\d+\]|^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}\]|^<\d+>/;
const TIME_FRACTION = /^\[?\d{2}:\d{2}:\d{2}[.,]\d+\]?\s/;
const LEVELS = new Set([
  "INFO", "WARN", "WARNING", "ERROR", "ERR", "DEBUG", "TRACE", "FATAL", "CRITICAL", "CRIT", "NOTICE", "SEVERE", "PANIC",
  "EMERG", "ALERT", "FINE", "FINER", "FINEST", "VERBOSE",
]);
// "at com.example.Foo.bar", "at java.base/java.net.Socket.connect(Native Method)".
const JAVA_FRAME_NAME = /^at [\w$.<>/@-]+(?:\(.*\))?$/;
const NODE_FRAME = /^\s+at \S/;
const EXCEPTION = /^(?:Caused by: |Exception in thread "[^"]*" )?(?:[a-z_][\w]*\.)*(?:[A-Z]\w*)?(?:Exception|Error|Warning)\b(?::|$)/;
const TRACE_START = /^(?:Traceback \(most recent call last\):|node:[\w/]+:\d+$|Emitted '\w+' event |Node\.js v\d|goroutine \d+ \[|panic: )/;

function levelWord(tok: string): boolean {
  let s = tok;
  if (s.startsWith("level=") || s.startsWith("lvl=")) return true;
  // [INFO], <ERROR>, INFO:, ERROR:root:msg, (WARN)
  s = s.replace(/^[[(<]+/, "");
  const end = s.search(/[\]):>,|]/);
  if (end !== -1) s = s.slice(0, end);
  return LEVELS.has(s);
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Where the run of digits that ends before `end` starts (`end` when there is none). */
function digitsBefore(s: string, end: number): number {
  while (end > 0 && isDigitAt(s, end - 1)) end--;
  return end;
}

/**
 * A Java stack frame: `at NAME`, `at NAME(...)`, or `at ...(FILE:LINE)` /
 * `(FILE:LINE:COLUMN)`. Read from both ends rather than by one pattern: a
 * pattern with two free `.+` runs takes quadratic time on a long line.
 */
function isJavaFrame(text: string): boolean {
  const s = text.trimStart();
  if (!s.startsWith("at ")) return false;
  if (JAVA_FRAME_NAME.test(s)) return true;
  // ":DIGITS)" at the end (a ":LINE" before it is part of the file), and a "(" with at
  // least one character on each side before that colon.
  const n = s.length;
  if (n < 8 || s.charCodeAt(n - 1) !== 41 /* ) */ || /[\u2028\u2029]/.test(s)) return false;
  const digits = digitsBefore(s, n - 1);
  if (digits === n - 1 || s.charCodeAt(digits - 1) !== 58 /* : */) return false;
  return indexIn(s, 40 /* ( */, 4, digits - 2) !== -1;
}

/** Returns true when the line has the shape of a log line. */
function looksLikeLog(line: Line): boolean {
  const text = line.text;
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57 || c === 91 /* [ */ || c === 60 /* < */) {
    if (ISO.test(text) || DMESG.test(text) || TIME_FRACTION.test(text)) return true;
  }
  if (c >= 65 && c <= 90 && SYSLOG.test(text)) return true;
  const t = line.tokens;
  for (let i = 0; i < t.length && i < 5; i++) if (levelWord(t[i])) return true;
  if (isJavaFrame(text) || EXCEPTION.test(text) || TRACE_START.test(text)) return true;
  if (/^\s+File ".*", line \d+/.test(text) || /^\s*\.\.\. \d+ (?:more|common frames omitted)$/.test(text)) return true;
  return false;
}

// An endpoint token: [v6]:port, v4:port, v6:port (":::8080", "::1:631"), host:port, :port.
const BRACKETED = /^\[([^\]]*)\]:(\d{1,5})$/;
const V4 = /^((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})$/;
const HOST_PORT = /^(.*):(\d{1,5})$/;
const V6_HOST = /^[0-9a-fA-F:.]*$/;
const NAME_HOST = /^[A-Za-z][A-Za-z0-9.-]*$/;

/** Quotes and brackets around an endpoint in prose: `"host:80"`, `(10.0.0.1:5432).` */
const LEADING = new Set([..."\"'(<"].map((c) => c.charCodeAt(0)));
const TRAILING = new Set([..."\"'),;>."].map((c) => c.charCodeAt(0)));

function endpointOf(tok: string): SymptomEndpoint | undefined {
  let a = 0, b = tok.length;
  while (a < b && LEADING.has(tok.charCodeAt(a))) a++;
  while (b > a && TRAILING.has(tok.charCodeAt(b - 1))) b--;
  let s = tok.slice(a, b);
  const scheme = s.indexOf("://");
  if (scheme !== -1) {
    s = s.slice(scheme + 3);
    const slash = s.indexOf("/");
    if (slash !== -1) s = s.slice(0, slash);
  } else if (s.indexOf("/") !== -1) s = s.slice(s.lastIndexOf("/") + 1);
  if (s.endsWith(":")) s = s.slice(0, -1);
  let m = BRACKETED.exec(s) ?? V4.exec(s);
  if (!m) {
    m = HOST_PORT.exec(s);
    if (!m) return undefined;
    const host = m[1];
    const v6 = V6_HOST.test(host) && (host.includes("::") || host.split(":").length >= 3);
    if (host !== "" && !v6 && !NAME_HOST.test(host)) return undefined;
    if (host !== "" && !v6 && host.includes(":")) return undefined;
  }
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  return m[1] === "" ? { port } : { host: m[1], port };
}

// Windows' socket error texts (FormatMessage), which no other system prints.
const WINDOWS_TEXT = /only one usage of each socket address|actively refused|forcibly closed by the remote host|not valid in its context|did not properly respond after a period of time|lacked sufficient buffer space|WSAE[A-Z]+|\b100(?:24|4[89]|5[45]|6[01])\b|Event ID:\s*4227|selected local endpoint was recently used/i;
// Linux's errno numbers beside their text ("[Errno 99]", nginx's "(111: Connection refused)").
const LINUX_ERRNO = /\[Errno (?:98|99|104|105|110|111)\]|\((?:98|99|104|110|111): /;
const LINUX_KERNEL = new Set<SymptomKind>(["SYN_FLOODING", "ORPHANS_EXCEEDED", "TW_BUCKET_OVERFLOW", "CONNTRACK_FULL", "SOCKET_MEMORY"]);

/** What else the line says: a figure, a variant, the system it comes from. */
function detailOf(text: string, kind: SymptomKind): SymptomDetail | undefined {
  const d: SymptomDetail = {};
  let platform: Platform | undefined;
  if (LINUX_KERNEL.has(kind)) platform = "linux";
  else if (WINDOWS_TEXT.test(text)) platform = "windows";
  else if (LINUX_ERRNO.test(text)) platform = "linux";
  if (kind === "SYN_FLOODING") {
    if (/Sending cookies/i.test(text)) d.variant = "cookies";
    else if (/Dropping request/i.test(text)) d.variant = "drop";
  }
  if (kind === "LISTEN_OVERFLOW") {
    const at = text.indexOf("Listen queue overflow: ");
    const m = at === -1 ? null : /^(\d+)/.exec(text.slice(at + 23, at + 40));
    if (m) d.figure = Number(m[1]);
    // FreeBSD rate-limits the message and counts the ones it left out.
    if (/\(\d+ occurrences?\)/.test(text)) platform = "freebsd";
  }
  if (platform) d.platform = platform;
  return d.figure !== undefined || d.variant !== undefined || d.platform !== undefined ? d : undefined;
}

function findEndpoint(line: Line, kind: SymptomKind): SymptomEndpoint | undefined {
  const text = line.text;
  if (kind === "SYN_FLOODING") {
    const m = /on port (?:\[?([0-9a-fA-F.:]*?)\]?:)?(\d{1,5})\b/.exec(text);
    if (!m) return undefined;
    return m[1] ? { host: m[1], port: Number(m[2]) } : { port: Number(m[2]) };
  }
  // Python: "error while attempting to bind on address ('0.0.0.0', 8080)"
  const tuple = /\('([^']*)', (\d{1,5})\)/.exec(text);
  if (tuple) return { host: tuple[1], port: Number(tuple[2]) };
  for (const tok of line.tokens) {
    if (tok.indexOf(":") === -1) continue;
    const e = endpointOf(tok);
    if (e) return e;
  }
  return undefined;
}

interface State {
  /** Number of the last line taken as part of a stack trace or error dump. */
  traceLine: number;
  /** The last log message read, when it was a symptom: what syslog's "last message repeated N times" repeats. */
  last?: { kind: SymptomKind; text: string; endpoint?: SymptomEndpoint; detail?: SymptomDetail };
}

function state(ctx: ParseContext): State {
  return parserState<State>(ctx, FORMAT, () => ({ traceLine: -1 }));
}

// syslogd's (sysklogd, FreeBSD, macOS) note in place of a message it suppressed as a duplicate,
// with or without its own syslog prefix: "Dec  1 10:00:01 host last message repeated 113 times",
// FreeBSD newsyslog's "--- last message repeated 2 times ---".
const REPEATED = /(?:^|\s)last message repeated (\d{1,9}) times?(?: ---)?$/;

/** Socket-error lines and other log lines. */
export const log: Format = {
  format: FORMAT,
  reads: "application and kernel log lines naming socket errors: EADDRINUSE, EADDRNOTAVAIL, ECONNREFUSED, ETIMEDOUT, ECONNRESET, EMFILE, ENOBUFS (and their Windows numbers and WSA names), SYN flooding, sonewconn listen queue overflow, orphaned sockets, TIME_WAIT bucket overflow, nf_conntrack table full, out of socket memory",
  commands: ["dmesg", "journalctl"],
  // It claims log lines of any shape: only lines no other format claimed.
  pass: "fallback",
  parse(line, ctx, sink) {
    const text = line.text;
    const st = state(ctx);
    const c = text.charCodeAt(0);
    const indented = c === 32 || c === 9;
    // Inside a traceback, a stack or a Node error dump ("  code: 'EADDRINUSE',"):
    // lines there repeat the error above; account them as log.
    const inTrace = st.traceLine === line.number - 1;
    if (inTrace && (indented || /^[\^~}{\]]+$/.test(line.tokens[0]) && line.tokens.length === 1)) {
      st.traceLine = line.number;
      return "log";
    }
    if (pretest(text)) {
      let kind: SymptomKind | undefined;
      for (const [k, re] of KINDS) {
        if (re.test(text)) {
          kind = k;
          break;
        }
      }
      if (!kind) {
        const m = NUMBER.exec(text);
        if (m) kind = BY_NUMBER[m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6]];
      }
      if (kind) {
        // A thrown error starts a dump: its indented lines follow.
        if (!indented) st.traceLine = line.number;
        const endpoint = findEndpoint(line, kind), detail = detailOf(text, kind);
        sink.symptom(kind, text, endpoint, detail);
        st.last = { kind, text, endpoint, detail };
        return "symptom";
      }
    }
    if (text.indexOf("last message repeated") !== -1) {
      const m = REPEATED.exec(text.trimEnd());
      if (m) {
        // The same message again, N times: the symptom when the message was one.
        const last = st.last;
        if (last) sink.symptom(last.kind, last.text, last.endpoint, last.detail, Number(m[1]));
        return last ? "symptom" : "log";
      }
    }
    if (looksLikeLog(line)) {
      st.last = undefined;
      if (!indented || inTrace || NODE_FRAME.test(text)) st.traceLine = line.number;
      return "log";
    }
    return undefined;
  },
};

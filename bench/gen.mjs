// Deterministic generator of large socket-table dumps for the benchmark, in
// every row shape tcpdoc meets in the field (bench/README.md, "Shapes").
//
// The rows copy the layout of the real captures in samples/linux/ and of
// the tools' sources: net-tools netstat.c (`%-4s  %6ld %6ld %-23s %-23s
// %-11s`, each "addr:port" cut to 22 columns without -W, then ` %-20s` for
// -p), iproute2 ss (column widths computed over all rows, addresses right-
// aligned on the colon, IPv6 in brackets, `users:((...))` last), and the
// kernel's /proc/net/tcp{,6} (tcp_ipv4.c / tcp_ipv6.c seq_printf, IPv4 rows
// padded to 149 characters). Generated data is bench input, never a sample.
//
//   node bench/gen.mjs SHAPE SOCKETS OUT [SEED] [--unique-peers] [--crlf]
//
// SHAPE: netstat (netstat -nat), netstat-p (netstat -antp), ss (ss -tan),
// ss-p (ss -tanp), proc (/proc/net/tcp into OUT and /proc/net/tcp6 into
// OUT6). Prints the files written, one a line.

import * as fs from "node:fs";

/** mulberry32: a small, fast, seeded PRNG (returns [0, 1)). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// State mix of a busy front-end server (per 10,000 non-listening sockets).
const MIX = [
  ["ESTABLISHED", 5600],
  ["TIME_WAIT", 3300],
  ["CLOSE_WAIT", 450],
  ["FIN_WAIT2", 200],
  ["FIN_WAIT1", 120],
  ["SYN_SENT", 110],
  ["SYN_RECV", 110],
  ["LAST_ACK", 90],
  ["CLOSING", 20],
];
const MIX_TOTAL = MIX.reduce((s, [, w]) => s + w, 0);

/** ss's spelling of each netstat state word (iproute2 sstate_name[]). */
export const SS_NAME = {
  ESTABLISHED: "ESTAB", TIME_WAIT: "TIME-WAIT", CLOSE_WAIT: "CLOSE-WAIT", FIN_WAIT2: "FIN-WAIT-2",
  FIN_WAIT1: "FIN-WAIT-1", SYN_SENT: "SYN-SENT", SYN_RECV: "SYN-RECV", LAST_ACK: "LAST-ACK", CLOSING: "CLOSING",
  LISTEN: "LISTEN",
};
/** The kernel's state code of each netstat word (include/net/tcp_states.h), as /proc prints it. */
export const PROC_CODE = {
  ESTABLISHED: "01", SYN_SENT: "02", SYN_RECV: "03", FIN_WAIT1: "04", FIN_WAIT2: "05", TIME_WAIT: "06",
  CLOSE_WAIT: "08", LAST_ACK: "09", LISTEN: "0A", CLOSING: "0B",
};

const LOCAL_V4 = ["10.0.0.11", "10.0.0.12", "10.0.1.5", "172.17.0.1", "127.0.0.1"];
const LOCAL_V6 = ["2001:db8:10::11", "2001:db8:10::12"];
const SERVICE_PORTS = [443, 443, 443, 80, 80, 8080, 22, 3306, 6379, 9090];
const UPSTREAM_PORTS = [5432, 6379, 3306, 9200, 443, 8443, 11211];
const LISTEN_PORTS = [22, 25, 53, 80, 111, 443, 3306, 5432, 6379, 8080, 8443, 9090, 9100, 11211, 2379, 2380];

/**
 * The processes that own sockets (-p): by local service port, and the
 * clients that open outbound connections. `pids` is how many processes
 * share the name (nginx's workers; a forking server has one per client).
 * `cmd` is the first argument of the command line as netstat shows it (a
 * server may rename itself: "nginx: worker process"); ss shows the kernel's
 * 15-character comm.
 */
const SERVERS = {
  443: { comm: "nginx", cmd: "nginx: worker process", pid: 2101, pids: 8 },
  80: { comm: "nginx", cmd: "nginx: worker process", pid: 2101, pids: 8 },
  8080: { comm: "java", cmd: "java", pid: 3300, pids: 1 },
  // A forking server: the master (pid 900) holds the listener, a child each connection.
  22: { comm: "sshd", cmd: "sshd: deploy [priv]", pid: 40000, pids: 400, master: 900 },
  3306: { comm: "mysqld", cmd: "mysqld", pid: 1500, pids: 1 },
  6379: { comm: "redis-server", cmd: "redis-server *:6379", pid: 1400, pids: 1 },
  9090: { comm: "prometheus", cmd: "prometheus", pid: 1600, pids: 1 },
};
const CLIENTS = [
  { comm: "java", cmd: "java", pid: 3300, pids: 1 },
  { comm: "node", cmd: "node", pid: 5100, pids: 12 },
  { comm: "python3", cmd: "gunicorn: worker [app]", pid: 6200, pids: 16 },
  { comm: "envoy", cmd: "envoy", pid: 2900, pids: 1 },
];

/** The IPv6 address families of the sockets: the share of IPv4-mapped and of native IPv6 rows. */
const MAPPED_SHARE = 0.10;
const V6_SHARE = 0.05;

/**
 * Yields socket descriptions: {fam, state, rq, sq, la, lp, ra, rp, proc,
 * fd, inode, uid, timer}; fam is 4, "mapped" (an IPv4 peer of a dual-stack
 * socket, as Java and Go servers have them: ::ffff:a.b.c.d) or 6. The same
 * seed always yields the same sequence. Listeners come first, then the
 * other IPv4 sockets, then the IPv6 ones, as both tools print them
 * (/proc/net/tcp, then tcp6).
 *
 * Peers: by default drawn from a pool of n/10 client addresses, skewed so
 * that some clients hold many sockets (browsers open several connections
 * per host, keep-alive, TIME-WAIT leftovers): about ten sockets a client on
 * average. `uniquePeers` draws a fresh address for every socket instead,
 * the worst case for interning addresses.
 */
export function* sockets(n, seed = 1, { uniquePeers = false } = {}) {
  const r = prng(seed);
  const int = (k) => Math.floor(r() * k);
  const v4Peer = () => {
    const p = int(100);
    if (p < 55) return `10.${int(8)}.${int(256)}.${1 + int(254)}`; // in-datacenter clients
    if (p < 70) return `172.${16 + int(16)}.${int(256)}.${1 + int(254)}`;
    if (p < 80) return `192.168.${int(256)}.${1 + int(254)}`;
    return `${1 + int(223)}.${int(256)}.${int(256)}.${1 + int(254)}`; // internet
  };
  const v6Peer = () => `2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}`;
  const poolSize = Math.max(16, Math.round(n / 10));
  const pool4 = uniquePeers ? [] : Array.from({ length: poolSize }, v4Peer);
  const pool6 = uniquePeers ? [] : Array.from({ length: Math.max(4, Math.round(poolSize * V6_SHARE)) }, v6Peer);
  // r()^2 skews towards the head of the pool: a few busy clients, a long tail.
  const pick = (pool) => pool[Math.floor(r() * r() * pool.length)];
  const client4 = uniquePeers ? v4Peer : () => pick(pool4);
  const client6 = uniquePeers ? v6Peer : () => pick(pool6);
  const ephemeral = () => 32768 + int(28232);
  let inode = 5_000_000;
  const owner = (p) => (p.pids === 1 ? p : { ...p, pid: p.pid + int(p.pids) });
  const share6 = Math.round(n * (MAPPED_SHARE + V6_SHARE));
  for (const block of [4, 6]) {
    const share = block === 6 ? share6 : n - share6;
    let listeners = Math.min(LISTEN_PORTS.length, Math.max(1, Math.floor(share / 50)));
    for (let i = 0; i < share; i++) {
      if (listeners > 0) {
        listeners--;
        const lp = LISTEN_PORTS[i];
        yield {
          fam: block, state: "LISTEN", rq: int(20) === 0 ? int(129) : 0, sq: block === 6 ? 128 : 4096,
          la: block === 6 ? "::" : (i % 3 === 0 ? "127.0.0.1" : "0.0.0.0"), lp, ra: block === 6 ? "::" : "0.0.0.0", rp: -1,
          proc: SERVERS[lp] ?? CLIENTS[i % CLIENTS.length], fd: 3 + (i % 5), inode: inode++, uid: lp < 1024 ? 0 : 998, timer: 0,
        };
        continue;
      }
      let w = int(MIX_TOTAL), state = MIX[0][0];
      for (const [s, weight] of MIX) {
        if (w < weight) { state = s; break; }
        w -= weight;
      }
      // In the IPv6 block two sockets in three are IPv4 clients of a dual-stack server.
      const fam = block === 4 ? 4 : r() < MAPPED_SHARE / (MAPPED_SHARE + V6_SHARE) ? "mapped" : 6;
      const la = fam === 4 ? LOCAL_V4[int(LOCAL_V4.length)] : fam === "mapped" ? `::ffff:${LOCAL_V4[int(3)]}` : LOCAL_V6[int(LOCAL_V6.length)];
      const ra = fam === 6 ? client6() : fam === "mapped" ? `::ffff:${client4()}` : client4();
      // Inbound (local service port) three times out of four, else outbound to an upstream.
      const inbound = state === "SYN_SENT" ? false : int(4) !== 0;
      const lp = inbound ? SERVICE_PORTS[int(SERVICE_PORTS.length)] : ephemeral();
      const rp = inbound ? ephemeral() : UPSTREAM_PORTS[int(UPSTREAM_PORTS.length)];
      let rq = 0, sq = 0;
      if (state === "CLOSE_WAIT") rq = int(3) ? 1 + int(4000) : 0; // unread data and the FIN
      else if (state === "ESTABLISHED" && int(30) === 0) sq = 1 + int(300000);
      else if (state === "ESTABLISHED" && int(60) === 0) rq = 1 + int(65000);
      else if (state === "SYN_SENT" || state === "FIN_WAIT1" || state === "LAST_ACK") sq = 1;
      // No process holds a TIME-WAIT or SYN-RECV socket, nor an orphaned FIN-WAIT-2 one.
      const owned = state !== "TIME_WAIT" && state !== "SYN_RECV" && !(state === "FIN_WAIT2" && int(2) === 0);
      const proc = !owned ? undefined : inbound ? SERVERS[lp] : CLIENTS[int(CLIENTS.length)];
      // /proc: the timer a socket runs (1 retransmit, 2 keepalive, 3 TIME-WAIT) and its expiry in ticks.
      const timer = state === "TIME_WAIT" ? 3 : sq > 0 ? 1 : state === "ESTABLISHED" && int(3) === 0 ? 2 : 0;
      yield {
        fam, state, rq, sq, la, lp, ra, rp, proc: proc && owner(proc), fd: 10 + int(60000), inode: owned ? inode++ : 0,
        uid: owned ? (lp < 1024 ? 33 : 998) : 0, timer, when: timer === 3 ? int(6000) : timer === 2 ? int(720000) : int(300),
      };
    }
  }
}

function netstatEndpoint(addr, port) {
  // net-tools netstat.c tcp_do_one: the address is cut so "addr:port" fits 22 columns (no -W).
  const p = port < 0 ? "*" : String(port);
  if (addr.length + p.length > 22) addr = addr.slice(0, 22 - p.length);
  return `${addr}:${p}`;
}

/** Where the generated rows go: one or more files, lines ending in `eol`. */
class Out {
  constructor(path, eol) {
    this.fd = fs.openSync(path, "w");
    this.eol = eol;
    this.buf = "";
    this.bytes = 0;
  }
  line(s) {
    this.buf += s + this.eol;
    if (this.buf.length > 1 << 20) this.flush();
  }
  flush() {
    this.bytes += fs.writeSync(this.fd, this.buf);
    this.buf = "";
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }
}

/** `netstat -nat` (`-antp` with `programs`): returns bytes written. */
export function writeNetstat(path, n, seed = 1, opts = {}) {
  const o = new Out(path, opts.crlf ? "\r\n" : "\n");
  const p = opts.programs;
  o.line("Active Internet connections (servers and established)");
  o.line("Proto Recv-Q Send-Q Local Address           Foreign Address         State      " + (p ? " PID/Program name    " : ""));
  for (const s of sockets(n, seed, opts)) {
    let row = `${(s.fam === 4 ? "tcp" : "tcp6").padEnd(4)}  ${String(s.rq).padStart(6)} ${String(s.state === "LISTEN" ? 0 : s.sq).padStart(6)} ` +
      `${netstatEndpoint(s.la, s.lp).padEnd(23)} ${netstatEndpoint(s.ra, s.rp).padEnd(23)} ${s.state.padEnd(11)}`;
    // netstat.c: "pid/name" in a 20-byte buffer (19 characters), the name the first argument of the command line.
    const owner = !s.proc ? "-" : s.state === "LISTEN" && s.proc.master ? `${s.proc.master}/${s.proc.comm}` : `${s.proc.pid}/${s.proc.cmd}`;
    if (p) row += ` ${owner.slice(0, 19).padEnd(20)}`;
    o.line(row);
  }
  return o.close();
}

function ssHost(addr, fam) {
  return fam !== 4 && addr !== "*" ? `[${addr}]` : addr;
}

/** `ss -tan` (`-tanp` with `programs`); two passes: ss sizes columns over all rows. Returns bytes written. */
export function writeSs(path, n, seed = 1, opts = {}) {
  const p = opts.programs;
  // ss prints the wildcard of a dual-stack listener as "*", of an IPv4 one as 0.0.0.0.
  const local = (s) => (s.state === "LISTEN" && (s.la === "0.0.0.0" || s.la === "::") ? (s.fam !== 4 ? "*" : "0.0.0.0") : ssHost(s.la, s.fam));
  const remote = (s) => (s.state === "LISTEN" ? (s.fam !== 4 ? "*" : "0.0.0.0") : ssHost(s.ra, s.fam));
  const w = { st: 5, la: 13, lp: 4, ra: 12, rp: 4 };
  for (const s of sockets(n, seed, opts)) {
    const st = SS_NAME[s.state];
    if (st.length > w.st) w.st = st.length;
    const la = local(s), ra = remote(s);
    if (la.length > w.la) w.la = la.length;
    if (ra.length > w.ra) w.ra = ra.length;
    const lp = String(s.lp), rp = s.rp < 0 ? "*" : String(s.rp);
    if (lp.length > w.lp) w.lp = lp.length;
    if (rp.length > w.rp) w.rp = rp.length;
  }
  const o = new Out(path, opts.crlf ? "\r\n" : "\n");
  // Header: "Local Address:Port" with its colon over the rows' colons.
  o.line(`${"State".padEnd(w.st)} Recv-Q Send-Q ${"Local Address".padStart(w.la)}:${"Port".padEnd(w.lp)} ` +
    `${"Peer Address".padStart(w.ra)}:${"Port".padEnd(w.rp)} Process`);
  for (const s of sockets(n, seed, opts)) {
    const users = !p || !s.proc ? "" : s.state === "LISTEN" && s.proc.master
      ? `users:(("${s.proc.comm}",pid=${s.proc.master},fd=${s.fd}))`
      : s.state === "LISTEN" && s.proc.pids > 1
      // A listener shared by a server's workers lists each of them.
      ? `users:(${Array.from({ length: s.proc.pids }, (_, k) => `("${s.proc.comm}",pid=${s.proc.pid + k},fd=${s.fd})`).join(",")})`
      : `users:(("${s.proc.comm}",pid=${s.proc.pid},fd=${s.fd}))`;
    o.line(`${SS_NAME[s.state].padEnd(w.st)} ${String(s.rq).padEnd(6)} ${String(s.sq).padEnd(6)} ` +
      `${local(s).padStart(w.la)}:${String(s.lp).padEnd(w.lp)} ${remote(s).padStart(w.ra)}:${(s.rp < 0 ? "*" : String(s.rp)).padEnd(w.rp)} ` +
      (users ? users : "       "));
  }
  return o.close();
}

/** The 16 bytes of an IPv6 address in the forms the generator writes ("::", "::ffff:a.b.c.d", "x:y::z"). */
function v6Bytes(addr) {
  const b = new Uint8Array(16);
  let text = addr;
  if (text.startsWith("::ffff:") && text.indexOf(".") !== -1) {
    b[10] = b[11] = 255;
    text.slice(7).split(".").forEach((x, k) => (b[12 + k] = Number(x)));
    return b;
  }
  const [head, tail] = text.split("::");
  const hs = head ? head.split(":") : [], ts = tail ? tail.split(":") : [];
  const groups = [...hs, ...Array(8 - hs.length - ts.length).fill("0"), ...ts];
  groups.forEach((g, k) => {
    const v = parseInt(g, 16);
    b[2 * k] = v >> 8;
    b[2 * k + 1] = v & 255;
  });
  return b;
}

const hex = (v, w) => v.toString(16).toUpperCase().padStart(w, "0");
/** A 32-bit word as the kernel prints it (%08X of the word as it sits in memory on a little-endian machine). */
const word = (b, k) => hex(((b[k + 3] << 24) | (b[k + 2] << 16) | (b[k + 1] << 8) | b[k]) >>> 0, 8);

/** /proc/net/tcp into `path` and /proc/net/tcp6 into `path6`: returns bytes written (both). */
export function writeProc(path, path6, n, seed = 1, opts = {}) {
  const eol = opts.crlf ? "\r\n" : "\n";
  const o4 = new Out(path, eol), o6 = new Out(path6, eol);
  o4.line("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode".padEnd(149));
  o6.line("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
  let sl4 = 0, sl6 = 0;
  for (const s of sockets(n, seed, opts)) {
    const v4 = s.fam === 4;
    const addr = (a) => {
      if (v4) return word(a.split(".").map(Number), 0);
      const b = v6Bytes(a);
      return word(b, 0) + word(b, 4) + word(b, 8) + word(b, 12);
    };
    const ep = (a, p) => `${addr(a)}:${hex(p < 0 ? 0 : p, 4)}`;
    const tw = s.state === "TIME_WAIT";
    // get_tcp4_sock / get_timewait4_sock (the same columns; a TIME-WAIT row stops after the socket pointer).
    const head = `${String(v4 ? sl4++ : sl6++).padStart(4)}: ${ep(s.la, s.lp)} ${ep(s.ra, s.rp)} ${PROC_CODE[s.state]} ` +
      `${hex(s.state === "LISTEN" ? 0 : s.sq, 8)}:${hex(s.rq, 8)} ${hex(s.timer, 2)}:${hex(s.timer ? s.when : 0, 8)} ${hex(0, 8)} ${String(s.uid).padStart(5)} ${String(0).padStart(8)} ${s.inode}`;
    const rest = tw ? ` 3 0000000000000000` : ` ${s.state === "LISTEN" ? 1 : 2} 0000000000000000 20 4 ${s.state === "LISTEN" ? 0 : 30} 10 ${s.state === "LISTEN" ? 0 : -1}`;
    if (v4) o4.line((head + rest).padEnd(149));
    else o6.line(head + rest);
  }
  return o4.close() + o6.close();
}

/** The shapes the benchmark runs, by name: what each writes and which column of its rows holds the state. */
export const SHAPES = {
  netstat: { title: "netstat -nat", stateColumn: 6, write: (f, n, seed, o) => writeNetstat(f, n, seed, o) },
  "netstat-p": { title: "netstat -antp", stateColumn: 6, write: (f, n, seed, o) => writeNetstat(f, n, seed, { ...o, programs: true }) },
  ss: { title: "ss -tan", stateColumn: 1, write: (f, n, seed, o) => writeSs(f, n, seed, o) },
  "ss-p": { title: "ss -tanp", stateColumn: 1, write: (f, n, seed, o) => writeSs(f, n, seed, { ...o, programs: true }) },
  proc: { title: "/proc/net/tcp + tcp6", stateColumn: 4, files: (f) => [f, f + "6"], write: (f, n, seed, o) => writeProc(f, f + "6", n, seed, o) },
};

/** The files a shape writes for OUT. */
export function shapeFiles(shape, out) {
  return SHAPES[shape].files?.(out) ?? [out];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const [shape, n, out, seed] = args;
  if (!SHAPES[shape] || !n || !out) {
    process.stderr.write(`usage: node bench/gen.mjs ${Object.keys(SHAPES).join("|")} SOCKETS OUT [SEED] [--unique-peers] [--crlf]\n`);
    process.exit(2);
  }
  SHAPES[shape].write(out, Number(n), Number(seed ?? 1), { uniquePeers: process.argv.includes("--unique-peers"), crlf: process.argv.includes("--crlf") });
  process.stdout.write(shapeFiles(shape, out).join("\n") + "\n");
}

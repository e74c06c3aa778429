// Deterministic generator of large socket-table dumps for the benchmark.
//
// The rows copy the column layout of real captures (net-tools `netstat -nat`,
// iproute2 `ss -tan`, see samples/linux/ and samples/other/): netstat's
// fixed `%-4s  %6ld %6ld %-23s %-23s %-11s` row, and ss's columns whose
// widths ss computes over all rows (addresses right-aligned on the colon,
// ports left-aligned). Generated data is bench input, never a sample.
//
//   node bench/gen.mjs netstat|ss SOCKETS OUT [SEED] [--unique-peers]

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
const SS_NAME = {
  ESTABLISHED: "ESTAB", TIME_WAIT: "TIME-WAIT", CLOSE_WAIT: "CLOSE-WAIT", FIN_WAIT2: "FIN-WAIT-2",
  FIN_WAIT1: "FIN-WAIT-1", SYN_SENT: "SYN-SENT", SYN_RECV: "SYN-RECV", LAST_ACK: "LAST-ACK", CLOSING: "CLOSING",
  LISTEN: "LISTEN",
};

const LOCAL_V4 = ["10.0.0.11", "10.0.0.12", "10.0.1.5", "172.17.0.1", "127.0.0.1"];
const LOCAL_V6 = ["2001:db8:10::11", "2001:db8:10::12"];
const SERVICE_PORTS = [443, 443, 443, 80, 80, 8080, 22, 3306, 6379, 9090];
const UPSTREAM_PORTS = [5432, 6379, 3306, 9200, 443, 8443, 11211];
const LISTEN_PORTS = [22, 25, 53, 80, 111, 443, 3306, 5432, 6379, 8080, 8443, 9090, 9100, 11211, 2379, 2380];

/**
 * Yields socket descriptions: {v6, state, rq, sq, la, lp, ra, rp}. The same
 * seed always yields the same sequence. Listeners come first, then the other
 * IPv4 sockets, then IPv6, as both tools print them (/proc/net/tcp order).
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
  const v6Fresh = () => (int(2) ? `::ffff:${v4Peer()}` : `2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}`);
  const poolSize = Math.max(16, Math.round(n / 10));
  const pool4 = uniquePeers ? [] : Array.from({ length: poolSize }, v4Peer);
  const pool6 = uniquePeers ? [] : Array.from({ length: Math.max(4, Math.round(poolSize * 0.08)) }, v6Fresh);
  // r()^2 skews towards the head of the pool: a few busy clients, a long tail.
  const pick = (pool) => pool[Math.floor(r() * r() * pool.length)];
  const v4Client = uniquePeers ? v4Peer : () => pick(pool4);
  const v6Peer = uniquePeers ? v6Fresh : () => pick(pool6);
  const ephemeral = () => 32768 + int(28232);
  let made = 0;
  for (const v6 of [false, true]) {
    const share = v6 ? Math.round(n * 0.08) : n - Math.round(n * 0.08);
    const locals = v6 ? LOCAL_V6 : LOCAL_V4;
    let listeners = Math.min(LISTEN_PORTS.length, Math.max(1, Math.floor(share / 50)));
    for (let i = 0; i < share; i++, made++) {
      if (listeners > 0) {
        listeners--;
        yield {
          v6, state: "LISTEN", rq: int(20) === 0 ? int(129) : 0, sq: 0,
          la: v6 ? "::" : (i % 3 === 0 ? "127.0.0.1" : "0.0.0.0"), lp: LISTEN_PORTS[i], ra: v6 ? "::" : "0.0.0.0", rp: -1,
        };
        continue;
      }
      let w = int(MIX_TOTAL), state = MIX[0][0];
      for (const [s, weight] of MIX) {
        if (w < weight) { state = s; break; }
        w -= weight;
      }
      const la = locals[int(locals.length)];
      const peer = v6 ? v6Peer() : v4Client();
      // Inbound (local service port) three times out of four, else outbound to an upstream.
      const inbound = state === "SYN_SENT" ? false : int(4) !== 0;
      const lp = inbound ? SERVICE_PORTS[int(SERVICE_PORTS.length)] : ephemeral();
      const rp = inbound ? ephemeral() : UPSTREAM_PORTS[int(UPSTREAM_PORTS.length)];
      let rq = 0, sq = 0;
      if (state === "CLOSE_WAIT") rq = int(3) ? 1 + int(4000) : 0; // unread data and the FIN
      else if (state === "ESTABLISHED" && int(30) === 0) sq = 1 + int(300000);
      else if (state === "ESTABLISHED" && int(60) === 0) rq = 1 + int(65000);
      else if (state === "SYN_SENT" || state === "FIN_WAIT1" || state === "LAST_ACK") sq = 1;
      yield { v6, state, rq, sq, la, lp, ra: peer, rp };
    }
  }
  return made;
}

function netstatEndpoint(addr, port) {
  // net-tools netstat.c tcp_do_one: the address is cut so "addr:port" fits 22 columns (no -W).
  const p = port < 0 ? "*" : String(port);
  if (addr.length + p.length > 22) addr = addr.slice(0, 22 - p.length);
  return `${addr}:${p}`;
}

function ssEndpoint(addr, v6) {
  return v6 && addr !== "*" ? `[${addr}]` : addr;
}

/** Writes a header and one line per socket to `path` in 1 MiB writes. Returns bytes written. */
function writeRows(path, header, n, seed, opts, row) {
  const fd = fs.openSync(path, "w");
  let buf = header;
  let bytes = 0;
  for (const s of sockets(n, seed, opts)) {
    buf += row(s);
    if (buf.length > 1 << 20) {
      bytes += fs.writeSync(fd, buf);
      buf = "";
    }
  }
  bytes += fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return bytes;
}

/** Writes `n` sockets as `netstat -nat` prints them. Returns bytes written. */
export function writeNetstat(path, n, seed = 1, opts = {}) {
  const header = "Active Internet connections (servers and established)\n" +
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n";
  return writeRows(path, header, n, seed, opts, (s) =>
    `${(s.v6 ? "tcp6" : "tcp").padEnd(4)}  ${String(s.rq).padStart(6)} ${String(s.sq).padStart(6)} ` +
    `${netstatEndpoint(s.la, s.lp).padEnd(23)} ${netstatEndpoint(s.ra, s.rp).padEnd(23)} ${s.state.padEnd(11)}\n`);
}

/** Writes `n` sockets as `ss -tan` prints them (two passes: ss sizes columns over all rows). Returns bytes written. */
export function writeSs(path, n, seed = 1, opts = {}) {
  const ssLocal = (s) => (s.state === "LISTEN" && (s.la === "0.0.0.0" || s.la === "::") ? (s.v6 ? "*" : "0.0.0.0") : ssEndpoint(s.la, s.v6));
  const ssRemote = (s) => (s.state === "LISTEN" ? (s.v6 ? "*" : "0.0.0.0") : ssEndpoint(s.ra, s.v6));
  const w = { st: 5, la: 13, lp: 4, ra: 12, rp: 4 };
  for (const s of sockets(n, seed, opts)) {
    const st = SS_NAME[s.state];
    if (st.length > w.st) w.st = st.length;
    const la = ssLocal(s), ra = ssRemote(s);
    if (la.length > w.la) w.la = la.length;
    if (ra.length > w.ra) w.ra = ra.length;
    const lp = String(s.lp), rp = s.rp < 0 ? "*" : String(s.rp);
    if (lp.length > w.lp) w.lp = lp.length;
    if (rp.length > w.rp) w.rp = rp.length;
  }
  // Header: "Local Address:Port" with its colon over the rows' colons.
  const header = `${"State".padEnd(w.st)} Recv-Q Send-Q ${"Local Address".padStart(w.la)}:${"Port".padEnd(w.lp)} ` +
    `${"Peer Address".padStart(w.ra)}:${"Port".padEnd(w.rp)} Process\n`;
  return writeRows(path, header, n, seed, opts, (s) =>
    `${SS_NAME[s.state].padEnd(w.st)} ${String(s.rq).padEnd(6)} ${String(s.state === "LISTEN" ? 4096 : s.sq).padEnd(6)} ` +
    `${ssLocal(s).padStart(w.la)}:${String(s.lp).padEnd(w.lp)} ${ssRemote(s).padStart(w.ra)}:${(s.rp < 0 ? "*" : String(s.rp)).padEnd(w.rp)}        \n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2).filter((a) => a !== "--unique-peers");
  const [kind, n, out, seed] = args;
  if (!kind || !n || !out) {
    process.stderr.write("usage: node bench/gen.mjs netstat|ss SOCKETS OUT [SEED] [--unique-peers]\n");
    process.exit(2);
  }
  const write = kind === "ss" ? writeSs : writeNetstat;
  const bytes = write(out, Number(n), Number(seed ?? 1), { uniquePeers: process.argv.includes("--unique-peers") });
  process.stdout.write(`${out}: ${n} sockets, ${bytes} bytes\n`);
}

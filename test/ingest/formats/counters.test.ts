/** The counters format: real captured files checked against an independent reading, and single lines. */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { snapshotFromTexts } from "../../../src/ingest/mod.ts";
import type { Snapshot } from "../../../src/model/snapshot.ts";
import { ROOT } from "../_read.ts";

const SAMPLES = path.join(ROOT, "samples", "linux");
const FIXTURES = path.join(ROOT, "test", "fixtures");

function read(file: string): Snapshot {
  return snapshotFromTexts([{ path: file, text: fs.readFileSync(file, "utf8") }]);
}

function parse(text: string): Snapshot {
  return snapshotFromTexts([{ path: "inline", text }]);
}

function counter(snap: Snapshot, name: string): number | undefined {
  return snap.counters.get(name)?.value;
}

const COUNTER_FILES = ["nstat.txt", "proc-net-netstat.txt", "proc-net-snmp.txt", "sockstat.txt", "ss-s.txt", "netstat-s.txt", "sar-n-SOCK.txt"];
const scenarios = fs.existsSync(SAMPLES) ? fs.readdirSync(SAMPLES).filter((d) => fs.statSync(path.join(SAMPLES, d)).isDirectory()).sort() : [];
const captured: string[] = [];
for (const s of scenarios) {
  for (const f of [...COUNTER_FILES, "sysctl.txt", "nstat-listen.txt", "nstat-after-5s.txt", "nstat-listen-after-5s.txt"]) {
    const p = path.join(SAMPLES, s, f);
    if (fs.existsSync(p) && fs.statSync(p).size > 0) captured.push(p);
  }
}
for (const f of fs.readdirSync(FIXTURES).filter((f) => !f.endsWith(".log") && !f.endsWith(".md") && fs.statSync(path.join(FIXTURES, f)).isFile())) captured.push(path.join(FIXTURES, f));

/** The value awk would print for `$1 == name {print $2}`. */
function awkValue(text: string, name: string): number | undefined {
  for (const line of text.split("\n")) {
    const t = line.trim().split(/\s+/);
    if (t[0] === name) return Number(t[1]);
  }
  return undefined;
}

/** The value of NAME in a /proc/net/{netstat,snmp} text ("Prefix: names" / "Prefix: values"). */
function procValue(text: string, prefix: string, name: string): number | undefined {
  const lines = text.split("\n");
  for (let i = 0; i + 1 < lines.length; i++) {
    const h = lines[i].trim().split(/\s+/);
    if (h[0] !== `${prefix}:`) continue;
    const k = h.indexOf(name);
    if (k > 0) return Number(lines[i + 1].trim().split(/\s+/)[k]);
  }
  return undefined;
}

describe("counter and sysctl files", () => {
  it("finds captured files to read", () => {
    assert.ok(captured.length >= 10, `only ${captured.length} files`);
  });
  for (const file of captured) {
    it(`reads every line of ${path.relative(ROOT, file)}`, () => {
      const snap = read(file);
      const r = snap.inputs[0];
      assert.equal(r.unparsed, 0, JSON.stringify(r.unparsedLines.slice(0, 3)));
      assert.ok(snap.counters.size + snap.sysctls.size > 0);
      // No rows; the kernel's own counts (CurrEstab, sockstat's tw, ss -s) are counts without rows.
      assert.equal(snap.sockets.length, 0);
      assert.ok(r.tallies === undefined || r.tallies.every((t) => t.how === "summary"), JSON.stringify(r.tallies));
    });
  }
});

describe("counter values equal an independent reading of the same file", () => {
  for (const s of scenarios) {
    const dir = path.join(SAMPLES, s);
    const nstat = path.join(dir, "nstat.txt");
    if (fs.existsSync(nstat)) {
      it(`${s}/nstat.txt: TcpExtListenOverflows, ListenDrops, TcpCurrEstab, TcpExtTCPTimeWaitOverflow`, () => {
        const text = fs.readFileSync(nstat, "utf8");
        const snap = read(nstat);
        for (const n of ["TcpExtListenOverflows", "TcpExtListenDrops", "TcpCurrEstab", "TcpExtTCPTimeWaitOverflow", "TcpActiveOpens"]) {
          assert.equal(counter(snap, n), awkValue(text, n), n);
        }
      });
    }
    const netstat = path.join(dir, "proc-net-netstat.txt");
    if (fs.existsSync(netstat)) {
      it(`${s}/proc-net-netstat.txt: ListenOverflows, SyncookiesSent, TCPReqQFullDoCookies`, () => {
        const text = fs.readFileSync(netstat, "utf8");
        const snap = read(netstat);
        for (const n of ["ListenOverflows", "ListenDrops", "SyncookiesSent", "TCPReqQFullDoCookies", "TCPAbortOnMemory"]) {
          assert.equal(counter(snap, `TcpExt${n}`), procValue(text, "TcpExt", n), n);
        }
      });
    }
    const snmp = path.join(dir, "proc-net-snmp.txt");
    if (fs.existsSync(snmp)) {
      it(`${s}/proc-net-snmp.txt: Tcp counters`, () => {
        const text = fs.readFileSync(snmp, "utf8");
        const snap = read(snmp);
        for (const n of ["ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "RetransSegs", "OutRsts", "MaxConn"]) {
          assert.equal(counter(snap, `Tcp${n}`), procValue(text, "Tcp", n), n);
        }
      });
    }
    const netstatS = path.join(dir, "netstat-s.txt");
    if (fs.existsSync(netstatS)) {
      it(`${s}/netstat-s.txt: phrases map to nstat names`, () => {
        const text = fs.readFileSync(netstatS, "utf8");
        const snap = read(netstatS);
        const grab = (re: RegExp) => {
          const m = re.exec(text);
          return m ? Number(m[1]) : undefined;
        };
        assert.equal(counter(snap, "TcpActiveOpens"), grab(/^\s*(\d+) active connection openings$/m));
        assert.equal(counter(snap, "TcpCurrEstab"), grab(/^\s*(\d+) connections established$/m));
        // net-tools leaves out zero TcpExt counters: absent line, absent counter.
        assert.equal(counter(snap, "TcpExtListenOverflows"), grab(/^\s*(\d+) times the listen queue of a socket overflowed$/m));
        assert.equal(counter(snap, "TcpExtListenDrops"), grab(/^\s*(\d+) SYNs to LISTEN sockets dropped$/m));
        assert.equal(counter(snap, "TcpExtSyncookiesSent"), grab(/^\s*(\d+) SYN cookies sent$/m));
      });
    }
    const sockstat = path.join(dir, "sockstat.txt");
    if (fs.existsSync(sockstat)) {
      it(`${s}/sockstat.txt: sockstat.tcp.*`, () => {
        const text = fs.readFileSync(sockstat, "utf8");
        const t = /^TCP: inuse (\d+) orphan (\d+) tw (\d+) alloc (\d+) mem (\d+)$/m.exec(text)!;
        const snap = read(sockstat);
        assert.deepEqual(
          ["inuse", "orphan", "tw", "alloc", "mem"].map((k) => counter(snap, `sockstat.tcp.${k}`)),
          t.slice(1).map(Number),
        );
        assert.equal(counter(snap, "sockstat.sockets.used"), Number(/^sockets: used (\d+)$/m.exec(text)![1]));
      });
    }
    const ssS = path.join(dir, "ss-s.txt");
    if (fs.existsSync(ssS)) {
      it(`${s}/ss-s.txt: orphaned, timewait, estab`, () => {
        const text = fs.readFileSync(ssS, "utf8");
        const m = /estab (\d+), closed (\d+), orphaned (\d+),(?: synrecv \d+,)? timewait (\d+)/.exec(text)!;
        const snap = read(ssS);
        assert.equal(counter(snap, "TcpCurrEstab"), Number(m[1]));
        assert.equal(counter(snap, "ss.tcp.closed"), Number(m[2]));
        assert.equal(counter(snap, "sockstat.tcp.orphan"), Number(m[3]));
        assert.equal(counter(snap, "sockstat.tcp.tw"), Number(m[4]));
        assert.equal(counter(snap, "ss.tcp.total"), Number(/^TCP\s+(\d+)/m.exec(text)![1]));
      });
    }
    const sysctl = path.join(dir, "sysctl.txt");
    if (fs.existsSync(sysctl)) {
      it(`${s}/sysctl.txt: every key with its value, white space normalized`, () => {
        const text = fs.readFileSync(sysctl, "utf8");
        const snap = read(sysctl);
        const lines = text.split("\n").filter((l) => l.includes(" = "));
        assert.equal(snap.sysctls.size, lines.length);
        for (const l of lines) {
          const [k, v] = l.split(" = ");
          assert.equal(snap.sysctls.get(k)?.value, v.trim().split(/\s+/).join(" "), k);
        }
      });
    }
  }
  const sar = path.join(SAMPLES, "formats", "sar-n-SOCK.txt");
  if (fs.existsSync(sar)) {
    it("formats/sar-n-SOCK.txt: the Average row wins", () => {
      const text = fs.readFileSync(sar, "utf8");
      const avg = /^Average:\s+(.*)$/m.exec(text)![1].trim().split(/\s+/).map(Number);
      const snap = read(sar);
      assert.deepEqual(["totsck", "tcpsck", "udpsck", "rawsck", "ip-frag", "tcp-tw"].map((c) => counter(snap, `sar.${c}`)), avg);
    });
  }
});

describe("captured fixtures (test/fixtures/README.md)", () => {
  it("netstat -s: Tcp phrases and Name: value lines", () => {
    const file = path.join(FIXTURES, "netstat-s.txt");
    const text = fs.readFileSync(file, "utf8");
    const snap = read(file);
    assert.equal(counter(snap, "TcpPassiveOpens"), Number(/(\d+) passive connection openings/.exec(text)![1]));
    assert.equal(counter(snap, "TcpOutRsts"), Number(/(\d+) resets sent/.exec(text)![1]));
    assert.equal(counter(snap, "IpExtInOctets"), Number(/InOctets: (\d+)/.exec(text)![1]));
  });
  it("nstat -az: every Name value rate line is a counter", () => {
    const file = path.join(FIXTURES, "nstat-az.txt");
    const text = fs.readFileSync(file, "utf8");
    const snap = read(file);
    const rows = text.split("\n").filter((l) => /^[A-Z]\w+\s+\d+\s+[\d.]+$/.test(l));
    assert.equal(snap.counters.size, rows.length);
    assert.equal(counter(snap, "TcpExtTCPTimeWaitOverflow"), awkValue(text, "TcpExtTCPTimeWaitOverflow"));
  });
  it("sar -n SOCK,TCP,ETCP: columns of each table", () => {
    const snap = read(path.join(FIXTURES, "sar-n-SOCK-TCP-ETCP.txt"));
    assert.ok(counter(snap, "sar.totsck")! > 0);
    assert.equal(counter(snap, "sar.retrans/s"), 0);
    assert.equal(counter(snap, "sar.active/s"), 0);
  });
});

describe("counters parser: single lines", () => {
  it("reads Windows netstat -s TCP block", () => {
    const snap = parse([
      "TCP Statistics for IPv4",
      "",
      "  Active Opens                        = 312",
      "  Passive Opens                       = 48",
      "  Failed Connection Attempts          = 5",
      "  Reset Connections                   = 18",
      "  Current Connections                 = 14",
      "  Segments Retransmitted              = 21",
      "TCP Statistics for IPv6",
      "  Active Opens                        = 2",
    ].join("\n"));
    assert.equal(snap.inputs[0].unparsed, 0);
    assert.equal(counter(snap, "TcpActiveOpens"), 312);
    assert.equal(counter(snap, "TcpAttemptFails"), 5);
    assert.equal(counter(snap, "TcpEstabResets"), 18);
    assert.equal(counter(snap, "TcpCurrEstab"), 14);
    assert.equal(counter(snap, "TcpRetransSegs"), 21);
    assert.equal(counter(snap, "windows.tcp6.ActiveOpens"), 2);
  });
  it("reads BSD netstat -s -p tcp phrases", () => {
    const snap = parse("tcp:\n\t1234 packets sent\n\t\t12 data packets (3400 bytes) retransmitted\n\t77 connection requests\n\t1 connection accept\n\t9 listen queue overflows\n\t3 embryonic connections dropped\n");
    assert.equal(snap.inputs[0].unparsed, 0);
    assert.equal(counter(snap, "TcpActiveOpens"), 77);
    assert.equal(counter(snap, "TcpPassiveOpens"), 1);
    assert.equal(counter(snap, "TcpExtListenOverflows"), 9);
    assert.equal(counter(snap, "TcpRetransSegs"), 12);
    assert.equal(counter(snap, "bsd.tcp.embryonic_connections_dropped"), 3);
  });
  it("reads old net-tools spellings and grep'd lines without a section", () => {
    const snap = parse("    126 active connections openings\n    8 segments retransmited\n    4343 times the listen queue of a socket overflowed\n");
    assert.equal(counter(snap, "TcpActiveOpens"), 126);
    assert.equal(counter(snap, "TcpRetransSegs"), 8);
    assert.equal(counter(snap, "TcpExtListenOverflows"), 4343);
  });
  it("reads the older ss -s summary", () => {
    const snap = parse("Total: 1180 (kernel 1425)\nTCP:   1001 (estab 974, closed 13, orphaned 0, synrecv 0, timewait 5/0), ports 0\n");
    assert.equal(counter(snap, "sockstat.sockets.used"), 1180);
    assert.equal(counter(snap, "TcpCurrEstab"), 974);
    assert.equal(counter(snap, "sockstat.tcp.tw"), 5);
    assert.equal(counter(snap, "ss.tcp.synrecv"), 0);
  });
  it("leaves a state histogram to the histogram parser after netstat -s", () => {
    const snap = parse("Tcp:\n    3 active connection openings\n    120 ESTABLISHED\n");
    assert.equal(snap.tallies.reduce((a, b) => a + b, 0), 120);
  });
});

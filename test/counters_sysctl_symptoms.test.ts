/** Counters, sysctls and symptoms: real captured files and single-line cases. */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { snapshotFromTexts } from "../src/ingest/mod.ts";
import type { Snapshot } from "../src/model/snapshot.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
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
      assert.equal(r.sockets, 0);
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
  it("ulimit -a: open files is ulimit.nofile", () => {
    const text = fs.readFileSync(path.join(FIXTURES, "ulimit-a.txt"), "utf8");
    const snap = read(path.join(FIXTURES, "ulimit-a.txt"));
    assert.equal(snap.sysctls.get("ulimit.nofile")?.value, /open files\s+\(-n\) (\S+)/.exec(text)![1]);
  });
  it("grep -r /proc/sys: keys from paths", () => {
    const snap = read(path.join(FIXTURES, "grep-proc-sys.txt"));
    assert.equal(snap.sysctls.get("net.ipv4.tcp_tw_reuse")?.value, fs.readFileSync("/proc/sys/net/ipv4/tcp_tw_reuse", "utf8").trim());
    assert.match(snap.sysctls.get("net.ipv4.ip_local_port_range")!.value, /^\d+ \d+$/);
  });
  it("app-node-python.log: one symptom per error, not per dump line", () => {
    const snap = read(path.join(FIXTURES, "app-node-python.log"));
    assert.equal(snap.inputs[0].unparsed, 0);
    assert.equal(snap.symptoms.get("EADDRINUSE")?.count, 1);
    assert.equal(snap.symptoms.get("ECONNREFUSED")?.count, 2);
    assert.deepEqual(snap.symptoms.get("EADDRINUSE")?.examples[0].endpoint, { host: "127.0.0.1", port: 47123 });
    assert.deepEqual(snap.symptoms.get("ECONNREFUSED")?.ports, { 47124: 1 });
  });
});

describe("app.log and dmesg from the lab scenarios", () => {
  const cases: [string, string, RegExp, string][] = [
    ["time-wait-port-exhaustion", "app.log", /^Error: connect EADDRNOTAVAIL|\[Errno 99\]/, "EADDRNOTAVAIL"],
    ["time-wait-blocks-restart", "app.log", /\[Errno 98\]|EADDRINUSE: address already in use/, "EADDRINUSE"],
    ["syn-sent-unreachable-upstream", "app.log", /connect ETIMEDOUT|\[Errno 110\]/, "ETIMEDOUT"],
    ["syn-flood", "dmesg-syn-flooding.txt", /Possible SYN flooding/, "SYN_FLOODING"],
  ];
  for (const [dir, file, re, kind] of cases) {
    const p = path.join(SAMPLES, dir, file);
    if (!fs.existsSync(p)) continue;
    it(`${dir}/${file}: ${kind} as often as grep finds it`, () => {
      const lines = fs.readFileSync(p, "utf8").split("\n");
      const snap = read(p);
      assert.equal(snap.symptoms.get(kind as never)?.count, lines.filter((l) => re.test(l)).length);
      const others = [...snap.symptoms.keys()].filter((k) => k !== kind);
      assert.deepEqual(others, []);
    });
  }
  const syn = path.join(SAMPLES, "syn-flood", "dmesg-syn-flooding.txt");
  if (fs.existsSync(syn)) {
    it("syn-flood dmesg: the port", () => {
      const s = read(syn).symptoms.get("SYN_FLOODING")!;
      assert.equal(s.examples[0].endpoint?.port, 8080);
    });
  }
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

describe("sysctl parser: single lines", () => {
  it("reads key = value, key=value, BSD key: value, /proc/sys paths", () => {
    const snap = parse("net.ipv4.ip_local_port_range = 32768\t60999\nnet.ipv4.tcp_tw_reuse=1\nkern.ipc.somaxconn: 128\n/proc/sys/net/core/somaxconn:4096\n");
    assert.equal(snap.sysctls.get("net.ipv4.ip_local_port_range")?.value, "32768 60999");
    assert.equal(snap.sysctls.get("net.ipv4.tcp_tw_reuse")?.value, "1");
    assert.equal(snap.sysctls.get("kern.ipc.somaxconn")?.value, "128");
    assert.equal(snap.sysctls.get("net.core.somaxconn")?.value, "4096");
  });
  it("reads netsh dynamic port range", () => {
    const snap = parse("Protocol tcp Dynamic Port Range\n---------------------------------\nStart Port      : 49152\nNumber of Ports : 16384\n");
    assert.equal(snap.inputs[0].unparsed, 0);
    assert.equal(snap.sysctls.get("windows.dynamicport.start")?.value, "49152");
    assert.equal(snap.sysctls.get("windows.dynamicport.count")?.value, "16384");
  });
  it("leaves bare values unparsed", () => {
    const snap = parse("32768\t60999\n");
    assert.equal(snap.sysctls.size, 0);
  });
});

describe("symptoms parser: single lines", () => {
  const cases: [string, string, { host?: string; port?: number } | undefined][] = [
    ["listen tcp :8080: bind: address already in use", "EADDRINUSE", { port: 8080 }],
    ["2024/05/01 10:00:00 [emerg] 123#0: bind() to 0.0.0.0:80 failed (98: Address already in use)", "EADDRINUSE", { host: "0.0.0.0", port: 80 }],
    ["System.Net.Sockets.SocketException (10048): Only one usage of each socket address (protocol/network address/port) is normally permitted.", "EADDRINUSE", undefined],
    ["dial tcp 10.0.0.5:5432: connect: cannot assign requested address", "EADDRNOTAVAIL", { host: "10.0.0.5", port: 5432 }],
    ["java.net.ConnectException: Connection refused", "ECONNREFUSED", undefined],
    ["2024/05/01 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.1.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\", host: \"x\"", "ECONNREFUSED", { host: "127.0.0.1", port: 8080 }],
    ["java.net.SocketTimeoutException: connect timed out", "ETIMEDOUT", undefined],
    ["upstream timed out (110: Connection timed out) while connecting to upstream", "ETIMEDOUT", undefined],
    ["read tcp 10.0.0.1:51234->10.0.0.2:443: read: connection reset by peer", "ECONNRESET", undefined],
    ["java.net.SocketException: Connection reset", "ECONNRESET", undefined],
    ["2024/05/01 10:00:00 [crit] 7#7: accept4() failed (24: Too many open files)", "EMFILE", undefined],
    ["An operation on a socket could not be performed because the system lacked sufficient buffer space or because a queue was full", "ENOBUFS", undefined],
    ["[  682.841788] TCP: request_sock_TCP: Possible SYN flooding on port [::]:8443. Sending cookies.", "SYN_FLOODING", { host: "::", port: 8443 }],
    ["Feb 25 21:35:48 server kernel: [16508.733356] possible SYN flooding on port 4671. Sending cookies.", "SYN_FLOODING", { port: 4671 }],
    ["[123.4] TCP: too many orphaned sockets", "ORPHANS_EXCEEDED", undefined],
    ["[123.4] TCP: out of memory -- consider tuning tcp_mem", "ORPHANS_EXCEEDED", undefined],
    ["Aug  4 17:25:37 static1 kernel: TCP: time wait bucket table overflow", "TW_BUCKET_OVERFLOW", undefined],
    ["socket error WSAEADDRNOTAVAIL (10049)", "EADDRNOTAVAIL", undefined],
  ];
  for (const [line, kind, endpoint] of cases) {
    it(`${kind}: ${line.slice(0, 60)}`, () => {
      const snap = parse(line);
      const s = snap.symptoms.get(kind as never);
      assert.equal(s?.count, 1, JSON.stringify([...snap.symptoms.keys()]));
      assert.deepEqual(s.examples[0].endpoint, endpoint);
    });
  }
  it("accounts log lines that name no socket error as log", () => {
    const snap = parse([
      "2024-05-01T10:00:00Z INFO started",
      "Jan 15 10:50:12 host sshd[1]: Accepted publickey",
      "[ 1234.5678] usb 1-1: new device",
      "\tat com.example.Main.run(Main.java:10)",
      "Traceback (most recent call last):",
      '  File "x.py", line 1, in <module>',
      "KeyError: 'x'",
    ].join("\n"));
    assert.equal(snap.inputs[0].kinds.log, 7);
    assert.equal(snap.symptoms.size, 0);
  });
  it("does not take netstat -s or nstat reset counters for ECONNRESET", () => {
    const snap = parse("Tcp:\n    9 connection resets received\nTcpEstabResets 3 0.0\n    30 connections reset due to unexpected data\n");
    assert.equal(snap.symptoms.size, 0);
    assert.equal(counter(snap, "TcpEstabResets"), 3);
  });
});

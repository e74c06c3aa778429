/** The log format: application and kernel error lines as symptoms, other log lines as log. */

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

describe("captured fixtures (test/fixtures/README.md)", () => {
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

describe("symptoms parser: syslog's repeat notes", () => {
  it("'last message repeated N times' after a symptom is that symptom N more times; after another message, a log line", () => {
    const snap = parse([
      "Dec  1 10:00:00 host kernel: sonewconn: pcb 0x1: Listen queue overflow: 193 already in queue awaiting acceptance (1 occurrences)",
      "Dec  1 10:00:30 host last message repeated 113 times",
      "--- last message repeated 2 times ---",
      "Dec  1 10:01:00 host sshd[1]: Accepted publickey for x",
      "Dec  1 10:01:30 host last message repeated 5 times",
    ].join("\n") + "\n");
    assert.equal(snap.symptoms.get("LISTEN_OVERFLOW" as never)?.count, 116);
    assert.equal(snap.inputs[0].kinds.symptom, 3);
    assert.equal(snap.inputs[0].kinds.log, 2);
    assert.equal(snap.inputs[0].unparsed, 0);
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
    ["[123.4] TCP: out of memory -- consider tuning tcp_mem", "SOCKET_MEMORY", undefined],
    ["Aug  4 17:25:37 static1 kernel: TCP: time wait bucket table overflow", "TW_BUCKET_OVERFLOW", undefined],
    ["socket error WSAEADDRNOTAVAIL (10049)", "EADDRNOTAVAIL", undefined],
    ["nf_conntrack: table full, dropping packet", "CONNTRACK_FULL", undefined],
    ["TCP: Out of socket memory", "SOCKET_MEMORY", undefined],
    ["socket error 10055", "ENOBUFS", undefined],
    ["Event ID: 4227", "EADDRNOTAVAIL", undefined],
    ["OSError: [Errno 99] Cannot assign requested address", "EADDRNOTAVAIL", undefined],
    // nginx on musl names no errno text: the number says it.
    ["2024/03/26 16:06:59 [error] 3964#3964: *1 connect() failed (111: Unknown error) while connecting to upstream, client: 10.1.1.1, server: _, upstream: \"http://10.0.0.2:8065/api\", host: \"x\"", "ECONNREFUSED", { host: "10.0.0.2", port: 8065 }],
    // The MySQL client's error 2003 ends with connect()'s errno alone.
    ["Failed to connect to MySQL: Can't connect to MySQL server on '10.0.0.9' (99)", "EADDRNOTAVAIL", undefined],
    ["ERROR 2003 (HY000): Can't connect to MySQL server on 'db' (111)", "ECONNREFUSED", undefined],
  ];
  for (const [line, kind, endpoint] of cases) {
    it(`${kind}: ${line.slice(0, 60)}`, () => {
      const snap = parse(line);
      const s = snap.symptoms.get(kind as never);
      assert.equal(s?.count, 1, JSON.stringify([...snap.symptoms.keys()]));
      assert.deepEqual(s.examples[0].endpoint, endpoint);
    });
  }
  it("details: a sonewconn figure with a syslog prefix, SYN flooding's variant, the platform an errno names", () => {
    const detail = (line: string, kind: string) => {
      const e = parse(line).symptoms.get(kind as never)?.examples[0];
      return e && { figure: e.figure, variant: e.variant, platform: e.platform };
    };
    assert.deepEqual(
      detail("Dec  1 10:00:00 host kernel: sonewconn: pcb 0xfffff8000: Listen queue overflow: 193 already in queue awaiting acceptance (12 occurrences)", "LISTEN_OVERFLOW"),
      { figure: 193, variant: undefined, platform: "freebsd" },
    );
    assert.deepEqual(detail("possible SYN flooding on port 80. Dropping request.  Check SNMP counters.", "SYN_FLOODING"), { figure: undefined, variant: "drop", platform: "linux" });
    assert.equal(detail("[1.2] TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.", "SYN_FLOODING")?.variant, "cookies");
    assert.equal(detail("connect() to 10.0.0.2:80 failed (99: Cannot assign requested address) while connecting", "EADDRNOTAVAIL")?.platform, "linux");
    assert.equal(detail("socket error 10055", "ENOBUFS")?.platform, "windows");
  });
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

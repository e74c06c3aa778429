/** The netstat-linux format: rows from pastes, and its fast row reader against its parser. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { assertSameAsCareful, expectCounts, ingest, mutatedLine, oddEndpoint, oddQueue, read, RUNS, sampleFiles, sampleLines } from "../_read.ts";

describe("netstat-linux rows from pastes", () => {
  it("joins a hand-redacted peer split from its port", () => {
    const r = expectCounts([
      "tcp      518      0 172.17.0.2:80           #MyIP        :54416     CLOSE_WAIT  off (0.00/0/0)",
    ], 1, { CLOSE_WAIT: 1 });
    assert.equal(r.sockets[0].remotePort, 54416);
    assert.equal(r.sockets[0].localPort, 80);
  });
  it("counts rows whose addresses were elided", () => {
    expectCounts([
      "tcp        0      0 ...                                              ESTABLISHED ",
      "tcp        0      0 ....                                             TIME_WAIT   ",
    ], 2, { ESTABLISHED: 1, TIME_WAIT: 1 });
  });
  it("reads a two-line-per-socket layout", () => {
    const r = expectCounts([
      "    tcp        0        0        ESTABLISHED",
      "192.168.1.6:53966    103.1.206.62:16843",
      "    tcp        0        0        ESTABLISHED",
      "localhost:socks    localhost:41578",
    ], 2, { ESTABLISHED: 2 });
    assert.equal(r.kinds.counter, 0);
    assert.equal(r.kinds.detail, 2);
  });
  it("reads indented headings", () => {
    const r = expectCounts([
      " Active Internet connections (servers and established)",
      " Proto Recv-Q Send-Q Local Address           Foreign Address         State",
      " tcp        0      0 localhost:30037         *:*                     LISTEN",
    ], 1, { LISTEN: 1 });
    assert.equal(r.kinds.header, 2);
  });
  it("reads an IPv6 address with a zone id", () => {
    const r = expectCounts(["tcp6       0      0 fe80::1%eth0:22      fe80::2:51234   ESTABLISHED"], 1, { ESTABLISHED: 1 });
    assert.equal(r.sockets[0].localAddress, "fe80::1");
  });
  it("reads a program name with a space and an -o timer", () => {
    const r = expectCounts([
      "tcp   0  0 1.2.3.4:35620   3.4.5.6:3306  ESTABLISHED 9360/Passenger Ruby  keepalive (6580.48/0/0)",
    ], 1, { ESTABLISHED: 1 });
    assert.equal(r.sockets[0].program, "Passenger Ruby");
    assert.equal(r.sockets[0].pid, 9360);
  });
});

// ---- the fast row reader against the parser ---------------------------------

const SAMPLE_LINES = sampleLines();
const NETSTAT_ROWS = SAMPLE_LINES.filter((l) => /^tcp6?\s/.test(l));

const q = oddQueue, ep = oddEndpoint;

describe("netstat-linux: the fast row reader reads exactly what the parser reads", () => {
  it("on every real sample file", () => {
    for (const s of sampleFiles()) assertSameAsCareful(s.text);
  });

  it("on mutated netstat rows after a real netstat table", () => {
    const head = sampleFiles().find((s) => s.path.endsWith("netstat-nat.txt"))?.text ?? NETSTAT_ROWS.slice(0, 5).join("\n");
    fc.assert(
      fc.property(fc.array(mutatedLine(NETSTAT_ROWS), { minLength: 1, maxLength: 10 }), (rows) => {
        assertSameAsCareful(head.split("\n").slice(0, 4).join("\n") + "\n" + rows.map((r) => r.replace(/[\r\n]/g, "")).join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("on generated rows with odd addresses, ports and queues", () => {
    const netstatState = fc.constantFrom("ESTABLISHED", "TIME_WAIT", "LISTEN", "CLOSE_WAIT", "FIN_WAIT1", "SYN_SENT", "VERBUNDEN", "OUÇA", "NASLOUCHÁ", "POSLEDNÍ", "CLOSE", "UNKNOWN", "established", "constructor");
    const netstat = fc.tuple(fc.constantFrom("tcp", "tcp6", "tcp4", "udp"), q, q, ep, ep, netstatState)
      .map(([p, r, s, l, f, st]) => `${p} ${r.padStart(8)} ${s.padStart(6)} ${l.padEnd(23)} ${f.padEnd(23)} ${st}`);
    fc.assert(
      fc.property(fc.array(netstat, { minLength: 1, maxLength: 8 }), (a) => {
        assertSameAsCareful("tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN\n" + a.join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe("netstat-linux: regressions the properties found", () => {
  it("netstat-linux: an endpoint with no host (\":80\") is not a row, and does not throw", () => {
    const snap = ingest("tcp        0      0 :80                     1.2.3.4:5               ESTABLISHED\n");
    assert.equal(snap.sockets.length, 0);
    assert.equal(snap.inputs[0].unparsed, 1);
  });
  it("netstat-linux: an unknown sixth word is not read as the Czech two-word LAST ACK", () => {
    // (ss reads it: a Netid-first row with no state column and something after it.)
    const snap = ingest("tcp        0      0 1.2.3.4:5               6.7.8.9:10              FOOBAR\n");
    assert.ok(snap.sockets.length === 0 || snap.sockets.get(0).state === undefined);
    const cz = ingest("Proto Recv-Q Send-Q Local Address           Foreign Address         State\n" +
      "tcp        0      0 1.2.3.4:5               6.7.8.9:10              POSLEDNÍ ACK\n");
    assert.equal(cz.sockets.length, 1);
    assert.equal(cz.sockets.get(0).state, "LAST_ACK");
  });
  it("netstat-linux fast path: a translated LISTEN (OUÇA) has no Send-Q, as the parser says", () => {
    const text = "tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN\n" +
      "tcp        0      5 0.0.0.0:22              0.0.0.0:*               OUÇA\n";
    assertSameAsCareful(text);
    assert.equal(ingest(text).sockets.get(1).sendQ, undefined);
  });
});

describe("netstat-linux queue figures", () => {
  it("keep 64-bit values on the fast reader's rows and the parser's", () => {
    const r = read([
      "tcp   4294967296 4294967295 10.0.0.1:80   10.0.0.2:5000   ESTABLISHED",
      "tcp6  4294967296 4294967295 ::1:80        ::1:5000        ESTABLISHED  -",
    ]);
    for (const s of r.sockets) assert.deepEqual([s.recvQ, s.sendQ], [4294967296, 4294967295]);
  });
});

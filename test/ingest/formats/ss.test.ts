/** The ss format: rows from pastes, state filters, and its fast row reader against its parser. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { snapshotFromTexts } from "../../../src/ingest/mod.ts";
import { summarize } from "../../../src/report/analysis.ts";
import { assertSameAsCareful, expectCounts, mutatedLine, oddEndpoint, oddQueue, read, RUNS, sampleFiles, sampleLines } from "../_read.ts";

describe("ss rows from pastes", () => {
  it("does not book a tcp row with an unreadable endpoint as another protocol", () => {
    const r = read(["tcp   ESTAB  0  0  10.0.0.1:22  <redacted>  users:((\"sshd\",pid=1,fd=3))"]);
    assert.equal(r.kinds["other-socket"], 0);
  });
  it("reads a zone id in brackets and an -m skmem line", () => {
    const r = expectCounts([
      "State  Recv-Q Send-Q Local Address:Port Peer Address:Port",
      "ESTAB  0      0      [fe80::1%eth0]:22      [fe80::2%eth0]:51234",
      "\t skmem:(r0,rb131072,t0,tb87040,f0,w0,o0,bl0,d0)",
    ], 1, { ESTABLISHED: 1 });
    assert.equal(r.sockets[0].localAddress, "fe80::1");
    assert.equal(r.kinds.detail, 1);
  });
});

describe("ss -tanp folded by a terminal", () => {
  it("rejoins a process column cut at 80 columns: the row gets its pid and name, the rest is a detail line", () => {
    const r = expectCounts([
      "State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process",
      "CLOSE-WAIT 0      0          127.0.0.1:8080     127.0.0.1:38052 users:((\"node\",p",
      "id=28672,fd=24))",
      "CLOSE-WAIT 0      0          127.0.0.1:8080     127.0.0.1:38176 users:((\"node\",pid=28",
      "672,fd=38))",
      "ESTAB      0      0          127.0.0.1:8080     127.0.0.1:38177 users:((\"node\",pid=28672,fd=39))",
    ], 3, { CLOSE_WAIT: 2, ESTABLISHED: 1 });
    assert.equal(r.kinds.detail, 2);
    assert.deepEqual(r.sockets.map((s) => [s.pid, s.program]), [[28672, "node"], [28672, "node"], [28672, "node"]]);
  });
  it("leaves a line after a cut column that does not complete it to the other formats", () => {
    const r = read([
      "CLOSE-WAIT 0      0          127.0.0.1:8080     127.0.0.1:38052 users:((\"node\",p",
      "something else entirely",
    ]);
    assert.equal(r.kinds.unparsed, 1);
    assert.equal(r.sockets[0].pid, undefined);
  });
});

describe("ss state filter from the pasted command line", () => {
  it("gives rows without a State column the state named in the command", () => {
    // Shape of `ss -tan state close-wait` as pasted from a terminal.
    const snap = snapshotFromTexts([{
      path: "paste",
      text: "root@web:~# ss -tan state close-wait\n" +
        "Recv-Q Send-Q Local Address:Port Peer Address:Port\n" +
        "1      0      127.0.0.1:8080     127.0.0.1:40001\n" +
        "0      0      127.0.0.1:8080     127.0.0.1:40002\n" +
        "root@web:~# ^C\n",
    }]);
    const s = summarize(snap);
    assert.deepEqual(s.states, { CLOSE_WAIT: 2 });
    assert.equal(snap.inputs[0].unparsed, 0);
    assert.equal(snap.inputs[0].kinds.noise, 2);
  });
  it("leaves the state unknown when the filter names several states", () => {
    const snap = snapshotFromTexts([{
      path: "paste",
      text: "$ ss -tan state connected\nRecv-Q Send-Q Local Address:Port Peer Address:Port\n0 0 127.0.0.1:8080 127.0.0.1:40001\n",
    }]);
    const s = summarize(snap);
    assert.deepEqual(s.states, {});
    assert.equal(s.sockets, 1);
    assert.equal(s.stateUnknown, 1);
  });
});

// ---- the fast row reader against the parser ---------------------------------

const SS_ROWS = sampleLines().filter((l) => /^(ESTAB|TIME-WAIT|LISTEN|CLOSE-WAIT|SYN-SENT|SYN-RECV|FIN-WAIT-[12]|LAST-ACK|CLOSING)\s/.test(l));

describe("ss: the fast row reader reads exactly what the parser reads", () => {
  it("on every real ss sample", () => {
    for (const s of sampleFiles()) if (/(^|\/)ss[-.]/.test(s.path.slice(s.path.lastIndexOf("/") + 1))) assertSameAsCareful(s.text);
  });

  it("on mutated ss rows after a real ss table", () => {
    const head = sampleFiles().find((s) => s.path.endsWith("ss-tan.txt"))?.text ?? SS_ROWS.slice(0, 5).join("\n");
    fc.assert(
      fc.property(fc.array(mutatedLine(SS_ROWS), { minLength: 1, maxLength: 10 }), (rows) => {
        assertSameAsCareful(head.split("\n").slice(0, 4).join("\n") + "\n" + rows.map((r) => r.replace(/[\r\n]/g, "")).join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("on generated rows with odd addresses, ports and queues", () => {
    const q = oddQueue, ep = oddEndpoint;
    const ssState = fc.constantFrom("ESTAB", "TIME-WAIT", "LISTEN", "CLOSE-WAIT", "FIN-WAIT-1", "SYN-RECV", "UNCONN", "NEW-SYN-RECV", "UNKNOWN", "ESTABLISHED");
    const ss = fc.tuple(ssState, q, q, ep, ep).map(([st, r, s, l, f]) => `${st.padEnd(10)} ${r.padEnd(6)} ${s.padEnd(6)} ${l.padStart(20)} ${f.padStart(20)}   `);
    fc.assert(
      fc.property(fc.array(ss, { minLength: 1, maxLength: 8 }), (b) => {
        assertSameAsCareful("State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n" + b.join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe("ss queue figures", () => {
  it("keep 64-bit values: 4294967296 does not read 0, 4294967295 is a figure, not 'no figure'", () => {
    const r = read([
      "State Recv-Q Send-Q Local Address:Port Peer Address:Port",
      "ESTAB 4294967296 4294967295 10.0.0.1:80 10.0.0.2:5000",
      "ESTAB 4294967296 4294967295 [::1]:80 [::1]:5000",
    ]);
    for (const s of r.sockets) assert.deepEqual([s.recvQ, s.sendQ], [4294967296, 4294967295]);
  });
});

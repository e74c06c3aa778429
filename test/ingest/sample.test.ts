/** Excerpts: what the pasted command line and elision markers say about an input's rows. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import { summarize } from "../../src/report/analysis.ts";
import { read } from "./_read.ts";

describe("excerpts (InputReport.sample)", () => {
  it("a grep for a port keeps that port's rows: a port-filtered sample", () => {
    const r = read([
      "$ netstat -anp | grep 8080",
      "tcp        0      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      1234/java",
      "tcp       12      0 10.0.0.1:8080           10.0.0.2:50000          CLOSE_WAIT  1234/java",
    ]);
    assert.deepEqual(r.report.sample, { reasons: ["grep"], filters: ["grep 8080"], ports: [8080] });
  });
  it("head keeps the first rows", () => {
    const r = read([
      "$ ss -tanp | head -3", "State  Recv-Q Send-Q Local Address:Port  Peer Address:Port",
      "ESTAB  0      0      10.0.0.1:22  10.0.0.2:50000", "ESTAB  0      0      10.0.0.1:22  10.0.0.2:50001",
    ]);
    assert.deepEqual(r.report.sample, { reasons: ["head"], filters: ["head -3"] });
  });
  it("an elision marker after rows makes them a sample", () => {
    const r = read([
      "tcp        0      0 10.0.0.1:8080           10.0.0.2:50000          CLOSE_WAIT",
      "tcp        0      0 10.0.0.1:8080           10.0.0.2:50001          CLOSE_WAIT", "...",
    ]);
    assert.deepEqual(r.report.sample?.reasons, ["elided"]);
    assert.equal(r.report.unparsed, 0);
  });
  it("a histogram of the rows an awk test on a port kept is a port-filtered sample of counts", () => {
    const r = read([
      "netstat -tan | awk '$5 ~ /:8139/ {print $6}' | sort | uniq -c | sort -n",
      "      1 ESTABLISHED",
      "  28230 TIME_WAIT",
    ]);
    assert.deepEqual(r.report.sample?.reasons, ["port-filter"]);
    assert.deepEqual(r.report.sample?.ports, [8139]);
    assert.equal(r.summary.sockets, 28231);
  });
  it("grep \":\" keeps every row that shows an address: the whole table, no sample", () => {
    const r = read([
      "$ netstat -ant | fgrep \":\"",
      "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN",
      "tcp        0      0 10.0.0.1:80             10.0.0.2:50000          LAST_ACK",
    ]);
    assert.equal(r.report.sample, undefined);
  });
  it("a histogram after a grep that names no port stays the table's counts (as before: unverified filters do not make a sample)", () => {
    const r = read(["netstat -anl | grep 3000 | awk '/^tcp/ {t[$NF]++}END{for(state in t){print state, t[state]} }'", "", "CLOSE_WAIT 710", "ESTABLISHED 138"]);
    assert.equal(r.report.sample, undefined);
    assert.equal(r.summary.sockets, 848);
  });
  it("a whole table is no sample", () => {
    const r = read(["State  Recv-Q Send-Q Local Address:Port  Peer Address:Port", "ESTAB  0      0      10.0.0.1:22  10.0.0.2:50000"]);
    assert.equal(r.report.sample, undefined);
    assert.equal(r.report.platform, "linux");
  });
});

describe("one socket, one count (merged inputs of one moment)", () => {
  it("merges the same sockets listed by ss and netstat, keeping the process column", () => {
    const snap = snapshotFromTexts([
      { path: "ss-tan.txt", text: "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:22 10.0.0.2:50000\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n" },
      { path: "netstat-nat.txt", text: "Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name\ntcp 0 0 10.0.0.1:22 10.0.0.2:50000 ESTABLISHED 99/sshd\ntcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN 99/sshd\n" },
    ]);
    assert.deepEqual(summarize(snap).states, { LISTEN: 1, ESTABLISHED: 1 });
    assert.equal(snap.merged, 2);
    assert.equal(snap.sockets.length, 2);
    for (let i = 0; i < snap.sockets.length; i++) assert.equal(snap.sockets.get(i).pid, 99);
    assert.equal(snap.platform, "linux");
  });
});

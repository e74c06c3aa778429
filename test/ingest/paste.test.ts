/**
 * What pastes wrap around a dump: Markdown, HTML and line numbers. Cases
 * found while checking the formats against public dumps (GitHub issues, Q&A
 * pages); whole dumps are in samples/ with their sources in samples/README.md.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { unwrapPaste, withoutLineNumber } from "../../src/ingest/paste.ts";
import { expectCounts, read } from "./_read.ts";

describe("unwrapPaste (Markdown around a dump)", () => {
  it("turns code fences, with or without a language tag, into nothing", () => {
    for (const f of ["```", "```sh", "``` bash", "~~~console", "   ```"]) assert.equal(unwrapPaste(f), "", f);
  });
  it("removes quote markers, nested or alone", () => {
    assert.equal(unwrapPaste("> tcp 0 0 1.2.3.4:1 5.6.7.8:2 ESTABLISHED"), "tcp 0 0 1.2.3.4:1 5.6.7.8:2 ESTABLISHED");
    assert.equal(unwrapPaste("> > ESTAB 0 0 a:1 b:2"), "ESTAB 0 0 a:1 b:2");
    // A reply quoting a mail that quoted with initials.
    assert.equal(unwrapPaste("> A> > kernel: sonewconn: pcb 0x1: Listen queue overflow: 193 already in"), "kernel: sonewconn: pcb 0x1: Listen queue overflow: 193 already in");
    assert.equal(unwrapPaste(">"), "");
  });
  it("removes inline-code backticks around a whole line or at one end of it", () => {
    assert.equal(unwrapPaste("`tcp6 0 0 :::3000 :::* LISTEN 23788/node`"), "tcp6 0 0 :::3000 :::* LISTEN 23788/node");
    assert.equal(unwrapPaste("`sudo lsof | grep 162.222.42.179"), "sudo lsof | grep 162.222.42.179");
    assert.equal(unwrapPaste("x 57 root 112u IPv6 0x3f 0t0 TCP a:1->b:2 (ESTABLISHED)`"), "x 57 root 112u IPv6 0x3f 0t0 TCP a:1->b:2 (ESTABLISHED)");
  });
  it("keeps an inline span inside prose and leaves plain rows alone", () => {
    const prose = "Here is what the `netstat -anp` output looks like:";
    assert.equal(unwrapPaste(prose), prose);
    const row = "  TCP    0.0.0.0:135    0.0.0.0:0    LISTENING    896";
    assert.equal(unwrapPaste(row), row);
    const info = "\t cubic wscale:7,7 rto:204 rtt:0.5/0.25";
    assert.equal(unwrapPaste(info), info);
  });
  it("drops bare HTML tags and <pre> wrappers", () => {
    assert.equal(unwrapPaste("</del>"), "");
    assert.equal(unwrapPaste("<details>"), "");
    assert.equal(unwrapPaste("<pre>tcp 0 0 a:1 b:2 LISTEN</pre>"), "tcp 0 0 a:1 b:2 LISTEN");
  });
});

describe("withoutLineNumber", () => {
  it("strips cat -n, grep -n and gutter numbers", () => {
    assert.equal(withoutLineNumber("     3\ttcp 0 0 a:1 b:2 LISTEN"), "tcp 0 0 a:1 b:2 LISTEN");
    assert.equal(withoutLineNumber("12:tcp 0 0 a:1 b:2 LISTEN"), "tcp 0 0 a:1 b:2 LISTEN");
    assert.equal(withoutLineNumber("12-tcp 0 0 a:1 b:2 LISTEN"), "tcp 0 0 a:1 b:2 LISTEN");
    assert.equal(withoutLineNumber(" 7 | ESTAB 0 0 a:1 b:2"), "ESTAB 0 0 a:1 b:2");
  });
  it("leaves lines without one", () => {
    assert.equal(withoutLineNumber("tcp 0 0 a:1 b:2 LISTEN"), undefined);
  });
});

describe("pastes around a dump", () => {
  it("reads a quoted, fenced ss table", () => {
    expectCounts([
      "> ```",
      "> $ ss -tan",
      "> State  Recv-Q Send-Q Local Address:Port Peer Address:Port",
      "> LISTEN 0      128    0.0.0.0:22         0.0.0.0:*",
      "> ESTAB  0      0      10.0.0.5:22        10.0.0.9:50122",
      "> ```",
    ], 2, { LISTEN: 1, ESTABLISHED: 1 });
  });
  it("reads a netstat table numbered by cat -n, headings included", () => {
    const r = expectCounts([
      "     1\tActive Internet connections (servers and established)",
      "     2\tProto Recv-Q Send-Q Local Address           Foreign Address         State",
      "     3\ttcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN",
      "     4\ttcp        0     36 10.0.0.5:22             10.0.0.9:50122          ESTABLISHED",
    ], 2, { LISTEN: 1, ESTABLISHED: 1 });
    assert.equal(r.kinds.counter, 0);
    assert.equal(r.kinds.header, 2);
  });
  it("reads grep -n output", () => {
    expectCounts([
      "12:tcp        0      0 10.0.0.1:8080      10.0.0.2:5555      TIME_WAIT",
      "13:tcp        0      0 10.0.0.1:8080      10.0.0.2:5556      TIME_WAIT",
    ], 2, { TIME_WAIT: 2 });
  });
  it("keeps a repeated Proto heading a header, not a row", () => {
    const r = expectCounts([
      "Proto Recv-Q Send-Q Local Address           Foreign Address         State",
      "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN",
      "Proto Recv-Q Send-Q Local Address           Foreign Address         State",
      "tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN",
    ], 2, { LISTEN: 2 });
    assert.equal(r.kinds.header, 2);
  });
  it("leaves prose unparsed", () => {
    const r = read(["Here is what the `netstat -anp` output looks like when grepped for port 8888:",
      "tcp        0      0 :::8888       :::*        LISTEN      22664/java"]);
    assert.equal(r.report.unparsed, 1);
    assert.equal(r.summary.sockets, 1);
  });
});

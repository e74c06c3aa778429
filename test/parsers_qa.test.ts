/**
 * Focused cases found while checking the parsers against public dumps
 * (GitHub issues, Q&A pages, test fixtures): what pastes wrap around a dump
 * (Markdown, prompts, line numbers, elisions) and row shapes the parsers
 * missed. Each case is one or a few lines shaped like the dump it came from;
 * the whole dumps are in samples/ with their sources in samples/README.md.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { snapshotFromTexts } from "../src/ingest/mod.ts";
import { unwrapPaste, withoutLineNumber } from "../src/ingest/paste.ts";
import { summarize } from "../src/report/analysis.ts";
import type { Socket } from "../src/model/socket_table.ts";

function read(lines: string[]) {
  const snap = snapshotFromTexts([{ path: "paste.txt", text: lines.join("\n") + "\n" }]);
  const sockets: Socket[] = [];
  for (let i = 0; i < snap.sockets.length; i++) sockets.push(snap.sockets.get(i));
  const report = snap.inputs[0];
  return { summary: summarize(snap), report, sockets, kinds: report.kinds };
}

/** The lines parse with nothing unparsed to the given sockets and states. */
function expectCounts(lines: string[], sockets: number, states: Record<string, number>) {
  const r = read(lines);
  assert.equal(r.report.unparsed, 0, JSON.stringify(r.report.unparsedLines));
  assert.equal(r.summary.sockets, sockets);
  assert.deepEqual(r.summary.states, states);
  return r;
}

describe("unwrapPaste (Markdown around a dump)", () => {
  it("turns code fences, with or without a language tag, into nothing", () => {
    for (const f of ["```", "```sh", "``` bash", "~~~console", "   ```"]) assert.equal(unwrapPaste(f), "", f);
  });
  it("removes quote markers, nested or alone", () => {
    assert.equal(unwrapPaste("> tcp 0 0 1.2.3.4:1 5.6.7.8:2 ESTABLISHED"), "tcp 0 0 1.2.3.4:1 5.6.7.8:2 ESTABLISHED");
    assert.equal(unwrapPaste("> > ESTAB 0 0 a:1 b:2"), "ESTAB 0 0 a:1 b:2");
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
  it("takes the state filter of a command shown in watch's header", () => {
    expectCounts([
      "Every 2.0s: ss -tan state time-wait                    web1: Mon Mar  4 10:00:01 2024",
      "",
      "Recv-Q Send-Q Local Address:Port  Peer Address:Port",
      "0      0      10.0.0.1:80         10.0.0.2:5555",
    ], 1, { TIME_WAIT: 1 });
  });
  it("takes elision lines for noise", () => {
    const r = expectCounts([
      "tcp        0      0 10.0.0.1:80        10.0.0.2:5555      ESTABLISHED",
      "...",
      "[...]",
      "<snip>",
      "…",
      "(... 300 more lines ...)",
      "^C",
      "tcp        0      0 10.0.0.1:80        10.0.0.2:5556      ESTABLISHED",
    ], 2, { ESTABLISHED: 2 });
    assert.equal(r.kinds.noise, 6);
  });
  it("recognises cPanel, macOS and pfSense prompts", () => {
    const r = expectCounts([
      "root@server [~]# netstat -natp | awk '{print $6}' | sort | uniq -c",
      "     10 CLOSING",
      "Kevins-MBP:k3vl4r k3vl4r$ netstat -v -n -p tcp",
      "[2.4.4-RELEASE][root@xxx]/root: lsof -i",
    ], 10, { CLOSING: 10 });
    assert.equal(r.kinds.noise, 3);
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

describe("netstat-windows rows from pastes", () => {
  it("ignores text pasted after the PID", () => {
    const r = expectCounts([
      "  TCP    0.0.0.0:2105           0.0.0.0:0              LISTENING       2744                SOME TEXT #1, pasted here",
    ], 1, { LISTEN: 1 });
    assert.equal(r.sockets[0].pid, 2744);
  });
  it("reads lower-case tcp rows in netstat's layout", () => {
    expectCounts(["  tcp    10.0.0.5:51000    93.184.216.34:443    ESTABLISHED    4120"], 1, { ESTABLISHED: 1 });
  });
  it("reads a zone id and a listener's 0.0.0.0:0 / [::]:0 peer", () => {
    const r = expectCounts([
      "  TCP    [fe80::1%12]:139     [::]:0     LISTENING       4",
      "  TCP    0.0.0.0:135          0.0.0.0:0  LISTENING       896",
    ], 2, { LISTEN: 2 });
    assert.equal(r.sockets[0].localAddress, "fe80::1");
    assert.equal(r.sockets[1].remotePort, undefined);
  });
  it("takes the column heading under a localized title for a header (Korean)", () => {
    const r = expectCounts([
      "활성 연결",
      "",
      "  프로토콜  로컬 주소              외부 주소              상태            PID",
      "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1004",
    ], 1, { LISTEN: 1 });
    assert.equal(r.kinds.header, 2);
  });
  it("takes `find` after a cmd.exe prompt as a command line", () => {
    expectCounts([
      'C:\\Users\\me\\Desktop>netstat -aon | find ":80" | find "LISTENING"',
      "  TCP    127.0.0.2:80           0.0.0.0:0              LISTENING       3040",
    ], 1, { LISTEN: 1 });
  });
});

describe("netstat-bsd rows from pastes", () => {
  it("reads FreeBSD -T rows (counters before the endpoints, no state) and blank-counter UDP rows", () => {
    const r = expectCounts([
      "Active Internet connections (including servers)",
      "Proto Rexmit OOORcv 0-win  Local Address          Foreign Address",
      "tcp4       3      0      0 192.168.71.163.ssh     192.168.71.1.64330     ",
      "tcp6       0      0      0 *.ssh                  *.*                    ",
      "udp4                       *.syslog               *.*                    ",
    ], 2, {});
    assert.equal(r.sockets[0].localPort, 22);
    assert.equal(r.sockets[0].recvQ, undefined);
    assert.equal(r.kinds["other-socket"], 1);
  });
  it("reads a listen-queue title wrapped over two lines", () => {
    expectCounts([
      "    Current listen queue sizes ",
      "    (qlen/incqlen/maxqlen)",
      "        Listen         Local Address         ",
      "        0/0/128        *.ssh                  ",
    ], 1, { LISTEN: 1 });
  });
});

describe("lsof rows from pastes", () => {
  it("books sockets of unknown protocol as other sockets", () => {
    const r = read(["docker  8925 root  337u  sock                0,8      0t0   47494363 can't identify protocol"]);
    assert.equal(r.report.unparsed, 0);
    assert.equal(r.summary.sockets, 0);
    assert.equal(r.kinds["other-socket"], 1);
  });
  it("reads an HTML-escaped arrow", () => {
    const r = expectCounts([
      "java    30840 zoechi  101u  IPv6 27889117      0t0  TCP localhost:46750-&gt;localhost:5005 (CLOSE_WAIT)",
    ], 1, { CLOSE_WAIT: 1 });
    assert.equal(r.sockets[0].remotePort, 5005);
    assert.equal(r.sockets[0].localPort, 46750);
  });
});

/** The netstat-windows format: single tricky lines and pasted tables. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Ingestor, PARSERS } from "../../../src/ingest/mod.ts";
import { emptySnapshot } from "../../../src/model/snapshot.ts";
import { NONE } from "../../../src/model/socket_table.ts";
import { summarize } from "../../../src/report/analysis.ts";
import { expectCounts, one, parse, read, readSample } from "../_read.ts";

describe("netstat-windows", () => {
  it("reads bracketed IPv6 with a zone, and the PID column", () => {
    const s = one(["  TCP    [fe80::1%4]:139        [::]:0                 LISTENING       4"]);
    assert.deepEqual([s.family, s.localAddress, s.localPort, s.pid, s.state], [6, "fe80::1", 139, 4, "LISTEN"]);
    // Windows has no queue columns; "[::]:0" is no peer.
    assert.equal(s.recvQ, undefined);
    assert.equal(s.remotePort, undefined);
  });

  it("reads -a host and service names", () => {
    const s = one(["  TCP    127.0.0.1:49862        DESKTOP-ABC:49863      ESTABLISHED"]);
    assert.equal(s.remoteAddress, "DESKTOP-ABC");
    assert.equal(s.remotePort, 49863);
    assert.equal(s.family, 4);
    assert.equal(one(["  TCP    192.168.0.106:49958    localhost:https        TIME_WAIT       0"]).remotePort, 443);
  });

  it("reads UDP rows as other sockets", () => {
    const { sockets, report } = parse("  UDP    [::]:5353              *:*                                    2076\n");
    assert.equal(sockets.length, 0);
    assert.equal(report.kinds["other-socket"], 1);
  });

  it("attaches -b program lines to the TCP row above, never to a UDP row's neighbour", () => {
    const { sockets, report } = parse([
      "Active Connections",
      "",
      "  Proto  Local Address          Foreign Address        State           PID",
      "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1052",
      "  RpcEptMapper",
      " [svchost.exe]",
      "  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4",
      " Can not obtain ownership information",
      "  UDP    0.0.0.0:500            *:*                                    3540",
      " [svchost.exe]",
    ].join("\n"));
    assert.deepEqual(report.unparsedLines, []);
    assert.equal(report.kinds.detail, 4);
    assert.deepEqual(sockets.map((s) => s.program), ["svchost.exe", undefined]);
  });

  it("reads German state words, also mis-decoded from code page 850", () => {
    const rows = ["ABHÖREN", "ABH\u0099REN", "ABH\uFFFDREN", "ABH™REN"].map((w) =>
      one([`  TCP    0.0.0.0:135            0.0.0.0:0              ${w}         1060`]).state
    );
    assert.deepEqual(rows, ["LISTEN", "LISTEN", "LISTEN", "LISTEN"]);
    assert.equal(one(["  TCP    127.0.0.1:49186        127.0.0.1:49273        SCHLIESSEN_WARTEN"]).state, "CLOSE_WAIT");
    assert.equal(one(["  TCP    127.0.0.1:9222         127.0.0.1:50124        WARTEND         0"]).state, "TIME_WAIT");
    // Bytes as a German console writes them (CP850 0x99 for Ö), through the decoder's fallback.
    const snap = emptySnapshot();
    const ing = new Ingestor(snap, "cp850", PARSERS);
    const enc = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
    ing.push(enc("Aktive Verbindungen\r\n\r\n  Proto  Lokale Adresse         Remoteadresse          Status\r\n"));
    ing.push(enc("  TCP    0.0.0.0:135            0.0.0.0:0              ABH\x99REN\r\n"));
    const r = ing.end();
    assert.equal(r.unparsed, 0);
    assert.equal(snap.sockets.get(0).state, "LISTEN");
  });

  it("reads a state of several words", () => {
    assert.equal(one(["  TCP    127.0.0.1:3000         0.0.0.0:0              IN ASCOLTO       31"]).state, "LISTEN");
  });

  it("keeps a row whose state is several unknown words, with its PID", () => {
    const s = one(["  TCP    0.0.0.0:135            0.0.0.0:0              NOT A STATE     1052"]);
    assert.equal(s.state, undefined);
    assert.equal(s.pid, 1052);
  });

  it("accounts for localized titles and headers", () => {
    const { report } = parse([
      "活动连接",
      "",
      "  协议  本地地址          外部地址        状态           PID",
      "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1028",
      "Активные подключения",
      "  Имя    Локальный адрес        Внешний адрес          Состояние",
    ].join("\n"));
    assert.deepEqual(report.unparsedLines, []);
    assert.equal(report.format, "netstat-windows");
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

/** The netstat-bsd format (macOS, FreeBSD, OpenBSD netstat) on single tricky lines and pasted tables. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NONE } from "../../../src/model/socket_table.ts";
import { expectCounts, one, parse, read, readSample } from "../_read.ts";

describe("netstat-bsd", () => {
  it("reads a dot-style IPv4 listener", () => {
    const s = one(["tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN     "]);
    assert.equal(s.family, 4);
    assert.equal(s.localAddress, "127.0.0.1");
    assert.equal(s.localPort, 8080);
    assert.equal(s.state, "LISTEN");
    assert.equal(s.remoteAddress, "*");
    assert.equal(s.remotePort, undefined);
    // A BSD listener's queues are buffer bytes, not accept queue and backlog.
    assert.equal(s.sendQ, undefined);
  });

  it("reads IPv6 hosts, scopes and dual-stack listeners", () => {
    const a = one(["tcp6       0      0  ::1.631                *.*                    LISTEN     "]);
    assert.equal(a.localAddress, "::1");
    assert.equal(a.localPort, 631);
    assert.equal(a.family, 6);
    const b = one(["tcp6       0      0  fe80::1%lo0.123        fe80::1%lo0.5000       ESTABLISHED"]);
    assert.equal(b.localAddress, "fe80::1");
    assert.equal(b.remotePort, 5000);
    const c = one(["tcp46      0      0  *.3000                 *.*                    LISTEN      131072 131072  33784      0 0x0100 0x00000106"]);
    assert.equal(c.family, 6);
    assert.equal(c.localPort, 3000);
  });

  it("reads OpenBSD's plain tcp protocol and service names", () => {
    const s = one(["tcp          0      0  10.0.0.5.ssh           10.0.0.9.50212         ESTABLISHED"]);
    assert.equal(s.localPort, 22);
    assert.equal(s.state, "ESTABLISHED");
    assert.equal(parse("tcp          0      0  10.0.0.5.22    10.0.0.9.50212   ESTABLISHED\n").report.format, "netstat-bsd");
  });

  it("takes the pid from the -v header's pid column", () => {
    const s = one([
      "Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)     rhiwat shiwat    pid   epid  state    options",
      "tcp4       0      0  192.168.1.191.52044    31.13.66.35.443        ESTABLISHED 131072 131860   9811      0 0x0102 0x00000008",
    ]);
    assert.equal(s.pid, 9811);
    assert.equal(s.recvQ, 0);
  });

  it("reads macOS 26's process:pid column, whose name may hold spaces", () => {
    const s = one([
      "Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)          rxbytes      txbytes  rhiwat  shiwat          process:pid    state  options           gencnt    flags   flags1 usecnt rtncnt fltrs",
      "tcp4       0      0  127.0.0.1.49515        127.0.0.1.49472        ESTABLISHED       118268        40208  408008  146988  Autodesk Fusion:22712  00002 00000000 000000000025c5ff 00000081 04000800      3      0 000000",
    ]);
    assert.equal(s.pid, 22712);
    assert.equal(s.program, "Autodesk Fusion");
  });

  it("skips the -A control-block address and macOS flow hash", () => {
    const a = one([
      "Tcpcb            Proto Recv-Q Send-Q Local Address      Foreign Address    (state)",
      "fffff80003ee2410 tcp4       0      0 127.0.0.1.25       *.*                LISTEN",
    ]);
    assert.equal(a.localPort, 25);
    const b = one([
      "Socket           Flowhash Proto Recv-Q Send-Q  Local Address      Foreign Address    (state)",
      "ffffff8012345678 1a2b3c4d tcp4       0      0  10.0.0.2.50000     17.57.144.20.5223  ESTABLISHED",
    ]);
    assert.equal(b.remotePort, 5223);
    assert.equal(b.state, "ESTABLISHED");
  });

  it("reads -L rows as listeners with qlen and the backlog limit", () => {
    const mac = one([
      "Current listen queue sizes (qlen/incqlen/maxqlen)",
      "Listen         Local Address         ",
      "3/0/128        *.8080                ",
    ]);
    assert.deepEqual([mac.state, mac.localPort, mac.recvQ, mac.sendQ], ["LISTEN", 8080, 3, 128]);
    const { sockets, report } = parse([
      "Current listen queue sizes (qlen/incqlen/maxqlen)",
      "Proto Listen         Local Address",
      "tcp6  0/0/128        *.22",
      "tcp4  12/0/10        127.0.0.1.25",
      "unix  0/0/4          /var/run/devd.pipe",
    ].join("\n"));
    assert.equal(report.unparsed, 0);
    assert.equal(report.kinds["other-socket"], 1);
    assert.deepEqual(sockets.map((s) => [s.family, s.localPort, s.recvQ, s.sendQ]), [[6, 22, 0, 128], [4, 25, 12, 10]]);
  });

  it("accounts for macOS's UNIX, kernel and multipath sections without sockets", () => {
    const { sockets, report } = parse([
      "Active Internet connections (including servers)",
      "Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)    ",
      "udp4       0      0  *.5353                 *.*                               ",
      "icm6       0      0  *.*                    *.*                               ",
      "Active Multipath Internet connections",
      "Proto/ID  Flags      Local Address          Foreign Address        (state)    ",
      "mptcp/0   00000010/00000000                                                   MPTCPS_ESTABLISHED ",
      "      [tok(0xa1b2c3d4) snd(0x1) rcv(0x1) aid(1)]",
      " tcp4/00  00000001   192.168.1.5.50000      17.57.146.52.443       ESTABLISHED ",
      "      [relseq(0001), err(0)]",
      "Active LOCAL (UNIX) domain sockets",
      "Address          Type   Recv-Q Send-Q            Inode             Conn             Refs          Nextref Addr",
      "ffffff80123a4b00 stream      0      0                0 ffffff80123a4c00                0                0 /var/run/mDNSResponder",
      "ffffff80123a4d00 dgram       0      0                0 ffffff80123a4e00 ffffff80123a4f00                0",
      "Registered kernel control modules",
      "id       flags    pcbcount rcvbuf   sndbuf   name ",
      "       1        9        0   131072   131072 com.apple.flow-divert ",
      "      1a        1        1    16384     2048 com.apple.nke.sockwall ",
      "Active kernel event sockets",
      "Proto Recv-Q Send-Q vendor  class subcl",
      "kevt       0      0      1      1      7",
      "Active kernel control sockets",
      "Proto Recv-Q Send-Q   unit     id name",
      "kctl       0      0      1      1 com.apple.flow-divert",
      "Active VSock sockets",
      "Proto Type   Recv-Q Send-Q Local Address      Foreign Address    State      ",
      "vsock stream      0      0 *:1024             *:*                LISTEN     ",
      "Some tcp sockets may have been deleted.",
    ].join("\n"));
    assert.deepEqual(report.unparsedLines, []);
    assert.equal(sockets.length, 0);
    assert.equal(report.kinds["other-socket"], 11);
    assert.equal(report.kinds.detail, 2);
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

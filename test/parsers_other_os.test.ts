/**
 * The non-Linux socket-table parsers (netstat-bsd, sockstat, netstat-windows,
 * powershell, lsof) on single tricky lines; whole samples are checked
 * against their expected.json by test/samples.test.ts.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { emptySnapshot, type InputReport, type Snapshot } from "../src/model/snapshot.ts";
import type { Socket } from "../src/model/socket_table.ts";
import { Ingestor, PARSERS, snapshotFromTexts } from "../src/ingest/mod.ts";
import { summarize } from "../src/report/analysis.ts";

const SAMPLES = new URL("../samples/", import.meta.url);

function readSample(rel: string): string {
  return fs.readFileSync(new URL(rel, SAMPLES), "utf8");
}

function parse(text: string, path = "inline"): { snap: Snapshot; report: InputReport; sockets: Socket[] } {
  const snap = snapshotFromTexts([{ path, text }]);
  const sockets: Socket[] = [];
  for (let i = 0; i < snap.sockets.length; i++) sockets.push(snap.sockets.get(i));
  return { snap, report: snap.inputs[0], sockets };
}

/** Parses one data line after optional context lines and returns its socket. */
function one(lines: string[]): Socket {
  const { sockets, report } = parse(lines.join("\n") + "\n");
  assert.equal(report.unparsed, 0, JSON.stringify(report.unparsedLines));
  assert.equal(sockets.length, 1);
  return sockets[0];
}

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

describe("sockstat", () => {
  it("reads FreeBSD sockstat rows with their owner", () => {
    const s = one([
      "USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS      ",
      "root     sshd       1570  4  tcp4   *:22                  *:*",
    ]);
    assert.deepEqual([s.user, s.program, s.pid, s.localPort, s.state], ["root", "sshd", 1570, 22, undefined]);
  });
});

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

describe("powershell", () => {
  it("reads the default Get-NetTCPConnection table, empty AppliedSetting included", () => {
    const { sockets, report } = parse([
      "LocalAddress                        LocalPort RemoteAddress                       RemotePort State       AppliedSetting OwningProcess",
      "------------                        --------- -------------                       ---------- -----       -------------- -------------",
      "::                                  30040     ::                                  0          Listen                     18732",
      "127.0.0.1                           53343     127.0.0.1                           5432       Established Internet       18732",
    ].join("\n"));
    assert.equal(report.unparsed, 0);
    assert.deepEqual(sockets.map((s) => [s.family, s.localPort, s.state, s.pid, s.remotePort]), [
      [6, 30040, "LISTEN", 18732, undefined],
      [4, 53343, "ESTABLISHED", 18732, 5432],
    ]);
  });

  it("reads a column subset in any order", () => {
    const { sockets } = parse([
      "State       OwningProcess LocalPort LocalAddress",
      "-----       ------------- --------- ------------",
      "TimeWait                0     50123 10.0.0.5",
      "CloseWait            4242      8080 ::1",
    ].join("\n"));
    assert.deepEqual(sockets.map((s) => [s.state, s.pid, s.localPort, s.localAddress]), [
      ["TIME_WAIT", 0, 50123, "10.0.0.5"],
      ["CLOSE_WAIT", 4242, 8080, "::1"],
    ]);
  });

  it("reads Format-List records", () => {
    const { sockets, report } = parse([
      "LocalAddress   : ::",
      "LocalPort      : 49676",
      "RemoteAddress  : ::",
      "RemotePort     : 0",
      "State          : Listen",
      "AppliedSetting :",
      "OwningProcess  : 728",
      "CreationTime   : 3/9/2024 10:02:11 AM",
      "OffloadState   : InHost",
      "",
      "LocalAddress   : 10.0.0.5",
      "LocalPort      : 50123",
      "RemoteAddress  : 10.0.0.9",
      "RemotePort     : 443",
      "State          : Established",
      "AppliedSetting : Internet",
      "OwningProcess  : 9000",
      "CreationTime   : 3/9/2024 10:05:00 AM",
      "OffloadState   : InHost",
    ].join("\n"));
    assert.equal(report.unparsed, 0);
    assert.deepEqual(sockets.map((s) => [s.state, s.localPort, s.pid]), [["LISTEN", 49676, 728], ["ESTABLISHED", 50123, 9000]]);
  });

  it("reads Group-Object State counts, with and without -NoElement", () => {
    const { snap, report } = parse([
      "Count Name                      Group",
      "----- ----                      -----",
      '   21 Listen                    {MSFT_NetTCPConnection (InstanceID = "::++49676++::++0"), MSFT_NetTCPCo...',
      '    3 Established               {MSFT_NetTCPConnection (InstanceID = "127.0.0.1++53343++127.0.0.1++5...',
      "",
      "Count Name",
      "----- ----",
      "   40 TimeWait",
    ].join("\n"));
    assert.equal(report.unparsed, 0);
    assert.deepEqual(summarize(snap).states, { LISTEN: 21, ESTABLISHED: 3, TIME_WAIT: 40 });
  });
});

describe("lsof", () => {
  it("reads a connection with an escaped command name", () => {
    const s = one([
      "COMMAND     PID   USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME",
      "Google\\x20  715 ouyang   37u  IPv4 0x9cef8317977c12a5      0t0  TCP 127.0.0.1:62722->127.0.0.1:4780 (CLOSE_WAIT)",
    ]);
    assert.deepEqual([s.program, s.pid, s.user, s.state, s.localPort, s.remotePort], ["Google ", 715, "ouyang", "CLOSE_WAIT", 62722, 4780]);
  });

  it("reads listeners by name, IPv6 in brackets and host names", () => {
    const a = one(["sshd     1231 root    3u  IPv6  21393      0t0  TCP *:ssh (LISTEN)"]);
    assert.deepEqual([a.family, a.localPort, a.state, a.remoteAddress], [6, 22, "LISTEN", "*"]);
    const b = one(["cupsd     412 root    7u  IPv6 0x6d1c2a1b2c3d4e5f      0t0  TCP [::1]:631 (LISTEN)"]);
    assert.deepEqual([b.localAddress, b.localPort], ["::1", 631]);
    const c = one(["nginx    9020 www    6u  IPv4 123456      0t0  TCP host.example.com:https (LISTEN)"]);
    assert.deepEqual([c.localAddress, c.localPort, c.family], ["host.example.com", 443, 4]);
    const d = one(["java     3952 app   56u  IPv4 223344      0t0  TCP localhost:http->host:51234 (CLOSE_WAIT)"]);
    assert.deepEqual([d.localPort, d.remoteAddress, d.remotePort], [80, "host", 51234]);
  });

  it("reads -T qs queue sizes", () => {
    const s = one(["node    33784 me   13u  IPv4 0x9cef      0t0  TCP 10.0.0.2:3000->10.0.0.9:50000 (ESTABLISHED QR=0 QS=4096)"]);
    assert.deepEqual([s.recvQ, s.sendQ], [0, 4096]);
  });

  it("reads UDP rows as other sockets", () => {
    const { sockets, report } = parse("rapportd    366 ouyang    5u  IPv4 0x9cef83178db23935      0t0  UDP *:*\n");
    assert.equal(sockets.length, 0);
    assert.equal(report.kinds["other-socket"], 1);
  });
});

describe("formats stay apart", () => {
  it("Linux netstat rows stay netstat-linux, BSD rows netstat-bsd", () => {
    const linux = parse([
      "Active Internet connections (servers and established)",
      "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ",
      "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     ",
      "tcp6       0      0 :::80                   :::*                    LISTEN     ",
    ].join("\n"));
    assert.deepEqual(linux.report.formats, { "netstat-linux": 2 });
    assert.equal(linux.report.unparsed, 0);
    const bsd = parse("tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN\n");
    assert.deepEqual(bsd.report.formats, { "netstat-bsd": 1 });
  });

  it("ss rows stay ss, Windows rows netstat-windows, lsof rows lsof", () => {
    assert.deepEqual(parse("LISTEN 0 128 *:22 *:*\n").report.formats, { ss: 1 });
    assert.deepEqual(parse("  TCP    0.0.0.0:135    0.0.0.0:0    LISTENING    1028\n").report.formats, { "netstat-windows": 1 });
    assert.deepEqual(parse("sshd 1231 root 3u IPv4 21391 0t0 TCP *:22 (LISTEN)\n").report.formats, { lsof: 1 });
  });

  it("never throws on junk", () => {
    const junk = [
      "tcp4", "tcp4 0 0", "tcp4 x y a.b c.d", "0/0/", "0/0/x *.1", "  TCP", "  TCP :", "  TCP [::]:1 [", "COMMAND PID",
      "a 1 b 3u IPv4 x 0t0 TCP", "a 1 b 3u IPv4 x 0t0 TCP ->", "LocalAddress : ", "Count Name", "   1 ", "----- ----",
      "fffff80003ab6100", "fffff80003ab6100 tcp4", "State", "-----", "x".repeat(10000), "tcp4 0 0 " + ".".repeat(5000),
    ];
    for (const j of junk) assert.doesNotThrow(() => parse(j + "\n"));
  });
});

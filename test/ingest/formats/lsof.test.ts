/** The lsof format. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NONE } from "../../../src/model/socket_table.ts";
import { expectCounts, one, parse, read } from "../_read.ts";

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

describe("lsof rows from pastes", () => {
  it("reads a socket in no kernel table ('can't identify protocol', 'protocol: TCP') as one in CLOSED held by its process", () => {
    const r = expectCounts([
      "polipo     5646          proxy  661u     sock                0,6       0t0 3066108598 can't identify protocol",
      "sslh       79085                              sslh 1017u     sock                0,9       0t0    4982348 protocol: TCP",
    ], 2, { CLOSED: 2 });
    assert.equal(r.report.unparsed, 0);
    assert.deepEqual(r.sockets.map((s) => [s.pid, s.program]), [[5646, "polipo"], [79085, "sslh"]]);
    // Another protocol named, or no sockfs socket: not a TCP row.
    const other = read(["x  1 root  3u  sock  0,9  0t0  1 protocol: UNIX", "x  1 root  4u  a_inode  0,13  0  1 can't identify protocol"]);
    assert.equal(other.summary.sockets, 0);
  });
  it("reads an HTML-escaped arrow", () => {
    const r = expectCounts([
      "java    30840 zoechi  101u  IPv6 27889117      0t0  TCP localhost:46750-&gt;localhost:5005 (CLOSE_WAIT)",
    ], 1, { CLOSE_WAIT: 1 });
    assert.equal(r.sockets[0].remotePort, 5005);
    assert.equal(r.sockets[0].localPort, 46750);
  });
});

describe("lsof COMMAND names", () => {
  it("decodes \\xNN escapes, but a control character stays a visible escape, never a live one", () => {
    const head = "COMMAND     PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME";
    const s = one([head, "evil\\x1b]52;c;eXk=\\x07 1234 root 3u IPv4 123 0t0 TCP 127.0.0.1:80->127.0.0.1:5000 (ESTABLISHED)"]);
    assert.equal(s.program, "evil\\x1b]52;c;eXk=\\x07");
    assert.ok(!/[\x00-\x1f\x7f-\x9f]/.test(s.program!));
    assert.equal(one([head, "Google\\x20Chrome 12 me 3u IPv4 1 0t0 TCP 127.0.0.1:80->127.0.0.1:5000 (ESTABLISHED)"]).program, "Google Chrome");
  });
});

/**
 * The resmon format: Windows Resource Monitor's Listening Ports pane copied
 * as text. The first rows are verbatim from DNSCrypt/dnscrypt-proxy's issue
 * tracker (a port-53 conflict report); the others follow the pane's columns.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectCounts, one, read } from "../_read.ts";

describe("resmon", () => {
  it("reads the pane's heading and its rows with the addresses it names in words", () => {
    const lines = [
      "Listening Ports     PID      Address   Port  Protocol",
      "",
      "dnscrypt-proxy.exe  9156 IPv6 loopback   53   TCP",
      "dnscrypt-proxy.exe  9156 IPv4 loopback   53   TCP",
    ];
    expectCounts(lines, 2, { LISTEN: 2 });
    const { report, sockets } = read(lines);
    assert.equal(report.format, "resmon");
    assert.equal(report.platform, "windows");
    assert.deepEqual(sockets.map((s) => [s.localAddress, s.localPort, s.pid, s.program]), [
      ["::1", 53, 9156, "dnscrypt-proxy.exe"],
      ["127.0.0.1", 53, 9156, "dnscrypt-proxy.exe"],
    ]);
  });
  it("takes an image name with spaces, a literal address and the firewall column", () => {
    const s = one(["svchost.exe (RPCSS)  1020  IPv4 unspecified  135  TCP  Allowed, not restricted"]);
    assert.deepEqual([s.state, s.localAddress, s.localPort, s.pid, s.program], ["LISTEN", "0.0.0.0", 135, 1020, "svchost.exe (RPCSS)"]);
    assert.equal(one(["System  4  192.168.1.20  139  TCP  Not allowed, restricted"]).localAddress, "192.168.1.20");
  });
  it("counts UDP rows as other sockets and declines rows without a PID", () => {
    expectCounts(["svchost.exe  1400  IPv4 unspecified  5353  UDP"], 0, {});
    assert.equal(read(["some words IPv4 loopback 53 TCP"]).sockets.length, 0);
  });
});

/** The conntrack format (conntrack -L and /proc/net/nf_conntrack). */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectCounts, one, readSample } from "../_read.ts";

describe("conntrack", () => {
  it("reads a conntrack -L flow as the socket of its original direction", () => {
    const s = one([
      "tcp      6 118 SYN_SENT src=127.0.0.1 dst=127.0.0.20 sport=48386 dport=5432 [UNREPLIED] src=127.0.0.20 dst=127.0.0.1 sport=5432 dport=48386 mark=0 use=1",
    ]);
    assert.deepEqual([s.state, s.localAddress, s.localPort, s.remoteAddress, s.remotePort], ["SYN_SENT", "127.0.0.1", 48386, "127.0.0.20", 5432]);
  });
  it("reads /proc/net/nf_conntrack rows with their layer-3 columns", () => {
    const s = one([
      "ipv4     2 tcp      6 431997 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=43580 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=43580 [ASSURED] mark=0 zone=0 use=2",
    ]);
    assert.deepEqual([s.state, s.localPort, s.remotePort], ["ESTABLISHED", 43580, 8080]);
  });
  it("counts the lab's captures as the awk oracle does", () => {
    for (const f of ["conntrack-L.txt", "proc-net-nf_conntrack.txt"]) {
      const text = readSample(`linux/formats-extra/${f}`).trimEnd().split("\n");
      expectCounts(text, 32, { SYN_SENT: 6, ESTABLISHED: 11, CLOSE_WAIT: 5, TIME_WAIT: 10 });
    }
  });
});

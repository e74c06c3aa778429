/** The psutil format (sconn/pconn reprs). */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_LINE } from "../../../src/ingest/format.ts";
import { expectCounts, one, readSample } from "../_read.ts";

describe("psutil", () => {
  it("reads a new-style sconn with its pid", () => {
    const s = one([
      "sconn(fd=21, family=<AddressFamily.AF_INET6: 10>, type=<SocketKind.SOCK_STREAM: 1>, laddr=addr(ip='::1', port=8443), raddr=addr(ip='::1', port=48278), status='ESTABLISHED', pid=9453)",
    ]);
    assert.deepEqual([s.state, s.family, s.localPort, s.remotePort, s.pid], ["ESTABLISHED", 6, 8443, 48278, 9453]);
  });
  it("reads an old-style pconn and a listener without a remote address", () => {
    const s = one(["pconn(fd=3, family=2, type=1, laddr=('0.0.0.0', 80), raddr=(), status='LISTEN')"]);
    assert.deepEqual([s.state, s.localPort], ["LISTEN", 80]);
  });
  it("reads a printed list on one line, even one longer than any row", () => {
    const text = readSample("linux/formats-extra/psutil-net-connections.txt").trimEnd();
    assert.ok(text.length > MAX_LINE);
    const states = { LISTEN: 4, SYN_SENT: 6, ESTABLISHED: 22, FIN_WAIT_2: 5, CLOSE_WAIT: 5, TIME_WAIT: 10 };
    expectCounts([text], 52, states);
    expectCounts(readSample("linux/formats-extra/psutil-per-line.txt").trimEnd().split("\n"), 52, states);
  });
});
